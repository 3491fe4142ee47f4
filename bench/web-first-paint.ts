/**
 * The web app's first paint: how long after a signed-in reader opens `/` the home timeline's
 * first card is on screen, against the 1 s goal. The API serves the built app (dist/web) on a
 * bench database where the reader follows an author with 25 posts; Debian's Chromium loads the
 * page, each time in a fresh browser context (nothing cached: a first visit). Side by side, round
 * by round, the same first page as static HTML, pre-rendered from the app's own DOM and served
 * with the same stylesheet: the floor a client-rendered page cannot beat.
 *
 *   npm run build && npm run bench -- web [--rounds 3]   (10 loads of each page per round)
 *
 * WEB_DIR=<another build> measures that build instead (e.g. one from an older commit).
 *
 * An init script records, on the page's clock (ms since navigation start): the first `<article>`
 * in the DOM and the frame that paints it, and when the HomeTimeline request started and
 * answered (fetch wrapped before the app's scripts run).
 */
import { readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { extname, join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser } from 'playwright-core';
import { loadConfig } from '@app/config';
import { launchBrowser } from '@app/testing/browser';
import { createApp } from '../apps/api/src/create-app';
import { benchEnv, benchStorage, percentile, Table } from './support';

interface Options {
  rounds: number;
}

const LOADS_PER_ROUND = 10;
const POSTS = 25;
const GOAL_MS = 1000;

/** What one page load recorded, in ms since its navigation started. */
interface Load {
  article: number;
  painted: number;
  documentEnd: number;
  scriptsEnd: number;
  timelineStart: number;
  timelineAnswered: number;
}

/** Signs the page in as the reader, before any of its scripts run. */
const signIn = (token: string) => `localStorage.setItem('seeit.token', ${JSON.stringify(token)});`;

/**
 * Records the marks of a Load in `window.__firstPaint` (`window.__firstPainted` resolves once the
 * first card is painted), before any of the page's scripts run.
 */
const RECORDER = `(() => {
  const marks = (window.__firstPaint = {});
  let painted;
  window.__firstPainted = new Promise((resolve) => (painted = resolve));
  const seen = () => {
    if (marks.article !== undefined || !document.querySelector('article')) return false;
    marks.article = performance.now();
    requestAnimationFrame(() => painted((marks.painted = performance.now())));
    return true;
  };
  const observer = new MutationObserver(() => seen() && observer.disconnect());
  observer.observe(document, { childList: true, subtree: true });
  const fetch = window.fetch;
  window.fetch = async (input, init) => {
    const timeline = typeof init?.body === 'string' && init.body.includes('"HomeTimeline"');
    if (timeline) marks.timelineStart ??= performance.now();
    const response = await fetch(input, init);
    if (timeline) marks.timelineAnswered ??= performance.now();
    return response;
  };
})();`;

/** Reads a Load's marks, and the navigation and resource timings, in the page. */
const MARKS = `(() => {
  const marks = window.__firstPaint;
  const [navigation] = performance.getEntriesByType('navigation');
  const scripts = performance
    .getEntriesByType('resource')
    .filter((entry) => entry.name.endsWith('.js'))
    .map((entry) => entry.responseEnd);
  return {
    article: marks.article,
    painted: marks.painted,
    documentEnd: navigation.responseEnd,
    scriptsEnd: Math.max(0, ...scripts),
    timelineStart: marks.timelineStart ?? NaN,
    timelineAnswered: marks.timelineAnswered ?? NaN,
  };
})()`;

async function graphql<T>(url: string, query: string, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data) throw new Error(`Seeding failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function signUp(url: string, handle: string): Promise<{ token: string; id: string }> {
  const { signUp } = await graphql<{ signUp: { token: string; user: { id: string } } }>(
    url,
    `mutation { signUp(input: { handle: "${handle}", email: "${handle}@bench.local",
       password: "bench-password" }) { token user { id } } }`,
  );
  return { token: signUp.token, id: signUp.user.id };
}

/** The reader's token, once the reader follows an author with POSTS posts. */
async function seed(url: string): Promise<string> {
  const author = await signUp(url, 'author');
  const reader = await signUp(url, 'reader');
  await graphql(url, `mutation { follow(userId: "${author.id}") { id } }`, reader.token);
  for (let n = 1; n <= POSTS; n += 1) {
    const text = `Post ${n} of ${POSTS}, for @reader: what a first paint looks like #bench${n}`;
    await graphql(url, `mutation { createPost(input: { text: "${text}" }) { id } }`, author.token);
  }
  return reader.token;
}

