import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { StartupError } from '@app/config';

/** Errors that another try may cure: the server is starting, restarting, or dropped us. */
const TRANSIENT = new Set(['57P03', '53300', 'ECONNRESET', 'EPIPE']);

const CONNECT_TIMEOUT_MS = 5000;

/**
 * Connects once before the service starts, so that what retrying cannot fix (a wrong role or
 * password, a database that does not exist, a host that is unknown or refuses connections) ends
 * the start at once with one sentence, instead of TypeORM's retries and their stacks.
 */
export async function assertDatabaseUsable(url: string): Promise<void> {
  const target = new URL(url);
  const where = `${target.hostname}:${target.port || 5432}${target.pathname}`;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code !== undefined && TRANSIENT.has(code)) return;
    throw new StartupError(`Cannot use the database at ${where}: ${describe(code, message)}.`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function describe(code: string | undefined, message = 'no reason given'): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing accepts connections there (connection refused)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its host name is unknown';
    default:
      if (/timeout/i.test(message)) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
      return message.replace(/\.$/, '');
  }
}

/** Whether the running service's database is usable: what `/health` reports. */
@Injectable()
export class DatabaseCheck {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** True once the database answers and every migration has run. */
  async isReady(): Promise<boolean> {
    try {
      await this.db.query('SELECT 1');
      return !(await this.db.showMigrations());
    } catch {
      return false;
    }
  }
}
