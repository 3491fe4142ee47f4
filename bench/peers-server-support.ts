/** What each peers-bench server process shares: answering the bench, recording its SQL. */
import { Pool, PoolClient } from 'pg';
import { answerParent } from './child-process';
import type { ServerCommand, ServerReply, ServerSettings } from './peers-protocol';

/** The SQL statements a server sends between `start` and `stop`. */
export interface StatementRecorder {
  start(): void;
  stop(): string[];
}

/**
 * Tells the parent the port, records on request, says how much CPU it has used, profiles when it
 * can (`profile`: the summary of this process's CPU over that many seconds), and closes when the
 * parent goes away.
 */
export function serveParent(
  port: number,
  recorder: StatementRecorder,
  close: () => Promise<void>,
  profile?: (seconds: number, file: string) => Promise<string>,
): void {
  answerParent<ServerCommand, ServerReply>(async (command) => {
    switch (command.type) {
      case 'ready':
        return { type: 'listening', port };
      case 'record':
        recorder.start();
        return { type: 'recording' };
      case 'recorded':
        return { type: 'statements', statements: recorder.stop() };
      case 'profile':
        if (!profile) throw new Error('This contender does not profile');
        return { type: 'profiled', summary: await profile(command.seconds, command.file) };
      case 'cpu': {
        const { user, system } = process.cpuUsage();
        return { type: 'cpu', micros: user + system };
      }
    }
  }, close);
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
