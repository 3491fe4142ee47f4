import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { InvalidInputError, NotFoundError, RateLimitedError } from './domain-errors';
import { formatGraphQLError } from './format-graphql-error';

const STACK = ['Error: boom', '    at resolver (/srv/app/secret-path.js:1:1)'];

/** What graphql-js hands the formatter for an error thrown in a resolver. */
function fromResolver(original: Error): { formatted: GraphQLFormattedError; error: GraphQLError } {
  const error = new GraphQLError(original.message, {
    path: ['field'],
    originalError: original,
  });
  return {
    error,
    formatted: {
      message: original.message,
      path: ['field'],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: STACK },
    },
  };
}

/** An error Apollo raised before execution (parse, validation), as it formats it. */
function fromApollo(code: string, extra: Record<string, unknown> = {}) {
  const formatted: GraphQLFormattedError = {
    message: 'Cannot query field "nope" on type "Query".',
    locations: [{ line: 1, column: 3 }],
    extensions: { code, stacktrace: STACK, ...extra },
  };
  return { formatted, error: new GraphQLError(formatted.message, { extensions: { code } }) };
}

describe('formatGraphQLError', () => {
  describe.each([true, false])('with production = %s', (production) => {
    it('keeps a domain error’s code, message and details, and nothing else', () => {
      const { formatted, error } = fromResolver(InvalidInputError.field('handle', 'is taken'));
      expect(formatGraphQLError(formatted, error, production)).toEqual({
        message: 'handle: is taken',
        path: ['field'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'handle', message: 'is taken' }] },
      });
    });

    it('keeps the details of other domain errors', () => {
      const limited = fromResolver(new RateLimitedError('Slow down.', 42));
      expect(formatGraphQLError(limited.formatted, limited.error, production).extensions).toEqual({
        code: 'RATE_LIMITED',
        retryAfterSeconds: 42,
      });
      const missing = fromResolver(new NotFoundError('The post'));
      expect(formatGraphQLError(missing.formatted, missing.error, production)).toMatchObject({
        message: 'The post was not found.',
        extensions: { code: 'NOT_FOUND' },
      });
    });

    it.each(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST'])(
      'turns %s into BAD_USER_INPUT without a stack trace',
      (code) => {
        const { formatted, error } = fromApollo(code);
        const result = formatGraphQLError(formatted, error, production);
        expect(result.message).toBe(formatted.message);
        expect(result.extensions?.code).toBe('BAD_USER_INPUT');
        expect(result.extensions).not.toHaveProperty('stacktrace');
      },
    );

    it('answers BAD_USER_INPUT when PostgreSQL refuses a NUL character', () => {
      const refused = new QueryFailedError(
        'SELECT 1 WHERE $1 = $1',
        ['a\u0000b'],
        Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
          code: '22021',
        }),
      );
      const { formatted, error } = fromResolver(refused);
      expect(formatGraphQLError(formatted, error, production)).toEqual({
        message: 'Text cannot contain the NUL character (\\u0000).',
        path: ['field'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
  });

  it('keeps the extensions of client input errors outside production, not in it', () => {
    const { formatted, error } = fromApollo('BAD_USER_INPUT', { cost: 900, maxCost: 50 });
    expect(formatGraphQLError(formatted, error, false).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      cost: 900,
      maxCost: 50,
    });
    expect(formatGraphQLError(formatted, error, true).extensions).toEqual({
      code: 'BAD_USER_INPUT',
    });
  });

  it('hides an unexpected error in production: generic message, no stack trace', () => {
    const { formatted, error } = fromResolver(new Error('connect ECONNREFUSED 10.0.0.7:5432'));
    const result = formatGraphQLError(formatted, error, true);
    expect(result).toEqual({
      message: 'Internal server error',
      path: ['field'],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(result)).not.toMatch(/ECONNREFUSED|secret-path/);
  });

  it('hides other database errors in production too', () => {
    const duplicate = new QueryFailedError(
      'INSERT INTO users …',
      [],
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
    );
    const { formatted, error } = fromResolver(duplicate);
    expect(formatGraphQLError(formatted, error, true)).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('leaves an unexpected error as it is outside production, for debugging', () => {
    const { formatted, error } = fromResolver(new Error('boom'));
    expect(formatGraphQLError(formatted, error, false)).toBe(formatted);
  });
});
