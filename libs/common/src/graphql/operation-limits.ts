import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import {
  DocumentNode,
  getOperationAST,
  GraphQLError,
  GraphQLSchema,
  ParseOptions,
  ValidationRule,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { depthLimitRule } from './depth-limit';
import { operationCostError } from './operation-cost';
import { OperationShapeLimits, operationShapeRule } from './operation-shape';

export interface OperationLimitSettings extends OperationShapeLimits {
  readonly maxTokens: number;
  readonly maxDepth: number;
  readonly maxCost: number;
}

/**
 * Every limit an operation meets before it runs, in one definition that HTTP (Apollo) and
 * websockets (graphql-ws) both apply: the parser's token cap, validation rules (depth, top-level
 * fields, aliases, fragment spreads), then, once the variables are known, their types and the cost.
 */
export class OperationLimits {
  readonly parseOptions: ParseOptions;
  readonly validationRules: readonly ValidationRule[];

  constructor(private readonly settings: OperationLimitSettings) {
    this.parseOptions = { maxTokens: settings.maxTokens };
    this.validationRules = [depthLimitRule(settings.maxDepth), operationShapeRule(settings)];
  }

  /**
   * The variables' errors as graphql-js words them (BAD_USER_INPUT), else the cost's, else none.
   * Unknown operations are left to the caller's own "no operation" answer.
   */
  inputErrors(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): { variables: readonly GraphQLError[] } | { cost: GraphQLError } | undefined {
    const operation = getOperationAST(document, operationName);
    if (!operation) return undefined;
    const coerced = getVariableValues(
      schema,
      operation.variableDefinitions ?? [],
      variables ?? {},
      {
        maxErrors: 50,
      },
    );
    if (coerced.errors) {
      return {
        variables: coerced.errors.map(
          (error) =>
            new GraphQLError(error.message, {
              nodes: error.nodes,
              originalError: error.originalError,
              extensions: { code: 'BAD_USER_INPUT' },
            }),
        ),
      };
    }
    const cost = operationCostError(
      schema,
      document,
      operationName,
      variables,
      this.settings.maxCost,
    );
    return cost ? { cost } : undefined;
  }

  /**
   * Apollo parses with `parseOptions` and validates with `validationRules`; this plugin adds the
   * cost. Variables that do not fit are left to Apollo, which refuses them before any resolver
   * with the same graphql-js messages.
   */
  apolloPlugin(): ApolloServerPlugin {
    return {
      requestDidStart: (): Promise<GraphQLRequestListener<object>> =>
        Promise.resolve({
          didResolveOperation: ({ request, document, schema }) => {
            const errors = this.inputErrors(
              schema,
              document,
              request.operationName,
              request.variables,
            );
            return errors && 'cost' in errors ? Promise.reject(errors.cost) : Promise.resolve();
          },
        }),
    };
  }
}
