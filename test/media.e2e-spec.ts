import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playbackName } from '@app/broadcasts';
import { serviceAvailable, TestApp, TestSubscription, TestUser } from '@app/testing';

/**
 * The media server's hooks (nginx-rtmp's on_publish / on_publish_done): first called directly
 * over HTTP, then from a real nginx with the rtmp module while ffmpeg publishes a test pattern.
 */

const SECRET = 'media-hook-secret-for-tests';

const START = `mutation($input: StartBroadcastInput!) {
  startBroadcast(input: $input) { id status ingest { rtmpUrl streamKey } }
}`;
const STATUS = `query($id: ID!) { broadcast(id: $id) { id status playbackUrl } }`;
const EVENTS = `subscription($id: ID!) { broadcastEvents(broadcastId: $id) { kind broadcast { id status } } }`;
const TIMELINE = `subscription { timelineUpdates { kind itemId item { ... on Broadcast { id status } } } }`;

interface Scheduled {
  id: string;
  streamKey: string;
  rtmpUrl: string;
}

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
/** The database id inside a global id ("Broadcast:12" -> "12"). */
const rowId = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
/** The public name nginx publishes a broadcast's stream (and so its HLS) under. */
const publicName = (globalId: string) => playbackName(rowId(globalId), SECRET);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** For races: a timer that does not keep jest waiting once the race is won. */
const after = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(resolve, ms, value).unref());

/** A SCHEDULED broadcast: publishing is what makes it LIVE. */
async function schedule(t: TestApp, user: TestUser): Promise<Scheduled> {
  const data = await t.ok(
    START,
    { input: { title: 'On air', scheduledFor: inAnHour() } },
    user.token,
  );
  expect(data.startBroadcast.status).toBe('SCHEDULED');
  return { id: data.startBroadcast.id, ...data.startBroadcast.ingest };
}

async function statusOf(t: TestApp, user: TestUser, id: string): Promise<string> {
  return (await t.ok(STATUS, { id }, user.token)).broadcast.status as string;
}

/** Polls until `check` holds, or fails with the last value seen. */
async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await sleep(200);
  }
}

/** The next broadcastEvents event of `kind`, skipping others (viewer counts and the like). */
async function nextEvent(sub: TestSubscription, kind: string, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await sub.nextData(Math.max(1, deadline - Date.now()));
    if (data.broadcastEvents.kind === kind) return data.broadcastEvents;
  }
}

/** The next timelineUpdates update of `kind` about `itemId`, skipping others. */
async function nextUpdate(
  sub: TestSubscription,
  kind: string,
  itemId: string,
  timeoutMs: number,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { timelineUpdates: update } = await sub.nextData(Math.max(1, deadline - Date.now()));
    if (update.kind === kind && update.item?.id === itemId) return update;
  }
}

interface HookOptions {
  secret?: string | null;
  clientid?: string;
  extra?: Record<string, string>;
}

