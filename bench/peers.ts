/**
 * Home timeline reads against peers (issue 9, goal 1): `homeTimeline(first: 20)` over HTTP for
 * one reader following 50, 1,000 and 5,000 accounts, answered by
 *   - seeit: the real API (createApp), with the reader's bearer token;
 *   - PostGraphile 4 over views and a SQL function in a `peers` schema of the same database;
 *   - a bare Apollo Server 5 running the statements seeit runs, prepared as seeit prepares them;
 *   - raw node-postgres: a bare http server, one SQL statement, the same JSON (the floor).
 * Each contender runs in its own process (bench/peers-*-server.ts) on the same rows and a pool
 * of the same size; the load comes from one more process (bench/peers-load.ts) over 8
 * keep-alive connections. Before measuring, every contender must show the same page (ids,
 * order, author handles) to each reader. Rounds interleave the contenders (A, B, C, D, A, ...);
 * the report gives medians, the machine's load average beside each round, the ratios of seeit to
 * each peer and the goals of issue 9 marked met or not met.
 *
 *   npm run bench -- peers [--seconds 3] [--rounds 3]
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '@app/migrations';
import {
  HOME_QUERY,
  PageSummary,
  POSTGRAPHILE_QUERY,
  summarizePostGraphile,
  summarizeSeeit,
} from './peers-query';
import { POSTGRAPHILE_SCHEMA_SQL } from './peers-postgraphile-sql';
import { BenchChild } from './child-process';
import {
  LoadCommand,
  LoadResult,
  ServerCommand,
  ServerReply,
  settingsEnv,
  ServerSettings,
} from './peers-protocol';
import { seedPeers } from './peers-seed';
import { BenchDatabase, median, Table } from './support';

interface Options {
  seconds: number;
  rounds: number;
  /** One reader per count, following that many authors. */
  followees: number[];
  /** One more load on seeit and on the bare Apollo peer under V8's CPU profiler, in the report. */
  profile: boolean;
}

/** Seconds of uncounted load on each contender before the first size's rounds. */
const FIRST_WARM_UP_S = 10;
const CONNECTIONS = 8;
/** The same for every contender; 10 is seeit's default. */
const POOL_SIZE = 10;

type ContenderKey = 'seeit' | 'postgraphile' | 'apollo' | 'raw';

/** The contenders `--profile` profiles. */
const PROFILED: ContenderKey[] = ['seeit', 'apollo'];

interface Contender {
  key: ContenderKey;
  label: string;
  script: string;
  query: string;
  summarize: (json: unknown) => PageSummary;
}

/** In the order each round runs them. */
const CONTENDERS: Contender[] = [
  {
    key: 'seeit',
    label: 'seeit',
    script: 'peers-seeit-server.js',
    query: HOME_QUERY,
    summarize: summarizeSeeit,
  },
  {
    key: 'postgraphile',
    label: 'PostGraphile 4',
    script: 'peers-postgraphile-server.js',
    query: POSTGRAPHILE_QUERY,
    summarize: summarizePostGraphile,
  },
  {
    key: 'apollo',
    label: 'bare Apollo 5',
    script: 'peers-apollo-server.js',
    query: HOME_QUERY,
    summarize: summarizeSeeit,
  },
  {
    key: 'raw',
    label: 'raw node-postgres',
    script: 'peers-raw-server.js',
    query: HOME_QUERY,
    summarize: summarizeSeeit,
  },
];

/** The environment of every child process: each peer runs as in production. */
const CHILD_ENV = { NODE_ENV: 'production' };

type Server = BenchChild<ServerCommand, ServerReply>;

interface Round {
  result: LoadResult;
  /** The contender's server process: CPU milliseconds per answered request. */
  cpuPerRequest: number;
  /** 1-minute load average just before and just after the round. */
  loadBefore: number;
  loadAfter: number;
}

async function migrate(url: string): Promise<void> {
  const db = new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTransactionMode: 'each',
  });
  await db.initialize();
  try {
    await db.runMigrations();
  } finally {
    await db.destroy();
  }
}

async function createPeersSchema(url: string): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(POSTGRAPHILE_SCHEMA_SQL);
  } finally {
    await db.end();
  }
}

