import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type NodeEnv = 'development' | 'production' | 'test';

/** Every setting of the service, parsed and validated once at start. */
export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly host: string;
  readonly port: number;
  /** PostgreSQL to use; when absent the service runs an embedded one in `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly redisUrl?: string;
  /** Prefix of every Redis key and channel, so several deployments (or test apps) can share one Redis. */
  readonly redisKeyPrefix: string;
  readonly jwtSecret: string;
  readonly tokenTtlSeconds: number;
  readonly publicUrl: string;
  readonly appScheme: string;
  /**
   * Handle whose existing account becomes ADMIN when the service starts: once per handle, recorded
   * in the database, never at sign-up.
   */
  readonly bootstrapAdmin?: string;
  readonly graphql: {
    readonly maxDepth: number;
    readonly maxCost: number;
    readonly maxBodyBytes: number;
    /** Apollo's landing page at /graphql; on by default outside production. */
    readonly playground: boolean;
  };
  readonly media: {
    /** Where encoders publish RTMP; the stream key is appended. */
    readonly rtmpUrl: string;
    /**
     * HLS base: `<hlsUrl>/<playbackName>.m3u8` while live, `<hlsUrl>/replays/<playbackName>.m3u8`
     * after (the public name from playback-name.ts, never the stream key).
     */
    readonly hlsUrl: string;
    /** Shared secret the media server sends to the publish hooks (?secret=…). */
    readonly hookSecret: string;
    /** How long a dropped publish may come back before the broadcast ends. */
    readonly publishDoneGraceSeconds: number;
  };
  readonly signIn: { readonly maxAttempts: number; readonly windowSeconds: number };
  readonly timeline: {
    /** Accounts with more followers are merged into home timelines at read time. */
    readonly fanoutMaxFollowers: number;
    /** Items a followed account contributes to a new follower's timeline. */
    readonly backfillPerFollow: number;
    /** How long the update log keeps rows for `timelineUpdates(after:)` resumes. */
    readonly updatesRetentionHours: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return raw.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name} must be a ${protocols.join(' or ')} URL`);
      return undefined;
    }
  }
}

/**
 * The JWT secret of a service without JWT_SECRET: generated once and kept beside the embedded
 * database, so tokens survive restarts. Production must configure its own.
 */
function localJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const read = new EnvReader(env);
  const rawEnv = read.string('NODE_ENV') ?? 'development';
  let nodeEnv: NodeEnv = 'development';
  if (rawEnv === 'development' || rawEnv === 'production' || rawEnv === 'test') nodeEnv = rawEnv;
  else read.problems.push(`NODE_ENV must be development, production or test (got "${rawEnv}")`);

  const port = read.int('PORT', 3000, 0, 65535);
  const dataDir = resolve(read.string('DATA_DIR') ?? '.data');
  const databaseUrl = read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = read.url('REDIS_URL', ['redis:', 'rediss:']);

  let jwtSecret = read.string('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    read.problems.push('JWT_SECRET must be at least 32 characters');
  }
  if (jwtSecret === undefined && nodeEnv === 'production') {
    read.problems.push('JWT_SECRET is required when NODE_ENV=production');
  }

  const bootstrapAdmin = read.string('BOOTSTRAP_ADMIN');
  if (bootstrapAdmin !== undefined && !/^[A-Za-z0-9_]{3,30}$/.test(bootstrapAdmin)) {
    read.problems.push('BOOTSTRAP_ADMIN must be a handle (3-30 of A-Z, a-z, 0-9, _)');
  }
  const appScheme = read.string('APP_SCHEME') ?? 'seeit';
  if (!/^[a-z][a-z0-9+.-]*$/.test(appScheme)) {
    read.problems.push('APP_SCHEME must be a URL scheme such as "seeit"');
  }

  const hookSecret = read.string('MEDIA_HOOK_SECRET');
  if (hookSecret === undefined && nodeEnv === 'production') {
    read.problems.push('MEDIA_HOOK_SECRET is required when NODE_ENV=production');
  }

  const config: AppConfig = {
    nodeEnv,
    host: read.string('HOST') ?? '0.0.0.0',
    port,
    databaseUrl,
    dataDir,
    redisUrl,
    redisKeyPrefix: read.string('REDIS_KEY_PREFIX') ?? 'seeit:',
    jwtSecret: '',
    tokenTtlSeconds: read.int('TOKEN_TTL_SECONDS', 30 * 24 * 3600, 60, 365 * 24 * 3600),
    publicUrl:
      read.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port === 0 ? 3000 : port}`,
    appScheme,
    bootstrapAdmin,
    graphql: {
      // 15: graphql's standard introspection query (Apollo Sandbox, code generators) is 15 deep.
      maxDepth: read.int('GRAPHQL_MAX_DEPTH', 15, 2, 100),
      maxCost: read.int('GRAPHQL_MAX_COST', 20_000, 10, 10_000_000),
      maxBodyBytes: read.int('MAX_BODY_BYTES', 100 * 1024, 1024, 16 * 1024 * 1024),
      playground: read.bool('GRAPHQL_PLAYGROUND', nodeEnv !== 'production'),
    },
    media: {
      rtmpUrl: read.url('MEDIA_RTMP_URL', ['rtmp:', 'rtmps:']) ?? 'rtmp://localhost:1935/live',
      hlsUrl: read.url('MEDIA_HLS_URL', ['http:', 'https:']) ?? 'http://localhost:8080/hls',
      hookSecret: hookSecret ?? 'dev-media-hook-secret',
      publishDoneGraceSeconds: read.int('MEDIA_PUBLISH_DONE_GRACE_SECONDS', 15, 0, 3600),
    },
    signIn: {
      maxAttempts: read.int('SIGNIN_MAX_ATTEMPTS', 10, 1, 10_000),
      windowSeconds: read.int('SIGNIN_WINDOW_SECONDS', 15 * 60, 1, 24 * 3600),
    },
    timeline: {
      fanoutMaxFollowers: read.int('FANOUT_MAX_FOLLOWERS', 10_000, 0, 10_000_000),
      backfillPerFollow: read.int('TIMELINE_BACKFILL_PER_FOLLOW', 50, 0, 1000),
      updatesRetentionHours: read.int('TIMELINE_UPDATES_RETENTION_HOURS', 72, 1, 24 * 365),
    },
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  jwtSecret ??= localJwtSecret(dataDir);
  return { ...config, jwtSecret };
}
