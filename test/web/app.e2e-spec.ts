/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The functions passed to the page run in the browser, with its globals.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, ElementHandle, Locator, Page } from 'playwright-core';
import { MediaServer, mediaToolsAvailable, stop, TestApp, TestUser } from '@app/testing';
import { browserAvailable, launchBrowser } from '@app/testing/browser';

/**
 * The web app in a real browser (Debian's Chromium through playwright-core) against the real
 * API, database and, for live video, nginx-rtmp fed by ffmpeg. Locators go by role, label and
 * text, as a screen reader would; waits are Playwright's own (a locator waits for its element),
 * never sleeps. SEEIT_SCREENSHOTS=1 also saves the main screens to docs/screenshots/.
 */

const SECRET = 'web-media-hook-secret-for-tests';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SCREENSHOTS = process.env.SEEIT_SCREENSHOTS === '1';
const SCREENSHOT_DIR = join(__dirname, '..', '..', 'docs', 'screenshots');

const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { id } }`;
const POST = `mutation($text: String!) { createPost(input: { text: $text }) { id } }`;
const START = `mutation($input: StartBroadcastInput!) {
  startBroadcast(input: $input) { id status ingest { rtmpUrl streamKey } }
}`;
const READ = `query($id: ID!) { broadcast(id: $id) { status startedAt replayAvailable } }`;
const REPLAY_EVENTS = `query($id: ID!) { broadcast(id: $id) {
  replayEvents(fromMs: 0, toMs: 600000) { events { offsetMs comment { text } } } } }`;
const CREATE_SHOW = `mutation($input: CreateShowInput!) { createShow(input: $input) { id } }`;
const SET_CHAT_MODE = `mutation($id: ID!, $mode: ChatMode!) {
  setChatMode(broadcastId: $id, mode: $mode) { id }
}`;
const BAN = `mutation($id: ID!, $userId: ID!) { banViewer(broadcastId: $id, userId: $userId) }`;
const VIEWERS = `query($id: ID!) { broadcast(id: $id) { viewerCount } }`;
const JOIN = `mutation($id: ID!) { joinBroadcast(id: $id) { id } }`;

const withBrowser = browserAvailable();
const withMedia = withBrowser && mediaToolsAvailable();
const browserDescribe = withBrowser ? describe : describe.skip;

browserDescribe('the web app in a browser', () => {
  let t: TestApp;
  let media: MediaServer | undefined;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    media = withMedia ? await MediaServer.prepare(SECRET) : undefined;
    [t, browser] = await Promise.all([
      TestApp.start({
        ...media?.appEnv(),
        ...(media ? { MEDIA_REPLAY_DIR: media.replayDir } : {}),
        MEDIA_PUBLISH_DONE_GRACE_SECONDS: '1',
      }),
      launchBrowser(),
    ]);
    await media?.start(`${t.url}/media/hooks`);
    if (SCREENSHOTS) mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await media?.close();
    await t?.close();
  });

  afterEach(async () => {
    await Promise.all(browser.contexts().map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  /** A tab of its own (a browser context: its own storage and socket), signed in as `user`. */
  async function open(
    user: TestUser | null,
    path = '/',
    beforeLoad?: (page: Page) => void,
  ): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
    if (user) {
      await context.addInitScript(
        (token) => localStorage.setItem('seeit.token', token),
        user.token,
      );
    }
    const page = await context.newPage();
    watchPageErrors(page, pageErrors);
    beforeLoad?.(page);
    await page.goto(`${t.url}${path}`);
    return page;
  }

  /**
   * A TV's browser in screen mode, paired to `owner` as a person does it: the screen shows a
   * code, the owner types it on their Screens page, the screen picks its token up by itself.
   */
  async function openScreen(owner: TestUser): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP });
    const screen = await context.newPage();
    watchPageErrors(screen, pageErrors);
    await screen.goto(`${t.url}/screen`);
    const code = (await screen.getByLabel('Pairing code').textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    const phone = await open(owner, '/screens');
    await phone.getByLabel('Code shown on the screen').fill(code);
    await phone.getByLabel('Screen name').fill('Living room');
    await phone.getByLabel('Kind').selectOption({ label: 'TV' });
    await phone.getByRole('button', { name: 'Pair screen' }).click();
    await phone.getByText('Paired Living room').waitFor();
    await phone.context().close();
    // Commands are pushed, not kept: the screen is told only once it listens.
    await screen.getByRole('heading', { name: /^Ready/ }).waitFor();
    return screen;
  }

  /** Saves the page at desktop and phone width when SEEIT_SCREENSHOTS=1. */
  async function shoot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-desktop.png`) });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-phone.png`) });
    await page.setViewportSize(DESKTOP);
  }

  const homeFeed = (page: Page) => page.getByRole('feed', { name: 'Home timeline' });
  const postCard = (page: Page, text: string) =>
    homeFeed(page)
      .getByRole('article', { name: /^Post by/ })
      .filter({ hasText: text });
  const broadcastCard = (page: Page, title: string) =>
    homeFeed(page)
      .getByRole('article', { name: /^Broadcast by/ })
      .filter({ hasText: title });

  (withMedia ? it : it.skip)(
    'live: the card arrives by itself, plays, takes hearts and a comment, and becomes a replay that plays',
    async () => {
      const server = media!;
      const [viewer, host] = [await t.signUp(), await t.signUp()];
      await t.ok(FOLLOW, { id: host.id }, viewer.token);
      const title = 'Live from the studio';
      const { startBroadcast } = await t.ok(
        START,
        { input: { title, scheduledFor: new Date(Date.now() + 3600_000).toISOString() } },
        host.token,
      );
      const [a, b, screen] = await Promise.all([
        open(viewer),
        open(host, `/broadcasts/${encodeURIComponent(startBroadcast.id as string)}`),
        openScreen(viewer),
      ]);
      await broadcastCard(a, title).waitFor();

      const { rtmpUrl, streamKey } = startBroadcast.ingest as {
        rtmpUrl: string;
        streamKey: string;
      };
      const encoder = server.publish(`${rtmpUrl}/${streamKey}`);
      try {
        // Within a second of going LIVE, without a reload.
        const seenAt = await liveCardShownAt(a, title, 20_000);
        const live = broadcastCard(a, title).filter({ has: a.getByText('LIVE', { exact: true }) });
        await live.waitFor();
        // The broadcaster's page, opened while SCHEDULED, turns LIVE by itself.
        await b.getByRole('heading', { name: `LIVE ${title}` }).waitFor();
        const { broadcast } = await t.ok(READ, { id: startBroadcast.id }, viewer.token);
        expect(broadcast.status).toBe('LIVE');
        expect(seenAt - Date.parse(broadcast.startedAt as string)).toBeLessThan(1000);
        await shoot(a, 'home-live');

        // See it on the TV: the paired screen starts playing.
        await live.getByRole('button', { name: 'See it' }).click();
        await a.getByRole('menuitem', { name: 'TV' }).click();
        await a.getByRole('status').filter({ hasText: 'Playing on Living room' }).waitFor();
        await screen.getByRole('heading', { name: `Now playing: ${title}` }).waitFor();
        await videoAdvances(screen.locator('video'));
        await shoot(screen, 'screen-mode');

        await live.getByRole('link', { name: title }).click();
        await a.getByRole('heading', { name: title }).waitFor();
        await videoAdvances(a.locator('video'));

        for (let i = 0; i < 3; i += 1) {
          await a.getByRole('button', { name: 'Heart', exact: true }).click();
        }
        await a.getByLabel('Comment').fill('Hello from the sofa');
        await a.getByRole('button', { name: 'Send' }).click();
        const chat = b.getByRole('complementary', { name: 'Live chat' });
        await chat.getByText('Hello from the sofa').waitFor();
        await chat.getByText(/\b3 hearts/).waitFor();
        await shoot(a, 'broadcast');
        await shoot(b, 'broadcaster');

        // The stream's origin drops out for longer than hls.js retries a playlist (it reports a
        // fatal error): the player picks the stream up again by itself once the origin is back.
        const hls = /\/hls\//;
        await a.route(hls, (route) => route.abort());
        await a.waitForTimeout(6_000);
        await a.unroute(hls);
        await videoAdvances(a.locator('video'));
        expect(await a.getByRole('alert').count()).toBe(0);

        await b.getByRole('button', { name: 'End broadcast' }).click();
      } finally {
        await stop(encoder.process);
      }

      // The card turns into a replay once nginx has written it, and the replay plays.
      await a.goBack();
      const replay = broadcastCard(a, title).filter({
        has: a.getByText('Replay', { exact: true }),
      });
      await replay.waitFor({ timeout: 30_000 });
      await replay.getByRole('button', { name: 'Play replay' }).click();
      await videoAdvances(replay.locator('video'));

      // On its page, the replay's chat plays in step with the video: the comment is not there
      // at the start, and appears once the video plays past the moment it was sent.
      const { broadcast } = await t.ok(REPLAY_EVENTS, { id: startBroadcast.id }, viewer.token);
      const sent = (
        broadcast.replayEvents.events as { offsetMs: number; comment: { text: string } | null }[]
      ).find((event) => event.comment?.text === 'Hello from the sofa');
      expect(sent).toBeDefined();
      await replay.getByRole('link', { name: title }).click();
      const chat = a.getByRole('complementary', { name: 'Chat replay' });
      const video = a.locator('video');
      await videoAdvances(video);
      await video.evaluate((node: HTMLVideoElement) => {
        node.pause();
        node.currentTime = 0;
      });
      await chat.getByText(/\b0 hearts/).waitFor();
      expect(await chat.getByText('Hello from the sofa').count()).toBe(0);
      await video.evaluate(
        (node: HTMLVideoElement, at: number) => {
          node.currentTime = at;
          void node.play();
        },
        Math.max(0, sent!.offsetMs / 1000 - 1.5),
      );
      await chat.getByText('Hello from the sofa').waitFor({ timeout: 15_000 });
      await chat.getByText(/\b3 hearts/).waitFor();
      // Shown when the video got there, or at its end: a recording may be a little shorter.
      const played = await video.evaluate((node: HTMLVideoElement) => ({
        ms: node.currentTime * 1000,
        ended: node.ended,
      }));
      expect(played.ended || played.ms >= sent!.offsetMs).toBe(true);
    },
    150_000,
  );

  it("See it on a show's post: LATER saves it, TV tells the paired screen", async () => {
    const [viewer, partner] = [await t.signUp(), await t.signUp()];
    await t.sql('UPDATE users SET role = $2 WHERE id = $1', [rowId(partner.id), 'PARTNER']);
    await t.ok(
      CREATE_SHOW,
      {
        input: {
          slug: 'night-kitchen',
          title: 'Night Kitchen',
          hashtag: '#NightKitchen',
          network: 'Channel 9',
        },
      },
      partner.token,
    );
    const [a, screen] = await Promise.all([open(viewer), openScreen(viewer)]);
    await a.getByLabel('What is happening?').fill('Tonight: #NightKitchen, who is in?');
    await a.getByRole('button', { name: 'Post' }).click();
    const card = postCard(a, 'who is in?');
    await card.getByRole('link', { name: '#NightKitchen' }).waitFor();

    await card.getByRole('button', { name: 'See it' }).click();
    await a.getByRole('menuitem', { name: 'Later' }).click();
    await card.getByRole('status').filter({ hasText: 'watch-later' }).waitFor();
    await shoot(a, 'home');

    await card.getByRole('button', { name: 'See it' }).click();
    await a.getByRole('menuitem', { name: 'TV' }).click();
    await screen.getByRole('heading', { name: 'Now playing: Night Kitchen' }).waitFor();

    await a.getByRole('link', { name: 'Watch later' }).click();
    await a.getByRole('list', { name: 'Watch-later list' }).getByText('Night Kitchen').waitFor();
    await shoot(a, 'watch-later');
  });

  it('a first load reads me and the first page once each; mentions link; a profile scrolls on to older posts', async () => {
    const [viewer, writer] = [await t.signUp(), await t.signUp()];
    await t.ok(FOLLOW, { id: writer.id }, viewer.token);
    for (let n = 1; n <= 25; n += 1) {
      await t.ok(POST, { text: `Numbered post ${n}. For @${viewer.handle}` }, writer.token);
    }
    // The entry script reads them before the app loads; the app takes those answers.
    const firstReads: string[] = [];
    const a = await open(viewer, '/', (page) =>
      page.on('request', (request) => {
        const body = request.postData() ?? '';
        const name = /"operationName":"(\w+)"/.exec(body)?.[1];
        if (name && !body.includes('"after":"')) firstReads.push(name);
      }),
    );
    const newest = postCard(a, 'post 25.');
    await newest.waitFor();
    expect(firstReads.filter((name) => name === 'HomeTimeline')).toHaveLength(1);
    expect(firstReads.filter((name) => name === 'Me')).toHaveLength(1);
    await newest.getByRole('link', { name: `@${viewer.handle}`, exact: true }).waitFor();

    await newest.getByRole('link', { name: new RegExp(`@${writer.handle}$`) }).click();
    const feed = a.getByRole('feed', { name: `Posts by @${writer.handle}` });
    const cards = feed.getByRole('article');
    await cards.filter({ hasText: 'post 25.' }).waitFor();
    expect(await cards.count()).toBe(20);
    await cards.last().scrollIntoViewIfNeeded();
    await cards.filter({ hasText: 'post 1.' }).waitFor();
    expect(await cards.count()).toBe(25);
  });

  it('the socket is cut and restored: what happened meanwhile arrives, nothing is lost or doubled', async () => {
    const [viewer, writer] = [await t.signUp(), await t.signUp()];
    await t.ok(FOLLOW, { id: writer.id }, viewer.token);
    for (const text of ['first post', 'second post', 'third post']) {
      await t.ok(POST, { text }, writer.token);
    }
    const a = await open(viewer);
    await postCard(a, 'third post').waitFor();
    await t.ok(POST, { text: 'live before the cut' }, writer.token);
    await postCard(a, 'live before the cut').waitFor();

    // The API process stops; a sibling on the same database takes a post meanwhile.
    await t.restart({
      samePort: true,
      meanwhile: async () => {
        const sibling = await t.startSibling();
        try {
          await graphql(sibling.url, POST, { text: 'posted while the socket was down' }, writer);
        } finally {
          await sibling.app.close();
        }
      },
    });
    await postCard(a, 'posted while the socket was down').waitFor({ timeout: 20_000 });
    await t.ok(POST, { text: 'live after the cut' }, writer.token);
    await postCard(a, 'live after the cut').waitFor();
    for (const text of [
      'first post',
      'second post',
      'third post',
      'live before the cut',
      'posted while the socket was down',
      'live after the cut',
    ]) {
      expect({ text, cards: await postCard(a, text).count() }).toEqual({ text, cards: 1 });
    }
  });

  it('GET /graphql in a browser is the bundled explorer: it reads the schema here, nothing from elsewhere', async () => {
    const page = await open(null);
    const origins = new Set<string>();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    const schemaRead = page.waitForResponse((r) =>
      /IntrospectionQuery/.test(r.request().postData() ?? ''),
    );
    await page.goto(`${t.url}/graphql`);
    expect((await schemaRead).status()).toBe(200);
    await page.getByRole('button', { name: /Execute query/ }).waitFor();
    expect([...origins].filter((origin) => !['null', 'blob:', t.url].includes(origin))).toEqual([]);
  });

  it('the chat as the broadcaster runs it: its mode shown at once, a banned viewer told, the broadcaster not counted', async () => {
    const [viewer, host] = [await t.signUp(), await t.signUp()];
    const { startBroadcast } = await t.ok(START, { input: { title: 'House rules' } }, host.token);
    const id = startBroadcast.id as string;
    const path = `/broadcasts/${encodeURIComponent(id)}`;
    const [a, b] = await Promise.all([open(viewer, path), open(host, path)]);
    const chat = a.getByRole('complementary', { name: 'Live chat' });
    await chat.getByLabel('Comment', { exact: true }).fill('First!');
    await chat.getByRole('button', { name: 'Send' }).click();
    await b.getByRole('complementary', { name: 'Live chat' }).getByText('First!').waitFor();
    // The viewer's page has joined by now; the broadcaster's join counts for nothing.
    await t.ok(JOIN, { id }, host.token);
    expect((await t.ok(VIEWERS, { id }, host.token)).broadcast.viewerCount).toBe(1);
    await b.getByText('1 watching').waitFor();

    await t.ok(SET_CHAT_MODE, { id, mode: 'OFF' }, host.token);
    await chat.getByText('Comments are off.').waitFor();
    expect(await chat.getByLabel('Comment', { exact: true }).count()).toBe(0);
    await t.ok(SET_CHAT_MODE, { id, mode: 'FOLLOWERS' }, host.token);
    await chat.getByText(`Only followers of @${host.handle} may comment.`).waitFor();
    expect(await chat.getByLabel('Comment', { exact: true }).count()).toBe(0);
    await t.ok(SET_CHAT_MODE, { id, mode: 'EVERYONE' }, host.token);
    await chat.getByLabel('Comment', { exact: true }).waitFor();
    expect(await chat.getByText(/may comment|are off/).count()).toBe(0);

    await t.ok(BAN, { id, userId: viewer.id }, host.token);
    // The chat says so, or the page read again does (the broadcast is hidden from them now).
    await a
      .getByText(
        /^(You can no longer take part in this broadcast|The broadcast was not found|This broadcast does not exist or is hidden from you)\.$/,
      )
      .waitFor();
    expect(await a.getByRole('button', { name: 'Heart', exact: true }).count()).toBe(0);
    expect(await a.getByLabel('Comment', { exact: true }).count()).toBe(0);

    await b.getByRole('button', { name: 'End broadcast' }).click();
    await b.getByRole('region', { name: 'Your broadcast' }).getByText('Ended.').waitFor();
  });

  it('Live now shows a broadcast that starts while it is open', async () => {
    const [viewer, host] = [await t.signUp(), await t.signUp()];
    const a = await open(viewer, '/live');
    // The list as first read, before the broadcast starts: it must come from a later read.
    await a
      .locator('[role="feed"][aria-label="Live now"][aria-busy="false"]')
      .waitFor({ state: 'attached' });
    await t.ok(START, { input: { title: 'Started while watching the list' } }, host.token);
    await a
      .getByRole('feed', { name: 'Live now' })
      .getByText('Started while watching the list')
      .waitFor({ timeout: 25_000 });
  }, 40_000);

  it('forms speak of what is on screen now: a fixed field drops its error; counts in the singular', async () => {
    const a = await open(null, '/signup');
    await a.getByLabel('Handle').fill('a!');
    await a.getByLabel('Email').fill(`fixed${Date.now()}@example.com`);
    await a.getByLabel('Password').fill('long enough password');
    await a.getByRole('button', { name: 'Sign up' }).click();
    const refusal = a.getByText(/^handle: /);
    await refusal.waitFor();
    await a.getByLabel('Handle').fill(`fixed${Date.now() % 1_000_000}`);
    await refusal.waitFor({ state: 'detached' });

    const [reader, author] = [await t.signUp(), await t.signUp()];
    await t.ok(FOLLOW, { id: author.id }, reader.token);
    const profile = await open(reader, `/@${author.handle}`);
    await profile.getByText(/\b1 follower\b/).waitFor();
    await profile.goto(`${t.url}/`);
    await profile.getByLabel('What is happening?').fill('x'.repeat(281));
    await profile.getByText('1 character too many').waitFor();
  });

  it('keyboard only: sign in, post, open a live card, comment', async () => {
    const viewer = await t.signUp();
    const host = await t.signUp();
    await t.ok(FOLLOW, { id: host.id }, viewer.token);
    const title = 'Keyboard hour';
    await t.ok(START, { input: { title } }, host.token);

    const a = await open(null, '/signin');
    await tabTo(a, a.getByLabel('Handle or email'));
    await a.keyboard.type(viewer.handle);
    await tabTo(a, a.getByLabel('Password'));
    await a.keyboard.type('correct horse battery');
    await shoot(a, 'sign-in');
    await a.keyboard.press('Enter');

    await tabTo(a, a.getByLabel('What is happening?'));
    await a.keyboard.type('Typed without a mouse');
    await tabTo(a, a.getByRole('button', { name: 'Post' }));
    await a.keyboard.press('Enter');
    await postCard(a, 'Typed without a mouse').waitFor();

    await tabTo(a, broadcastCard(a, title).getByRole('link', { name: title }));
    await a.keyboard.press('Enter');
    await a.getByRole('heading', { name: title }).waitFor();
    await tabTo(a, a.getByLabel('Comment'));
    await a.keyboard.type('Hello by keyboard');
    await a.keyboard.press('Enter');
    await a
      .getByRole('complementary', { name: 'Live chat' })
      .getByText('Hello by keyboard')
      .waitFor();
  });
});

/** Keeps the page's uncaught errors and CSP refusals in `errors`, which each test ends empty. */
function watchPageErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) {
      errors.push(`${page.url()}: ${message.text()}`);
    }
  });
}

/**
 * When the home feed first showed the broadcast's card as LIVE, by the page's clock (the
 * machine's, as the API's): checked at every frame, where a locator's wait polls up to a second
 * apart.
 */
async function liveCardShownAt(page: Page, title: string, timeout: number): Promise<number> {
  const shown = await page.waitForFunction(
    (title) => {
      const cards = [...document.querySelectorAll('[role="feed"] article')];
      const live = cards.some(
        (card) =>
          card.getAttribute('aria-label')?.startsWith('Broadcast by') &&
          card.textContent?.includes(title) &&
          [...card.querySelectorAll('*')].some((element) => element.textContent === 'LIVE'),
      );
      return live ? Date.now() : false;
    },
    title,
    { polling: 'raf', timeout },
  );
  return (await shown.jsonValue()) as number;
}

/** Presses Tab until `target` has the focus: reachable by keyboard, in a sane order. */
async function tabTo(page: Page, target: Locator, maxTabs = 60): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < maxTabs; i += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Not reached by ${maxTabs} Tabs: ${target.toString()}`);
}

/** Waits until the video has played a second of its media: it plays, it is not just loaded. */
async function videoAdvances(video: Locator): Promise<void> {
  const element = (await video.elementHandle()) as ElementHandle<HTMLVideoElement>;
  const from = await element.evaluate((node) => node.currentTime);
  try {
    await video.page().waitForFunction(
      ({ node, from }) => node.currentTime > from + 1,
      { node: element, from },
      {
        timeout: 20_000,
      },
    );
  } catch (error) {
    const state = await element.evaluate((node) => ({
      currentTime: node.currentTime,
      paused: node.paused,
      readyState: node.readyState,
      networkState: node.networkState,
      error: node.error?.message ?? null,
      buffered: Array.from({ length: node.buffered.length }, (_, i) => [
        node.buffered.start(i),
        node.buffered.end(i),
      ]),
      alert: node.closest('.player')?.querySelector('[role=alert]')?.textContent ?? null,
    }));
    throw new Error(`The video does not play: ${JSON.stringify(state)} (${String(error)})`);
  }
}

/** The database id inside a global id ("User:12" -> "12"). */
function rowId(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString().split(':')[1];
}

/** A GraphQL request to another process than the TestApp's. */
async function graphql(url: string, query: string, variables: object, user: TestUser) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body;
}
