import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import { format } from 'sql-formatter';
import { DataSource, QueryFailedError } from 'typeorm';
import { generateSqlMethods, QueryCounter } from '@app/database';
import { repositorySources, sourceFiles } from './source-files';
import { TestApp } from './test-app';

/** The command that rewrites the committed snapshot. */
export const SQL_SNAPSHOT_COMMAND = 'npm run sql:snapshot';

/** A call that neither settles nor fails by then is reported instead of hanging the run. */
const CALL_TIMEOUT_MS = 10_000;

/** `libs/graph/src/x/y.repository.ts` → `libs/graph/queries/y.repository.sql`. */
export function snapshotPathOf(sourcePath: string): string {
  const [top, unit] = sourcePath.split('/');
  return `${top}/${unit}/queries/${basename(sourcePath, '.ts')}.sql`;
}

/** The committed snapshot files, by path. */
export function committedSqlSnapshot(root: string): Map<string, string> {
  return new Map(
    sourceFiles(root, '.sql')
      .filter((path) => basename(dirname(path)) === 'queries')
      .map((path) => [path, readFileSync(join(root, path), 'utf8')]),
  );
}

/** Example arguments as JSON (a bigint as its digits). */
function describeParams(params: unknown[]): string {
  return JSON.stringify(params, (_key, value: unknown) =>
    typeof value === 'bigint' ? String(value) : value,
  );
}

function formatStatement(sql: string): string {
  const text = sql.trim().replace(/;$/, '');
  try {
    return `${format(text, { language: 'postgresql', tabWidth: 2, keywordCase: 'preserve' })};`;
  } catch {
    // What the formatter cannot parse is still recorded, as sent.
    return `${text};`;
  }
}

class CallTimeout extends Error {}

/**
 * Counts only the statements sent from inside `during`: a timer's sweep that lands in the middle
 * of a call runs in its own async context and is left out.
 */
class CallRecorder extends QueryCounter {
  private readonly call = new AsyncLocalStorage<true>();

  override logQuery(...args: Parameters<QueryCounter['logQuery']>): void {
    if (this.call.getStore()) super.logQuery(...args);
  }

  /** Runs `work`, counting from scratch what it sends. */
  record<T>(work: () => Promise<T>): Promise<T> {
    this.reset();
    return this.call.run(true, work);
  }
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CallTimeout(`${what} did not settle in ${CALL_TIMEOUT_MS} ms`)),
      CALL_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

interface Repository {
  name: string;
  instance: Record<string, unknown>;
}

