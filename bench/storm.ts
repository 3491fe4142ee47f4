/**
 * The reconnect storm (goal 3): N clients connect and subscribe to `timelineUpdates` at once, side
 * by side with a raw `ws` server answering the same handshake, then a go-live fired halfway
 * through a second kind of storm.
 *
 *   npm run bench -- storm [--followers 10000] [--rounds 3]
 *
 * The API and the raw server run in this process, the N sockets in a child process
 * (bench/storm-clients.ts), 100 handshakes at a time. A subscription counts as acknowledged at
 * its first message: each client resumes from a cursor the server answers with RESYNC once the
 * subscription is registered, and that is its acknowledgement (see storm-clients.ts). Rounds alternate seeit and raw storms; then the
 * go-live rounds: startBroadcast once half the sockets are acknowledged, its latency, and for
 * every socket acknowledged before its response, NOW_LIVE's arrival after that response.
 */
import { rmSync } from 'node:fs';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { WebSocketServer } from 'ws';
import { AuthService } from '@app/accounts';
import { encodeCursor, parseGlobalId } from '@app/common';
import { loadConfig } from '@app/config';
import { decodePosition, isAhead } from '@app/timeline/log-position';
import { createApp } from '../apps/api/src/create-app';
import { BenchChild } from './child-process';
import type { StormCommand, StormReply } from './storm-protocol';
import {
  benchEnv,
  benchStorage,
  BenchDatabase,
  load,
  median,
  percentile,
  seed,
  sleep,
  Table,
} from './support';

export interface StormOptions {
  rounds: number;
  followers: number[];
}

/**
 * The cursor every seeit client resumes from: a plain row id, the form cursors had before they
 * carried log positions. The server answers it with RESYNC once the subscription is registered,
 * which is the client's acknowledgement (graphql-ws acknowledges no subscribe).
 */
export const RESUME_CURSOR = encodeCursor(['0']);

/** Handshakes in flight at once from the client process. */
const PARALLEL = 100;

const SUBSCRIPTION = `subscription($after: String) { timelineUpdates(after: $after) {
  kind cursor itemId item { ... on Broadcast { id title } ... on Post { id text } } } }`;

/** The child process with the sockets (bench/storm-clients.ts). */
export const startStormClients = () =>
  BenchChild.fork<StormCommand, StormReply>('client process', 'storm-clients.js');

/**
 * A plain `ws` server doing the handshake the clients do with seeit: connection_ack for
 * connection_init, one `next` of the given text for a subscribe, pong for ping.
 */
