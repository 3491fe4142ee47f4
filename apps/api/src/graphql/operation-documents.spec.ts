import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema } from 'graphql';
import { OperationLimits } from '@app/common';
import { OperationDocuments } from './operation-documents';

const schema = { schema: buildSchema('type Query { a: Int, b: Int }') } as GraphQLSchemaHost;
const limits = new OperationLimits({
  maxTokens: 1000,
  maxDepth: 10,
  maxCost: 1000,
  maxRootFields: 10,
  maxMutations: 1,
  maxAliases: 10,
  maxFragmentSpreads: 10,
});

describe('OperationDocuments', () => {
  it('answers the same text with the same document', () => {
    const documents = new OperationDocuments(schema, limits);
    const first = documents.check('{ a }');
    expect(first.document).toBeDefined();
    expect(documents.check('{ a }').document).toBe(first.document);
  });

  it('answers a text that does not parse or validate with coded errors, every time', () => {
    const documents = new OperationDocuments(schema, limits);
    for (let i = 0; i < 2; i += 1) {
      expect(documents.check('{ a').errors?.[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(documents.check('{ c }').errors?.[0].extensions.code).toBe(
        'GRAPHQL_VALIDATION_FAILED',
      );
    }
  });

  it('forgets the least recently used text beyond its capacity', () => {
    const documents = new OperationDocuments(schema, limits, 2);
    const a = documents.check('{ a }').document;
    const b = documents.check('{ b }').document;
    expect(documents.check('{ a }').document).toBe(a);
    documents.check('{ a b }');
    expect(documents.check('{ a }').document).toBe(a);
    expect(documents.check('{ b }').document).not.toBe(b);
  });
});
