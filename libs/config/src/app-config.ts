import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { HANDLE_PATTERN } from './handle';

export type NodeEnv = 'development' | 'production' | 'test';

/** Every setting of the service, parsed and validated once at start. */
export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly host: string;
  readonly port: number;
  /** PostgreSQL to use; when absent the service runs an embedded one in `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** The web app's build (index.html, explorer.html, assets/), served at `/`. */
  readonly webDir: string;
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
    /** Tokens graphql's parser reads before giving up on a document. */
    readonly maxTokens: number;
    /** Top-level fields of a query or subscription, fragments expanded. */
    readonly maxRootFields: number;
    /** Top-level fields of a mutation: each is a write of its own. */
    readonly maxMutations: number;
    readonly maxAliases: number;
    /** Fragment spreads of an operation counted as they expand (a fragment spread twice counts twice). */
    readonly maxFragmentSpreads: number;
    readonly maxBodyBytes: number;
    /** The bundled API explorer on `GET /graphql` from a browser; on by default outside production. */
    readonly playground: boolean;
    /** Query documents kept compiled to JavaScript (graphql-jit); 0 runs every query in graphql-js. */
    readonly compiledQueries: number;
  };
  readonly media: {
    /** Where encoders publish RTMP; the stream key is appended. */
    readonly rtmpUrl: string;
    /**
     * HLS base: `<hlsUrl>/<playbackName>.m3u8` while live, a signed
     * `<hlsUrl>/replays/<token>/<expires>/<playbackName>/index.m3u8` for the replay (the public
     * name from playback-name.ts, never the stream key).
     */
    readonly hlsUrl: string;
    /** Shared secret the media server sends to the publish hooks (?secret=…). */
    readonly hookSecret: string;
    /** How long a dropped publish may come back before the broadcast ends. */
    readonly publishDoneGraceSeconds: number;
    /**
     * How often each process ends the broadcasts whose grace ran out, whoever got the hook. The
     * process that got it also wakes up at the end of the grace: the sweep is for when it is gone.
     */
    readonly pendingEndSweepSeconds: number;
    /**
     * The media server's replays folder (`<replayDir>/<playbackName>/`), when this service can
     * reach it: deleted replays' files are removed from it. Otherwise they stay on the media server.
     */
    readonly replayDir?: string;
    /** How long a signed replay address stays valid (rounded up to the hour, for caches). */
    readonly replayUrlTtlSeconds: number;
    /** Replays older than this are deleted by the hourly sweep; 0 keeps them forever. */
    readonly replayRetentionDays: number;
  };
  /** Peers whose X-Forwarded-For is believed: a hop count, or their addresses and CIDR ranges. */
  readonly trustProxy: TrustProxy;
  readonly rateLimits: Readonly<Record<RateLimitName, RateLimitSetting>>;
  /** What one client may hold open over websockets (counted per process). */
  readonly websocket: {
    readonly maxOperationsPerSocket: number;
    readonly maxSocketsPerAccount: number;
    /** A paired screen's sockets count here, not against its owner's account. */
    readonly maxSocketsPerDevice: number;
    readonly maxSocketsPerAddress: number;
    /** Messages one socket may send per second on average, and in one burst. */
    readonly maxMessagesPerSecond: number;
    readonly messageBurst: number;
  };
  readonly timeline: {
    /** Accounts with more followers are merged into home timelines at read time. */
    readonly fanoutMaxFollowers: number;
    /** Items a followed account contributes to a new follower's timeline. */
    readonly backfillPerFollow: number;
    /** How long the update log keeps rows for `timelineUpdates(after:)` resumes. */
    readonly updatesRetentionHours: number;
    /** Rows one `timelineUpdates(after:)` open may replay; with more pending it answers RESYNC. */
    readonly maxReplayedUpdates: number;
  };
}

/** How many proxies in front of the service (a number), or which addresses and ranges they use. */
export type TrustProxy = number | readonly string[];

export interface RateLimitSetting {
  readonly max: number;
  readonly windowSeconds: number;
}

/**
 * Every rate limit: its variable, and its default as "count/window" (window in s, m, h or d).
 * Counted in Redis when REDIS_URL is set, so the limit holds across processes.
 */
