import { errorCode, testLogs, TestApp, TestUser } from '@app/testing';

/**
 * A query sent again runs as JavaScript compiled for its document (graphql-jit,
 * apps/api/src/graphql/compiled-queries.ts). Each case compares the answers of the compiled run
 * with those of graphql-js, from a second API process on the same database that compiles nothing.
 */
describe('compiled queries', () => {
  let t: TestApp;
  let plain: { url: string; close: () => Promise<void> };
  let star: TestUser;
  let fan: TestUser;
  let postIds: string[];

  const HOME = `query Home($first: Int!, $after: String) {
    homeTimeline(first: $first, after: $after) {
      edges {
        cursor
        node {
          __typename
          ... on Node { id }
          ... on Post {
            text createdAt likesCount viewerHasLiked
            author { id handle displayName avatarUrl viewerFollows }
            broadcast { id title }
          }
          ... on Broadcast { title status startedAt endedAt broadcaster { handle } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

  const compiledLogs = () => testLogs.take('debug', /^Compiled: query /).map((e) => e.text);
  const leftLogs = () => testLogs.take('debug', /^Left to graphql-js: query /).map((e) => e.text);

  const ask = async (url: string, query: string, variables: object, token?: string) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.text() };
  };

  /** Three uses on the compiling app (the second compiles), each equal to graphql-js's answer. */
  const threeTimes = async (query: string, variables: object = {}, token?: string) => {
    const expected = await ask(plain.url, query, variables, token);
    for (let use = 1; use <= 3; use++) {
      expect(await ask(t.url, query, variables, token)).toEqual(expected);
    }
    return JSON.parse(expected.body) as { data?: any; errors?: any[] };
  };

  beforeAll(async () => {
    t = await TestApp.start();
    const sibling = await t.startSibling({ GRAPHQL_COMPILED_QUERIES: '0' });
    plain = { url: sibling.url, close: () => sibling.app.close() };
    star = await t.signUp();
    fan = await t.signUp();
    await t.follow(fan, star);
    postIds = [];
    for (let i = 0; i < 5; i++) postIds.push(await t.post(star, `post ${i}`));
    await t.ok(`mutation($id: ID!) { likePost(id: $id) { id } }`, { id: postIds[1] }, fan.token);
    await t.ok(
      `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id } }`,
      { input: { title: 'live now' } },
      star.token,
    );
  });
  afterAll(async () => {
    await plain.close();
    await t.close();
  });

  it('answers a home page, page after page, as graphql-js does, from its second use', async () => {
    compiledLogs();
    const first = await threeTimes(HOME, { first: 3 }, fan.token);
    const edges = first.data.homeTimeline.edges as { node: { __typename: string } }[];
    expect(edges.map((e) => e.node.__typename)).toEqual(['Broadcast', 'Post', 'Post']);
    expect(first.data.homeTimeline.pageInfo.hasNextPage).toBe(true);
    const next = await threeTimes(
      HOME,
      { first: 3, after: first.data.homeTimeline.pageInfo.endCursor },
      fan.token,
    );
    expect(next.data.homeTimeline.edges).toHaveLength(3);
    expect(next.data.homeTimeline.edges.map((e: any) => e.node.viewerHasLiked)).toEqual([
      false,
      true,
      false,
    ]);
    expect(compiledLogs()).toEqual(['Compiled: query Home']);
  });

  it('answers with the viewer of each request, signed in or not', async () => {
    const query = `query Me { me { handle } }`;
    expect((await threeTimes(query, {}, fan.token)).data.me.handle).toBe(fan.handle);
    expect((await threeTimes(query, {}, star.token)).data.me.handle).toBe(star.handle);
    expect((await threeTimes(query)).data.me).toBeNull();
  });

  it('leaves an answer with errors to graphql-js: the same errors and codes', async () => {
    const query = `query Post($id: ID!) { post(id: $id) { id text } }`;
    const unknown = await threeTimes(query, { id: 'not-an-id' }, fan.token);
    expect(errorCode(unknown as never)).toBe('BAD_USER_INPUT');
    const missingVariable = await threeTimes(query, {}, fan.token);
    expect(errorCode(missingVariable as never)).toBe('BAD_USER_INPUT');
    const found = await threeTimes(query, { id: postIds[0] }, fan.token);
    expect(found.data.post.text).toBe('post 0');
  });

  it('never compiles a document with a string: its literals would be written into code', async () => {
    leftLogs();
    // graphql-jit writes a Date found in literal arguments as `new Date(<text>)`, found by a marker.
    const payload =
      '__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d0),ran:(globalThis.compiledPayloadRan=1),x:(0';
    const query = `query Injected { user(handle: ${JSON.stringify(payload)}) { id } }`;
    const answer = await threeTimes(query, {}, fan.token);
    expect((globalThis as { compiledPayloadRan?: number }).compiledPayloadRan).toBeUndefined();
    expect(answer.errors ?? answer.data.user).toBeDefined();
    expect(leftLogs()).toEqual(['Left to graphql-js: query Injected']);
  });

  it('never compiles a document with a directive: graphql-jit shares them across a fragment', async () => {
    leftLogs();
    const query = `query Twice($with: Boolean!) {
      a: me { ...Handle @include(if: $with) }
      b: me { ...Handle }
    }
    fragment Handle on User { handle }`;
    const answer = await threeTimes(query, { with: false }, fan.token);
    expect(answer.data).toEqual({ a: {}, b: { handle: fan.handle } });
    expect(leftLogs()).toEqual(['Left to graphql-js: query Twice']);
  });

  it('never compiles a mutation: each runs once', async () => {
    compiledLogs();
    const mutation = `mutation Post($input: CreatePostInput!) { createPost(input: $input) { id } }`;
    for (let i = 0; i < 3; i++) {
      await t.ok(mutation, { input: { text: `again ${i}` } }, fan.token);
    }
    const rows = await t.sql<{ count: string }>(
      `SELECT count(*) FROM posts WHERE text LIKE 'again %'`,
    );
    expect(rows[0].count).toBe('3');
    expect(compiledLogs()).toEqual([]);
  });

  it('answers an unknown operation name as graphql-js does', async () => {
    const answer = await threeTimes(`query A { me { id } } query B { me { id } }`, {}, fan.token);
    expect(errorCode(answer as never)).toBeDefined();
  });
});
