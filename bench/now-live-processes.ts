/**
 * The now-live burst across API processes on one Redis: N followers split evenly between P API
 * processes (bench/now-live-server.ts), each with its own client process (bench/now-live-clients.ts)
 * holding its share of the sockets. The broadcaster's startBroadcast goes to the first process;
 * the doorbell reaches the others over Redis. Every follower must get its NOW_LIVE exactly once;
 * the report gives the spread after the mutation's response over all processes, and per process.
 *
 *   npm run bench -- now-live --processes 2 --followers 20000 [--rounds 3]
 *
 * Each process holds only its share of the sockets, so 20,000 followers fit under an open-file
 * limit of 20,000: 10,000 in each API process and 10,000 in each client process. Redis is
 * REDIS_URL of the environment, else redis://127.0.0.1:6379, with a key prefix of its own.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AuthService } from '@app/accounts';
import { loadConfig } from '@app/config';
import { createApp } from '../apps/api/src/create-app';
import { BenchChild } from './child-process';
import {
  ClientProcess,
  ensureFileLimit,
  medianSpread,
  ms,
  Spread,
  spread,
  startClientProcess,
  SUBSCRIPTION,
  triple,
} from './now-live-burst';
import type { ServerCommand, ServerReply } from './now-live-protocol';
import { benchEnv, benchStorage, load, median, seed, sleep, Table } from './support';

export interface AcrossProcessesOptions {
  rounds: number;
  followers: number[];
  processes: number;
  fanoutMax?: number;
}

/** One API process (bench/now-live-server.ts), listening once it answers `start`. */
type ServerProcess = BenchChild<ServerCommand, ServerReply>;

/** What one API process and its client process are. */
interface Shard {
  server: ServerProcess;
  port: number;
  client: ClientProcess;
  httpUrl: string;
  size: number;
}

interface Round {
  mutation: number;
  all: Spread;
  /** The last NOW_LIVE of each process's followers, after the response. */
  lastByProcess: number[];
  received: number;
  duplicates: number;
}

interface Result {
  followers: number;
  rounds: Round[];
  openMs: number;
  load: string[];
  problems: string[];
}

