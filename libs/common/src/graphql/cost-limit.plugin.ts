import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../pagination/connection';

/**
 * A list field costs its children times the page it asks for (`first`, else the default page),
 * so `followers(first: 100) { followers(first: 100) { … } }` is priced for what it would load.
 */
const pagedEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((arg) => arg.name === 'first')) return undefined;
  const first: unknown = args.first;
  const size = typeof first === 'number' && first > 0 ? first : DEFAULT_PAGE_SIZE;
  return 1 + size * Math.max(childComplexity, 1);
};

const estimators = [pagedEstimator, simpleEstimator({ defaultComplexity: 1 })];

/**
 * BAD_USER_INPUT when the operation would cost more than `maxCost`, else undefined. Variables
 * that do not fit their types are left to execution, which refuses them before any resolver.
 */
export function operationCostError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  maxCost: number,
): GraphQLError | undefined {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators,
    });
  } catch {
    return undefined;
  }
  if (cost <= maxCost) return undefined;
  return new GraphQLError(
    `The operation would cost ${cost} points; the limit is ${maxCost}. Ask for smaller pages or fewer nested lists.`,
    { extensions: { code: 'BAD_USER_INPUT', cost, maxCost, http: { status: 400 } } },
  );
}

/** Refuses operations whose estimated cost exceeds the limit, before any resolver runs. */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    requestDidStart(): Promise<GraphQLRequestListener<object>> {
      return Promise.resolve({
        didResolveOperation({ request, document, schema }) {
          const error = operationCostError(
            schema,
            document,
            request.operationName,
            request.variables,
            maxCost,
          );
          return error ? Promise.reject(error) : Promise.resolve();
        },
      });
    },
  };
}
