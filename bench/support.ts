import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { AuthService } from '@app/accounts';
import { RATE_LIMITS } from '@app/config';
import { RunningDatabase, startEmbeddedPostgres } from '@app/database';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The load average over 1, 5 and 15 minutes, as a report prints it beside a round. */
export const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (values: number[]) => percentile(values, 50);

/**
 * POSTs a JSON body on a keep-alive agent and resolves with the answer's status and text: the load
 * generators' HTTP client, which costs a fraction of fetch's CPU per request on the same cores as
 * the server it measures.
 */
export function postJson(
  agent: Agent,
  url: URL,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A markdown table, so results paste straight into docs/performance.md. */
export class Table {
  private readonly rows: string[][] = [];
  constructor(private readonly header: string[]) {}

  row(cells: string[]): void {
    this.rows.push(cells);
  }

  render(): string {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [line(this.header), line(this.header.map(() => '---')), ...this.rows.map(line)].join(
      '\n',
    );
  }
}

/** A throw-away database on DATABASE_URL's server, or on an embedded PostgreSQL. */
export class BenchDatabase {
  private constructor(
    readonly url: string,
    private readonly adminUrl: string,
    private readonly name: string,
    private readonly embedded?: RunningDatabase,
  ) {}

  static async create(name: string): Promise<BenchDatabase> {
    let embedded: RunningDatabase | undefined;
    let adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) {
      embedded = await startEmbeddedPostgres(join(process.cwd(), '.data', 'bench-postgres'), {
        quiet: true,
      });
      adminUrl = embedded.url;
    }
    await BenchDatabase.admin(adminUrl, `CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new BenchDatabase(url.toString(), adminUrl, name, embedded);
  }

  private static async admin(url: string, sql: string): Promise<void> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    await BenchDatabase.admin(this.adminUrl, `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    await this.embedded?.stop();
  }
}

export interface Seeded {
  broadcasters: Map<number, { id: string; token: string }>;
  followerTokens: string[];
}

/**
 * Accounts for the benches that deliver to followers: for each count, a broadcaster
 * (`caster_<count>`) followed by the first `count` of the same followers, with the counters set.
 */
export async function seed(
  db: DataSource,
  auth: AuthService,
  followers: number[],
): Promise<Seeded> {
  const most = Math.max(...followers);
  const ids = await db.query<{ id: string }[]>(
    `INSERT INTO users (handle, email, password_hash, display_name)
     SELECT 'follower_' || i, 'follower_' || i || '@bench.local', 'x', 'Follower ' || i
     FROM generate_series(1, $1) AS i ORDER BY i RETURNING id`,
    [most],
  );
  const broadcasters = new Map<number, { id: string; token: string }>();
  for (const count of followers) {
    const [caster] = await db.query<{ id: string }[]>(
      `INSERT INTO users (handle, email, password_hash, display_name)
       VALUES ($1::text, $1::text || '@bench.local', 'x', $1::text) RETURNING id`,
      [`caster_${count}`],
    );
    await db.query(
      `INSERT INTO follows (follower_id, followee_id)
       SELECT f, $1 FROM unnest($2::bigint[]) AS f`,
      [caster.id, ids.slice(0, count).map((row) => row.id)],
    );
    await db.query('UPDATE users SET followers_count = $2 WHERE id = $1', [caster.id, count]);
    broadcasters.set(count, { id: caster.id, token: auth.issueToken(caster.id) });
  }
  await db.query(
    `UPDATE users u SET following_count = c.n
     FROM (SELECT follower_id, count(*)::int AS n FROM follows GROUP BY follower_id) c
     WHERE u.id = c.follower_id`,
  );
  await db.query('ANALYZE');
  return { broadcasters, followerTokens: ids.map((row) => auth.issueToken(row.id)) };
}

/** A throw-away database and data folder for a bench that starts the API. */
export async function benchStorage(): Promise<{ database: BenchDatabase; dataDir: string }> {
  const database = await BenchDatabase.create(`seeit_bench_${randomBytes(4).toString('hex')}`);
  return { database, dataDir: mkdtempSync(join(tmpdir(), 'seeit-bench-')) };
}

/**
 * The API's environment in a bench: its storage, fresh secrets, and no rate limit in the way (a
 * bench measures delivery and writes, not limits), then `overrides`.
 */
export function benchEnv(
  database: BenchDatabase,
  dataDir: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    MEDIA_HOOK_SECRET: randomBytes(16).toString('hex'),
    ...Object.fromEntries(Object.values(RATE_LIMITS).map(({ env }) => [env, '1000000/1s'])),
    ...overrides,
  };
}
