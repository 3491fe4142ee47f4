import { GraphQLSchemaHost } from '@nestjs/graphql';
import { DocumentNode, GraphQLError, parse, specifiedRules, validate } from 'graphql';
import { OperationLimits, RecentlyUsed } from '@app/common';

/** A parsed and validated operation text: its document, or the errors to answer with. */
export type CheckedDocument =
  | { document: DocumentNode; errors?: undefined }
  | { document?: undefined; errors: readonly GraphQLError[] };

const withCode = (error: GraphQLError, code: string) =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });

/**
 * Parses and validates websocket operations, remembering the last `capacity` valid texts:
 * thousands of clients subscribing with the same query then share one document and one
 * validation, which saves the CPU of a reconnect storm and the memory of a document per socket.
 * Neither depends on the variables, which are checked per operation (OperationLimits.inputErrors).
 * Refused texts are not kept, so garbage cannot fill the cache.
 */
export class OperationDocuments {
  private readonly checked: RecentlyUsed<string, CheckedDocument>;

  constructor(
    private readonly schema: GraphQLSchemaHost,
    private readonly limits: OperationLimits,
    capacity = 200,
  ) {
    this.checked = new RecentlyUsed(capacity);
  }

  check(query: string): CheckedDocument {
    const hit = this.checked.get(query);
    if (hit) return hit;
    const checked = this.parseAndValidate(query);
    if (!checked.errors) this.checked.set(query, checked);
    return checked;
  }

  private parseAndValidate(query: string): CheckedDocument {
    let document: DocumentNode;
    try {
      document = parse(query, this.limits.parseOptions);
    } catch (error) {
      if (error instanceof GraphQLError)
        return { errors: [withCode(error, 'GRAPHQL_PARSE_FAILED')] };
      throw error;
    }
    const errors = validate(this.schema.schema, document, [
      ...specifiedRules,
      ...this.limits.validationRules,
    ]);
    if (errors.length > 0) {
      return { errors: errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) };
    }
    return { document };
  }
}
