import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, OperationDefinitionNode, OperationTypeNode, parse } from 'graphql';
import { webOperation } from '@app/testing';
import { compilable } from './compiled-queries';

const WEB_GRAPHQL = join(__dirname, '../../../web/src/graphql');

describe('compilable', () => {
  it('refuses a string anywhere, in an argument, a list, an object or a default', () => {
    expect(compilable(parse('query { user(handle: "a") { id } }'))).toBe(false);
    expect(compilable(parse('query { a(ids: [1, "2"]) }'))).toBe(false);
    expect(compilable(parse('query { a(input: { b: { c: """x""" } }) }'))).toBe(false);
    expect(compilable(parse('query($h: String = "a") { user(handle: $h) { id } }'))).toBe(false);
  });

  it('refuses a directive anywhere, on a field, a spread or a fragment', () => {
    expect(compilable(parse('query($s: Boolean!) { a @skip(if: $s) }'))).toBe(false);
    expect(compilable(parse('query { ...F } fragment F on Query @x { a }'))).toBe(false);
    expect(compilable(parse('query($i: Boolean!) { ... on Query @include(if: $i) { a } }'))).toBe(
      false,
    );
  });

  it('accepts variables and number, boolean, enum and null literals', () => {
    expect(
      compilable(
        parse('query($a: String) { b(after: $a, first: 20, on: true, k: POST, x: null) }'),
      ),
    ).toBe(true);
  });

  it('accepts every query the web app sends, so each gets compiled', () => {
    const queries = readdirSync(WEB_GRAPHQL)
      .filter((file) => file.endsWith('.graphql') && file !== 'fragments.graphql')
      .flatMap((file) =>
        parse(readFileSync(join(WEB_GRAPHQL, file), 'utf8'))
          .definitions.filter(
            (definition): definition is OperationDefinitionNode =>
              definition.kind === Kind.OPERATION_DEFINITION &&
              definition.operation === OperationTypeNode.QUERY,
          )
          .map((definition) => webOperation(file, definition.name!.value)),
      );
    expect(queries.length).toBeGreaterThanOrEqual(10);
    for (const query of queries) expect([query, compilable(parse(query))]).toEqual([query, true]);
  });
});
