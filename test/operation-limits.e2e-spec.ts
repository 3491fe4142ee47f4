import { getIntrospectionQuery } from 'graphql';
import { errorCode, GraphQLResponse, TestApp } from '@app/testing';

/**
 * The limits every operation meets before it runs, the same over HTTP and websockets: tokens,
 * depth, top-level fields, mutations, aliases, fragment spreads, variables and cost (which
 * refuses when it cannot be computed).
 */

/** `fragment F<n> on Query { ...F<n-1> ...F<n-1> }`: F<levels> spreads F0 2^levels times. */
function doublingFragments(levels: number): string {
  const nested = 'followers(first: 100) { edges { node { id } } }';
  const lines = [
    'query Doubling { ...F' + levels + ' }',
    `fragment F0 on Query { user(handle: "nobody") { followers(first: 100) { edges { node {
      followers(first: 100) { edges { node { ${nested} } } } } } } } }`,
  ];
  for (let i = 1; i <= levels; i += 1)
    lines.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  return lines.join('\n');
}

const aliased = (count: number, field: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join(' ');

const dataStatements = (t: TestApp) =>
  t.queries.statements.filter((sql) => /\b(users|follows|posts|post_likes)\b/.test(sql));

async function healthy(t: TestApp): Promise<void> {
  expect((await fetch(`${t.url}/health`)).status).toBe(200);
}

describe('operation limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('refuses fragments that double 13 times over HTTP, before estimating or running them', async () => {
    t.queries.reset();
    const result = await t.gql(doublingFragments(13));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toBe(
      'The operation spreads fragments 16383 times once expanded; at most 200 are allowed.',
    );
    expect(result.data).toBeUndefined();
    expect(dataStatements(t)).toEqual([]);
    await healthy(t);
  });

  it('refuses the same document over a websocket, and the socket stays usable', async () => {
    const user = await t.signUp();
    const socket = t.openSocket(user.token);
    try {
      const refused = await socket.run(doublingFragments(13)).error();
      expect(refused[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused[0].message).toMatch(/spreads fragments 16383 times/);
      const me = await socket.run('{ me { handle } }').until((op) => op.completed);
      expect(me.results).toEqual([{ data: { me: { handle: user.handle } } }]);
      expect(socket.closeCodes).toEqual([]);
    } finally {
      await socket.close();
    }
    await healthy(t);
  });

  it('refuses 2,000 aliased likePost in one request and likes nothing', async () => {
    const author = await t.signUp();
    const fan = await t.signUp();
    const { createPost } = await t.ok(
      'mutation { createPost(input: { text: "like me" }) { id } }',
      {},
      author.token,
    );
    const result = await t.gql(
      `mutation($id: ID!) { ${aliased(2000, () => 'likePost(id: $id) { id }')} }`,
      { id: createPost.id },
      fan.token,
    );
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    // The token cap stops this one while parsing: 2,000 fields are 18,000 tokens.
    expect(result.errors![0].message).toMatch(/contains more that 5000 tokens/);
    expect(await t.sql('SELECT * FROM post_likes')).toEqual([]);
  });

  it('refuses 50 aliased createPost, over HTTP and websockets, and posts nothing', async () => {
    const user = await t.signUp();
    const fifty = `mutation { ${aliased(50, (i) => `createPost(input: { text: "spam ${i}" }) { id }`)} }`;
    const result = await t.gql(fifty, {}, user.token);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toBe(
      'The operation runs 50 mutations; at most 5 are allowed in one request.',
    );
    const socket = t.openSocket(user.token);
    try {
      const refused = await socket.run(fifty).error();
      expect(refused[0]).toMatchObject({
        message: result.errors![0].message,
        extensions: { code: 'BAD_USER_INPUT' },
      });
    } finally {
      await socket.close();
    }
    const [row] = await t.sql('SELECT count(*)::int AS n FROM posts WHERE text LIKE $1', [
      'spam %',
    ]);
    expect(row.n).toBe(0);
  });

  it('runs up to the mutation cap', async () => {
    const user = await t.signUp();
    const data = await t.ok(
      `mutation { ${aliased(5, (i) => `createPost(input: { text: "five ${i}" }) { id }`)} }`,
      {},
      user.token,
    );
    expect(Object.keys(data)).toHaveLength(5);
  });

  it('refuses too many top-level fields and too many aliases', async () => {
    const wide = await t.gql(`{ ${aliased(21, () => 'me { id }')} }`);
    expect(errorCode(wide)).toBe('BAD_USER_INPUT');
    expect(wide.errors![0].message).toBe(
      'The operation asks for 21 top-level fields; at most 20 are allowed in one request.',
    );
    expect((await t.gql(`{ ${aliased(20, () => 'me { id }')} }`)).errors).toBeUndefined();
    const user = await t.signUp();
    const many = await t.gql(`{ me { ${aliased(101, () => 'id')} } }`, {}, user.token);
    expect(many.errors![0].message).toBe(
      'The operation uses 101 aliases; at most 100 are allowed.',
    );
  });

  it('lets the standard introspection query through, over HTTP and websockets', async () => {
    const result = await t.gql(getIntrospectionQuery());
    expect(result.errors).toBeUndefined();
    expect(result.data.__schema.queryType.name).toBe('Query');
    const socket = t.openSocket();
    try {
      const op = await socket.run(getIntrospectionQuery()).until((o) => o.completed);
      expect(op.results[0].errors).toBeUndefined();
    } finally {
      await socket.close();
    }
  });
});