async function load(browser: Browser, url: string, token: string): Promise<Load> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(signIn(token));
    await context.addInitScript(RECORDER);
    const page = await context.newPage();
    await page.goto(url);
    await page.evaluate('window.__firstPainted');
    return await page.evaluate<Load>(MARKS);
  } finally {
    await context.close();
  }
}

/** The first page as the app rendered it, without scripts: the static floor. */
async function preRendered(browser: Browser, url: string, token: string): Promise<string> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(signIn(token));
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('article').first().waitFor();
    const html = await page.evaluate<string>(`(() => {
      document.querySelectorAll('script, link[rel="modulepreload"]').forEach((n) => n.remove());
      return document.documentElement.outerHTML;
    })()`);
    return `<!doctype html>\n${html}`;
  } finally {
    await context.close();
  }
}

/** Serves the pre-rendered page at / and the build's assets (its stylesheet) as they are. */
async function staticServer(html: string, webDir: string): Promise<Server> {
  const types: Record<string, string> = { '.css': 'text/css', '.js': 'text/javascript' };
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    try {
      const body = readFileSync(join(webDir, path.replace(/^\/+/, '').replace(/\.\./g, '')));
      response.writeHead(200, {
        'content-type': types[extname(path)] ?? 'application/octet-stream',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : `${Math.round(value)} ms`);

function summary(label: string, loads: Load[]): string[] {
  const median = (pick: (load: Load) => number) => ms(percentile(loads.map(pick), 50));
  return [
    label,
    median((l) => l.painted),
    ms(
      percentile(
        loads.map((l) => l.painted),
        90,
      ),
    ),
    median((l) => l.documentEnd),
    median((l) => l.scriptsEnd),
    median((l) => l.timelineStart),
    median((l) => l.timelineAnswered),
    median((l) => l.article),
  ];
}

export async function webFirstPaintBench(options: Options): Promise<string> {
  const { database, dataDir } = await benchStorage();
  let app: NestExpressApplication | undefined;
  let floor: Server | undefined;
  let browser: Browser | undefined;
  try {
    const config = loadConfig(
      benchEnv(database, dataDir, {
        ...(process.env.WEB_DIR ? { WEB_DIR: process.env.WEB_DIR } : {}),
      }),
    );
    app = await createApp(config, { url: database.url });
    await app.listen(0, '127.0.0.1');
    const origin = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const token = await seed(`${origin}/graphql`);
    browser = await launchBrowser();
    floor = await staticServer(await preRendered(browser, `${origin}/`, token), config.webDir);
    const floorUrl = `http://127.0.0.1:${(floor.address() as { port: number }).port}/`;

    // One uncounted load of each warms the server and the browser process.
    await load(browser, `${origin}/`, token);
    await load(browser, floorUrl, token);
    const appLoads: Load[] = [];
    const floorLoads: Load[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      for (let i = 0; i < LOADS_PER_ROUND; i += 1) {
        appLoads.push(await load(browser, `${origin}/`, token));
        floorLoads.push(await load(browser, floorUrl, token));
      }
    }

    const table = new Table([
      'page',
      'first card painted, median',
      'p90',
      'document loaded',
      'scripts loaded',
      'homeTimeline sent',
      'homeTimeline answered',
      'first card in DOM',
    ]);
    table.row(summary('the app (`/`)', appLoads));
    table.row(summary('static HTML of the same page (floor)', floorLoads));
    const median = percentile(
      appLoads.map((l) => l.painted),
      50,
    );
    return [
      `Web first paint: ${appLoads.length} loads of each page, fresh browser context each, ` +
        `${POSTS} posts in the reader's home timeline (20 on the first page); ms after navigation start.`,
      table.render(),
      `Goal ${GOAL_MS} ms: the app's median is ${Math.round(median)} ms ` +
        `(${median <= GOAL_MS ? 'met' : 'NOT met'}), ` +
        `${(
          median /
          percentile(
            floorLoads.map((l) => l.painted),
            50,
          )
        ).toFixed(2)}× the static floor.`,
    ].join('\n\n');
  } finally {
    await browser?.close();
    await new Promise((resolve) => (floor ? floor.close(resolve) : resolve(undefined)));
    await app?.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
