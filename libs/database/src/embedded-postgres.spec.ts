import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

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
