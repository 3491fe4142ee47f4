/**
 * Concurrent writers: 8 authors with 200 distinct followers each post at once through the real
 * service (HTTP createPost), and one author alone, for the single-writer p99; against a raw bulk
 * `INSERT … SELECT` of the same post, timeline and log rows on 8 connections and on 1, whose own
 * p99 ratio is what the machine allows 8 writers that share no lock. Interleaved rounds, medians,
 * the machine's load beside each run, the API process's CPU per post.
 *
 *   npm run bench -- writes [--seconds 3] [--rounds 3] [--profile]
 *
 * `--profile` adds one uncounted 8-author run under V8's CPU profiler (this process, i.e. the
 * server), writes it to .data/writes.cpuprofile and summarizes self time in the report.
 *
 * The API runs in this process; the load (HTTP clients and the raw peer's connections) in a child
 * process running this file, so neither shares the server's event loop.
 */
import { readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuthService } from '@app/accounts';
import { loadConfig } from '@app/config';
import { QueryCounter } from '@app/database';
import { createApp } from '../apps/api/src/create-app';
import { profile } from './cpu-profile';
import { BenchChild, answerParent } from './child-process';
import { benchEnv, benchStorage, median, percentile, postJson, Table } from './support';

interface Options {
  seconds: number;
  rounds: number;
  profile: boolean;
}

const AUTHORS = 8;
const FOLLOWERS_EACH = 200;

/** What the load process is asked to run: posts over HTTP, or the raw statement on connections. */
type LoadCommand =
  | { type: 'api'; url: string; tokens: string[]; seconds: number }
  | { type: 'raw'; databaseUrl: string; authorIds: string[]; seconds: number };

interface LoadResult {
  type: 'loaded';
  /** Per-post latency, ms. */
  latencies: number[];
  wallMs: number;
  /** CPU time of the raw peer's PostgreSQL backends over the run, ms, when it could be read. */
  databaseCpuMs?: number;
}

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  /** This process's (the API's) CPU time per post, ms. */
  serverCpu: number;
  /** The PostgreSQL backends' CPU time per post, ms, when it could be read. */
  databaseCpu?: number;
  load: number;
}

/** Each writer posts one after the other until the time is up; all writers at once. */
async function loop(
  writers: number,
  seconds: number,
  post: (writer: number, n: number) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let n = 0; performance.now() < until; n += 1) {
        const at = performance.now();
        await post(writer, n);
        latencies.push(performance.now() - at);
      }
    }),
  );
  return { type: 'loaded', latencies, wallMs: performance.now() - started };
}

async function apiLoad(command: Extract<LoadCommand, { type: 'api' }>): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: command.tokens.length });
  const url = new URL(command.url);
  try {
    return await loop(command.tokens.length, command.seconds, async (writer, n) => {
      const body = JSON.stringify({
        query: 'mutation($text: String!) { createPost(input: { text: $text }) { id } }',
        variables: { text: `post ${writer}.${n}` },
      });
      const { text } = await postJson(agent, url, body, {
        authorization: `Bearer ${command.tokens[writer]}`,
      });
      if ((JSON.parse(text) as { errors?: unknown[] }).errors) {
        throw new Error(`createPost failed: ${text}`);
      }
    });
  } finally {
    agent.destroy();
  }
}

/** The same rows the service writes for a post, in one statement per post. */
const RAW_POST = `WITH post AS (
    INSERT INTO posts (author_id, text) VALUES ($1, $2) RETURNING id, author_id, created_at),
  owners AS (SELECT $1::bigint AS owner_id UNION ALL SELECT follower_id FROM follows WHERE followee_id = $1),
  entries AS (
    INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
    SELECT owners.owner_id, post.created_at, post.id, 'POST', post.author_id FROM post, owners)
  INSERT INTO timeline_updates (owner_id, author_id, kind, item_kind, item_id)
  SELECT owners.owner_id, post.author_id, 'ADDED', 'POST', post.id FROM post, owners`;