/** nginx-rtmp's form post, as it sends it (see docs/media-server.md); redirects are not followed. */
function hookResponse(
  t: Pick<TestApp, 'url'>,
  which: 'publish' | 'publish-done',
  name: string,
  options: HookOptions = {},
): Promise<Response> {
  const secret = options.secret === undefined ? SECRET : options.secret;
  const query = secret === null ? '' : `?secret=${encodeURIComponent(secret)}`;
  const body = new URLSearchParams({
    app: 'live',
    flashver: 'FMLE/3.0 (compatible; Lavf59.27',
    tcurl: 'rtmp://127.0.0.1:1935/live',
    addr: '203.0.113.7',
    clientid: options.clientid ?? '1',
    call: which === 'publish' ? 'publish' : 'publish_done',
    name,
    ...(which === 'publish' ? { type: 'live' } : {}),
    ...options.extra,
  });
  return fetch(`${t.url}/media/hooks/${which}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
}

/** The status a hook answers: 302 (publish under the playback name), 200 or 403. */
function hook(
  t: Pick<TestApp, 'url'>,
  which: 'publish' | 'publish-done',
  name: string,
  options: HookOptions = {},
): Promise<number> {
  return hookResponse(t, which, name, options).then((response) => response.status);
}

describe('media server hooks over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({
      MEDIA_HOOK_SECRET: SECRET,
      MEDIA_PUBLISH_DONE_GRACE_SECONDS: '1',
    });
  });
  afterAll(() => t.close());

  it('refuses a wrong or missing secret with 403 and changes nothing', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey, { secret: 'wrong' })).toBe(403);
    expect(await hook(t, 'publish', broadcast.streamKey, { secret: `${SECRET}x` })).toBe(403);
    expect(await hook(t, 'publish', broadcast.streamKey, { secret: null })).toBe(403);
    // nginx appends the encoder's publish URL arguments to the form: a secret there means nothing.
    const smuggled = { secret: null, extra: { secret: SECRET } };
    expect(await hook(t, 'publish', broadcast.streamKey, smuggled)).toBe(403);
    expect(await statusOf(t, user, broadcast.id)).toBe('SCHEDULED');
  });

  it('refuses unknown, canceled and ended stream keys with 403', async () => {
    const user = await t.signUp();
    expect(await hook(t, 'publish', 'no-such-stream-key')).toBe(403);

    const canceled = await schedule(t, user);
    await t.ok(
      `mutation($id: ID!) { cancelBroadcast(id: $id) { id } }`,
      { id: canceled.id },
      user.token,
    );
    expect(await hook(t, 'publish', canceled.streamKey)).toBe(403);

    const ended = await schedule(t, user);
    expect(await hook(t, 'publish', ended.streamKey)).toBe(302);
    await t.ok(`mutation($id: ID!) { endBroadcast(id: $id) { id } }`, { id: ended.id }, user.token);
    expect(await hook(t, 'publish', ended.streamKey, { clientid: '2' })).toBe(403);
    expect(await statusOf(t, user, ended.id)).toBe('ENDED');
  });

  it('accepts a valid key: the SCHEDULED broadcast goes LIVE and says so', async () => {
    const [user, viewer] = [await t.signUp(), await t.signUp()];
    const broadcast = await schedule(t, user);
    const events = await t.subscribe(EVENTS, { id: broadcast.id }, viewer.token);
    try {
      expect(await hook(t, 'publish', broadcast.streamKey)).toBe(302);
      expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
      const started = await nextEvent(events, 'STARTED', 5000);
      expect(started.broadcast).toEqual({ id: broadcast.id, status: 'LIVE' });
      // Publishing again (a reconnecting encoder) keeps it LIVE.
      expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
      expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
    } finally {
      await events.close();
    }
  });

  it('redirects to the public playback name: the playbackUrl, without the key', async () => {
    const [user, viewer] = [await t.signUp(), await t.signUp()];
    const broadcast = await schedule(t, user);
    const response = await hookResponse(t, 'publish', broadcast.streamKey);
    expect(response.status).toBe(302);
    const name = response.headers.get('location');
    expect(name).toBe(publicName(broadcast.id));
    expect(name).not.toContain(broadcast.streamKey);
    const { playbackUrl } = (await t.ok(STATUS, { id: broadcast.id }, viewer.token)).broadcast;
    expect(playbackUrl).toBe(`http://localhost:8080/hls/${name}.m3u8`);
    // Viewers know the name: it is no stream key, and publishing with it is refused.
    expect(await hook(t, 'publish', name!, { clientid: '2' })).toBe(403);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
  });

  it('keeps the broadcast LIVE when the key publishes again within the grace', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '1' })).toBe(302);
    expect(await hook(t, 'publish-done', broadcast.streamKey, { clientid: '1' })).toBe(200);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
    await sleep(1600);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
  });

  it('ends the broadcast when the grace passes without a new publish', async () => {
    const [user, viewer] = [await t.signUp(), await t.signUp()];
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey)).toBe(302);
    const events = await t.subscribe(EVENTS, { id: broadcast.id }, viewer.token);
    try {
      const doneAt = Date.now();
      expect(await hook(t, 'publish-done', broadcast.streamKey)).toBe(200);
      expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
      const ended = await nextEvent(events, 'ENDED', 5000);
      expect(ended.broadcast).toEqual({ id: broadcast.id, status: 'ENDED' });
      expect(Date.now() - doneAt).toBeGreaterThanOrEqual(900);
      expect(await statusOf(t, user, broadcast.id)).toBe('ENDED');
      // Ended is final: the encoder coming back is refused.
      expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(403);
    } finally {
      await events.close();
    }
  });

  it('does not end on the publish-done of a second publisher nginx turned away', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '1' })).toBe(302);
    // Someone else publishes the same key: we say yes, nginx says "already publishing".
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
    expect(await hook(t, 'publish-done', broadcast.streamKey, { clientid: '2' })).toBe(200);
    await sleep(1600);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
    expect(await hook(t, 'publish-done', broadcast.streamKey, { clientid: '1' })).toBe(200);
    await eventually(
      () => statusOf(t, user, broadcast.id),
      (s) => s === 'ENDED',
      5000,
      'status',
    );
  });

  it('ends on a publish-done naming the playback name as on one naming the key', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    const name = publicName(broadcast.id);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '1' })).toBe(302);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
    expect(await hook(t, 'publish-done', name, { clientid: '2' })).toBe(200);
    await sleep(1600);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
    expect(await hook(t, 'publish-done', name, { clientid: '1' })).toBe(200);
    await eventually(
      () => statusOf(t, user, broadcast.id),
      (s) => s === 'ENDED',
      5000,
      'status',
    );
  });

  it('checks the secret on publish-done too', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey)).toBe(302);
    expect(await hook(t, 'publish-done', broadcast.streamKey, { secret: 'wrong' })).toBe(403);
    await sleep(1600);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
  });
});

