/**
 * The client side of the storm and memory benches (bench/storm.ts, bench/memory.ts), a child
 * process driven over IPC. Every socket does the same whatever the server: connect, send
 * connection_init, wait for connection_ack, send one subscribe, and count as acknowledged at the
 * first `next` message. graphql-ws does not acknowledge a subscribe, so the seeit subscribe
 * resumes from a cursor the server answers with RESYNC once the subscription is registered
 * (bench/storm.ts, RESUME_CURSOR).
 * The raw `ws` peer answers the same three messages with the same frames.
 *
 * Times are process.hrtime in milliseconds (CLOCK_MONOTONIC, shared by every process).
 */
import WebSocket from 'ws';
import { answerParent } from './child-process';
import type { GoLive, GoLiveResult, StormCommand, StormReply } from './storm-protocol';
import { sleep } from './support';

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

interface Message {
  type: string;
  payload?: {
    data?: { timelineUpdates?: { kind: string; cursor: string; itemId: string | null } };
  };
}

/** Per socket, the first NOW_LIVE it received: which item, and when. */
type NowLiveArrivals = ({ itemId: string; at: number } | undefined)[];

let sockets: WebSocket[] = [];
let closing = false;
let problems: string[] = [];

function problem(message: string): void {
  if (problems.length < 20) problems.push(message);
}

async function graphql<T>(
  url: string,
  token: string,
  query: string,
  variables: object,
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** One socket through the handshake; resolves when its subscription is acknowledged. */
function subscribeOne(
  command: Extract<StormCommand, { type: 'storm' }>,
  index: number,
  acknowledgedAt: number[],
  firstCursors: string[],
  nowLive: NowLiveArrivals,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(command.url, command.protocol, { perMessageDeflate: false });
    sockets[index] = socket;
    const timer = setTimeout(
      () => reject(new Error(`socket ${index}: no ack within 60 s`)),
      60_000,
    );
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', (code) => {
      if (!closing) problem(`socket ${index} closed early (${code})`);
    });
    socket.on('message', (data: Buffer) => {
      const at = now();
      const message = JSON.parse(data.toString('utf8')) as Message;
      if (message.type === 'ping') socket.send('{"type":"pong"}');
      else if (message.type === 'connection_ack') socket.send(command.subscribe);
      else if (message.type === 'next') {
        const update = message.payload?.data?.timelineUpdates;
        if (Number.isNaN(acknowledgedAt[index])) {
          acknowledgedAt[index] = at;
          firstCursors[index] = update?.cursor ?? '';
          clearTimeout(timer);
          resolve();
        }
        // Recorded whatever the item: the card may come before the response that names it.
        if (update?.kind === 'NOW_LIVE' && update.itemId)
          nowLive[index] ??= { itemId: update.itemId, at };
      } else if (message.type !== 'pong') {
        problem(`socket ${index}: unexpected ${data.toString('utf8').slice(0, 200)}`);
      }
    });
    socket.once('open', () => {
      const authorization = `Bearer ${command.tokens[index]}`;
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
    });
  });
}

async function startBroadcast(
  goLive: GoLive,
): Promise<{ id: string; sentAt: number; respondedAt: number }> {
  const sentAt = now();
  const data = await graphql<{ startBroadcast: { id: string } }>(
    goLive.httpUrl,
    goLive.token,
    'mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id } }',
    { input: { title: goLive.title } },
  );
  return { id: data.startBroadcast.id, sentAt, respondedAt: now() };
}

async function storm(command: Extract<StormCommand, { type: 'storm' }>): Promise<StormReply> {
  const count = command.tokens.length;
  sockets = new Array<WebSocket>(count);
  closing = false;
  problems = [];
  const acknowledgedAt = new Array<number>(count).fill(Number.NaN);
  const firstCursors = new Array<string>(count).fill('');
  const nowLive: NowLiveArrivals = new Array(count).fill(undefined);
  let fired: Promise<{ id: string; sentAt: number; respondedAt: number }> | undefined;
  let acknowledged = 0;
  let next = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: Math.min(command.parallel, count) }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await subscribeOne(command, index, acknowledgedAt, firstCursors, nowLive);
        acknowledged += 1;
        if (command.goLive && !fired && acknowledged >= command.goLive.atAcknowledged) {
          fired = startBroadcast(command.goLive);
        }
      }
    }),
  );
  const ms = now() - started;
  let goLive: GoLiveResult | undefined;
  if (fired) {
    const { id, sentAt, respondedAt } = await fired;
    const nowLiveAt = (index: number) =>
      nowLive[index]?.itemId === id ? nowLive[index].at : Number.NaN;
    const before = acknowledgedAt
      .map((at, index) => ({ at, index }))
      .filter(({ at }) => at < respondedAt)
      .map(({ index }) => index);
    // NOW_LIVE may arrive before the id is known (the response is still being read): the
    // sockets acknowledged before the response are then waited for, up to 30 s.
    const until = now() + 30_000;
    while (before.some((index) => Number.isNaN(nowLiveAt(index))) && now() < until) await sleep(50);
    goLive = {
      sentAt,
      respondedAt,
      acknowledgedBefore: before.length,
      delays: before.map((index) => nowLiveAt(index) - respondedAt),
      broadcastId: id,
      firstCursors: before.map((index) => firstCursors[index]),
    };
  }
  return { type: 'stormed', ms, acknowledged, problems: problems.splice(0), goLive };
}

async function closeAll(): Promise<StormReply> {
  closing = true;
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (!socket || socket.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            socket.terminate();
            resolve();
          }, 10_000);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.close(1000);
        }),
    ),
  );
  sockets = [];
  return { type: 'closed', problems: problems.splice(0) };
}

answerParent((command: StormCommand) => (command.type === 'storm' ? storm(command) : closeAll()));
