/**
 * Memory per idle subscribed socket (goal 4): N clients connect and subscribe to
 * `timelineUpdates`, then sit idle; the server's memory after a full GC, minus the same before
 * they came, divided by N. Side by side with a raw `ws` server holding the same N sockets after
 * the same handshake, and again after every socket closed, to show the memory goes back down.
 *
 *   npm run bench -- memory [--followers 10000] [--rounds 3]
 *
 * The API and the raw server run in this process, the sockets in a child process
 * (bench/storm-clients.ts). Each kind gets one uncounted round first, so code compiled and
 * caches filled on first use do not count as per-socket memory.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GraphQLModule } from '@nestjs/graphql';
import type { WebSocketServer } from 'ws';
import {
  rawNext,
  rawPeer,
  RESUME_CURSOR,
  startStormClients,
  StormApi,
  subscribeMessage,
} from './storm';
import { load, median, sleep, Table } from './support';

export interface MemoryOptions {
  rounds: number;
  followers: number[];
}

const KiB = 1024;

interface Usage {
  heap: number;
  external: number;
  rss: number;
}

/** Memory after full collections (until the heap stops shrinking). */
async function settled(gc: () => void): Promise<Usage> {
  let previous = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i += 1) {
    gc();
    await sleep(200);
    const { heapUsed } = process.memoryUsage();
    if (heapUsed >= previous * 0.99) break;
    previous = heapUsed;
  }
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external, rss: usage.rss };
}

interface Round {
  /** (heap + external) per socket while they are open, bytes. */
  perSocket: number;
  /** RSS per socket while they are open, bytes. */
  rssPerSocket: number;
  /** (heap + external) left after they closed, relative to before they came, bytes. */
  leftAfterClose: number;
  load: string;
}

export async function memoryBench(options: MemoryOptions): Promise<string> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const count = Math.max(...options.followers);
  const api = await StormApi.start(count);
  const raw = await rawPeer(() => rawNext(260));
  const adapter = api.app.get(GraphQLModule).graphQlAdapter as unknown as {
    _subscriptionService?: { wss?: WebSocketServer };
  };
  const seeitServer = adapter._subscriptionService?.wss;
  if (!seeitServer) throw new Error('The graphql-ws server is missing.');
  const clients = startStormClients();
  const rounds = { seeit: [] as Round[], raw: [] as Round[] };
  const problems: string[] = [];

  const round = async (kind: 'seeit' | 'raw', counted: boolean) => {
    const server = kind === 'seeit' ? seeitServer : raw.server;
    const at = load();
    const before = await settled(gc);
    const stormed = await clients.request(
      {
        type: 'storm',
        url: kind === 'seeit' ? api.wsUrl : raw.url,
        tokens: api.followerTokens,
        protocol: kind === 'seeit' ? 'graphql-transport-ws' : undefined,
        subscribe: subscribeMessage(RESUME_CURSOR),
        parallel: 100,
      },
      'stormed',
      120_000 + count * 20,
    );
    problems.push(...stormed.problems.map((p) => `${kind}: ${p}`));
    await sleep(1_000);
    const open = await settled(gc);
    const closed = await clients.request({ type: 'close' }, 'closed', 60_000);
    problems.push(...closed.problems.map((p) => `${kind}: ${p}`));
    const until = Date.now() + 30_000;
    while (server.clients.size > 0 && Date.now() < until) await sleep(100);
    await sleep(1_000);
    const after = await settled(gc);
    const used = (u: Usage) => u.heap + u.external;
    const result: Round = {
      perSocket: (used(open) - used(before)) / count,
      rssPerSocket: (open.rss - before.rss) / count,
      leftAfterClose: used(after) - used(before),
      load: at,
    };
    console.log(
      `${kind}${counted ? '' : ' (warm-up, not counted)'}: ${(result.perSocket / KiB).toFixed(1)} KiB heap+external per socket, ${(result.rssPerSocket / KiB).toFixed(1)} KiB RSS; ${(result.leftAfterClose / KiB / KiB).toFixed(1)} MiB left after close; load ${at}`,
    );
    if (counted) rounds[kind].push(result);
  };

  try {
    await round('seeit', false);
    await round('raw', false);
    for (let i = 0; i < options.rounds; i += 1) {
      await round('seeit', true);
      await round('raw', true);
    }
  } finally {
    await clients.stop();
    for (const socket of raw.server.clients) socket.terminate();
    await new Promise<void>((resolve) => raw.server.close(() => resolve()));
    await api.stop();
  }
  return report(count, rounds, problems);
}

function report(
  count: number,
  rounds: { seeit: Round[]; raw: Round[] },
  problems: string[],
): string {
  const table = new Table([
    'round',
    'seeit KiB / socket (heap + external)',
    'seeit KiB / socket (RSS)',
    'seeit MiB left after close',
    'raw ws KiB / socket (heap + external)',
    'raw ws KiB / socket (RSS)',
    'raw ws MiB left after close',
    'load (1/5/15 min) before seeit',
  ]);
  const kib = (bytes: number) => (bytes / KiB).toFixed(1);
  const mib = (bytes: number) => (bytes / KiB / KiB).toFixed(1);
  rounds.seeit.forEach((ours, i) => {
    const theirs = rounds.raw[i];
    table.row([
      String(i),
      kib(ours.perSocket),
      kib(ours.rssPerSocket),
      mib(ours.leftAfterClose),
      kib(theirs.perSocket),
      kib(theirs.rssPerSocket),
      mib(theirs.leftAfterClose),
      ours.load,
    ]);
  });
  const perSocket = median(rounds.seeit.map((r) => r.perSocket));
  const left = median(rounds.seeit.map((r) => r.leftAfterClose));
  const open = perSocket * count;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `Memory per idle subscribed socket: ${count} sockets, each through connection_init and one timelineUpdates subscription (raw ws: the same handshake), measured after full GCs in the server process`,
    '',
    table.render(),
    '',
    `Goal 4a, ≤ 12 KiB per idle subscribed socket (heap + external): median ${kib(perSocket)} KiB (raw ws ${kib(median(rounds.raw.map((r) => r.perSocket)))} KiB): ${met(perSocket <= 12 * KiB)}`,
    `Goal 4b, memory goes back down when the sockets close: median ${mib(left)} MiB left of ${mib(open)} MiB held while open: ${met(left <= open * 0.1)}`,
    ...(problems.length > 0 ? ['', `PROBLEMS:\n  ${problems.join('\n  ')}`] : []),
  ].join('\n');
}
