/** Messages between the peers bench (bench/peers.ts) and its server and load processes. */

/** What every contender's server process is started with (as PEERS_* environment variables). */
export interface ServerSettings {
  databaseUrl: string;
  jwtSecret: string;
  poolSize: number;
}

export type ServerCommand =
  /** Answered once the server listens. */
  | { type: 'ready' }
  /** Start recording the SQL statements the server sends. */
  | { type: 'record' }
  /** Stop recording and reply with what was recorded. */
  | { type: 'recorded' }
  /** Profile the server's CPU for `seconds` (seeit and bare Apollo) and reply with the summary. */
  | { type: 'profile'; seconds: number; file: string }
  /** The CPU time the server process has used so far. */
  | { type: 'cpu' };

export type ServerReply =
  | { type: 'listening'; port: number }
  | { type: 'recording' }
  | { type: 'statements'; statements: string[] }
  | { type: 'profiled'; summary: string }
  /** User + system CPU time of the process, in microseconds. */
  | { type: 'cpu'; micros: number };

export interface LoadCommand {
  type: 'load';
  url: string;
  body: string;
  token: string;
  seconds: number;
  connections: number;
}

export interface LoadResult {
  type: 'loaded';
  requests: number;
  /** Non-200 answers, failed requests and bodies with `errors`. */
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
}

const ENV = {
  databaseUrl: 'PEERS_DATABASE_URL',
  jwtSecret: 'PEERS_JWT_SECRET',
  poolSize: 'PEERS_POOL_SIZE',
} as const;

export function settingsEnv(settings: ServerSettings): Record<string, string> {
  return {
    [ENV.databaseUrl]: settings.databaseUrl,
    [ENV.jwtSecret]: settings.jwtSecret,
    [ENV.poolSize]: String(settings.poolSize),
  };
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerSettings {
  const read = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set (the peers bench starts this process)`);
    return value;
  };
  return {
    databaseUrl: read(ENV.databaseUrl),
    jwtSecret: read(ENV.jwtSecret),
    poolSize: Number(read(ENV.poolSize)),
  };
}
