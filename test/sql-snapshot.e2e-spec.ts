import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  committedSqlSnapshot,
  describeSnapshotDifference,
  generateSqlSnapshot,
  SQL_SNAPSHOT_COMMAND,
} from '@app/testing/sql-snapshot';

const root = process.cwd();

/**
 * The committed SQL of every repository (`libs/<lib>/queries/*.sql`) is what the code sends. With
 * SEEIT_SQL_SNAPSHOT=write (what `npm run sql:snapshot` sets) the files are rewritten instead.
 */
describe('the SQL snapshot', () => {
  it('matches what every @GenerateSql method sends', async () => {
    const generated = await generateSqlSnapshot(root);
    const committed = committedSqlSnapshot(root);
    if (process.env.SEEIT_SQL_SNAPSHOT === 'write') {
      for (const path of committed.keys()) {
        if (!generated.has(path)) rmSync(join(root, path));
      }
      for (const [path, content] of generated) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content);
      }
      return;
    }
    const paths = [...new Set([...committed.keys(), ...generated.keys()])].sort();
    const differences = paths
      .filter((path) => committed.get(path) !== generated.get(path))
      .map((path) => describeSnapshotDifference(path, committed.get(path), generated.get(path)));
    if (differences.length > 0) {
      throw new Error(
        `The committed SQL snapshot is stale: run \`${SQL_SNAPSHOT_COMMAND}\` and commit the result.\n\n${differences.join('\n\n')}`,
      );
    }
  }, 180_000);
});
