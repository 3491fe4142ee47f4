import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { DocumentNode, GraphQLError, GraphQLSchema, ParseOptions, ValidationRule } from 'graphql';
import { buildExecutionContext } from 'graphql/execution/execute';
import { depthLimitRule } from './depth-limit';
import { operationCostError } from './operation-cost';
import { operationInputError } from './operation-input-error';
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
   * The request's own errors, as graphql-js words them when it executes (an unknown or missing
   * operation, variables that do not fit their types), as BAD_USER_INPUT; else the cost's.
   */
  inputErrors(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): { input: readonly GraphQLError[] } | { cost: GraphQLError } | undefined {
    const execution = buildExecutionContext({
      schema,
      document,
      operationName,
      variableValues: variables,
    });
    if (Array.isArray(execution)) {
      return {
        input: (execution as readonly GraphQLError[]).map((error) =>
          operationInputError(error.message, {
            nodes: error.nodes,
            originalError: error.originalError,
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
   * cost. The request's own errors are left to Apollo, which refuses them before any resolver
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