function discoverRepositories(app: TestApp): Repository[] {
  const discovery = new DiscoveryService(app.app.get(ModulesContainer));
  const byName = new Map<string, Repository>();
  for (const wrapper of discovery.getProviders()) {
    const type = wrapper.metatype;
    if (typeof type !== 'function' || !type.name.endsWith('Repository') || !wrapper.instance)
      continue;
    byName.set(type.name, {
      name: type.name,
      instance: wrapper.instance as Record<string, unknown>,
    });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * Boots the real app on a scratch database (a clone of the test template; run under jest) and
 * calls every `@GenerateSql` method of every `…Repository` provider with each of its example
 * argument lists, each call in a transaction rolled back after it, so every call starts from the
 * empty migrated schema. Returns one file per repository file, by path: the statements each call
 * sent, formatted. A call may fail (examples name rows that do not exist): what it sent until
 * then is what is recorded.
 */
export async function generateSqlSnapshot(root: string): Promise<Map<string, string>> {
  const sources = repositorySources(root);
  const fileOf = new Map(sources.flatMap((source) => source.classes.map((c) => [c, source.path])));
  const recorder = new CallRecorder();
  const app = await TestApp.start({}, { poolSize: 1, queries: recorder });
  try {
    const db = app.app.get(DataSource);
    const repositories = discoverRepositories(app);
    const discovered = new Set(repositories.map((repository) => repository.name));
    const problems: string[] = [];
    for (const source of sources) {
      for (const name of source.classes) {
        if (!discovered.has(name))
          problems.push(`${name} (${source.path}) is not a provider of any module`);
      }
    }
    const sections = new Map<string, string[]>();
    for (const repository of repositories) {
      const path = fileOf.get(repository.name);
      if (!path) {
        problems.push(`${repository.name} is not declared in a *.repository.ts file`);
        continue;
      }
      const out = sections.get(path) ?? [];
      sections.set(path, out);
      for (const [method, options] of generateSqlMethods(repository.instance)) {
        for (const params of options.params ?? [[]]) {
          const statements = await recordCall(recorder, db, repository, method, params);
          out.push(
            [
              `-- ${repository.name}.${method}`,
              `-- params: ${describeParams(params)}`,
              statements.length > 0 ? statements.join('\n\n') : '-- (sends no statement)',
            ].join('\n'),
          );
        }
      }
    }
    if (problems.length > 0) throw new Error(`SQL snapshot:\n${problems.join('\n')}`);
    const files = new Map<string, string>();
    for (const [source, parts] of [...sections].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const path = snapshotPathOf(source);
      if (files.has(path)) throw new Error(`Two repository files would write ${path}`);
      files.set(path, `${header(source)}\n\n${parts.join('\n\n')}\n`);
    }
    return files;
  } finally {
    await app.close();
  }
}

function header(source: string): string {
  return [
    `-- The SQL of ${source}: each @GenerateSql method called with its example arguments.`,
    `-- Generated by \`${SQL_SNAPSHOT_COMMAND}\`; do not edit. A test fails when it is stale.`,
  ].join('\n');
}

/**
 * The formatted statements one call sent. A statement PostgreSQL refuses (the examples name rows
 * that do not exist) ends the call and is recorded; any other failure means the example arguments
 * do not fit the method, and is recorded as what it threw.
 */
async function recordCall(
  recorder: CallRecorder,
  db: DataSource,
  repository: Repository,
  method: string,
  params: unknown[],
): Promise<string[]> {
  const fn = repository.instance[method];
  if (typeof fn !== 'function') throw new Error(`${repository.name}.${method} is not a method`);
  // One pooled connection: everything the call sends runs inside this transaction.
  await db.query('BEGIN');
  let thrown: string | undefined;
  try {
    await withTimeout(
      recorder.record(() =>
        Promise.resolve().then(() =>
          (fn as (...args: unknown[]) => unknown).apply(repository.instance, params),
        ),
      ),
      `${repository.name}.${method}`,
    );
  } catch (error) {
    if (error instanceof CallTimeout) throw error;
    if (!(error instanceof QueryFailedError)) thrown = String(error);
  }
  const statements = recorder.statements.map(formatStatement);
  await db.query('ROLLBACK');
  return thrown === undefined ? statements : [...statements, `-- throws: ${thrown}`];
}

/** Lines of context around each change in `describeSnapshotDifference`. */
const DIFF_CONTEXT = 2;

/** A line diff (longest common subsequence) of a committed file against the generated one. */
export function describeSnapshotDifference(
  path: string,
  committed: string | undefined,
  generated: string | undefined,
): string {
  if (committed === undefined) return `${path}: missing (a repository file has no snapshot yet)`;
  if (generated === undefined) return `${path}: stale (no repository file writes it any more)`;
  const a = committed.split('\n');
  const b = generated.split('\n');
  // common[i][j]: the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      common[i][j] =
        a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ mark: ' ', text: a[i] });
      i += 1;
      j += 1;
    } else if (i < a.length && (j === b.length || common[i + 1][j] >= common[i][j + 1])) {
      lines.push({ mark: '-', text: a[i] });
      i += 1;
    } else {
      lines.push({ mark: '+', text: b[j] });
      j += 1;
    }
  }
  const near = (index: number) =>
    lines
      .slice(Math.max(0, index - DIFF_CONTEXT), index + DIFF_CONTEXT + 1)
      .some((line) => line.mark !== ' ');
  const shown = lines.flatMap((line, index) =>
    near(index) ? [`${line.mark} ${line.text}`] : index > 0 && near(index - 1) ? ['  …'] : [],
  );
  return [`${path} (- committed, + generated):`, ...shown].join('\n');
}