async function ask(url: string, contender: Contender, token: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: contender.query }),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`${contender.label} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return JSON.parse(text);
}

/** Fails loudly unless every contender shows the same page as seeit. */
async function checkSamePages(
  urls: Map<ContenderKey, string>,
  tokens: Map<number, string>,
): Promise<string[]> {
  const lines: string[] = [];
  for (const [count, token] of tokens) {
    const pages = new Map<ContenderKey, PageSummary>();
    for (const contender of CONTENDERS) {
      const json = await ask(urls.get(contender.key)!, contender, token);
      try {
        pages.set(contender.key, contender.summarize(json));
      } catch (error) {
        throw new Error(`${contender.label} at ${count} followees: ${(error as Error).message}`);
      }
    }
    const expected = pages.get('seeit')!;
    if (expected.items.length === 0) throw new Error(`seeit's page at ${count} is empty`);
    for (const [key, page] of pages) {
      if (
        page.items.join() !== expected.items.join() ||
        page.hasNextPage !== expected.hasNextPage
      ) {
        throw new Error(
          [
            `The contenders disagree at ${count} followees; the comparison would be meaningless.`,
            `seeit: ${expected.items.join(' ')} (next: ${expected.hasNextPage})`,
            `${key}: ${page.items.join(' ')} (next: ${page.hasNextPage})`,
          ].join('\n'),
        );
      }
    }
    const kinds = (kind: string) => expected.items.filter((item) => item.startsWith(kind)).length;
    lines.push(
      `${count} followees: all four show the same ${expected.items.length} items (${kinds('POST')} posts, ${kinds('BROADCAST')} broadcasts), hasNextPage ${expected.hasNextPage}`,
    );
  }
  return lines;
}

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** The statements of one home page per contender, and whether the bare Apollo peer's match. */
async function statementReport(
  servers: Map<ContenderKey, Server>,
  urls: Map<ContenderKey, string>,
  token: string,
): Promise<string[]> {
  const recorded = new Map<ContenderKey, string[]>();
  for (const contender of CONTENDERS) {
    const server = servers.get(contender.key)!;
    await server.request({ type: 'record' }, 'recording', 10_000);
    await ask(urls.get(contender.key)!, contender, token);
    const { statements } = await server.request({ type: 'recorded' }, 'statements', 10_000);
    recorded.set(contender.key, statements);
  }
  const lines = CONTENDERS.flatMap((contender) => {
    const statements = recorded.get(contender.key)!;
    return [
      `- ${contender.label}: ${statements.length}`,
      ...statements.map((statement) => `  - ${oneLine(statement).slice(0, 90)}`),
    ];
  });
  const seeit = recorded.get('seeit')!.map(oneLine).sort();
  const apollo = recorded.get('apollo')!.map(oneLine).sort();
  if (seeit.join('\n') === apollo.join('\n')) {
    lines.push('- The bare Apollo peer ran the same statement texts as seeit.');
  } else {
    const missing = seeit.filter((s) => !apollo.includes(s));
    const extra = apollo.filter((s) => !seeit.includes(s));
    lines.push(
      `- OUT OF SYNC: the bare Apollo peer's statements differ from seeit's (${seeit.length} vs ${apollo.length}); copy seeit's into bench/peers-apollo-statements.ts and its resolvers.`,
      ...missing.map((s) => `  - only seeit: ${s.slice(0, 160)}`),
      ...extra.map((s) => `  - only Apollo: ${s.slice(0, 160)}`),
    );
  }
  return lines;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

function report(
  results: Map<number, Map<ContenderKey, Round[]>>,
  options: Options,
  checks: string[],
  statements: string[],
): string {
  const table = new Table([
    'followees',
    'contender',
    'req/s',
    'p50 ms',
    'p99 ms',
    'server CPU ms / request',
    'failed',
    'load avg (1 min) before / after each round',
  ]);
  const ratios = new Table([
    'followees',
    'seeit req/s',
    'seeit / PostGraphile',
    'seeit / bare Apollo',
    'seeit / raw',
  ]);
  const ratio = new Map<number, Record<Exclude<ContenderKey, 'seeit'>, number>>();
  for (const [count, byContender] of results) {
    const perSecond = (key: ContenderKey) =>
      median(byContender.get(key)!.map((round) => round.result.perSecond));
    for (const contender of CONTENDERS) {
      const rounds = byContender.get(contender.key)!;
      table.row([
        String(count),
        contender.label,
        fixed(perSecond(contender.key), 0),
        fixed(median(rounds.map((r) => r.result.p50))),
        fixed(median(rounds.map((r) => r.result.p99))),
        fixed(median(rounds.map((r) => r.cpuPerRequest)), 2),
        String(rounds.reduce((sum, r) => sum + r.result.errors, 0)),
        rounds.map((r) => `${fixed(r.loadBefore, 2)} / ${fixed(r.loadAfter, 2)}`).join(', '),
      ]);
    }
    const seeit = perSecond('seeit');
    const against = {
      postgraphile: seeit / perSecond('postgraphile'),
      apollo: seeit / perSecond('apollo'),
      raw: seeit / perSecond('raw'),
    };
    ratio.set(count, against);
    ratios.row([
      String(count),
      fixed(seeit, 0),
      `${fixed(against.postgraphile, 2)}x`,
      `${fixed(against.apollo, 2)}x`,
      `${fixed(against.raw, 2)}x`,
    ]);
  }
  const sizes = [...ratio.keys()];
  const all = (key: Exclude<ContenderKey, 'seeit'>) => sizes.map((size) => ratio.get(size)![key]);
  const mark = (met: boolean) => (met ? 'met' : 'NOT met');
  const floorGoal = (key: Exclude<ContenderKey, 'seeit'>, label: string, goal: number) => {
    const values = all(key);
    return `- seeit >= ${goal.toFixed(1)}x ${label} at every size: ${mark(values.every((v) => v >= goal))} (${values.map((v) => `${fixed(v, 2)}x`).join(', ')})`;
  };
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  const drift = (['postgraphile', 'apollo', 'raw'] as const).map((key) => {
    const change = ratio.get(largest)![key] / ratio.get(smallest)![key] - 1;
    return { key, change };
  });
  return [
    `Home timeline read against peers: homeTimeline(first: 20) over HTTP, ${CONNECTIONS} keep-alive connections from a separate load process, each contender in its own process with a pool of ${POOL_SIZE}; medians of ${options.rounds} interleaved rounds of ${options.seconds} s per size. Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}.`,
    '',
    table.render(),
    '',
    ratios.render(),
    '',
    'Goals (issue 9, goal 1):',
    floorGoal('postgraphile', 'PostGraphile', 1.2),
    floorGoal('apollo', 'bare Apollo', 1.0),
    floorGoal('raw', 'raw node-postgres', 0.6),
    `- ratio at ${largest} within 15 % of the one at ${smallest}: ${mark(drift.every((d) => Math.abs(d.change) <= 0.15))} (${drift.map((d) => `${d.key} ${d.change >= 0 ? '+' : ''}${fixed(d.change * 100, 0)} %`).join(', ')})`,
    '',
    'Same pages:',
    ...checks.map((line) => `- ${line}`),
    '',
    `SQL statements for one home page at ${largest} followees:`,
    ...statements,
  ].join('\n');
}

export async function peersBench(options: Options): Promise<string> {
  if (!(options.seconds > 0) || !(options.rounds >= 1)) {
    throw new Error('--seconds and --rounds must be positive');
  }
  const database = await BenchDatabase.create(`seeit_bench_${randomBytes(4).toString('hex')}`);
  const servers = new Map<ContenderKey, Server>();
  let loader: BenchChild<LoadCommand, LoadResult> | undefined;
  try {
    await migrate(database.url);
    console.log(`Seeding readers of ${options.followees.join(', ')} followees...`);
    const readers = await seedPeers(database.url, options.followees);
    await createPeersSchema(database.url);
    const settings: ServerSettings = {
      databaseUrl: database.url,
      jwtSecret: randomBytes(32).toString('hex'),
      poolSize: POOL_SIZE,
    };
    const urls = new Map<ContenderKey, string>();
    for (const contender of CONTENDERS) {
      const server: Server = BenchChild.fork(contender.label, contender.script, {
        ...settingsEnv(settings),
        ...CHILD_ENV,
      });
      servers.set(contender.key, server);
      const { port } = await server.request({ type: 'ready' }, 'listening', 120_000);
      urls.set(contender.key, `http://127.0.0.1:${port}/graphql`);
    }
    loader = BenchChild.fork('load process', 'peers-load.js', CHILD_ENV);
    // seeit's own token: HS256 over the user id, with an expiry (AuthService.issueToken).
    const tokens = new Map(
      [...readers].map(([count, id]) => [
        count,
        jwt.sign({ sub: id }, settings.jwtSecret, { algorithm: 'HS256', expiresIn: '1h' }),
      ]),
    );
    const checks = await checkSamePages(urls, tokens);
    checks.forEach((line) => console.log(line));
    const statements = await statementReport(
      servers,
      urls,
      tokens.get(Math.max(...options.followees))!,
    );

    const cpuMicros = async (contender: Contender) =>
      (await servers.get(contender.key)!.request({ type: 'cpu' }, 'cpu', 10_000)).micros;
    const run = async (contender: Contender, token: string, seconds: number) => {
      const reply = await loader!.request(
        {
          type: 'load',
          url: urls.get(contender.key)!,
          body: JSON.stringify({ query: contender.query }),
          token,
          seconds,
          connections: CONNECTIONS,
        },
        'loaded',
        seconds * 1000 + 60_000,
      );
      return reply;
    };
    const results = new Map<number, Map<ContenderKey, Round[]>>();
    let warm = false;
    for (const [count, token] of tokens) {
      const byContender = new Map<ContenderKey, Round[]>(CONTENDERS.map((c) => [c.key, []]));
      results.set(count, byContender);
      // Uncounted: warms each server's caches at this size, and on the first size its JIT, which
      // takes a few thousand requests to optimize the hot path (measured at a fraction of a
      // second, the first size's CPU per request came out 30-50 % above the later sizes').
      for (const contender of CONTENDERS) await run(contender, token, warm ? 1 : FIRST_WARM_UP_S);
      warm = true;
      for (let round = 0; round < options.rounds; round += 1) {
        for (const contender of CONTENDERS) {
          const loadBefore = loadavg()[0];
          const cpuBefore = await cpuMicros(contender);
          const result = await run(contender, token, options.seconds);
          const cpuPerRequest =
            ((await cpuMicros(contender)) - cpuBefore) / 1000 / Math.max(1, result.requests);
          byContender
            .get(contender.key)!
            .push({ result, cpuPerRequest, loadBefore, loadAfter: loadavg()[0] });
          console.log(
            `${count} followees, round ${round + 1}, ${contender.label}: ${fixed(result.perSecond, 0)} req/s, p50 ${fixed(result.p50)} ms, p99 ${fixed(result.p99)} ms, server CPU ${fixed(cpuPerRequest, 2)} ms/request${result.errors ? `, ${result.errors} FAILED` : ''} (load ${fixed(loadBefore, 2)})`,
          );
        }
      }
    }
    let profiled = '';
    if (options.profile) {
      // One more, uncounted load on seeit and on the bare Apollo peer at the largest size, each
      // under V8's CPU profiler: where seeit spends what the peer running its statements does not.
      const count = Math.max(...options.followees);
      const seconds = options.seconds;
      for (const key of PROFILED) {
        const contender = CONTENDERS.find((candidate) => candidate.key === key)!;
        const file = join(process.cwd(), '.data', `peers-${key}.cpuprofile`);
        const [{ summary }, load] = await Promise.all([
          servers
            .get(key)!
            .request({ type: 'profile', seconds, file }, 'profiled', seconds * 1000 + 60_000),
          run(contender, tokens.get(count)!, seconds),
        ]);
        profiled += `\n\n${contender.label}'s CPU under load at ${count} followees (${fixed(load.perSecond, 0)} req/s, ${fixed((seconds * 1000) / Math.max(1, load.requests), 2)} ms of wall time per request; profile in ${file}):\n${summary}`;
      }
    }
    return report(results, options, checks, statements) + profiled;
  } finally {
    await loader?.stop();
    for (const server of servers.values()) await server.stop();
    await database.drop();
  }
}