export async function nowLiveAcrossProcesses(options: AcrossProcessesOptions): Promise<string> {
  const { processes } = options;
  const { database, dataDir } = await benchStorage();
  const env = benchEnv(database, dataDir, {
    WS_MAX_SOCKETS_PER_ADDRESS: '1000000',
    ...(options.fanoutMax !== undefined ? { FANOUT_MAX_FOLLOWERS: String(options.fanoutMax) } : {}),
  });
  // Migrates and seeds, and backdates between rounds; it serves nothing and is off the bus.
  let seeder: NestExpressApplication | undefined;
  const shards: Shard[] = [];
  try {
    seeder = await createApp(loadConfig(env), { url: database.url }, ['error', 'warn']);
    console.log(`Seeding ${Math.max(...options.followers)} followers...`);
    const seeded = await seed(seeder.get(DataSource), seeder.get(AuthService), options.followers);
    const db = seeder.get(DataSource);
    const serverEnv = {
      ...env,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `seeit_bench_${randomBytes(4).toString('hex')}:`,
    };
    const most = Math.max(...options.followers);
    const notes: string[] = [];
    for (let i = 0; i < processes; i += 1) {
      const server: ServerProcess = BenchChild.fork('API process', 'now-live-server.js');
      const { port } = await server.request({ type: 'start', env: serverEnv }, 'listening', 60_000);
      const client = startClientProcess();
      const perProcess = Math.ceil(most / processes) + 1024;
      for (const [pid, who] of [
        [server.pid, `API process ${i + 1}`],
        [client.pid, `client process ${i + 1}`],
      ] as const) {
        const { limit, note } = ensureFileLimit(pid, who, perProcess);
        if (limit < perProcess) throw new Error(`${note}: ${perProcess} needed`);
        if (i === 0) notes.push(note);
      }
      shards.push({
        server,
        port,
        client,
        httpUrl: `http://127.0.0.1:${port}/graphql`,
        size: 0,
      });
    }

    const results: Result[] = [];
    for (const count of options.followers) {
      const caster = seeded.broadcasters.get(count)!;
      const result: Result = { followers: count, rounds: [], openMs: 0, load: [], problems: [] };
      const tokens = seeded.followerTokens.slice(0, count);
      const share = Math.ceil(count / processes);
      console.log(`N=${count}: opening ${count} subscriptions across ${processes} processes...`);
      const opened = await Promise.all(
        shards.map((shard, i) => {
          const mine = tokens.slice(i * share, (i + 1) * share);
          shard.size = mine.length;
          return shard.client.request(
            {
              type: 'open-seeit',
              url: `ws://127.0.0.1:${shard.port}/graphql`,
              tokens: mine,
              query: SUBSCRIPTION,
            },
            'opened',
            60_000 + count * 30,
          );
        }),
      );
      result.openMs = Math.max(...opened.map((o) => o.ms));
      const first = shards[0];
      // graphql-ws does not acknowledge a subscribe: posts until every socket got one, then two more.
      const waitAll = (key: string, timeoutMs: number) =>
        Promise.all(
          shards.map((shard) =>
            shard.client.request(
              { type: 'await', key, timeoutMs, reset: false },
              'arrivals',
              timeoutMs + 30_000,
            ),
          ),
        );
      for (let attempt = 0, extra = 0; extra < 2; attempt += 1) {
        if (attempt >= 12)
          throw new Error('Some sockets never received a warm-up post: not subscribed?');
        const { id } = await first.client.request(
          { type: 'post', httpUrl: first.httpUrl, token: caster.token, text: `warm-up ${attempt}` },
          'posted',
          60_000,
        );
        const got = await waitAll(`ADDED:${id}`, 20_000);
        if (got.every((g, i) => g.received === shards[i].size)) extra += 1;
      }
      await Promise.all(
        shards.map((shard) => shard.client.request({ type: 'reset' }, 'ready', 10_000)),
      );

      for (let round = 0; round < options.rounds; round += 1) {
        await db.query(
          `UPDATE broadcasts SET started_at = started_at - interval '1 day'
           WHERE broadcaster_id = $1 AND status = 'ENDED'`,
          [caster.id],
        );
        await sleep(300);
        await Promise.all(
          shards.map((shard) => shard.client.request({ type: 'reset' }, 'ready', 10_000)),
        );
        result.load.push(load());
        const burst = await first.client.request(
          {
            type: 'burst',
            httpUrl: first.httpUrl,
            token: caster.token,
            title: `Live ${count} #${round}`,
          },
          'burst',
          180_000,
        );
        result.problems.push(...burst.problems.map((p) => `round ${round}, process 1: ${p}`));
        const key = `NOW_LIVE:${burst.broadcastId}`;
        const others = await Promise.all(
          shards
            .slice(1)
            .map((shard) =>
              shard.client.request(
                { type: 'await', key, timeoutMs: 120_000, reset: false },
                'arrivals',
                180_000,
              ),
            ),
        );
        const timesByProcess = [burst.times, ...others.map((o) => o.times)];
        const received = burst.received + others.reduce((sum, o) => sum + o.received, 0);
        for (const other of others)
          result.problems.push(...other.problems.map((p) => `round ${round}: ${p}`));
        const all = spread(timesByProcess.flat(), burst.respondedAt);
        const lastByProcess = timesByProcess.map((times) => spread(times, burst.respondedAt).max);

        const ended = await first.client.request(
          { type: 'end', httpUrl: first.httpUrl, token: caster.token, id: burst.broadcastId },
          'ended',
          180_000,
        );
        const endedElsewhere = await Promise.all(
          shards.slice(1).map((shard) =>
            shard.client.request(
              {
                type: 'await',
                key: `ENDED:${burst.broadcastId}`,
                timeoutMs: 120_000,
                reset: true,
              },
              'arrivals',
              180_000,
            ),
          ),
        );
        const duplicates =
          ended.duplicates + endedElsewhere.reduce((sum, o) => sum + o.duplicates, 0);
        const endedCount = ended.received + endedElsewhere.reduce((sum, o) => sum + o.received, 0);
        if (received < count)
          result.problems.push(`round ${round}: ${received}/${count} NOW_LIVE received`);
        if (endedCount < count)
          result.problems.push(`round ${round}: ${endedCount}/${count} ENDED received`);
        if (duplicates > 0)
          result.problems.push(`round ${round}: ${duplicates} updates received twice`);
        const measured: Round = {
          mutation: burst.respondedAt - burst.sentAt,
          all,
          lastByProcess,
          received,
          duplicates,
        };
        result.rounds.push(measured);
        console.log(
          `N=${count} round ${round}: mutation ${ms(measured.mutation)} ms, after response p50/p99/max ${triple(all)} ms, last per process ${lastByProcess.map(ms).join(' / ')} ms, ${received}/${count} received, ${duplicates} duplicates, load ${result.load[round]}`,
        );
      }
      await Promise.all(
        shards.map(async (shard) => {
          const closed = await shard.client.request(
            { type: 'close', group: 'seeit' },
            'closed',
            60_000,
          );
          result.problems.push(...closed.problems);
        }),
      );
      results.push(result);
    }
    return report(results, options, notes);
  } finally {
    await Promise.all(shards.map((shard) => shard.client.stop()));
    await Promise.all(shards.map((shard) => shard.server.stop()));
    await seeder?.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(results: Result[], options: AcrossProcessesOptions, notes: string[]): string {
  const table = new Table([
    'followers',
    'API processes',
    'startBroadcast ms',
    'after response: p50 / p99 / max ms',
    'last per process ms',
    'received (all rounds)',
    'duplicates',
    'subscribe N s',
    'load (1/5/15 min) per round',
  ]);
  const problems: string[] = [];
  for (const result of results) {
    const all = medianSpread(result.rounds.map((r) => r.all));
    const lastByProcess = Array.from({ length: options.processes }, (_, i) =>
      ms(median(result.rounds.map((r) => r.lastByProcess[i]))),
    );
    table.row([
      String(result.followers),
      String(options.processes),
      ms(median(result.rounds.map((r) => r.mutation))),
      triple(all),
      lastByProcess.join(' / '),
      `${result.rounds.reduce((sum, r) => sum + r.received, 0)} / ${result.followers * result.rounds.length}`,
      String(result.rounds.reduce((sum, r) => sum + r.duplicates, 0)),
      (result.openMs / 1000).toFixed(1),
      result.load.join('; '),
    ]);
    if (result.problems.length > 0) {
      problems.push(`PROBLEMS at ${result.followers}:\n  ${result.problems.join('\n  ')}`);
    }
  }
  return [
    `Now-live burst across ${options.processes} API processes on one Redis: medians of ${options.rounds} rounds; "after response" = NOW_LIVE receipt minus the startBroadcast response's arrival (sent to process 1), over every follower of every process${options.fanoutMax !== undefined ? `; FANOUT_MAX_FOLLOWERS=${options.fanoutMax}` : ''}`,
    '',
    table.render(),
    '',
    ...problems,
    ...notes,
  ].join('\n');
}
