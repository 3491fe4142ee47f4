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

/** What globalSetup reads of jest's configuration for this run. */
interface JestRun {
  rootDir: string;
  testPathPatterns: {
    toExecutor(options: { rootDir: string }): {
      isSet(): boolean;
      isMatch(absolutePath: string): boolean;
    };
  };
}

/** The suites that run the built service: the web app in a browser, and `npm start`'s faults. */
const SUITES_ON_DIST = ['test/web/app.e2e-spec.ts', 'test/startup-faults.e2e-spec.ts'];

/** Whether this run may include a suite on dist/: any run but one narrowed to other files. */
function runsDist(config: JestRun): boolean {
  const selected = config.testPathPatterns.toExecutor({ rootDir: config.rootDir });
  return (
    !selected.isSet() ||
    SUITES_ON_DIST.some((suite) => selected.isMatch(join(config.rootDir, suite)))
  );
}

/**
 * PostgreSQL for the tests: DATABASE_URL when set, else the embedded one (see testClusterDir).
 * A template database is migrated once per run; each test file
 * clones it (CREATE DATABASE … TEMPLATE), so files run in parallel on databases of their own.
 */
export default async function globalSetup(config: JestRun): Promise<void> {
  // The service's build (dist/), when missing or older than the sources, as `npm start` does:
  // here, before any suite, since the build replaces dist/ and other suites run what is in it.
  if (runsDist(config)) {
    execFileSync(process.execPath, ['scripts/ensure-build.mjs'], {
      cwd: config.rootDir,
      stdio: 'inherit',
    });
  }
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