describe('operation limits: a cost that cannot be computed refuses', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Spreads and top-level fields let through, so the cost estimate meets the doubling fragments itself.
    t = await TestApp.start({
      GRAPHQL_MAX_FRAGMENT_SPREADS: '100000',
      GRAPHQL_MAX_ROOT_FIELDS: '10000',
    });
  });
  afterAll(() => t.close());

  it('refuses over HTTP and websockets, and nothing runs', async () => {
    t.queries.reset();
    const result = await t.gql(doublingFragments(13));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/cost of the operation could not be computed/);
    expect(dataStatements(t)).toEqual([]);
    const socket = t.openSocket();
    try {
      const refused = await socket.run(doublingFragments(13)).error();
      expect(refused[0]).toMatchObject({
        message: result.errors![0].message,
        extensions: { code: 'BAD_USER_INPUT' },
      });
    } finally {
      await socket.close();
    }
    expect(dataStatements(t)).toEqual([]);
    await healthy(t);
  });
});

describe('operation limits: websocket errors per operation (production)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ NODE_ENV: 'production' });
  });
  afterAll(() => t.close());

  it('answers a syntax error with an error for that operation; the others keep working', async () => {
    const [user, fan] = [await t.signUp(), await t.signUp()];
    const socket = t.openSocket(user.token);
    try {
      const setUp = t.subscriptionSetUps.total;
      const notifications = socket.run('subscription { notificationAdded { kind } }');
      await t.subscriptionSetUps.reach(setUp + 1);
      const broken = await socket.run('{ me { id ').error();
      const overHttp = await t.gql('{ me { id ');
      expect(broken).toEqual(overHttp.errors);
      expect(broken[0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
      await t.ok('mutation($id: ID!) { follow(userId: $id) { id } }', { id: user.id }, fan.token);
      await notifications.until((op) => op.results.length === 1);
      expect(notifications.results[0]).toEqual({
        data: { notificationAdded: { kind: 'FOLLOWED' } },
      });
      expect(socket.closeCodes).toEqual([]);
    } finally {
      await socket.close();
    }
  });

  it.each([
    ['missing', {}],
    ['mistyped', { h: 42 }],
  ])('answers a %s variable as over HTTP: BAD_USER_INPUT, same message', async (_, variables) => {
    const query = 'query($h: String!) { user(handle: $h) { id } }';
    const overHttp = await t.gql(query, variables);
    expect(errorCode(overHttp)).toBe('BAD_USER_INPUT');
    const socket = t.openSocket();
    try {
      const errors = await socket.run(query, variables).error();
      expect(errors).toEqual(overHttp.errors);
      expect(socket.closeCodes).toEqual([]);
    } finally {
      await socket.close();
    }
  });

  it.each([
    ['an unknown', 'C'],
    ['no', undefined],
  ])('answers %s operation name as over HTTP', async (_, operationName) => {
    const query = 'query A { me { id } } query B { me { id } }';
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, operationName }),
    });
    const overHttp = (await response.json()) as { errors: unknown[] };
    expect(errorCode(overHttp as GraphQLResponse)).toBe('BAD_USER_INPUT');
    const socket = t.openSocket();
    try {
      expect(await socket.run(query, {}, operationName).error()).toEqual(overHttp.errors);
    } finally {
      await socket.close();
    }
  });
});
