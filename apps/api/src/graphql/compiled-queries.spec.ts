import { ApolloServer } from '@apollo/server';
import { buildSchema, GraphQLFieldResolver, GraphQLObjectType } from 'graphql';
import { compileQuery } from 'graphql-jit';
import { RequestContext, RequestLoaders } from '@app/common';
import { compiledQueries } from './compiled-queries';

jest.mock('graphql-jit', () => {
  const actual = jest.requireActual<typeof import('graphql-jit')>('graphql-jit');
  return { ...actual, compileQuery: jest.fn(actual.compileQuery) };
});

const compile = compileQuery as jest.MockedFunction<typeof compileQuery>;

describe('compiledQueries', () => {
  const calls = { count: 0, bump: 0, quietWhenFailing: [] as (boolean | undefined)[] };
  let server: ApolloServer<RequestContext>;

  beforeAll(async () => {
    const schema = buildSchema(`
      type Query { greeting(name: String!): String! count: Int! fails: String }
      type Mutation { bump: Int! }
    `);
    const resolve = (
      type: GraphQLObjectType | null | undefined,
      field: string,
      fn: GraphQLFieldResolver<unknown, RequestContext>,
    ) => {
      type!.getFields()[field].resolve = fn;
    };
    resolve(schema.getQueryType(), 'greeting', (_, args: { name: string }) => `hello ${args.name}`);
    resolve(schema.getQueryType(), 'count', () => (calls.count += 1));
    resolve(schema.getQueryType(), 'fails', (_, __, context: RequestContext) => {
      calls.quietWhenFailing.push(context.quietErrors);
      throw new Error('no');
    });
    resolve(schema.getMutationType(), 'bump', () => (calls.bump += 1));
    server = new ApolloServer<RequestContext>({ schema, plugins: [compiledQueries()] });
    await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    compile.mockClear();
    calls.count = 0;
    calls.bump = 0;
    calls.quietWhenFailing = [];
  });

  const run = async (query: string, variables?: Record<string, unknown>) => {
    const contextValue: RequestContext = {
      viewer: undefined,
      loaders: new RequestLoaders(undefined),
      ip: '127.0.0.1',
    };
    const { body } = await server.executeOperation({ query, variables }, { contextValue });
    if (body.kind !== 'single') throw new Error('expected a single result');
    return body.singleResult;
  };

  it('answers a query with code compiled once per document', async () => {
    const query = 'query($name: String!) { greeting(name: $name) count }';
    expect(await run(query, { name: 'Ana' })).toEqual({
      data: { greeting: 'hello Ana', count: 1 },
    });
    expect(await run(query, { name: 'Bob' })).toEqual({
      data: { greeting: 'hello Bob', count: 2 },
    });
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('runs a query that meets an error again the usual way, so Apollo shapes the error', async () => {
    const result = await run('{ count fails }');
    expect(result.data).toEqual({ count: 2, fails: null });
    expect(result.errors?.map((error) => error.message)).toEqual(['no']);
    expect(result.errors?.[0].path).toEqual(['fails']);
    // Once compiled, its errors not logged; then interpreted, which reports them.
    expect(calls.count).toBe(2);
    expect(calls.quietWhenFailing).toEqual([true, false]);
  });

  it('leaves mutations to graphql-js', async () => {
    expect(await run('mutation { bump }')).toEqual({ data: { bump: 1 } });
    expect(compile).not.toHaveBeenCalled();
    expect(calls.bump).toBe(1);
  });
});
