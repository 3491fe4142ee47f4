import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'seeit-config-'));

  it('has working defaults and keeps a generated JWT secret in the data folder', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(config.jwtSecret);
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(config.jwtSecret);
  });

  it('lists every invalid setting at once', () => {
    let error: unknown;
    try {
      loadConfig({
        DATA_DIR: dataDir(),
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        GRAPHQL_MAX_DEPTH: '1',
        NODE_ENV: 'production',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('GRAPHQL_MAX_DEPTH');
    expect(problems).toContain('JWT_SECRET is required');
  });

  it('rejects a short JWT secret', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: 'short' })).toThrow(/32 characters/);
  });

  it('reads the replay settings: off by default, validated when set', () => {
    const defaults = loadConfig({ DATA_DIR: dataDir() }).media;
    expect(defaults).toMatchObject({ replayRetentionDays: 0, replayUrlTtlSeconds: 86_400 });
    expect(defaults.replayDir).toBeUndefined();
    const set = loadConfig({
      DATA_DIR: dataDir(),
      MEDIA_REPLAY_DIR: '/var/lib/seeit/replays/',
      REPLAY_RETENTION_DAYS: '30',
      REPLAY_URL_TTL_SECONDS: '3600',
    }).media;
    expect(set).toMatchObject({
      replayDir: '/var/lib/seeit/replays',
      replayRetentionDays: 30,
      replayUrlTtlSeconds: 3600,
    });
    let error: unknown;
    try {
      loadConfig({
        DATA_DIR: dataDir(),
        MEDIA_REPLAY_DIR: 'replays',
        REPLAY_RETENTION_DAYS: '-1',
        REPLAY_URL_TTL_SECONDS: '10',
      });
    } catch (e) {
      error = e;
    }
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['MEDIA_REPLAY_DIR', 'REPLAY_RETENTION_DAYS', 'REPLAY_URL_TTL_SECONDS']) {
      expect(problems).toContain(name);
    }
  });
});
