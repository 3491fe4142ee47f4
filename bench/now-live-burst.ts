/**
 * The now-live burst: one broadcaster with N followers, each with a `timelineUpdates`
 * subscription open. The broadcaster calls startBroadcast; we time every follower's NOW_LIVE
 * from the mutation's response (and from its request), side by side with a raw `ws` server
 * sending the same serialized message to N plain sockets from the same client process.
 *
 *   npm run bench -- now-live [--followers 1000,10000] [--rounds 3] [--fanout-max 10000]
 *                             [--profile]
 *
 * The API and the raw server run in this process; the sockets live in a child process
 * (bench/now-live-clients.ts), so client work does not share the server's event loop. Each
 * round backdates the previous broadcasts, so every startBroadcast is a first go-live that also
 * notifies the followers (no "went live again within minutes" shortcut).
 *
 * `--profile` adds one
 * uncounted burst at each N under V8's CPU profiler (this process, i.e. the server), writes it to
 * .data/now-live-<N>.cpuprofile and summarizes self time by package and function in the report.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource, QueryRunner } from 'typeorm';
import { WebSocket, WebSocketServer } from 'ws';
import { AuthService } from '@app/accounts';
import { loadConfig } from '@app/config';
import { QueryCounter } from '@app/database';
import { EventBus } from '@app/realtime';
import { TIMELINE_TOPIC } from '@app/timeline';
import { createApp } from '../apps/api/src/create-app';
import { BenchChild } from './child-process';
import type { ClientCommand, ClientReply } from './now-live-protocol';
import { profile } from './cpu-profile';
import { benchEnv, benchStorage, median, percentile, seed, sleep, Table } from './support';

export interface NowLiveOptions {
  rounds: number;
  followers: number[];
  /** FANOUT_MAX_FOLLOWERS for the API (default: the service's own default). */
  fanoutMax?: number;
  /** Profiles one extra burst at each N (server process); the profiles go to .data/. */
  profile?: boolean;
}

export const SUBSCRIPTION = `subscription { timelineUpdates { kind cursor itemId item {
  ... on Broadcast { id title broadcaster { handle } } ... on Post { id } } } }`;

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Statement timestamps too, to see when the delivery's last SQL ran. */
class TimedQueryCounter extends QueryCounter {
  readonly times: number[] = [];

  override logQuery(query: string, parameters?: unknown[], runner?: QueryRunner): void {
    super.logQuery(query, parameters, runner);
    this.times.push(now());
  }

  override reset(): void {
    super.reset();
    this.times.length = 0;
  }
}

/** The child process with the sockets (bench/now-live-clients.ts). */
export type ClientProcess = BenchChild<ClientCommand, ClientReply>;

export const startClientProcess = (): ClientProcess =>
  BenchChild.fork('client process', 'now-live-clients.js');

/** RLIMIT_NOFILE of a process, from /proc. */
function fileLimit(pid: number): { soft: number; hard: number } {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').split(/\s+/).slice(3, 5);
  const parse = (value: string | undefined) =>
    value === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(value);
  return { soft: parse(soft), hard: parse(hard) };
}

/** Descriptors a process needs to hold both sets of sockets (seeit and raw) for `count` followers. */
const descriptorsFor = (count: number) => 2 * count + 1024;

/**
 * Each process holds up to two sockets per follower (a seeit one and a raw one) and some spare.
 * When its limit is lower, tries to raise it with prlimit(1) (above the hard limit this needs
 * CAP_SYS_RESOURCE). Returns the limit it ends with, and what it did.
 */
export function ensureFileLimit(
  pid: number,
  who: string,
  needed: number,
): { limit: number; note: string } {
  const before = fileLimit(pid);
  if (before.soft >= needed) {
    return { limit: before.soft, note: `${who} may open ${before.soft} files; enough` };
  }
  try {
    execFileSync(
      'prlimit',
      ['--pid', String(pid), `--nofile=${needed}:${Math.max(needed, before.hard)}`],
      { stdio: 'ignore' },
    );
  } catch {
    // Not permitted, or no prlimit: reported below.
  }
  const after = fileLimit(pid);
  if (after.soft > before.soft) {
    return {
      limit: after.soft,
      note: `raised ${who}'s open-file limit from ${before.soft} to ${after.soft} (prlimit, this process only)`,
    };
  }
  return {
    limit: after.soft,
    note: `${who} may open ${after.soft} files (raising it with prlimit was not permitted)`,
  };
}

