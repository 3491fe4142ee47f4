import { HeartsService } from '@app/broadcasts';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  errorCode,
  GraphQLResponse,
  serviceAvailable,
  tcpReachable,
  TestApp,
  TestUser,
} from '@app/testing';

/**
 * Every named rate limit: the call after the limit is RATE_LIMITED with retryAfterSeconds and
 * changes nothing; client addresses and X-Forwarded-For (TRUST_PROXY); and, with Redis, two API
 * processes counting against one limit.
 */

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }`;
const SIGN_IN = `mutation($login: String!, $password: String!) {
  signIn(input: { login: $login, password: $password }) { user { id } } }`;
const CREATE_POST = `mutation($text: String!) { createPost(input: { text: $text }) { id } }`;
const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { id } }`;
const PAIR = `mutation($name: String!) { pairDevice(name: $name, kind: TV) { deviceToken } }`;
const START = `mutation($title: String!) { startBroadcast(input: { title: $title }) { id } }`;
const END = `mutation($id: ID!) { endBroadcast(id: $id) { id } }`;
const CREATE_SHOW = `mutation($input: CreateShowInput!) { createShow(input: $input) { id slug } }`;
const TAP = `mutation($showId: ID!, $action: SeeItAction!) {
  seeIt(input: { showId: $showId, action: $action }) { url } }`;
const STATS = `query($slug: String!) { show(slug: $slug) { seeItStats { action taps } } }`;
const REPORT = `mutation($postId: ID!) { report(input: { postId: $postId, reason: "spam" }) { id } }`;
const COMMENT = `mutation($id: ID!, $text: String!) { postComment(broadcastId: $id, text: $text) { id } }`;
const HEARTS = `mutation($id: ID!) { sendHearts(broadcastId: $id, count: 10) }`;
const NOTIFICATIONS = `{ notifications(first: 100) { edges { node { kind } } } }`;
const PASSWORD = 'correct horse battery';

/** RATE_LIMITED, with a whole number of seconds to wait, and no data. */
function expectLimited(result: GraphQLResponse): void {
  expect(errorCode(result)).toBe('RATE_LIMITED');
  const retryAfter = result.errors![0].extensions!.retryAfterSeconds;
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(result.data ?? null).toBeNull();
}