describe('media hooks across API processes', () => {
  let b: TestApp;
  beforeAll(async () => {
    b = await TestApp.start({
      MEDIA_HOOK_SECRET: SECRET,
      MEDIA_PUBLISH_DONE_GRACE_SECONDS: '1',
      MEDIA_PENDING_END_SWEEP_SECONDS: '1',
    });
  });
  afterAll(() => b.close());

  it('ends the broadcast from another process when the one that got the publish-done is gone', async () => {
    const user = await b.signUp();
    const broadcast = await schedule(b, user);
    const a = await b.startSibling();
    try {
      expect(await hook(a, 'publish', broadcast.streamKey)).toBe(302);
      expect(await hook(a, 'publish-done', broadcast.streamKey)).toBe(200);
    } finally {
      await a.app.close();
    }
    expect(await statusOf(b, user, broadcast.id)).toBe('LIVE');
    await eventually(
      () => statusOf(b, user, broadcast.id),
      (s) => s === 'ENDED',
      5000,
      'status',
    );
    expect(await b.sql('SELECT * FROM media_pending_ends')).toEqual([]);
    expect(await hook(b, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(403);
  });

  it('keeps the broadcast when the key publishes again through another process within the grace', async () => {
    const user = await b.signUp();
    const broadcast = await schedule(b, user);
    const a = await b.startSibling();
    try {
      expect(await hook(a, 'publish', broadcast.streamKey, { clientid: '1' })).toBe(302);
      expect(await hook(a, 'publish-done', broadcast.streamKey, { clientid: '1' })).toBe(200);
      expect(await hook(b, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
      await sleep(2500);
      expect(await statusOf(b, user, broadcast.id)).toBe('LIVE');
      // The second publisher was accepted on B; its done, on A, is the last one.
      expect(await hook(a, 'publish-done', broadcast.streamKey, { clientid: '2' })).toBe(200);
      await eventually(
        () => statusOf(b, user, broadcast.id),
        (s) => s === 'ENDED',
        5000,
        'status',
      );
    } finally {
      await a.app.close();
    }
  });

  it('ends at once without a grace', async () => {
    const user = await b.signUp();
    const broadcast = await schedule(b, user);
    const noGrace = await b.startSibling({ MEDIA_PUBLISH_DONE_GRACE_SECONDS: '0' });
    try {
      expect(await hook(noGrace, 'publish', broadcast.streamKey)).toBe(302);
      expect(await hook(noGrace, 'publish-done', broadcast.streamKey)).toBe(200);
      expect(await statusOf(b, user, broadcast.id)).toBe('ENDED');
      expect(await b.sql('SELECT * FROM media_publishers')).toEqual([]);
    } finally {
      await noGrace.app.close();
    }
  });
});

// ---------------------------------------------------------------- nginx-rtmp and ffmpeg

interface MediaTools {
  nginx?: string;
  /** The rtmp module to load_module, or '' when nginx was built with it. */
  rtmpModule?: string;
  ffmpeg?: string;
  missing: string[];
}

function run(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? `${result.stdout}${result.stderr}` : undefined;
}

function findMediaTools(): MediaTools {
  const tools: MediaTools = { missing: [] };
  // /usr/sbin is not on every PATH (non-root shells), but it is where Debian puts nginx.
  for (const candidate of ['nginx', '/usr/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    const version = run(candidate, ['-V']);
    if (version === undefined) continue;
    tools.nginx = candidate;
    if (/rtmp/i.test(version)) tools.rtmpModule = '';
    else {
      const modulesPath = /--modules-path=(\S+)/.exec(version)?.[1];
      tools.rtmpModule = [
        modulesPath,
        '/usr/lib/nginx/modules',
        '/usr/lib64/nginx/modules',
        '/usr/local/nginx/modules',
      ]
        .filter((dir): dir is string => dir !== undefined)
        .map((dir) => join(dir, 'ngx_rtmp_module.so'))
        .find((file) => existsSync(file));
    }
    break;
  }
  if (tools.nginx === undefined) tools.missing.push('nginx (apt-get install nginx)');
  else if (tools.rtmpModule === undefined)
    tools.missing.push('the nginx rtmp module (apt-get install libnginx-mod-rtmp)');
  const encoders = run('ffmpeg', ['-hide_banner', '-encoders']);
  if (encoders === undefined) tools.missing.push('ffmpeg (apt-get install ffmpeg)');
  else if (!encoders.includes('libx264')) tools.missing.push('ffmpeg with libx264');
  else tools.ffmpeg = 'ffmpeg';
  return tools;
}

const tools = findMediaTools();
const mediaAvailable = serviceAvailable(
  'nginx-rtmp + ffmpeg',
  tools.missing.length === 0,
  `Missing: ${tools.missing.join('; ')}. RTMP publishing, the hooks called by nginx and HLS ` +
    'playback are not tested without them. Install: apt-get install -y nginx libnginx-mod-rtmp ffmpeg.',
);

/** Every process this file starts, so afterAll (or process exit) can kill what is left. */
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

interface Child {
  process: ChildProcess;
  /** The end of its stderr, for failure messages. */
  output: () => string;
}

function launch(command: string, args: string[]): Child {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  });
  return { process: child, output: () => output };
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function stop(child: ChildProcess): Promise<void> {
  if (!running(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await Promise.race([exited, after(5000, undefined)]);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** The reference setup of docs/nginx-rtmp.conf, with every path in `dir` and ports of its own. */
function nginxConfig(options: {
  dir: string;
  rtmpModule: string;
  rtmpPort: number;
  /** The loopback-only RTMP server that writes HLS under the public names. */
  pushPort: number;
  httpPort: number;
  hooks: string;
}): string {
  const { dir, rtmpModule, rtmpPort, pushPort, httpPort, hooks } = options;
  return `${rtmpModule ? `load_module ${rtmpModule};` : ''}
daemon off;
# One process: killing it stops everything, and nothing outlives the test.
master_process off;
${process.getuid?.() === 0 ? 'user root;' : ''}
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }

rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    application live {
      live on;
      record off;
      deny play all;
      on_publish ${hooks}/publish?secret=${SECRET};
      on_publish_done ${hooks}/publish-done?secret=${SECRET};
      push rtmp://127.0.0.1:${pushPort}/hls;
    }
  }
  server {
    listen 127.0.0.1:${pushPort};
    application hls {
      live on;
      record off;
      allow publish 127.0.0.1;
      deny publish all;
      deny play all;
      hls on;
      hls_path ${dir}/hls;
      hls_fragment 1s;
      hls_playlist_length 6s;
    }
  }
}

http {
  access_log off;
  client_body_temp_path ${dir}/temp/body;
  proxy_temp_path ${dir}/temp/proxy;
  fastcgi_temp_path ${dir}/temp/fastcgi;
  uwsgi_temp_path ${dir}/temp/uwsgi;
  scgi_temp_path ${dir}/temp/scgi;
  server {
    listen 127.0.0.1:${httpPort};
    location /hls/ {
      alias ${dir}/hls/;
      types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
      add_header Cache-Control no-cache;
      add_header Access-Control-Allow-Origin *;
    }
  }
}
`;
}

const mediaDescribe = mediaAvailable ? describe : describe.skip;

mediaDescribe('a real nginx-rtmp calling the hooks while ffmpeg publishes', () => {
  const grace = 2;
  let t: TestApp | undefined;
  let dir: string | undefined;
  let nginx: Child;
  let rtmpPort: number;
  let pushPort: number;
  let hlsUrl: string;

  /** ffmpeg publishing a 320x240 test pattern with a tone, in real time, keyframe every second. */
  const publish = (url: string) =>
    launch(tools.ffmpeg!, [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15'],
      ...['-f', 'lavfi', '-i', 'sine'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '15'],
      ...['-c:a', 'aac', '-f', 'flv', url],
    ]);

  const nginxLog = () => {
    const file = dir && join(dir, 'error.log');
    return file && existsSync(file) ? readFileSync(file, 'utf8').slice(-4000) : '';
  };

  beforeAll(async () => {
    rtmpPort = await freePort();
    pushPort = await freePort();
    const httpPort = await freePort();
    hlsUrl = `http://127.0.0.1:${httpPort}/hls`;
    t = await TestApp.start({
      MEDIA_RTMP_URL: `rtmp://127.0.0.1:${rtmpPort}/live`,
      MEDIA_HLS_URL: hlsUrl,
      MEDIA_HOOK_SECRET: SECRET,
      MEDIA_PUBLISH_DONE_GRACE_SECONDS: String(grace),
    });
    dir = mkdtempSync(join(tmpdir(), 'seeit-nginx-'));
    for (const sub of ['hls', 'temp']) mkdirSync(join(dir, sub));
    const config = join(dir, 'nginx.conf');
    writeFileSync(
      config,
      nginxConfig({
        dir,
        rtmpModule: tools.rtmpModule!,
        rtmpPort,
        pushPort,
        httpPort,
        hooks: `${t.url}/media/hooks`,
      }),
    );
    nginx = launch(tools.nginx!, ['-p', dir, '-c', config, '-e', join(dir, 'error.log')]);
    const deadline = Date.now() + 10_000;
    while (!((await accepts(rtmpPort)) && (await accepts(pushPort)) && (await accepts(httpPort)))) {
      if (!running(nginx.process) || Date.now() > deadline) {
        throw new Error(`nginx did not start:\n${nginx.output()}\n${nginxLog()}`);
      }
      await sleep(100);
    }
  }, 60_000);

  afterAll(async () => {
    // Every child, even when a test (or beforeAll) failed half-way.
    await Promise.all([...children].map(stop));
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an encoder publishing an unknown key', async () => {
    const encoder = publish(`rtmp://127.0.0.1:${rtmpPort}/live/not-a-stream-key`);
    const exit = await Promise.race([
      once(encoder.process, 'exit').then(([code]) => code as number | null),
      after(15_000, 'still publishing after 15 s'),
    ]);
    await stop(encoder.process);
    // ffmpeg fails at once when nginx drops the connection on the hook's 403.
    expect(typeof exit).toBe('number');
    expect(exit).not.toBe(0);
  }, 30_000);

  it('goes LIVE when the encoder publishes (NOW_LIVE for followers), serves HLS, and ends after the grace', async () => {
    const app = t!;
    const [broadcaster, viewer] = [await app.signUp(), await app.signUp()];
    await app.ok(
      `mutation($id: ID!) { follow(userId: $id) { id } }`,
      { id: broadcaster.id },
      viewer.token,
    );
    const broadcast = await schedule(app, broadcaster);
    expect(broadcast.rtmpUrl).toBe(`rtmp://127.0.0.1:${rtmpPort}/live`);
    const events = await app.subscribe(EVENTS, { id: broadcast.id }, viewer.token);
    const timeline = await app.subscribe(TIMELINE, {}, viewer.token);
    const encoder = publish(`${broadcast.rtmpUrl}/${broadcast.streamKey}`);
    const failure = () => `ffmpeg:\n${encoder.output()}\nnginx:\n${nginxLog()}`;
    try {
      const started = await nextEvent(events, 'STARTED', 15_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${failure()}`);
      });
      expect(started.broadcast).toEqual({ id: broadcast.id, status: 'LIVE' });
      // The follower's home timeline gets the "now live" card.
      const nowLive = await nextUpdate(timeline, 'NOW_LIVE', broadcast.id, 5000);
      expect(nowLive.item).toEqual({ id: broadcast.id, status: 'LIVE' });
      const live = (await app.ok(STATUS, { id: broadcast.id }, viewer.token)).broadcast;
      expect(live.status).toBe('LIVE');
      // The public name nginx renamed the stream to (on_publish's 302), never the key.
      const name = publicName(broadcast.id);
      expect(live.playbackUrl).toBe(`${hlsUrl}/${name}.m3u8`);
      expect(live.playbackUrl).not.toContain(broadcast.streamKey);

      // The playlist appears once nginx has cut the first one-second fragment.
      const playlist = await eventually(
        async () => {
          const response = await fetch(live.playbackUrl);
          return {
            status: response.status,
            cors: response.headers.get('access-control-allow-origin'),
            text: await response.text(),
          };
        },
        (r) => r.status === 200 && /\.ts\s*$/m.test(r.text),
        20_000,
        `HLS playlist ${live.playbackUrl} (${failure()})`,
      );
      expect(playlist.text).toMatch(/^#EXTM3U/);
      expect(playlist.cors).toBe('*');
      const segment = playlist.text.split('\n').find((line) => line.trim().endsWith('.ts'))!;
      const video = await fetch(new URL(segment.trim(), live.playbackUrl));
      expect(video.status).toBe(200);
      expect(video.headers.get('content-type')).toBe('video/mp2t');
      expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      // Nothing is served, or written, under the stream key.
      expect((await fetch(`${hlsUrl}/${broadcast.streamKey}.m3u8`)).status).toBe(404);
      const files = readdirSync(join(dir!, 'hls'));
      expect(files).toContain(`${name}.m3u8`);
      expect(files.filter((file) => file.includes(broadcast.streamKey))).toEqual([]);

      // A viewer publishing with the public name is refused (the hook, and the public port has
      // no hls application), and the broadcast goes on.
      for (const url of [
        `${broadcast.rtmpUrl}/${name}`,
        `rtmp://127.0.0.1:${rtmpPort}/hls/${name}`,
      ]) {
        const intruder = publish(url);
        const exit = await Promise.race([
          once(intruder.process, 'exit').then(([code]) => code as number | null),
          after(15_000, 'still publishing after 15 s'),
        ]);
        await stop(intruder.process);
        expect(typeof exit).toBe('number');
        expect(exit).not.toBe(0);
      }
      expect(await statusOf(app, broadcaster, broadcast.id)).toBe('LIVE');

      // The encoder dies: nginx calls publish-done, and the broadcast outlives the grace only.
      const killedAt = Date.now();
      await stop(encoder.process);
      expect(await statusOf(app, broadcaster, broadcast.id)).toBe('LIVE');
      const ended = await nextEvent(events, 'ENDED', grace * 1000 + 10_000);
      expect(ended.broadcast).toEqual({ id: broadcast.id, status: 'ENDED' });
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(grace * 1000 - 100);
      expect(await statusOf(app, broadcaster, broadcast.id)).toBe('ENDED');
    } finally {
      await stop(encoder.process);
      await Promise.all([events.close(), timeline.close()]);
    }
  }, 60_000);
});