export interface Spread {
  first: number;
  p50: number;
  p99: number;
  max: number;
}

export function spread(times: number[], origin: number): Spread {
  const delays = times.filter((t) => !Number.isNaN(t)).map((t) => t - origin);
  return {
    first: Math.min(...delays),
    p50: percentile(delays, 50),
    p99: percentile(delays, 99),
    max: Math.max(...delays),
  };
}

export function medianSpread(spreads: Spread[]): Spread {
  return {
    first: median(spreads.map((s) => s.first)),
    p50: median(spreads.map((s) => s.p50)),
    p99: median(spreads.map((s) => s.p99)),
    max: median(spreads.map((s) => s.max)),
  };
}

export const ms = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1));
export const triple = (s: Spread) => `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`;

/** Statements grouped by their text, most frequent first: the evidence for "no per-subscriber SQL". */
function statementSummary(statements: string[]): string {
  const counts = new Map<string, number>();
  for (const statement of statements) {
    const key = statement.replace(/\s+/g, ' ').trim().slice(0, 110);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([text, count]) => `    ${String(count).padStart(5)}  ${text}`)
    .join('\n');
}

interface BurstRound {
  mutation: number;
  fromResponse: Spread;
  fromRequest: Spread;
  doorbell: number;
  lastSql: number;
  statements: number;
}

interface Result {
  followers: number;
  seeit: BurstRound[];
  raw: Spread[];
  sendLoop: number[];
  payloadBytes: number;
  openMs: number;
  sql: string;
  profile?: string;
  problems: string[];
}

