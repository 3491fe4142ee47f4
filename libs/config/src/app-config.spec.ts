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

  it('rejects a short MEDIA_HOOK_SECRET in production, where it keys playback names', () => {
    const production = {
      DATA_DIR: dataDir(),
      NODE_ENV: 'production',
      JWT_SECRET: 'j'.repeat(32),
    };
    expect(() => loadConfig({ ...production, MEDIA_HOOK_SECRET: 'm'.repeat(31) })).toThrow(
      /MEDIA_HOOK_SECRET must be at least 32 characters/,
    );
    const secret = 'm'.repeat(32);
    expect(loadConfig({ ...production, MEDIA_HOOK_SECRET: secret }).media.hookSecret).toBe(secret);
    // Outside production a short development secret is still fine.
    expect(loadConfig({ DATA_DIR: dataDir(), MEDIA_HOOK_SECRET: 'dev' }).media.hookSecret).toBe(
      'dev',
    );
  });

  it('reads rate limits as count/window and TRUST_PROXY as hops or addresses', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      RATE_LIMIT_POSTS: '5/90s',
      RATE_LIMIT_SIGN_IN: '3 / 2h',
      TRUST_PROXY: '10.0.0.1, 10.1.0.0/16, ::1',
    });
    expect(config.rateLimits.posts).toEqual({ max: 5, windowSeconds: 90 });
    expect(config.rateLimits.signIn).toEqual({ max: 3, windowSeconds: 7200 });
    expect(config.rateLimits.signUp).toEqual({ max: 20, windowSeconds: 3600 });
    expect(config.trustProxy).toEqual(['10.0.0.1', '10.1.0.0/16', '::1']);
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ DATA_DIR: dataDir() }).trustProxy).toEqual([]);
  });

  it.each([
    ['RATE_LIMIT_POSTS', '0/1h'],
    ['RATE_LIMIT_POSTS', '5'],
    ['RATE_LIMIT_POSTS', '5/8d'],
    ['WS_MAX_MESSAGES_PER_SECOND', '0'],
    ['WS_MESSAGE_BURST', '1.5'],
    ['TRUST_PROXY', 'loopback'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['GRAPHQL_COMPILED_QUERIES', '-1'],
    ['GRAPHQL_COMPILED_QUERIES', 'many'],
  ])('refuses %s=%p', (name, value) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), [name]: value })).toThrow(name);
  });

  it('has defaults for the operation and websocket limits, and validates them', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config.graphql).toMatchObject({
      maxTokens: 5000,
      maxRootFields: 20,
      maxMutations: 5,
      maxAliases: 100,
      maxFragmentSpreads: 200,
      compiledQueries: 100,
    });
    expect(
      loadConfig({ DATA_DIR: dataDir(), GRAPHQL_COMPILED_QUERIES: '0' }).graphql,
    ).toMatchObject({ compiledQueries: 0 });
    expect(config.websocket).toEqual({
      maxOperationsPerSocket: 50,
      maxSocketsPerAccount: 20,
      maxSocketsPerDevice: 4,
      maxSocketsPerAddress: 100,
      maxMessagesPerSecond: 20,
      messageBurst: 50,
    });
    expect(() =>
      loadConfig({
        DATA_DIR: dataDir(),
        GRAPHQL_MAX_MUTATIONS: '0',
        WS_MAX_SOCKETS_PER_ACCOUNT: 'x',
        WS_MAX_SOCKETS_PER_DEVICE: '0',
      }),
    ).toThrow(
      /GRAPHQL_MAX_MUTATIONS[\s\S]*WS_MAX_SOCKETS_PER_ACCOUNT[\s\S]*WS_MAX_SOCKETS_PER_DEVICE/,
    );
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
