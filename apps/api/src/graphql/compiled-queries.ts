import { Logger } from '@nestjs/common';
import { ApolloServerPlugin, GraphQLRequestListener, HeaderMap } from '@apollo/server';
import {
  BREAK,
  DocumentNode,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  OperationTypeNode,
  visit,
} from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { RecentlyUsed } from '@app/common';

export interface CompiledQuerySettings {
  /** Uses of a document before it is compiled: compiling costs milliseconds, a use microseconds. */
  readonly usesBeforeCompiling: number;
  /** Compiled documents kept, least recently used dropped first. */
  readonly capacity: number;
}

type RunCompiled = CompiledQuery['query'];

const log = new Logger('CompiledQueries');

/**
 * Whether graphql-jit may run the document as written. It writes argument literals into the
 * JavaScript it generates, and a string of one form comes out as code: a document with any
 * string value stays in graphql-js. It also shares `@skip`/`@include` state between the uses of
 * a fragment: a document with any directive stays in graphql-js too.
 */
export function compilable(document: DocumentNode): boolean {
  let safe = true;
  visit(document, {
    [Kind.STRING]() {
      safe = false;
      return BREAK;
    },
    [Kind.DIRECTIVE]() {
      safe = false;
      return BREAK;
    },
  });
  return safe;
}

/** The document compiled, or false where graphql-jit cannot: graphql-js runs it then. */
function compile(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
): RunCompiled | false {
  try {
    const query = compileQuery(schema, document, operationName);
    return isCompiledQuery(query) && query.query;
  } catch (error) {
    log.warn(
      `graphql-jit could not compile query ${operationName ?? '(unnamed)'}: ${String(error)}`,
    );
    return false;
  }
}

/**
 * Runs the queries clients send again and again (a home page, a profile) as JavaScript compiled
 * for their document by graphql-jit, which skips graphql-js's walk of the selection per object
 * and its argument objects per field: a fifth of what a home page allocates (docs/performance.md).
 * Only queries: a mutation runs once per intent and must run once. An answer with errors is left
 * to graphql-js, which runs the query again, so errors keep the one path where Apollo formats and
 * maps them.
 */
export function compiledQueries(settings: CompiledQuerySettings): ApolloServerPlugin {
  // By operation node: Apollo keeps each query text's parsed document, so a text sent again
  // brings the same node, and a lookup costs no hashing of the text.
  const uses = new RecentlyUsed<OperationDefinitionNode, number>(settings.capacity * 2);
  const compiled = new RecentlyUsed<OperationDefinitionNode, RunCompiled | false>(
    settings.capacity,
  );

  const runnerFor = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
  ): RunCompiled | undefined => {
    const known = compiled.get(operation);
    if (known !== undefined) return known || undefined;
    const count = (uses.get(operation) ?? 0) + 1;
    uses.set(operation, count);
    if (count < settings.usesBeforeCompiling) return undefined;
    uses.delete(operation);
    const name = operation.name?.value;
    const runnable = compilable(document) && compile(schema, document, name);
    log.debug(`${runnable ? 'Compiled' : 'Left to graphql-js'}: query ${name ?? '(unnamed)'}`);
    compiled.set(operation, runnable);
    return runnable || undefined;
  };

  return {
    requestDidStart: (): Promise<GraphQLRequestListener<object>> =>
      Promise.resolve({
        responseForOperation: async ({ schema, document, operation, request, contextValue }) => {
          // Apollo's types promise an operation; an unknown operation name arrives without one.
          const resolved = operation as typeof operation | undefined;
          if (resolved?.operation !== OperationTypeNode.QUERY) return null;
          const run = runnerFor(schema, document, resolved);
          if (!run) return null;
          const result = await run(undefined, contextValue, request.variables ?? {});
          if (result.errors?.length) return null;
          return {
            http: { headers: new HeaderMap(), status: undefined },
            body: { kind: 'single', singleResult: { data: result.data } },
          };
        },
      }),
  };
}
