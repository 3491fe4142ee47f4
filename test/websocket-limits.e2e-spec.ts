import WebSocket from 'ws';
import { TestApp, TestSocket } from '@app/testing';

/** What one client may hold open over websockets, and that each cap frees up again. */

const NOTIFICATIONS = 'subscription { notificationAdded { kind } }';
/** For the server to see a close or a completion, which nothing acknowledges. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

describe('websocket limits', () => {
  let t: TestApp;
  const open: TestSocket[] = [];
  const socket = (...args: Parameters<TestApp['openSocket']>) => {
    const opened = t.openSocket(...args);
    open.push(opened);
    return opened;
  };

  beforeAll(async () => {
    t = await TestApp.start({
      WS_MAX_OPERATIONS_PER_SOCKET: '3',
      WS_MAX_SOCKETS_PER_ACCOUNT: '2',
      WS_MAX_SOCKETS_PER_DEVICE: '1',
      WS_MAX_SOCKETS_PER_ADDRESS: '4',
    });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await settle();
  });
  afterAll(() => t.close());

  it('refuses an operation over the cap on one socket with an error for it, until one completes', async () => {
    const [user, fan] = [await t.signUp(), await t.signUp()];
    const connection = socket(user.token);
    const setUp = t.subscriptionSetUps.total;
    const held = [
      connection.run(NOTIFICATIONS),
      connection.run(NOTIFICATIONS),
      connection.run(NOTIFICATIONS),
    ];
    await t.subscriptionSetUps.reach(setUp + 3);
    const refused = await connection.run(NOTIFICATIONS).error();
    expect(refused).toEqual([
      {
        message: 'This connection already runs 3 operations, the most allowed. Complete one first.',
        extensions: { code: 'BAD_USER_INPUT', limit: 3 },
      },
    ]);
    held[0].cancel();
    await settle();
    const fourth = connection.run(NOTIFICATIONS);
    await t.subscriptionSetUps.reach(setUp + 4);
    await t.ok('mutation($id: ID!) { follow(userId: $id) { id } }', { id: user.id }, fan.token);
    for (const op of [held[1], held[2], fourth]) {
      await op.until((o) => o.results.length === 1);
      expect(op.results[0]).toEqual({ data: { notificationAdded: { kind: 'FOLLOWED' } } });
    }
    expect(connection.closeCodes).toEqual([]);
  });

  it('closes a socket over the per-account cap with 4430, until another closes', async () => {
    const user = await t.signUp();
    const first = socket(user.token);
    const second = socket(user.token);
    await first.connectedTimes(1);
    await second.connectedTimes(1);
    const third = socket(user.token);
    expect(await third.closed()).toBe(4430);
    expect(third.connected).toBe(0);
    // Another account is not affected.
    const other = socket((await t.signUp()).token);
    await other.connectedTimes(1);
    await first.close();
    await settle();
    const again = socket(user.token);
    await again.connectedTimes(1);
    expect(again.closeCodes).toEqual([]);
  });

  it.each([
    ['pings', { type: 'ping' }],
    [
      'operations that finish at once',
      { id: 'q', type: 'subscribe', payload: { query: '{ __schema { types { name } } }' } },
    ],
  ])(
    'closes a socket that floods %s with 4432; the service and other sockets carry on',
    async (_case, message) => {
      const steady = socket();
      await steady.connectedTimes(1);
      const flood = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      const closed = new Promise<number>((resolve) => flood.on('close', resolve));
      await new Promise((resolve) => flood.on('open', resolve));
      flood.send(JSON.stringify({ type: 'connection_init' }));
      await new Promise((resolve) => flood.once('message', resolve));
      for (let i = 0; i < 1000; i += 1) flood.send(JSON.stringify({ ...message, id: `q${i}` }));
      expect(await closed).toBe(4432);
      expect((await fetch(`${t.url}/health`)).status).toBe(200);
      const op = await steady.run('{ me { id } }').until((o) => o.completed);
      expect(op.results).toEqual([{ data: { me: null } }]);
      expect(steady.closeCodes).toEqual([]);
    },
  );

  it('leaves open a client that runs 40 operations one after another', async () => {
    const connection = socket();
    for (let i = 0; i < 40; i += 1) {
      const op = await connection.run('{ me { id } }').until((o) => o.completed);
      expect(op.results).toEqual([{ data: { me: null } }]);
    }
    expect(connection.closeCodes).toEqual([]);
  });

  it("counts a paired screen's sockets per screen, not against its owner's account", async () => {
    const owner = await t.signUp();
    const pair = async (name: string) =>
      (
        await t.ok(
          `mutation($name: String!) { pairDevice(name: $name, kind: TV) { deviceToken } }`,
          { name },
          owner.token,
        )
      ).pairDevice.deviceToken as string;
    const [tv, tablet] = [await pair('TV'), await pair('Tablet')];
    const own = [socket(owner.token), socket(owner.token)];
    for (const s of own) await s.connectedTimes(1);
    // The owner holds the account's 2 sockets: the screens still connect, one each.
    const screen = socket(undefined, { deviceToken: tv });
    await screen.connectedTimes(1);
    expect(await socket(undefined, { deviceToken: tv }).closed()).toBe(4430);
    await own[0].close();
    await settle();
    const other = socket(undefined, { deviceToken: tablet });
    await other.connectedTimes(1);
    expect(screen.closeCodes).toEqual([]);
  });

  it('closes a socket over the per-address cap with 4431, until another closes', async () => {
    const sockets = [socket(), socket(), socket(), socket()];
    for (const s of sockets) await s.connectedTimes(1);
    const fifth = socket();
    expect(await fifth.closed()).toBe(4431);
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    await sockets[0].close();
    await settle();
    const again = socket();
    await again.connectedTimes(1);
    const op = await again.run('{ me { id } }').until((o) => o.completed);
    expect(op.results).toEqual([{ data: { me: null } }]);
  });
});
