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

/** True when a TCP connection to host:port opens within two seconds. */
export function tcpReachable(host: string, port: number): boolean {
  const probe = `require('net').connect(${port}, ${JSON.stringify(host)})
    .on('connect', () => process.exit(0)).on('error', () => process.exit(1));
    setTimeout(() => process.exit(1), 2000);`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 5000 }).status === 0;
}