/** One operation over a real graphql-ws websocket whose upgrade request carries `headers`. */
async function overSocket(
  t: TestApp,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<GraphQLResponse> {
  class WithHeaders extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WithHeaders,
    retryAttempts: 0,
  });
  try {
    return await new Promise<GraphQLResponse>((resolve, reject) => {
      let result: GraphQLResponse = {};
      client.subscribe(
        { query, variables },
        {
          next: (value) => (result = value as GraphQLResponse),
          error: reject,
          complete: () => resolve(result),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

const count = async (t: TestApp, sql: string, params: unknown[] = []) =>
  (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;
const rowId = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

describe('rate limits per account (one process)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({
      RATE_LIMIT_POSTS: '3/1h',
      RATE_LIMIT_MENTIONS: '2/1h',
      RATE_LIMIT_FOLLOWS: '3/1h',
      RATE_LIMIT_PAIR_DEVICE: '2/1h',
      RATE_LIMIT_START_BROADCAST: '2/1h',
      RATE_LIMIT_SEE_IT_TAPS: '4/1h',
      RATE_LIMIT_SEE_IT_STATS: '1/1h',
      RATE_LIMIT_REPORTS: '3/1h',
      RATE_LIMIT_COMMENTS: '3/1h',
      RATE_LIMIT_HEARTS: '3/1h',
    });
  });
  afterAll(() => t.close());

  async function live(host: TestUser): Promise<string> {
    return (await t.ok(START, { title: 'on air' }, host.token)).startBroadcast.id;
  }

  it('createPost: the 4th post of an author is refused and not stored', async () => {
    const author = await t.signUp();
    for (let i = 0; i < 3; i += 1) await t.ok(CREATE_POST, { text: `post ${i}` }, author.token);
    expectLimited(await t.gql(CREATE_POST, { text: 'one too many' }, author.token));
    expect(await count(t, 'posts WHERE author_id = $1', [rowId(author.id)])).toBe(3);
    // Per author: another one still posts.
    await t.ok(CREATE_POST, { text: 'hello' }, (await t.signUp()).token);
  });

  it('createPost over a websocket: RATE_LIMITED with retryAfterSeconds too', async () => {
    const author = await t.signUp();
    for (let i = 0; i < 3; i += 1) await t.ok(CREATE_POST, { text: `post ${i}` }, author.token);
    const socket = await t.subscribe(CREATE_POST, { text: 'over the socket' }, author.token);
    expectLimited(await socket.next());
    await socket.close();
    expect(await count(t, 'posts WHERE author_id = $1', [rowId(author.id)])).toBe(3);
  });

  it('mentions: posts go out, but one author notifies one account at most 2 times', async () => {
    const [author, named, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
    for (let i = 0; i < 3; i += 1) {
      await t.ok(CREATE_POST, { text: `hey @${named.handle} (${i})` }, author.token);
    }
    expect(await count(t, 'posts WHERE author_id = $1', [rowId(author.id)])).toBe(3);
    const kinds = (await t.ok(NOTIFICATIONS, {}, named.token)).notifications.edges;
    expect(kinds.map((e: any) => e.node.kind)).toEqual(['MENTIONED', 'MENTIONED']);
    // Per (author, mentioned): another author still reaches them.
    await t.ok(CREATE_POST, { text: `hi @${named.handle}` }, other.token);
    expect((await t.ok(NOTIFICATIONS, {}, named.token)).notifications.edges).toHaveLength(3);
  });

  it('follow: the 4th follow is refused and changes no follow or count', async () => {
    const fan = await t.signUp();
    const stars = [await t.signUp(), await t.signUp(), await t.signUp(), await t.signUp()];
    for (const star of stars.slice(0, 3)) await t.ok(FOLLOW, { id: star.id }, fan.token);
    expectLimited(await t.gql(FOLLOW, { id: stars[3].id }, fan.token));
    expect(await count(t, 'follows WHERE follower_id = $1', [rowId(fan.id)])).toBe(3);
    const [row] = await t.sql('SELECT following_count FROM users WHERE id = $1', [rowId(fan.id)]);
    expect(Number(row.following_count)).toBe(3);
  });

  it('pairDevice: the 3rd pairing is refused and adds no device', async () => {
    const owner = await t.signUp();
    for (let i = 0; i < 2; i += 1) await t.ok(PAIR, { name: `screen ${i}` }, owner.token);
    expectLimited(await t.gql(PAIR, { name: 'one more' }, owner.token));
    expect(await count(t, 'devices WHERE owner_id = $1', [rowId(owner.id)])).toBe(2);
  });

  it('startBroadcast: the 3rd start is refused and creates nothing', async () => {
    const host = await t.signUp();
    for (let i = 0; i < 2; i += 1) await t.ok(END, { id: await live(host) }, host.token);
    expectLimited(await t.gql(START, { title: 'again' }, host.token));
    expect(await count(t, 'broadcasts WHERE broadcaster_id = $1', [rowId(host.id)])).toBe(2);
  });

  it('seeIt: taps are limited per account, and stats count one tap per account and action', async () => {
    const partner = await t.signUp();
    await t.sql('UPDATE users SET role = $2 WHERE id = $1', [rowId(partner.id), 'PARTNER']);
    const show = (
      await t.ok(
        CREATE_SHOW,
        { input: { slug: 'limits-show', title: 'Limits', network: 'NBC', hashtag: 'LimitsShow' } },
        partner.token,
      )
    ).createShow;
    const [fan, other] = [await t.signUp(), await t.signUp()];
    for (let i = 0; i < 3; i += 1) await t.ok(TAP, { showId: show.id, action: 'WEB' }, fan.token);
    await t.ok(TAP, { showId: show.id, action: 'MOBILE' }, fan.token);
    expectLimited(await t.gql(TAP, { showId: show.id, action: 'WEB' }, fan.token));
    await t.ok(TAP, { showId: show.id, action: 'WEB' }, other.token);

    // Every accepted tap is recorded; the refused one is not.
    expect(await count(t, 'see_it_taps WHERE user_id = $1', [rowId(fan.id)])).toBe(4);
    const stats = (await t.ok(STATS, { slug: 'limits-show' }, partner.token)).show.seeItStats;
    expect(stats).toEqual([
      { action: 'TV', taps: 0 },
      { action: 'TABLET', taps: 0 },
      { action: 'MOBILE', taps: 1 },
      { action: 'WEB', taps: 2 },
      { action: 'LATER', taps: 0 },
    ]);
  });

  it('report: the 4th report is refused and files nothing', async () => {
    const [troll, reporter] = [await t.signUp(), await t.signUp()];
    const posts: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      posts.push((await t.ok(CREATE_POST, { text: `ad ${i}` }, troll.token)).createPost.id);
    }
    const more = await t.signUp();
    posts.push((await t.ok(CREATE_POST, { text: 'ad 3' }, more.token)).createPost.id);
    for (const postId of posts.slice(0, 3)) await t.ok(REPORT, { postId }, reporter.token);
    expectLimited(await t.gql(REPORT, { postId: posts[3] }, reporter.token));
    expect(await count(t, 'reports WHERE reporter_id = $1', [rowId(reporter.id)])).toBe(3);
  });

  it('postComment: the 4th comment on a broadcast is refused and not stored', async () => {
    const [host, viewer] = [await t.signUp(), await t.signUp()];
    const id = await live(host);
    for (let i = 0; i < 3; i += 1) await t.ok(COMMENT, { id, text: `hi ${i}` }, viewer.token);
    expectLimited(await t.gql(COMMENT, { id, text: 'spam' }, viewer.token));
    expect(await count(t, 'broadcast_comments WHERE author_id = $1', [rowId(viewer.id)])).toBe(3);
    const [row] = await t.sql('SELECT comments_count FROM broadcasts WHERE id = $1', [rowId(id)]);
    expect(row.comments_count).toBe(3);
  });

  it('sendHearts: the 4th call of a viewer is refused and its hearts never count', async () => {
    const [host, viewer] = [await t.signUp(), await t.signUp()];
    const id = await live(host);
    for (let i = 0; i < 3; i += 1) await t.ok(HEARTS, { id }, viewer.token);
    expectLimited(await t.gql(HEARTS, { id }, viewer.token));
    // Hearts are written in the background: wait for all that were sent to land.
    await t.app.get(HeartsService).settled();
    const [row] = await t.sql('SELECT heart_count FROM broadcasts WHERE id = $1', [rowId(id)]);
    expect(Number(row.heart_count)).toBe(30);
  });
});

describe('client addresses: sign-up and sign-in limits', () => {
  const LIMITS = {
    RATE_LIMIT_SIGN_UP: '2/1h',
    RATE_LIMIT_SIGN_IN: '2/15m',
    RATE_LIMIT_SIGN_IN_ADDRESS: '4/15m',
    RATE_LIMIT_SIGN_IN_LOGIN: '4/1h',
  };
  let n = 0;
  const newAccount = () => {
    n += 1;
    const handle = `addr_${n}_${Date.now() % 100_000}`;
    return { input: { handle, email: `${handle}@example.com`, password: PASSWORD } };
  };
  const signUp = (t: TestApp, from: string) =>
    t.gql(SIGN_UP, newAccount(), undefined, { 'x-forwarded-for': from });
  const signUpOverSocket = (t: TestApp, from: string) =>
    overSocket(t, SIGN_UP, newAccount(), { 'x-forwarded-for': from });
  const signIn = (t: TestApp, login: string, password: string, from: string) =>
    t.gql(SIGN_IN, { login, password }, undefined, { 'x-forwarded-for': from });

  describe('without TRUST_PROXY', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start(LIMITS);
    });
    afterAll(() => t.close());

    it('ignores X-Forwarded-For from loopback: the 3rd sign-up from 127.0.0.1 is refused', async () => {
      const users = await count(t, 'users');
      expect(errorCode(await signUp(t, '203.0.113.1'))).toBeUndefined();
      expect(errorCode(await signUp(t, '203.0.113.2'))).toBeUndefined();
      expectLimited(await signUp(t, '203.0.113.3'));
      expectLimited(await signUpOverSocket(t, '203.0.113.4'));
      expect(await count(t, 'users')).toBe(users + 2);
    });
  });

  describe('with TRUST_PROXY=127.0.0.1', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ ...LIMITS, TRUST_PROXY: '127.0.0.1' });
    });
    afterAll(() => t.close());

    it('counts sign-ups per forwarded address', async () => {
      const users = await count(t, 'users');
      expect(errorCode(await signUp(t, '198.51.100.7'))).toBeUndefined();
      expect(errorCode(await signUp(t, '198.51.100.7'))).toBeUndefined();
      expectLimited(await signUp(t, '10.9.9.9, 198.51.100.7'));
      expect(await count(t, 'users')).toBe(users + 2);
      // A client cannot escape by writing its own X-Forwarded-For: the proxy's entry is last.
      expectLimited(await signUp(t, '192.0.2.55, 198.51.100.7'));
      expect(errorCode(await signUp(t, '198.51.100.8'))).toBeUndefined();
    });

    it('counts an IPv6 client per /64: rotating addresses within it does not escape', async () => {
      const users = await count(t, 'users');
      expect(errorCode(await signUp(t, '2001:db8:5:6::1'))).toBeUndefined();
      expect(errorCode(await signUpOverSocket(t, '2001:db8:5:6:a:b:c:d'))).toBeUndefined();
      expectLimited(await signUp(t, '2001:db8:5:6::3'));
      expect(errorCode(await signUp(t, '2001:db8:5:7::1'))).toBeUndefined();
      expect(await count(t, 'users')).toBe(users + 3);
    });

    it('reads the forwarded address of websockets the same way', async () => {
      const users = await count(t, 'users');
      expect(errorCode(await signUpOverSocket(t, '198.51.100.9'))).toBeUndefined();
      expect(errorCode(await signUp(t, '198.51.100.9'))).toBeUndefined();
      expectLimited(await signUpOverSocket(t, '198.51.100.9'));
      expect(errorCode(await signUpOverSocket(t, '198.51.100.10'))).toBeUndefined();
      expect(await count(t, 'users')).toBe(users + 3);
    });

    it("locks sign-in per (login, address): a stranger's guesses do not lock the owner out", async () => {
      const account = newAccount();
      const owner = account.input;
      await t.ok(SIGN_UP, account);
      for (let i = 0; i < 2; i += 1) {
        expect(errorCode(await signIn(t, owner.handle, 'guess', '192.0.2.66'))).toBe(
          'UNAUTHENTICATED',
        );
      }
      expectLimited(await signIn(t, owner.handle, PASSWORD, '192.0.2.66'));
      const fromHome = await signIn(t, owner.handle, PASSWORD, '198.51.100.20');
      expect(fromHome.errors).toBeUndefined();
      expect(fromHome.data.signIn.user.id).toBeDefined();
    });

    it('limits sign-in attempts per address, whatever the login', async () => {
      for (let i = 0; i < 4; i += 1) {
        expect(errorCode(await signIn(t, `nobody_${i}`, 'guess', '192.0.2.77'))).toBe(
          'UNAUTHENTICATED',
        );
      }
      expectLimited(await signIn(t, 'nobody_9', 'guess', '192.0.2.77'));
      expect(errorCode(await signIn(t, 'nobody_9', 'guess', '192.0.2.78'))).toBe('UNAUTHENTICATED');
    });

    it('limits sign-in attempts per account across addresses, by handle and email alike', async () => {
      const account = newAccount();
      const owner = account.input;
      const signUpFrom = (input: typeof account, from: string) =>
        t.gql(SIGN_UP, input, undefined, { 'x-forwarded-for': from });
      expect((await signUpFrom(account, '198.51.100.40')).errors).toBeUndefined();
      const logins = [owner.handle.toUpperCase(), owner.email, owner.handle];
      for (const [i, login] of logins.entries()) {
        expect(errorCode(await signIn(t, login, 'guess', `192.0.2.${100 + i}`))).toBe(
          'UNAUTHENTICATED',
        );
      }
      // The owner's success counts too and resets nothing: it says nothing of the guesses elsewhere.
      expect((await signIn(t, owner.email, PASSWORD, '198.51.100.30')).errors).toBeUndefined();
      expectLimited(await signIn(t, owner.handle, PASSWORD, '198.51.100.31'));
      expectLimited(await signIn(t, owner.email.toUpperCase(), PASSWORD, '198.51.100.30'));
      // Per account: the same addresses still sign another account in.
      const other = newAccount();
      expect((await signUpFrom(other, '198.51.100.41')).errors).toBeUndefined();
      const again = await signIn(t, other.input.handle, PASSWORD, '192.0.2.100');
      expect(again.errors).toBeUndefined();
    });
  });
});

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new URL(REDIS_URL);
const redisHere = serviceAvailable(
  'Redis',
  tcpReachable(redis.hostname, Number(redis.port || 6379)),
  `Start one on ${REDIS_URL} (Debian: apt-get install redis-server) or set TEST_REDIS_URL.`,
);

