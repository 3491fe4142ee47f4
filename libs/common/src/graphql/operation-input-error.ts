import { ASTNode, GraphQLError } from 'graphql';

export interface OperationInputErrorOptions {
  /** Where in the document the problem is. */
  nodes?: readonly ASTNode[];
  originalError?: Error;
  /** What the client needs to fix it (the limit, the cost), beside the code. */
  extensions?: Record<string, unknown>;
}

/**
 * The one shape of an operation refused before it runs, by a limit (depth, shape, cost, operations
 * per socket) or by its own request (variables that do not fit): BAD_USER_INPUT.
 */
export function operationInputError(
  message: string,
  options: OperationInputErrorOptions = {},
): GraphQLError {
  return new GraphQLError(message, {
    nodes: options.nodes,
    originalError: options.originalError,
    extensions: { code: 'BAD_USER_INPUT', ...options.extensions },
  });
}