export async function rawPeer(
  next: () => string,
): Promise<{ server: WebSocketServer; url: string }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  server.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      const { type } = JSON.parse(data.toString('utf8')) as { type: string };
      if (type === 'connection_init') socket.send('{"type":"connection_ack"}');
      else if (type === 'subscribe') socket.send(next());
      else if (type === 'ping') socket.send('{"type":"pong"}');
    });
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { server, url: `ws://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/** A subscribe message resuming after `cursor`, as the clients send it. */
export const subscribeMessage = (cursor: string) =>
  JSON.stringify({
    id: '1',
    type: 'subscribe',
    payload: { query: SUBSCRIPTION, variables: { after: cursor } },
  });

/** A throw-away API on a fresh database, with N followers of one caster. */
export class StormApi {
  private constructor(
    readonly app: NestExpressApplication,
    private readonly database: BenchDatabase,
    private readonly dataDir: string,
    readonly httpUrl: string,
    readonly wsUrl: string,
    readonly caster: { id: string; token: string },
    readonly followerTokens: string[],
  ) {}

  static async start(followers: number): Promise<StormApi> {
    const { database, dataDir } = await benchStorage();
    const config = loadConfig(
      benchEnv(database, dataDir, {
        // Every socket comes from the one client process, on one address.
        WS_MAX_SOCKETS_PER_ADDRESS: '1000000',
      }),
    );
    const app = await createApp(config, { url: database.url });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    console.log(`Seeding ${followers} followers...`);
    const seeded = await seed(app.get(DataSource), app.get(AuthService), [followers]);
    return new StormApi(
      app,
      database,
      dataDir,
      `http://127.0.0.1:${port}/graphql`,
      `ws://127.0.0.1:${port}/graphql`,
      seeded.broadcasters.get(followers)!,
      seeded.followerTokens,
    );
  }

  /** Ends the caster's broadcasts and backdates them: the next go-live is a first one again. */
  async resetBroadcasts(): Promise<void> {
    const db = this.app.get(DataSource);
    await db.query(
      `UPDATE broadcasts SET status = 'ENDED', ended_at = now() WHERE broadcaster_id = $1 AND status <> 'ENDED'`,
      [this.caster.id],
    );
    await db.query(
      `UPDATE broadcasts SET started_at = started_at - interval '1 day' WHERE broadcaster_id = $1`,
      [this.caster.id],
    );
  }

  /**
   * For each first cursor (a RESYNC's, the log's head when the subscription opened), whether its
   * snapshot already saw the broadcast's NOW_LIVE rows: that subscription came after the go-live
   * committed, and the page its RESYNC reloads shows the broadcast.
   */
  async sawGoLive(broadcastId: string, cursors: string[]): Promise<boolean[]> {
    const [row] = await this.app.get(DataSource).query<{ xid: string; id: string }[]>(
      `SELECT xid::text AS xid, id FROM timeline_updates
       WHERE kind = 'NOW_LIVE' AND item_kind = 'BROADCAST' AND item_id = $1 ORDER BY id LIMIT 1`,
      [parseGlobalId(broadcastId, 'Broadcast')],
    );
    const place = { xid: BigInt(row.xid), id: BigInt(row.id) };
    return cursors.map((cursor) => {
      const position = cursor ? decodePosition(cursor) : null;
      return position !== null && !isAhead(position, place);
    });
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.database.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A `next` message about as long as seeit's first one, for the raw peer to answer with. */
export const rawNext = (bytes: number) =>
  JSON.stringify({
    id: '1',
    type: 'next',
    payload: { data: { x: 'x'.repeat(Math.max(0, bytes - 60)) } },
  });

interface StormRound {
  ms: number;
  load: string;
}

/** A go-live in the storm, counting the sockets acknowledged before its response. */
interface GoLiveRound {
  mutation: number;
  /** Those that opened before the commit: each must get NOW_LIVE. */
  before: number;
  /** Those that opened after the commit: their RESYNC page shows the broadcast. */
  afterCommit: number;
  within: number;
  p50: number;
  max: number;
  load: string;
}

export async function stormBench(options: StormOptions): Promise<string> {
  const count = Math.max(...options.followers);
  const api = await StormApi.start(count);
  const raw = await rawPeer(() => rawNext(260));
  const clients = startStormClients();
  const seeit: StormRound[] = [];
  const peer: StormRound[] = [];
  const goLives: GoLiveRound[] = [];
  const problems: string[] = [];
  const timeout = 120_000 + count * 20;
  const closeAll = async () => {
    const closed = await clients.request({ type: 'close' }, 'closed', 60_000);
    problems.push(...closed.problems);
    await sleep(1_000);
  };
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      let at = load();
      const ours = await clients.request(
        {
          type: 'storm',
          url: api.wsUrl,
          tokens: api.followerTokens,
          protocol: 'graphql-transport-ws',
          subscribe: subscribeMessage(RESUME_CURSOR),
          parallel: PARALLEL,
        },
        'stormed',
        timeout,
      );
      seeit.push({ ms: ours.ms, load: at });
      problems.push(...ours.problems.map((p) => `seeit round ${round}: ${p}`));
      await closeAll();
      at = load();
      const theirs = await clients.request(
        {
          type: 'storm',
          url: raw.url,
          tokens: api.followerTokens,
          protocol: undefined,
          subscribe: subscribeMessage(RESUME_CURSOR),
          parallel: PARALLEL,
        },
        'stormed',
        timeout,
      );
      peer.push({ ms: theirs.ms, load: at });
      await closeAll();
      console.log(
        `storm round ${round}: seeit ${ours.ms.toFixed(0)} ms (${ours.acknowledged}/${count}), raw ${theirs.ms.toFixed(0)} ms; load ${at}`,
      );
    }
    for (let round = 0; round < options.rounds; round += 1) {
      await api.resetBroadcasts();
      const at = load();
      const stormed = await clients.request(
        {
          type: 'storm',
          url: api.wsUrl,
          tokens: api.followerTokens,
          protocol: 'graphql-transport-ws',
          subscribe: subscribeMessage(RESUME_CURSOR),
          parallel: PARALLEL,
          goLive: {
            httpUrl: api.httpUrl,
            token: api.caster.token,
            title: `Storm live ${round}`,
            atAcknowledged: Math.floor(count / 2),
          },
        },
        'stormed',
        timeout,
      );
      problems.push(...stormed.problems.map((p) => `go-live round ${round}: ${p}`));
      const live = stormed.goLive!;
      const sawGoLive = await api.sawGoLive(live.broadcastId, live.firstCursors);
      const delays = live.delays.filter((_, i) => !sawGoLive[i]);
      const arrived = delays.filter((d) => !Number.isNaN(d));
      goLives.push({
        mutation: live.respondedAt - live.sentAt,
        before: delays.length,
        afterCommit: live.acknowledgedBefore - delays.length,
        within: arrived.filter((d) => d <= 1000).length,
        p50: percentile(arrived, 50),
        max: arrived.length < delays.length ? Number.NaN : Math.max(...arrived),
        load: at,
      });
      await closeAll();
      const last = goLives[goLives.length - 1];
      console.log(
        `go-live round ${round}: mutation ${last.mutation.toFixed(0)} ms; ${last.within}/${last.before} within 1 s, p50 ${last.p50.toFixed(0)} ms, max ${last.max.toFixed(0)} ms; load ${at}`,
      );
    }
  } finally {
    await clients.stop();
    for (const socket of raw.server.clients) socket.terminate();
    await new Promise<void>((resolve) => raw.server.close(() => resolve()));
    await api.stop();
  }
  return report(count, seeit, peer, goLives, problems);
}

