import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPostgres, releaseClaim, startEmbeddedPostgres } from './embedded-postgres';

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A folder as the embedded PostgreSQL needs it: as root, others must be able to enter it. */
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asRoot) chmodSync(dir, 0o755);
  return dir;
}

describe('isPostgres', () => {
  let impostor: ChildProcess;
  beforeAll(async () => {
    // `sleep` under the name "postgres", as ps and /proc name it.
    const bin = scratchDir('seeit-bin-');
    symlinkSync('/bin/sleep', join(bin, 'postgres'));
    impostor = spawn(join(bin, 'postgres'), ['60'], { stdio: 'ignore' });
    await once(impostor, 'spawn');
  });
  afterAll(() => impostor.kill());

  it.each(['linux', 'darwin'] as const)('on %s, asks the process for its name', (platform) => {
    expect(isPostgres(impostor.pid!, platform)).toBe(true);
    // A live process that is not PostgreSQL (as when a stale pid file's pid was reused).
    expect(isPostgres(process.pid, platform)).toBe(false);
    expect(isPostgres(2 ** 22 + 1, platform)).toBe(false);
  });
});

describe('releaseClaim', () => {
  it("removes the owner file only while it names this process, never another's claim", () => {
    const file = join(scratchDir('seeit-claim-'), 'postgres-owner.pid');
    writeFileSync(file, String(process.pid + 1));
    releaseClaim(file);
    expect(existsSync(file)).toBe(true);
    writeFileSync(file, String(process.pid));
    releaseClaim(file);
    expect(existsSync(file)).toBe(false);
    expect(() => releaseClaim(file)).not.toThrow();
  });
});

describe('startEmbeddedPostgres', () => {
  (asRoot ? it : it.skip)(
    'as root, names the folder the postgres system user cannot enter, before starting anything',
    async () => {
      const closed = mkdtempSync(join(tmpdir(), 'seeit-closed-'));
      chmodSync(closed, 0o700);
      await expect(startEmbeddedPostgres(join(closed, 'data'))).rejects.toThrow(
        `cannot enter ${closed} (not searchable by others)`,
      );
    },
  );
});
