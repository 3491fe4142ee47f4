import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLFormattedError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-errors';

/** Apollo's own codes for requests that never reached a resolver: all are the client's input. */
const CLIENT_INPUT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'BAD_REQUEST',
]);

/**
 * PostgreSQL refuses text containing U+0000 (character_not_in_repertoire). The service never
 * writes one itself, so it came from the client; the failed statement rolled back.
 */
function isNulCharacterRefused(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: unknown } | undefined)?.code === '22021'
  );
}

/**
 * The one place where errors become what clients see: domain errors keep their code and message,
 * GraphQL syntax and validation failures are BAD_USER_INPUT, and everything else is an internal
 * error whose details never leave the server in production.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  production: boolean,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...original.details, code: original.code },
    };
  }
  if (isNulCharacterRefused(original)) {
    return {
      message: 'Text cannot contain the NUL character (\\u0000).',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'BAD_USER_INPUT' },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_INPUT_CODES.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return {
      ...formatted,
      extensions: production
        ? { code: 'BAD_USER_INPUT' }
        : { ...extensions, code: 'BAD_USER_INPUT' },
    };
  }
  if (production) {
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
  return formatted;
}
