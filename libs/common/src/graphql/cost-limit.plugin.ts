import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError } from 'graphql';
import {
  ComplexityEstimator,
  createComplexityRule,
  getComplexity,
  simpleEstimator,
} from 'graphql-query-complexity';
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

function tooCostly(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(
    `The operation would cost ${cost} points; the limit is ${maxCost}. Ask for smaller pages or fewer nested lists.`,
    { extensions: { code: 'BAD_USER_INPUT', cost, maxCost, http: { status: 400 } } },
  );
}

/**
 * The same limit as a validation rule, for websocket operations (graphql-ws validates, Apollo's
 * plugins do not run there). Pages given by variables count as the default page.
 */
export function costLimitRule(maxCost: number) {
  return createComplexityRule({
    maximumComplexity: maxCost,
    estimators,
    createError: (max, actual) => tooCostly(actual, max),
  });
}

/** Refuses operations whose estimated cost exceeds the limit, before any resolver runs. */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    requestDidStart(): Promise<GraphQLRequestListener<object>> {
      return Promise.resolve({
        didResolveOperation({ request, document, schema }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators,
            });
          } catch {
            // Variables that do not fit their types: execution refuses them next, as
            // BAD_USER_INPUT, before any resolver runs.
            return Promise.resolve();
          }
          if (cost > maxCost) throw tooCostly(cost, maxCost);
          return Promise.resolve();
        },
      });
    },
  };
}
