import { spawnSync } from 'node:child_process';

/**
 * Whether a suite's outside service (Redis, nginx-rtmp, ffmpeg) is here. Missing, the suite is
 * skipped with a loud warning; under SEEIT_REQUIRE_SERVICES=1 (CI) a missing service fails the
 * run instead, so CI can never pass by skipping. Synchronous, because jest decides
 * `describe` vs `describe.skip` while collecting tests.
 */
export function serviceAvailable(name: string, available: boolean, howToGetIt: string): boolean {
  if (available) return true;
  if (process.env.SEEIT_REQUIRE_SERVICES === '1') {
    throw new Error(`${name} is required (SEEIT_REQUIRE_SERVICES=1) but missing. ${howToGetIt}`);
  }
  console.warn(
    `\n${'!'.repeat(78)}\n  SKIPPED: the ${name} tests. ${name} is not available here.\n  ${howToGetIt}\n${'!'.repeat(78)}\n`,
  );
  return false;
}

/**
 * How long a probe's process may take (a tool's `--version`, a connection attempt): long, since
 * a busy CI machine (two jest workers starting, libraries read from a cold disk cache) can take
 * seconds to start one, and a slow answer must not read as a missing service.
 */
export const PROBE_TIMEOUT_MS = 60_000;

/** Runs a probe command; its output when it exits with 0 within PROBE_TIMEOUT_MS. */
export function probe(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS });
  return result.status === 0 ? `${result.stdout}${result.stderr}` : undefined;
}

/** True when a TCP connection to host:port opens within two seconds. */
export function tcpReachable(host: string, port: number): boolean {
  const connect = `require('net').connect(${port}, ${JSON.stringify(host)})
    .on('connect', () => process.exit(0)).on('error', () => process.exit(1));
    setTimeout(() => process.exit(1), 2000);`;
  return probe(process.execPath, ['-e', connect]) !== undefined;
}
