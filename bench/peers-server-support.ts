/** What each peers-bench server process shares: answering the bench, recording its SQL. */
import { Pool, PoolClient } from 'pg';
import type { ServerCommand, ServerReply, ServerSettings } from './peers-protocol';

/** The SQL statements a server sends between `start` and `stop`. */
export interface StatementRecorder {
  start(): void;
  stop(): string[];
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
  // The server settings seeit's own pool uses (no JIT), so every contender runs on the same.
  const pool = new Pool({
    connectionString: settings.databaseUrl,
    max: settings.poolSize,
    options: '-c jit=off',
  });
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