(redisHere ? describe : describe.skip)('rate limits shared by two API processes (Redis)', () => {
  let a: TestApp;
  let b: { app: NestExpressApplication; url: string };
  const onB = (query: string, variables: Record<string, unknown>, token: string) =>
    fetch(`${b.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    }).then((response) => response.json() as Promise<GraphQLResponse>);

  beforeAll(async () => {
    a = await TestApp.start({ REDIS_URL, RATE_LIMIT_POSTS: '4/1h', RATE_LIMIT_MENTIONS: '2/1h' });
    b = await a.startSibling();
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  it('counts posts across both: 2 on A and 2 on B, then the 5th is refused on either', async () => {
    const author = await a.signUp();
    for (let i = 0; i < 2; i += 1) {
      await a.ok(CREATE_POST, { text: `a ${i}` }, author.token);
      expect((await onB(CREATE_POST, { text: `b ${i}` }, author.token)).errors).toBeUndefined();
    }
    expectLimited(await onB(CREATE_POST, { text: 'b again' }, author.token));
    expectLimited(await a.gql(CREATE_POST, { text: 'a again' }, author.token));
    expect(await count(a, 'posts WHERE author_id = $1', [rowId(author.id)])).toBe(4);
  });

  it('counts mention notifications across both', async () => {
    const [author, named] = [await a.signUp(), await a.signUp()];
    await a.ok(CREATE_POST, { text: `@${named.handle} one` }, author.token);
    await onB(CREATE_POST, { text: `@${named.handle} two` }, author.token);
    await onB(CREATE_POST, { text: `@${named.handle} three` }, author.token);
    expect((await a.ok(NOTIFICATIONS, {}, named.token)).notifications.edges).toHaveLength(2);
  });
});
