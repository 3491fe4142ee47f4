/** Messages between the peers bench (bench/peers.ts) and its server and load processes. */
import { Pool, PoolClient } from 'pg';

/** What every contender's server process is started with (as PEERS_* environment variables). */
export interface ServerSettings {
  databaseUrl: string;
  jwtSecret: string;
  poolSize: number;
}

export type ServerCommand =
  /** Start recording the SQL statements the server sends (where it can tell). */
  | { type: 'record' }
  /** Stop recording and reply with what was recorded. */
  | { type: 'recorded' };

export type ServerReply =
  | { type: 'listening'; port: number }
  | { type: 'recording' }
  /** `null`: this contender cannot list its statements. */
  | { type: 'statements'; statements: string[] | null };

export interface LoadCommand {
  type: 'load';
  url: string;
  body: string;
  token: string;
  seconds: number;
  connections: number;
}

export type LoadReply = LoadResult | { type: 'failed'; message: string };

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

/** What a server can tell about the SQL it sends: `stop` returns null when it cannot. */
export interface StatementRecorder {
  start(): void;
  stop(): string[] | null;
}

/** Announces the port, answers the parent over IPC, and exits when the parent goes away. */
export function serveParent(
  port: number,
  recorder: StatementRecorder,
  close: () => Promise<void>,
): void {
  const send = (reply: ServerReply) => process.send?.(reply);
  process.on('message', (command: ServerCommand) => {
    if (command.type === 'record') {
      recorder.start();
      send({ type: 'recording' });
    } else {
      send({ type: 'statements', statements: recorder.stop() });
    }
  });
  process.on('disconnect', () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  send({ type: 'listening', port });
}

/**
 * A node-postgres pool that records the text of every statement its clients send while
 * recording: for the peers that talk to pg directly.
 */
export function recordingPool(settings: ServerSettings): {
  pool: Pool;
  recorder: StatementRecorder;
} {
  const pool = new Pool({ connectionString: settings.databaseUrl, max: settings.poolSize });
  const statements: string[] = [];
  let recording = false;
  pool.on('connect', (client: PoolClient) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      if (recording) {
        const [first] = args;
        statements.push(
          typeof first === 'string' ? first : String((first as { text?: string }).text),
        );
      }
      return query(...args);
    };
  });
  return {
    pool,
    recorder: {
      start: () => {
        statements.length = 0;
        recording = true;
      },
      stop: () => {
        recording = false;
        return [...statements];
      },
    },
  };
}