function report(
  count: number,
  seeit: StormRound[],
  peer: StormRound[],
  goLives: GoLiveRound[],
  problems: string[],
): string {
  const rounds = new Table([
    'round',
    'seeit s',
    'raw ws s',
    'ratio',
    'load (1/5/15 min) before seeit',
    'before raw',
  ]);
  seeit.forEach((round, i) =>
    rounds.row([
      String(i),
      (round.ms / 1000).toFixed(2),
      (peer[i].ms / 1000).toFixed(2),
      `${(round.ms / peer[i].ms).toFixed(1)}x`,
      round.load,
      peer[i].load,
    ]),
  );
  const ratio = median(seeit.map((r) => r.ms)) / median(peer.map((r) => r.ms));
  const live = new Table([
    'round',
    'startBroadcast ms',
    'acknowledged before the response',
    'of them, opened after the commit',
    'NOW_LIVE within 1 s',
    'p50 / max ms after the response',
    'load',
  ]);
  goLives.forEach((round, i) =>
    live.row([
      String(i),
      round.mutation.toFixed(0),
      String(round.before + round.afterCommit),
      String(round.afterCommit),
      String(round.within),
      `${round.p50.toFixed(0)} / ${Number.isNaN(round.max) ? 'missing' : round.max.toFixed(0)}`,
      round.load,
    ]),
  );
  const mutation = median(goLives.map((r) => r.mutation));
  const allWithin = goLives.every((r) => r.within === r.before);
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `Reconnect storm: ${count} sockets connect, authenticate and subscribe (${PARALLEL} handshakes in flight), acknowledged = first message (RESYNC, once the subscription is registered)`,
    '',
    rounds.render(),
    '',
    `Goal 3a, connect ≤ 3x raw ws: median ${(median(seeit.map((r) => r.ms)) / 1000).toFixed(2)} s vs ${(median(peer.map((r) => r.ms)) / 1000).toFixed(2)} s = ${ratio.toFixed(1)}x: ${met(ratio <= 3)}`,
    '',
    `Go-live fired once ${Math.floor(count / 2)} of the ${count} subscriptions were acknowledged. A subscription acknowledged before the response may have opened after the commit: its RESYNC cursor's snapshot saw the NOW_LIVE rows, so the page it reloads shows the broadcast and no NOW_LIVE follows; those are counted apart, every other one must get NOW_LIVE.`,
    '',
    live.render(),
    '',
    `Goal 3b, startBroadcast ≤ 500 ms during the storm: median ${mutation.toFixed(0)} ms: ${met(mutation <= 500)}`,
    `Goal 3c, every follower acknowledged before the response, and opened before the commit, gets NOW_LIVE within 1 s of it: ${met(allWithin)} (in every round: ${goLives.map((r) => `${r.within}/${r.before}`).join(', ')})`,
    ...(problems.length > 0 ? ['', `PROBLEMS:\n  ${problems.join('\n  ')}`] : []),
  ].join('\n');
}
