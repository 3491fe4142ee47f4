import { AccountsService } from '@app/accounts';
import { errorCode, GraphQLResponse, TestApp, testLogs } from '@app/testing';

/** `user { followers { edges { node { … { id } } } } } }`: 2 + 3 × `hops` levels. */
function followersChain(hops: number, first?: number): string {
  const page = first === undefined ? '' : `(first: ${first})`;
  let body = 'id';
  for (let i = 0; i < hops; i += 1) body = `followers${page} { edges { node { ${body} } } }`;
  return `{ user(handle: "nobody_at_all") { ${body} } }`;
}

/** Statements that touched the data, to show a refused query never ran. */
const dataStatements = (t: TestApp) =>
  t.queries.statements.filter((sql) => /\b(users|follows)\b/.test(sql));

function expectNoStackTrace(result: GraphQLResponse): void {
  for (const error of result.errors ?? [])
    expect(error.extensions).not.toHaveProperty('stacktrace');
}

describe('limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('refuses a query nested 50 levels deep before running it (BAD_USER_INPUT)', async () => {
    t.queries.reset();
    const result = await t.gql(followersChain(16));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toBe(
      'The operation is nested 50 levels deep; at most 15 are allowed.',
    );
    expect(result.data).toBeUndefined();
    expect(dataStatements(t)).toEqual([]);
  });

  it('refuses the same deep operation over a websocket', async () => {
    const socket = await t.subscribe(followersChain(16));
    const result = await socket.next();
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/nested 50 levels deep/);
    await socket.close();
  });

  it('runs a query within the depth limit', async () => {
    // 2 + 3 × 3 = 11 levels; the missing user answers NOT_FOUND, so the query did run.
    const result = await t.gql(followersChain(3, 2));
    expect(errorCode(result)).toBe('NOT_FOUND');
  });

  it('refuses a syntax error (BAD_USER_INPUT)', async () => {
    const result = await t.gql('{ me { id ');
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/Syntax Error/);
    expectNoStackTrace(result);
  });

  it('refuses an unknown field (BAD_USER_INPUT)', async () => {
    const result = await t.gql('{ me { id passwordHash } }');
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/Cannot query field "passwordHash" on type "User"/);
    expectNoStackTrace(result);
  });

  it('refuses a variable that does not fit its type (BAD_USER_INPUT, not an internal error)', async () => {
    const result = await t.gql(
      'query($s: ReportStatus) { reports(status: $s) { edges { cursor } } }',
      { s: 'CLOSED' },
    );
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/CLOSED/);
  });

  it('refuses a page over 100 (BAD_USER_INPUT)', async () => {
    const user = await t.signUp();
    const result = await t.gql(
      'query($h: String!) { user(handle: $h) { followers(first: 101) { edges { cursor } } } }',
      { h: user.handle },
    );
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions!.fields).toEqual([
      { field: 'first', message: 'must be at most 100' },
    ]);
  });

  it('answers BAD_USER_INPUT, not an internal error, when PostgreSQL refuses a NUL', async () => {
    // Post text has no NUL check of its own: the database refuses it, the formatter names it.
    const user = await t.signUp();
    const result = await t.gql(
      'mutation($text: String!) { createPost(input: { text: $text }) { id } }',
      { text: 'nul\u0000inside' },
      user.token,
    );
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/NUL/);
    expect(await t.sql('SELECT id FROM posts')).toEqual([]);
    const [row] = await t.sql('SELECT posts_count FROM users WHERE handle = $1', [user.handle]);
    expect(row.posts_count).toBe(0);
  });
});

describe('limits: configured cost and body size', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ GRAPHQL_MAX_COST: '50', MAX_BODY_BYTES: '2048' });
  });
  afterAll(() => t.close());

  it('refuses an over-cost query before running it (BAD_USER_INPUT)', async () => {
    t.queries.reset();
    const result = await t.gql(followersChain(2, 100));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/the limit is 50/);
    expect(result.errors![0].extensions).toMatchObject({ maxCost: 50 });
    expect(result.errors![0].extensions!.cost).toBeGreaterThan(50);
    expect(dataStatements(t)).toEqual([]);
  });

  it('refuses an over-cost operation over a websocket too', async () => {
    const socket = await t.subscribe(followersChain(2, 100));
    const result = await socket.next();
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/limit is 50/);
    await socket.close();
  });

  it('runs a query within the cost', async () => {
    const user = await t.signUp();
    const data = await t.ok('{ me { handle } }', {}, user.token);
    expect(data.me.handle).toBe(user.handle);
  });

  it('refuses a request body over MAX_BODY_BYTES with HTTP 413 and a GraphQL error', async () => {
    const post = (padding: number) =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(padding) } }),
      });
    const small = await post(1000);
    expect(small.status).toBe(200);
    expect(await small.json()).toEqual({ data: { me: null } });
    const large = await post(3000);
    expect(large.status).toBe(413);
    expect(errorCode((await large.json()) as GraphQLResponse)).toBe('BAD_USER_INPUT');
  });
});

describe('limits: production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ NODE_ENV: 'production' });
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('answers an internal error with a generic message and no stack trace', async () => {
    jest
      .spyOn(t.app.get(AccountsService), 'search')
      .mockRejectedValue(new Error('connect ECONNREFUSED 10.1.2.3:5432'));
    const result = await t.gql('{ searchUsers(query: "anyone") { id } }');
    expect(result.errors).toEqual([
      {
        message: 'Internal server error',
        locations: [{ line: 1, column: 3 }],
        path: ['searchUsers'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3/);
    // The cause is for the operator's log, with its stack.
    expect(testLogs.take('error', /ECONNREFUSED 10\.1\.2\.3[^]*\n\s+at /)).toHaveLength(1);
  });

  it('answers client errors with their code and no stack trace', async () => {
    const invalid = await t.gql('{ me { nope } }');
    expect(errorCode(invalid)).toBe('BAD_USER_INPUT');
    expect(invalid.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
    const unauthenticated = await t.gql('mutation { updateProfile(input: { bio: "x" }) { id } }');
    expect(unauthenticated.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });
});
