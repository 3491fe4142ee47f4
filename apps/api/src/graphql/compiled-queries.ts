import { ApolloServerPlugin, GraphQLResponse, HeaderMap } from '@apollo/server';
import { DocumentNode, GraphQLSchema, OperationTypeNode } from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { RequestContext } from '@app/common';

/** How a compiled operation runs. */
type CompiledRun = CompiledQuery['query'];

/** A document's compiled operations by name ('' for an anonymous one); null: not compilable. */
type CompiledOperations = Map<string, CompiledRun | null>;

/**
 * Runs queries sent over HTTP as JavaScript compiled once per document (graphql-jit), instead of
 * graphql-js's interpreter, which walks the selection and makes promises for every field of every
 * item on each request: a fifth of a home page's CPU (docs/performance.md, "Timeline read against
 * peers"). The compiled query calls the same resolvers with the same context; Apollo still
 * parses, validates, limits and answers, and only execution goes through its
 * `responseForOperation` hook.
 *
 * A query whose compiled run met an error, or that graphql-jit cannot compile, is executed again
 * the usual way, so every error is shaped and formatted in one place; a query changes nothing, so
 * running it twice is safe, and the request's loaders answer the second run from what the first
 * read. The first run's errors are not logged (`quietErrors`): the second reports them. Mutations
 * never take this path, nor do websocket operations.
 */
export function compiledQueries(): ApolloServerPlugin<RequestContext> {
  // Apollo hands out the same parsed document for the same text (its document store), so the
  // compiled code lives as long as the document does.
  const byDocument = new WeakMap<DocumentNode, CompiledOperations>();

  const compiled = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null,
  ): CompiledRun | null => {
    let operations = byDocument.get(document);
    if (!operations) {
      operations = new Map();
      byDocument.set(document, operations);
    }
    const name = operationName ?? '';
    let run = operations.get(name);
    if (run === undefined) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      run = isCompiledQuery(result) ? result.query : null;
      operations.set(name, run);
    }
    return run;
  };

  return {
    requestDidStart: () =>
      Promise.resolve({
        responseForOperation: async ({
          schema,
          document,
          operation,
          operationName,
          contextValue,
          request,
        }): Promise<GraphQLResponse | null> => {
          // No operation when the document has none of the requested name: Apollo answers that.
          if (operation?.operation !== OperationTypeNode.QUERY) return null;
          const run = compiled(schema, document, operationName);
          if (!run) return null;
          contextValue.quietErrors = true;
          let result: Awaited<ReturnType<CompiledRun>>;
          try {
            result = await run(undefined, contextValue, request.variables ?? {});
          } finally {
            contextValue.quietErrors = false;
          }
          if (result.errors?.length) return null;
          return {
            body: { kind: 'single', singleResult: { data: result.data } },
            http: { status: undefined, headers: new HeaderMap() },
          };
        },
      }),
  };
}