async function rawLoad(command: Extract<LoadCommand, { type: 'raw' }>): Promise<LoadResult> {
  const clients = command.authorIds.map(
    () => new Client({ connectionString: command.databaseUrl }),
  );
  await Promise.all(clients.map((client) => client.connect()));
  try {
    const pids = await Promise.all(
      clients.map(
        async (client) =>
          (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid,
      ),
    );
    const before = backendCpu(command.databaseUrl, pids);
    const result = await loop(clients.length, command.seconds, async (writer, n) => {
      await clients[writer].query(RAW_POST, [command.authorIds[writer], `raw ${writer}.${n}`]);
    });
    return { ...result, databaseCpuMs: cpuBetween(before, backendCpu(command.databaseUrl, pids)) };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

type LoadProcess = BenchChild<LoadCommand, LoadResult>;

async function seed(
  db: DataSource,
  auth: AuthService,
): Promise<{ ids: string[]; tokens: string[] }> {
  const authors = await db.query<{ id: string }[]>(
    `INSERT INTO users (handle, email, password_hash, display_name)
     SELECT 'author_' || i, 'author_' || i || '@bench.local', 'x', 'Author ' || i
     FROM generate_series(1, $1) AS i ORDER BY i RETURNING id`,
    [AUTHORS],
  );
  await db.query(
    `INSERT INTO users (handle, email, password_hash, display_name)
     SELECT 'follower_' || i, 'follower_' || i || '@bench.local', 'x', 'Follower ' || i
     FROM generate_series(1, $1) AS i`,
    [AUTHORS * FOLLOWERS_EACH],
  );
  // Author k's followers are followers k*200+1 … (k+1)*200: no two authors share one.
  await db.query(
    `INSERT INTO follows (follower_id, followee_id)
     SELECT f.id, a.id
     FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM users WHERE handle LIKE 'author_%') a
     JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users WHERE handle LIKE 'follower_%') f
       ON f.n / $1 = a.k`,
    [FOLLOWERS_EACH],
  );
  await db.query(
    `UPDATE users u SET followers_count = c.n
     FROM (SELECT followee_id, count(*)::int AS n FROM follows GROUP BY followee_id) c
     WHERE u.id = c.followee_id`,
  );
  await db.query(`UPDATE users u SET following_count = 1 WHERE handle LIKE 'follower_%'`);
  await db.query('ANALYZE');
  const ids = authors.map((row) => row.id);
  return { ids, tokens: ids.map((id) => auth.issueToken(id)) };
}

/** Linux gives a process's CPU time in /proc/<pid>/stat in ticks of USER_HZ, 100 a second. */
const TICK_MS = 10;

/**
 * The CPU time (ms) each of these PostgreSQL backends has used, read from /proc: only for a
 * PostgreSQL on this machine, and only the backends still there.
 */
function backendCpu(databaseUrl: string, pids: number[]): Map<number, number> {
  const used = new Map<number, number>();
  if (!['localhost', '127.0.0.1', '[::1]'].includes(new URL(databaseUrl).hostname)) return used;
  for (const pid of pids) {
    try {
      // After the command name: the state is field 0, utime field 11, stime field 12.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
    } catch {
      // Gone, or no /proc here: not counted.
    }
  }
  return used;
}

/** The CPU the backends read `after` used since `before`; undefined when none could be read. */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number | undefined {
  if (after.size === 0) return undefined;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** One load on the load process, allowed its length and a minute more. */
function run(loader: LoadProcess, command: LoadCommand): Promise<LoadResult> {
  return loader.request(command, 'loaded', command.seconds * 1000 + 60_000);
}

/**
 * Runs `command` on the load process, with the load average before it, the API's CPU and the
 * CPU of the PostgreSQL backends that served it (the API's pool, or the raw peer's connections).
 */
async function measure(
  loader: LoadProcess,
  command: LoadCommand,
  database: { url: string; poolPids: () => Promise<number[]> },
): Promise<Run> {
  const load = loadavg()[0];
  const pool = backendCpu(database.url, await database.poolPids());
  const cpu = process.cpuUsage();
  const result = await run(loader, command);
  const { user, system } = process.cpuUsage(cpu);
  const databaseCpuMs =
    command.type === 'raw'
      ? result.databaseCpuMs
      : cpuBetween(pool, backendCpu(database.url, await database.poolPids()));
  const posts = result.latencies.length;
  return {
    perSecond: (posts / result.wallMs) * 1000,
    p50: percentile(result.latencies, 50),
    p99: percentile(result.latencies, 99),
    serverCpu: (user + system) / 1000 / posts,
    databaseCpu: databaseCpuMs === undefined ? undefined : databaseCpuMs / posts,
    load,
  };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
/** Median of none (PostgreSQL not on this machine) is 0: read as unknown. */
const cpu = (ms: number) => (ms > 0 ? `${fixed(ms, 2)} ms` : 'n/a');

export async function writesBench(options: Options): Promise<string> {
  const { database, dataDir } = await benchStorage();
  let app: NestExpressApplication | undefined;
  let loader: LoadProcess | undefined;
  try {
    const config = loadConfig(benchEnv(database, dataDir));
    const queries = new QueryCounter();
    app = await createApp(config, { url: database.url, logger: queries });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}/graphql`;
    console.log(`Seeding ${AUTHORS} authors x ${FOLLOWERS_EACH} followers...`);
    const db = app.get(DataSource);
    const { ids, tokens } = await seed(db, app.get(AuthService));
    const backends = {
      url: database.url,
      poolPids: async () =>
        (
          await db.query<{ pid: number }[]>(
            'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
          )
        ).map((row) => row.pid),
    };
    loader = BenchChild.fork('load process', 'writes.js', { SEEIT_BENCH_WRITES_LOAD: '1' });
    const raw = (authorIds: string[], seconds = options.seconds): LoadCommand => ({
      type: 'raw',
      databaseUrl: database.url,
      authorIds,
      seconds,
    });
    const api = (writers: string[], seconds = options.seconds): LoadCommand => ({
      type: 'api',
      url,
      tokens: writers,
      seconds,
    });
    // Warm-up: plans, pools and JIT on both sides, uncounted.
    await run(loader, api(tokens, 1));
    await run(loader, raw(ids, 1));

    // One post alone, its statements listed: what a post costs in round trips.
    queries.reset();
    await apiLoad({ type: 'api', url, tokens: tokens.slice(0, 1), seconds: 0.001 });
    const statements = queries.statements.map(
      (statement) => `    ${statement.replace(/\s+/g, ' ').trim().slice(0, 110)}`,
    );

    // The raw peer alone and at 8 is what the machine allows (no lock in it); seeit the same.
    const contenders: { name: string; command: LoadCommand }[] = [
      { name: 'raw INSERT … SELECT, 8 conns', command: raw(ids) },
      { name: 'raw, 1 conn', command: raw(ids.slice(0, 1)) },
      { name: 'seeit, 8 authors', command: api(tokens) },
      { name: 'seeit, 1 author', command: api(tokens.slice(0, 1)) },
    ];
    const runs = contenders.map(() => [] as Run[]);
    const rounds = new Table([
      'round',
      ...contenders.map(({ name }) => `${name}: posts/s, p50 / p99 ms (load)`),
    ]);
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const [i, { command }] of contenders.entries()) {
        runs[i].push(await measure(loader, command, backends));
      }
      rounds.row([
        String(round),
        ...runs.map((list) => {
          const run = list[list.length - 1];
          return `${fixed(run.perSecond, 0)}, ${fixed(run.p50)} / ${fixed(run.p99)} (${fixed(run.load, 2)})`;
        }),
      ]);
    }
    const [rawMany, rawOne, many, one] = runs.map((list) => ({
      perSecond: median(list.map((r) => r.perSecond)),
      p99: median(list.map((r) => r.p99)),
      serverCpu: median(list.map((r) => r.serverCpu)),
      databaseCpu: median(
        list.flatMap((r) => (r.databaseCpu === undefined ? [] : [r.databaseCpu])),
      ),
    }));
    const throughput = many.perSecond / rawMany.perSecond;
    const tail = many.p99 / one.p99;
    const rawTail = rawMany.p99 / rawOne.p99;
    const goals = new Table(['goal 5', 'median', 'target', 'result']);
    goals.row([
      'post throughput, 8 authors ÷ raw INSERT … SELECT',
      `${fixed(many.perSecond, 0)} ÷ ${fixed(rawMany.perSecond, 0)} = ${fixed(throughput, 2)}×`,
      '≥ 0.5×',
      throughput >= 0.5 ? 'met' : 'not met',
    ]);
    goals.row([
      'p99 per post, 8 authors ÷ 1 author',
      `${fixed(many.p99)} ÷ ${fixed(one.p99)} ms = ${fixed(tail, 2)}×`,
      '≤ 2×',
      tail <= 2 ? 'met' : 'not met',
    ]);
    goals.row([
      'raw p99 per post, 8 conns ÷ 1 conn (what the machine allows)',
      `${fixed(rawMany.p99)} ÷ ${fixed(rawOne.p99)} ms = ${fixed(rawTail, 2)}×`,
      'reference',
      '',
    ]);
    let profiled = '';
    if (options.profile) {
      const file = join(process.cwd(), '.data', 'writes.cpuprofile');
      const { summary } = await profile(() => run(loader!, api(tokens)), file);
      profiled = `\nServer CPU profile of one more 8-author run (${file}):\n${summary}`;
    }
    return [
      `Concurrent writers: ${AUTHORS} authors x ${FOLLOWERS_EACH} distinct followers, ${options.rounds} interleaved rounds of ${options.seconds} s each (1-minute load average beside each run; ${2 * (FOLLOWERS_EACH + 1)} rows per post on both sides: a timeline entry and a log row for the author and each follower)`,
      '',
      rounds.render(),
      '',
      goals.render(),
      '',
      `CPU per post (medians): the API process ${fixed(many.serverCpu, 2)} ms with 8 authors, ${fixed(one.serverCpu, 2)} ms with 1; PostgreSQL ${cpu(many.databaseCpu)} for seeit's 8 authors, ${cpu(rawMany.databaseCpu)} for the raw peer's 8 connections`,
      '',
      `Statements of one createPost (${statements.length}):`,
      ...statements,
      profiled,
    ].join('\n');
  } finally {
    await loader?.stop();
    if (app) await app.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.env.SEEIT_BENCH_WRITES_LOAD === '1') {
  answerParent<LoadCommand, LoadResult>((command) =>
    command.type === 'api' ? apiLoad(command) : rawLoad(command),
  );
}