export async function nowLiveBurstBench(options: NowLiveOptions): Promise<string> {
  const followers = options.followers;
  if (followers.length === 0 || followers.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error('--followers takes whole numbers, e.g. 1000,10000');
  }
  const { database, dataDir } = await benchStorage();
  const queries = new TimedQueryCounter();
  const raw = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  let app: NestExpressApplication | undefined;
  let clients: ClientProcess | undefined;
  try {
    const config = loadConfig(
      benchEnv(database, dataDir, {
        // Every follower's socket comes from the bench's one client process, on one address.
        WS_MAX_SOCKETS_PER_ADDRESS: '1000000',
        ...(options.fanoutMax !== undefined
          ? { FANOUT_MAX_FOLLOWERS: String(options.fanoutMax) }
          : {}),
      }),
    );
    app = await createApp(config, { url: database.url, logger: queries });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    const httpUrl = `http://127.0.0.1:${port}/graphql`;
    const wsUrl = `ws://127.0.0.1:${port}/graphql`;
    await new Promise<void>((resolve) => {
      if (raw.address()) resolve();
      else raw.once('listening', () => resolve());
    });
    const rawUrl = `ws://127.0.0.1:${(raw.address() as { port: number }).port}`;

    console.log(`Seeding ${Math.max(...followers)} followers...`);
    const seeded = await seed(app.get(DataSource), app.get(AuthService), followers);
    const db = app.get(DataSource);
    let doorbellAt = Number.NaN;
    const stopListening = app
      .get(EventBus)
      .subscribe(
        TIMELINE_TOPIC,
        () => (doorbellAt = Number.isNaN(doorbellAt) ? now() : doorbellAt),
      );
    clients = startClientProcess();

    const needed = descriptorsFor(Math.max(...followers));
    const limits = [
      ensureFileLimit(process.pid, 'the bench (server) process', needed),
      ensureFileLimit(clients.pid, 'the client process', needed),
    ];
    const limit = Math.min(...limits.map((l) => l.limit));
    const notes: string[] = [];
    const sequential = followers.filter((count) => descriptorsFor(count) > limit);
    if (sequential.length > 0) {
      notes.push(
        `Order of rounds: at ${sequential.join(', ')} followers the seeit and raw sockets do not fit together under the open-file limit (${limits.map((l) => l.note).join('; ')}), so all seeit rounds ran first, then all raw rounds; elsewhere seeit and raw rounds alternated.`,
      );
    } else {
      notes.push('Order of rounds: seeit and raw rounds alternated.');
    }
    const results: Result[] = [];
    for (const count of followers) {
      const caster = seeded.broadcasters.get(count)!;
      const result: Result = {
        followers: count,
        seeit: [],
        raw: [],
        sendLoop: [],
        payloadBytes: 0,
        openMs: 0,
        sql: '',
        problems: [],
      };
      const client = clients;
      // Both sets of sockets open at once lets seeit and raw rounds alternate, so both see the
      // same machine (other work on it comes and goes); otherwise all seeit rounds, then all raw.
      const together = descriptorsFor(count) <= limit;
      console.log(`N=${count}: opening ${count} subscriptions...`);
      const opened = await client.request(
        {
          type: 'open-seeit',
          url: wsUrl,
          tokens: seeded.followerTokens.slice(0, count),
          query: SUBSCRIPTION,
        },
        'opened',
        30_000 + count * 30,
      );
      result.openMs = opened.ms;
      const warm = await client.request(
        { type: 'warm-up', httpUrl, token: caster.token, extra: 2 },
        'warm',
        60_000 + count * 30,
      );
      console.log(
        `N=${count}: ${count} subscribed in ${(opened.ms / 1000).toFixed(1)} s; warm-up ${warm.posts} posts in ${(warm.ms / 1000).toFixed(1)} s`,
      );

      /** One burst; `profiled` ones are extra, measured only for the CPU profile. */
      const seeitRound = async (round: number, profiled = false): Promise<string> => {
        // Every round a first go-live: the 10-minute "no second notification" rule stays out.
        await db.query(
          `UPDATE broadcasts SET started_at = started_at - interval '1 day'
           WHERE broadcaster_id = $1 AND status = 'ENDED'`,
          [caster.id],
        );
        await sleep(300);
        queries.reset();
        doorbellAt = Number.NaN;
        const request = () =>
          client.request(
            { type: 'burst', httpUrl, token: caster.token, title: `Live ${count} #${round}` },
            'burst',
            180_000,
          );
        let burst: Awaited<ReturnType<typeof request>>;
        if (profiled) {
          const file = join(process.cwd(), '.data', `now-live-${count}.cpuprofile`);
          const taken = await profile(request, file);
          console.log(`N=${count}: CPU profile written to ${file}`);
          burst = taken.result;
          result.profile = taken.summary;
        } else {
          burst = await request();
        }
        const statements = [...queries.statements];
        const lastSql = Math.max(...queries.times);
        if (burst.received < count) {
          result.problems.push(`round ${round}: ${burst.received}/${count} NOW_LIVE received`);
        }
        result.problems.push(...burst.problems.map((p) => `round ${round}: ${p}`));
        const measured: BurstRound = {
          mutation: burst.respondedAt - burst.sentAt,
          fromResponse: spread(burst.times, burst.respondedAt),
          fromRequest: spread(burst.times, burst.sentAt),
          doorbell: doorbellAt - burst.respondedAt,
          lastSql: lastSql - burst.respondedAt,
          statements: statements.length,
        };
        if (!profiled) result.seeit.push(measured);
        if (round === 0) result.sql = statementSummary(statements);
        const ended = await client.request(
          { type: 'end', httpUrl, token: caster.token, id: burst.broadcastId },
          'ended',
          180_000,
        );
        if (ended.received < count) {
          result.problems.push(`round ${round}: ${ended.received}/${count} ENDED received`);
        }
        if (ended.duplicates > 0) {
          result.problems.push(`round ${round}: ${ended.duplicates} updates received twice`);
        }
        console.log(
          `N=${count} seeit round ${profiled ? `${round} (profiled, not counted)` : round}: mutation ${ms(measured.mutation)} ms, after response p50/p99/max ${triple(measured.fromResponse)} ms, ${measured.statements} SQL statements`,
        );
        return burst.payload;
      };

      // The baseline: the same bytes, to as many sockets of the same client process.
      let sockets: WebSocket[] = [];
      const openRaw = async () => {
        await client.request(
          { type: 'open-raw', url: rawUrl, count },
          'opened',
          30_000 + count * 30,
        );
        const until = Date.now() + 30_000;
        while (raw.clients.size < count && Date.now() < until) await sleep(50);
        if (raw.clients.size !== count) {
          throw new Error(`raw server has ${raw.clients.size}/${count} sockets`);
        }
        sockets = [...raw.clients];
      };
      const rawRound = async (round: number, payload: string, counted: boolean) => {
        await client.request({ type: 'raw-prepare' }, 'ready', 10_000);
        await sleep(300);
        const started = now();
        for (const socket of sockets) socket.send(payload);
        const loopDone = now();
        const got = await client.request({ type: 'raw-collect', timeoutMs: 60_000 }, 'raw', 90_000);
        if (got.received < count) {
          result.problems.push(`raw round ${round}: ${got.received}/${count}`);
        }
        result.problems.push(...got.problems.map((p) => `raw round ${round}: ${p}`));
        if (!counted) return;
        const measured = spread(got.times, started);
        result.raw.push(measured);
        result.sendLoop.push(loopDone - started);
        console.log(`N=${count} raw round ${round}: p50/p99/max ${triple(measured)} ms`);
      };
      const close = async (group: 'seeit' | 'raw') => {
        const closed = await client.request({ type: 'close', group }, 'closed', 60_000);
        result.problems.push(...closed.problems);
      };

      if (together) await openRaw();
      const payloads: string[] = [];
      for (let round = 0; round < options.rounds; round += 1) {
        payloads.push(await seeitRound(round));
        if (!together) continue;
        // One uncounted send warms the raw path, as the warm-up posts did for seeit.
        if (round === 0) await rawRound(-1, payloads[0], false);
        await rawRound(round, payloads[round], true);
      }
      if (options.profile) await seeitRound(options.rounds, true);
      await close('seeit');
      if (!together) {
        await openRaw();
        await rawRound(-1, payloads[0], false);
        for (let round = 0; round < options.rounds; round += 1) {
          await rawRound(round, payloads[round], true);
        }
      }
      await close('raw');
      result.payloadBytes = Buffer.byteLength(payloads[payloads.length - 1]);
      const drained = Date.now() + 10_000;
      while (raw.clients.size > 0 && Date.now() < drained) await sleep(50);
      results.push(result);
    }
    stopListening();
    return report(results, options, notes);
  } finally {
    await clients?.stop();
    for (const socket of raw.clients) socket.terminate();
    await new Promise<void>((resolve) => raw.close(() => resolve()));
    await app?.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(results: Result[], options: NowLiveOptions, limitNotes: string[]): string {
  const table = new Table([
    'followers',
    'startBroadcast ms',
    'seeit after response: p50 / p99 / max ms',
    'seeit after request: p50 / p99 / max ms',
    'raw ws: p50 / p99 / max ms',
    'seeit / raw: p50 / p99 / max',
  ]);
  const detail = new Table([
    'followers',
    'first NOW_LIVE ms',
    'doorbell ms',
    'last SQL ms',
    'SQL statements',
    'raw send loop ms',
    'payload bytes',
    'subscribe N s',
  ]);
  const notes: string[] = [];
  for (const result of results) {
    const fromResponse = medianSpread(result.seeit.map((r) => r.fromResponse));
    const fromRequest = medianSpread(result.seeit.map((r) => r.fromRequest));
    const raw = medianSpread(result.raw);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
    table.row([
      String(result.followers),
      ms(median(result.seeit.map((r) => r.mutation))),
      triple(fromResponse),
      triple(fromRequest),
      triple(raw),
      `${ratio(fromResponse.p50, raw.p50)} / ${ratio(fromResponse.p99, raw.p99)} / ${ratio(fromResponse.max, raw.max)}`,
    ]);
    detail.row([
      String(result.followers),
      ms(fromResponse.first),
      ms(median(result.seeit.map((r) => r.doorbell))),
      ms(median(result.seeit.map((r) => r.lastSql))),
      String(median(result.seeit.map((r) => r.statements))),
      ms(median(result.sendLoop)),
      String(result.payloadBytes),
      (result.openMs / 1000).toFixed(1),
    ]);
    notes.push(
      `SQL statements during the first burst to ${result.followers} (mutation + delivery), by text:\n${result.sql}`,
    );
    if (result.profile) {
      notes.push(
        `CPU profile of this (server) process during one extra burst to ${result.followers}, from the request to the last NOW_LIVE:\n${result.profile}`,
      );
    }
    if (result.problems.length > 0) {
      notes.push(`PROBLEMS at ${result.followers}:\n  ${result.problems.join('\n  ')}`);
    }
  }
  return [
    `Now-live burst: medians of ${options.rounds} rounds; "after response" = NOW_LIVE receipt minus the startBroadcast response's arrival; raw ws = receipt minus the start of the send loop${options.fanoutMax !== undefined ? `; FANOUT_MAX_FOLLOWERS=${options.fanoutMax}` : ''}`,
    '',
    table.render(),
    '',
    'Where the time goes (medians; times after the startBroadcast response arrived, negative = before it)',
    '',
    detail.render(),
    '',
    ...notes,
    ...limitNotes,
  ].join('\n');
}