export const RATE_LIMITS = {
  /** Sign-ups per client address. */
  signUp: { env: 'RATE_LIMIT_SIGN_UP', fallback: '20/1h' },
  /** Sign-in attempts per (login, client address); a successful sign-in resets it. */
  signIn: { env: 'RATE_LIMIT_SIGN_IN', fallback: '10/15m' },
  /** Sign-in attempts per client address, whatever the login. */
  signInAddress: { env: 'RATE_LIMIT_SIGN_IN_ADDRESS', fallback: '100/15m' },
  /**
   * Sign-in attempts per account (by handle or email alike) from every address, against guesses
   * spread over many addresses. A success does not reset it: the owner signing in says nothing of
   * the guesses made elsewhere, and a reset would hand the guessers a fresh allowance.
   */
  signInLogin: { env: 'RATE_LIMIT_SIGN_IN_LOGIN', fallback: '100/1h' },
  /** Password confirmations (deleteAccount) per account. */
  confirmPassword: { env: 'RATE_LIMIT_CONFIRM_PASSWORD', fallback: '10/15m' },
  /** Posts and replies per author. */
  posts: { env: 'RATE_LIMIT_POSTS', fallback: '30/10m' },
  /** MENTIONED notifications per (author, mentioned account); more are dropped, the post stays. */
  mentions: { env: 'RATE_LIMIT_MENTIONS', fallback: '5/1h' },
  /** follow calls per account. */
  follows: { env: 'RATE_LIMIT_FOLLOWS', fallback: '100/1h' },
  /** pairDevice calls per account. */
  pairDevice: { env: 'RATE_LIMIT_PAIR_DEVICE', fallback: '10/1h' },
  /** requestScreenCode calls per client address (a screen left open asks for one every 10 minutes). */
  screenCodes: { env: 'RATE_LIMIT_SCREEN_CODES', fallback: '30/1h' },
  /** startBroadcast calls (live or scheduled) per account. */
  startBroadcast: { env: 'RATE_LIMIT_START_BROADCAST', fallback: '10/1h' },
  /** See it taps per account. */
  seeItTaps: { env: 'RATE_LIMIT_SEE_IT_TAPS', fallback: '30/1m' },
  /** Taps per (account, show, action) that count in seeItStats; more are recorded, not counted. */
  seeItStats: { env: 'RATE_LIMIT_SEE_IT_STATS', fallback: '1/1h' },
  /** Reports per reporter. */
  reports: { env: 'RATE_LIMIT_REPORTS', fallback: '20/1h' },
  /** Live chat comments per (viewer, broadcast). */
  comments: { env: 'RATE_LIMIT_COMMENTS', fallback: '5/10s' },
  /** sendHearts calls per viewer (each call carries up to 100 hearts). */
  hearts: { env: 'RATE_LIMIT_HEARTS', fallback: '10/1s' },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

const WINDOW_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function parseRateLimit(raw: string): RateLimitSetting | undefined {
  const match = /^(\d+)\s*\/\s*(\d+)\s*([smhd]?)$/.exec(raw);
  if (!match) return undefined;
  const max = Number(match[1]);
  const windowSeconds = Number(match[2]) * WINDOW_UNITS[match[3] || 's'];
  const valid = max >= 1 && max <= 1_000_000 && windowSeconds >= 1 && windowSeconds <= 7 * 86_400;
  return valid ? { max, windowSeconds } : undefined;
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

  /** "count/window", such as "10/15m": 1 to 1000000 per 1 second to 7 days. */
  rateLimit(name: string, fallback: string): RateLimitSetting {
    const raw = this.string(name);
    const setting = parseRateLimit(raw ?? fallback);
    if (setting) return setting;
    this.problems.push(
      `${name} must be "count/window" such as "10/15m": 1 to 1000000 per 1s to 7d (got "${raw}")`,
    );
    return parseRateLimit(fallback)!;
  }

  /** A hop count, or a comma-separated list of addresses and CIDR ranges; unset trusts nobody. */
  trustProxy(name: string): TrustProxy {
    const raw = this.string(name);
    if (raw === undefined) return [];
    if (/^\d+$/.test(raw)) return this.int(name, 0, 0, 10);
    const entries = raw.split(',').map((entry) => entry.trim());
    const invalid = entries.filter((entry) => {
      const [address, prefix, ...rest] = entry.split('/');
      const family = isIP(address);
      const bits = family === 6 ? 128 : 32;
      return (
        family === 0 ||
        rest.length > 0 ||
        (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= bits))
      );
    });
    if (invalid.length > 0) {
      this.problems.push(
        `${name} must be a hop count or addresses and CIDR ranges separated by commas (not "${invalid.join('", "')}")`,
      );
      return [];
    }
    return entries;
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
  if (bootstrapAdmin !== undefined && !HANDLE_PATTERN.test(bootstrapAdmin)) {
    read.problems.push('BOOTSTRAP_ADMIN must be a handle (3-30 of A-Z, a-z, 0-9, _)');
  }
  const appScheme = read.string('APP_SCHEME') ?? 'seeit';
  if (!/^[a-z][a-z0-9+.-]*$/.test(appScheme)) {
    read.problems.push('APP_SCHEME must be a URL scheme such as "seeit"');
  }

  const hookSecret = read.string('MEDIA_HOOK_SECRET');
  if (nodeEnv === 'production') {
    // It keys the playback names and signs replay addresses: as hard to guess as JWT_SECRET.
    if (hookSecret === undefined) {
      read.problems.push('MEDIA_HOOK_SECRET is required when NODE_ENV=production');
    } else if (hookSecret.length < 32) {
      read.problems.push(
        'MEDIA_HOOK_SECRET must be at least 32 characters when NODE_ENV=production',
      );
    }
  }

  const replayDir = read.string('MEDIA_REPLAY_DIR');
  if (replayDir !== undefined && !replayDir.startsWith('/')) {
    read.problems.push('MEDIA_REPLAY_DIR must be an absolute path');
  }

  const config: AppConfig = {
    nodeEnv,
    host: read.string('HOST') ?? '0.0.0.0',
    port,
    databaseUrl,
    dataDir,
    webDir: resolve(read.string('WEB_DIR') ?? 'dist/web'),
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
      maxTokens: read.int('GRAPHQL_MAX_TOKENS', 5_000, 100, 1_000_000),
      maxRootFields: read.int('GRAPHQL_MAX_ROOT_FIELDS', 20, 1, 10_000),
      maxMutations: read.int('GRAPHQL_MAX_MUTATIONS', 5, 1, 10_000),
      maxAliases: read.int('GRAPHQL_MAX_ALIASES', 100, 0, 100_000),
      maxFragmentSpreads: read.int('GRAPHQL_MAX_FRAGMENT_SPREADS', 200, 0, 100_000),
      maxBodyBytes: read.int('MAX_BODY_BYTES', 100 * 1024, 1024, 16 * 1024 * 1024),
      playground: read.bool('GRAPHQL_PLAYGROUND', nodeEnv !== 'production'),
      compiledQueries: read.int('GRAPHQL_COMPILED_QUERIES', 100, 0, 10_000),
    },
    media: {
      rtmpUrl: read.url('MEDIA_RTMP_URL', ['rtmp:', 'rtmps:']) ?? 'rtmp://localhost:1935/live',
      hlsUrl: read.url('MEDIA_HLS_URL', ['http:', 'https:']) ?? 'http://localhost:8080/hls',
      hookSecret: hookSecret ?? 'dev-media-hook-secret',
      publishDoneGraceSeconds: read.int('MEDIA_PUBLISH_DONE_GRACE_SECONDS', 15, 0, 3600),
      pendingEndSweepSeconds: read.int('MEDIA_PENDING_END_SWEEP_SECONDS', 10, 1, 3600),
      replayDir: replayDir && resolve(replayDir),
      replayUrlTtlSeconds: read.int('REPLAY_URL_TTL_SECONDS', 24 * 3600, 60, 30 * 24 * 3600),
      replayRetentionDays: read.int('REPLAY_RETENTION_DAYS', 0, 0, 100 * 365),
    },
    trustProxy: read.trustProxy('TRUST_PROXY'),
    rateLimits: Object.fromEntries(
      Object.entries(RATE_LIMITS).map(([name, { env, fallback }]) => [
        name,
        read.rateLimit(env, fallback),
      ]),
    ) as Record<RateLimitName, RateLimitSetting>,
    websocket: {
      maxOperationsPerSocket: read.int('WS_MAX_OPERATIONS_PER_SOCKET', 50, 1, 100_000),
      maxSocketsPerAccount: read.int('WS_MAX_SOCKETS_PER_ACCOUNT', 20, 1, 100_000),
      maxSocketsPerDevice: read.int('WS_MAX_SOCKETS_PER_DEVICE', 4, 1, 1000),
      maxSocketsPerAddress: read.int('WS_MAX_SOCKETS_PER_ADDRESS', 100, 1, 1_000_000),
      maxMessagesPerSecond: read.int('WS_MAX_MESSAGES_PER_SECOND', 20, 1, 100_000),
      messageBurst: read.int('WS_MESSAGE_BURST', 50, 1, 1_000_000),
    },
    timeline: {
      fanoutMaxFollowers: read.int('FANOUT_MAX_FOLLOWERS', 10_000, 0, 10_000_000),
      backfillPerFollow: read.int('TIMELINE_BACKFILL_PER_FOLLOW', 50, 0, 1000),
      updatesRetentionHours: read.int('TIMELINE_UPDATES_RETENTION_HOURS', 72, 1, 24 * 365),
      // At most the subscription's queue (10,000), which would end the stream with RESYNC anyway.
      maxReplayedUpdates: read.int('TIMELINE_UPDATES_MAX_REPLAY', 1000, 1, 10_000),
    },
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  jwtSecret ??= localJwtSecret(dataDir);
  return { ...config, jwtSecret };
}
