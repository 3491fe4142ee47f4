import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { serviceAvailable } from './required-services';

/**
 * The browser tests drive the system's Chromium (Debian's `chromium` package) through
 * playwright-core, which never downloads a browser of its own. CHROMIUM_PATH picks another build.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The web app's build the test apps serve (WEB_DIR's default): `npm run build` makes it. */
export const webBuildDir = join(__dirname, '..', '..', '..', 'dist', 'web');

/**
 * Whether the browser suites can run (see serviceAvailable): Chromium, and a built web app to
 * load in it. Call once, while collecting.
 */
export function browserAvailable(): boolean {
  return (
    serviceAvailable(
      'browser (Chromium)',
      existsSync(chromiumPath),
      `No Chromium at ${chromiumPath} (CHROMIUM_PATH). The web app is not tested in a browser ` +
        'without it. Install: apt-get install -y chromium.',
    ) &&
    serviceAvailable(
      'browser (web app build)',
      existsSync(join(webBuildDir, 'index.html')),
      `No web app build in ${webBuildDir}. Build it with npm run build.`,
    )
  );
}

/** A headless Chromium, sized for a 2-core machine shared with the API under test. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-gpu',
      // Videos play without a user gesture, as a TV in screen mode must.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
