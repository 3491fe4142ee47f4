/* eslint-disable no-restricted-imports -- jest loads this outside its module mapper */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startEmbeddedPostgres, RunningDatabase } from '../../libs/database/src/embedded-postgres';
import { migrations } from '../../migrations';

declare global {
  var seeitEmbeddedPostgres: RunningDatabase | undefined;
}

/**
 * Under the system's temp folder, which the `postgres` system user can always reach (as root the
 * embedded PostgreSQL runs as that user), one cluster per checkout, kept between runs.
 */
function testClusterDir(): string {
  const checkout = createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12);
  return join(tmpdir(), `seeit-test-postgres-${checkout}`);
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * PostgreSQL for the tests: DATABASE_URL when set, else the embedded one (see testClusterDir).
 * A template database is migrated once per run; each test file
 * clones it (CREATE DATABASE … TEMPLATE), so files run in parallel on databases of their own.
 */
export default async function globalSetup(): Promise<void> {
  // The service's build (dist/), when missing or older than the sources, as `npm start` does:
  // here, before any suite, since the build replaces dist/ and the browser and startup suites
  // run what is in it.
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.log('\n[seeit tests] DATABASE_URL is not set: starting the embedded PostgreSQL.');
    globalThis.seeitEmbeddedPostgres = await startEmbeddedPostgres(testClusterDir(), {
      database: 'seeit_admin',
      quiet: true,
    });
    adminUrl = globalThis.seeitEmbeddedPostgres.url;
  }
  const template = `seeit_tpl_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const source = new DataSource({
    type: 'postgres',
    url: withDatabase(adminUrl, template),
    migrations,
    migrationsTransactionMode: 'each',
  });
  await source.initialize();
  await source.runMigrations();
  await source.destroy();

  process.env.SEEIT_TEST_ADMIN_URL = adminUrl;
  process.env.SEEIT_TEST_TEMPLATE = template;
}
