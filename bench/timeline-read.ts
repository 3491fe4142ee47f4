/**
 * Home timeline reads: the service's fan-out-on-write read (TimelineService.home) against the
 * fan-out-on-read baseline (`author_id = ANY(followees) ORDER BY created_at DESC LIMIT 20`) on the
 * same data, in the same process, interleaved round by round so both see the same machine.
 *
 *   npm run bench -- timeline [--seconds 3] [--rounds 3] [--concurrency 4]
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { migrations } from '@app/migrations';
import { TimelineEntriesRepository } from '@app/timeline';
import { BenchDatabase, percentile, Table } from './support';

interface Options {
  seconds: number;
  rounds: number;
  concurrency: number;
}

const ACCOUNTS = 5_000;
const POSTS_PER_ACCOUNT = 100;
const FOLLOW_COUNTS = [200, 1_000];

async function seed(db: DataSource): Promise<Map<number, string>> {
  await db.query(
    `INSERT INTO users (handle, email, password_hash, display_name)
     SELECT 'u' || i, 'u' || i || '@bench.local', 'x', 'User ' || i FROM generate_series(1, $1) AS i`,
    [ACCOUNTS],
  );
  await db.query(
    `INSERT INTO posts (author_id, text, created_at)
     SELECT u.id, 'post ' || n, now() - (random() * interval '30 days')
     FROM users u CROSS JOIN generate_series(1, $1) AS n`,
    [POSTS_PER_ACCOUNT],
  );
  const readers = new Map<number, string>();
  for (const follows of FOLLOW_COUNTS) {
    const [reader] = await db.query<{ id: string }[]>(
      `INSERT INTO users (handle, email, password_hash, display_name)
       VALUES ($1::text, $1::text || '@bench.local', 'x', $1::text) RETURNING id`,
      [`reader_${follows}`],
    );
    await db.query(
      `INSERT INTO follows (follower_id, followee_id)
       SELECT $1, id FROM users WHERE handle LIKE 'u%' ORDER BY random() LIMIT $2`,
      [reader.id, follows],
    );
    // What fan-out on write has stored for this reader by now.
    await db.query(
      `INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
       SELECT $1, p.created_at, p.id, 'POST', p.author_id
       FROM posts p JOIN follows f ON f.followee_id = p.author_id AND f.follower_id = $1`,
      [reader.id],
    );
    readers.set(follows, reader.id);
  }
  await db.query('ANALYZE');
  return readers;
}

async function measure(
  work: () => Promise<unknown>,
  seconds: number,
  concurrency: number,
): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        await work();
        latencies.push(performance.now() - started);
      }
    }),
  );
  return {
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export async function timelineReadBench(options: Options): Promise<string> {
  const database = await BenchDatabase.create(`seeit_bench_${randomBytes(4).toString('hex')}`);
  const db = new DataSource({
    type: 'postgres',
    url: database.url,
    migrations,
    migrationsTransactionMode: 'each',
    extra: { max: options.concurrency },
  });
  try {
    await db.initialize();
    await db.runMigrations();
    console.log(`Seeding ${ACCOUNTS} accounts x ${POSTS_PER_ACCOUNT} posts...`);
    const readers = await seed(db);
    const timelines = new TimelineEntriesRepository(db);
    const table = new Table([
      'followees',
      'fan-out on read (baseline) req/s',
      'p50 / p99 ms',
      'seeit home req/s',
      'p50 / p99 ms',
      'ratio',
    ]);
    for (const [follows, readerId] of readers) {
      const baseline = () =>
        db.query(
          `SELECT p.id, p.created_at FROM posts p
           WHERE p.author_id = ANY(ARRAY(SELECT followee_id FROM follows WHERE follower_id = $1))
           ORDER BY p.created_at DESC, p.id DESC LIMIT 21`,
          [readerId],
        );
      const ours = () => timelines.home(readerId, { first: 20 });
      const [a, b] = [await ours(), (await baseline()) as { id: string }[]];
      const ourIds = a.page.edges.map((edge) => edge.node.itemId);
      if (
        ourIds.join() !==
        b
          .slice(0, ourIds.length)
          .map((r) => r.id)
          .join()
      ) {
        throw new Error('The two reads disagree; the comparison would be meaningless.');
      }
      const base: Awaited<ReturnType<typeof measure>>[] = [];
      const mine: Awaited<ReturnType<typeof measure>>[] = [];
      for (let round = 0; round < options.rounds; round += 1) {
        base.push(await measure(baseline, options.seconds, options.concurrency));
        mine.push(await measure(ours, options.seconds, options.concurrency));
      }
      const mean = (runs: typeof base, key: 'perSecond' | 'p50' | 'p99') =>
        runs.reduce((sum, run) => sum + run[key], 0) / runs.length;
      table.row([
        String(follows),
        mean(base, 'perSecond').toFixed(0),
        `${mean(base, 'p50').toFixed(2)} / ${mean(base, 'p99').toFixed(2)}`,
        mean(mine, 'perSecond').toFixed(0),
        `${mean(mine, 'p50').toFixed(2)} / ${mean(mine, 'p99').toFixed(2)}`,
        `${(mean(mine, 'perSecond') / mean(base, 'perSecond')).toFixed(1)}x`,
      ]);
    }
    return [
      `Home timeline read, first: 20 (${ACCOUNTS} accounts, ${ACCOUNTS * POSTS_PER_ACCOUNT} posts, concurrency ${options.concurrency}, ${options.rounds} x ${options.seconds}s interleaved rounds)`,
      '',
      table.render(),
    ].join('\n');
  } finally {
    if (db.isInitialized) await db.destroy();
    await database.drop();
  }
}
