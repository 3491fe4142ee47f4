import Redis from 'ioredis';
import { StartupError } from '@app/config';

/** How long connecting waits for Redis before giving up. */
const CONNECT_TIMEOUT_MS = 5000;

export interface RedisConnectionOptions {
  /** How long a command waits for an answer; none for a connection that only listens. */
  commandTimeoutMs?: number;
  /** Whether a lost connection comes back on its own (default); a start-up probe does not. */
  reconnect?: boolean;
}

/**
 * Every Redis connection of the service (the event bus, the rate-limit counters, the start-up
 * probe) is set up here. Redis is never the record of anything, so nothing waits for it: a
 * command while it is away fails at once (no offline queue, no retry) and its caller carries on
 * without it. Connecting is explicit (`connectRedis`), and subscriptions are restored by their
 * owner once the connection is back.
 */
export function redisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    autoResubscribe: false,
    retryStrategy:
      options.reconnect === false ? () => null : (attempt) => Math.min(attempt * 200, 2000),
  });
}

/** Resolves when the connection is ready; rejects at its first error or after the timeout. */
export function connectRedis(connection: Redis): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
      CONNECT_TIMEOUT_MS,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      connection.off('ready', done);
      reject(error);
    };
    const done = () => {
      clearTimeout(timer);
      connection.off('error', fail);
      resolve();
    };
    connection.once('ready', done);
    connection.once('error', fail);
    connection.connect().catch(() => undefined);
  });
}

/** The start-up failure for a Redis that cannot be reached, in one sentence. */
export function redisUnreachable(url: string, error: unknown): StartupError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StartupError(`Cannot reach Redis at ${redactedUrl(url)} (${reason}).`);
}

/**
 * Connects once before the service starts: a Redis that cannot be reached ends the start at once,
 * with one sentence, rather than inside the module graph.
 */
export async function assertRedisReachable(url: string): Promise<void> {
  const probe = redisConnection(url, { reconnect: false });
  probe.on('error', () => undefined);
  try {
    await connectRedis(probe);
  } catch (error) {
    throw redisUnreachable(url, error);
  } finally {
    probe.disconnect();
  }
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString().replace(/\/$/, '');
}
