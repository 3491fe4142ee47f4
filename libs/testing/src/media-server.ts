import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { probe, serviceAvailable } from './required-services';

/**
 * A real nginx with the rtmp module, configured like docs/nginx-rtmp.conf (every path in a
 * temporary folder, ports of its own), and ffmpeg publishing to it: for the media e2e tests.
 */

interface MediaTools {
  nginx?: string;
  /** The rtmp module to load_module, or '' when nginx was built with it. */
  rtmpModule?: string;
  ffmpeg?: string;
  missing: string[];
}

function findMediaTools(): MediaTools {
  const tools: MediaTools = { missing: [] };
  // /usr/sbin is not on every PATH (non-root shells), but it is where Debian puts nginx.
  for (const candidate of ['nginx', '/usr/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    const version = probe(candidate, ['-V']);
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
  const encoders = probe('ffmpeg', ['-hide_banner', '-encoders']);
  if (encoders === undefined) tools.missing.push('ffmpeg (apt-get install ffmpeg)');
  else if (!encoders.includes('libx264')) tools.missing.push('ffmpeg with libx264');
  else tools.ffmpeg = 'ffmpeg';
  return tools;
}

const tools = findMediaTools();

/** Whether the media e2e tests can run (see serviceAvailable); call once, while collecting. */
export function mediaToolsAvailable(): boolean {
  return serviceAvailable(
    'nginx-rtmp + ffmpeg',
    tools.missing.length === 0,
    `Missing: ${tools.missing.join('; ')}. RTMP publishing, the hooks called by nginx and HLS ` +
      'playback are not tested without them. Install: apt-get install -y nginx libnginx-mod-rtmp ffmpeg.',
  );
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** For races: a timer that does not keep jest waiting once the race is won. */
export const after = <T>(ms: number, value: T) =>
  new Promise<T>((done) => setTimeout(done, ms, value).unref());

/** Polls until `check` holds, or fails with the last value seen. */
export async function eventually<T>(
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

/** Every process started here, so a stop (or process exit) can kill what is left. */
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

export interface Child {
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

export async function stop(child: ChildProcess): Promise<void> {
  if (!running(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await Promise.race([exited, after(5000, undefined)]);
}

/** The exit code of a child that should be turned away, or a message when it is still running. */
export async function exitWithin(child: Child, ms: number): Promise<number | null | string> {
  const exit = await Promise.race([
    once(child.process, 'exit').then(([code]) => code as number | null),
    after(ms, `still running after ${ms} ms`),
  ]);
  await stop(child.process);
  return exit;
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
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });

/** The replay maker nginx runs when a recording ends (the reference one, from docs/). */
const REPLAY_SCRIPT = resolve(__dirname, '../../../docs/seeit-replay.sh');

/**
 * nginx and ffmpeg for one test file. `prepare` picks the ports (the app's settings need them),
 * `start` launches nginx once the app listens (nginx needs its hook address).
 */
export class MediaServer {
  private nginx?: Child;

  private constructor(
    readonly dir: string,
    readonly rtmpPort: number,
    /** The loopback-only RTMP server that writes HLS under the public names. */
    readonly pushPort: number,
    readonly httpPort: number,
    private readonly secret: string,
  ) {}

  static async prepare(secret: string): Promise<MediaServer> {
    const dir = mkdtempSync(join(tmpdir(), 'seeit-nginx-'));
    for (const sub of ['hls', 'replays', 'recordings', 'temp']) mkdirSync(join(dir, sub));
    return new MediaServer(dir, await freePort(), await freePort(), await freePort(), secret);
  }

  get rtmpUrl(): string {
    return `rtmp://127.0.0.1:${this.rtmpPort}/live`;
  }

  get hlsUrl(): string {
    return `http://127.0.0.1:${this.httpPort}/hls`;
  }

  /** Where the replays are written: MEDIA_REPLAY_DIR when the app shares the host. */
  get replayDir(): string {
    return join(this.dir, 'replays');
  }

  /** The app's media settings for this server. */
  appEnv(): Record<string, string> {
    return {
      MEDIA_RTMP_URL: this.rtmpUrl,
      MEDIA_HLS_URL: this.hlsUrl,
      MEDIA_HOOK_SECRET: this.secret,
    };
  }

  async start(hooks: string): Promise<void> {
    // The replay maker's hook URL, read from a file as in docs/nginx-rtmp.conf.
    writeFileSync(this.hookFile, `${hooks}/replay-ready?secret=${this.secret}\n`, { mode: 0o600 });
    const config = join(this.dir, 'nginx.conf');
    writeFileSync(config, this.config(hooks));
    this.nginx = launch(tools.nginx!, ['-p', this.dir, '-c', config, '-e', this.logFile]);
    const deadline = Date.now() + 10_000;
    const ports = [this.rtmpPort, this.pushPort, this.httpPort];
    while (!(await Promise.all(ports.map(accepts))).every(Boolean)) {
      if (!running(this.nginx.process) || Date.now() > deadline) {
        throw new Error(`nginx did not start:\n${this.nginx.output()}\n${this.log()}`);
      }
      await sleep(100);
    }
  }

  /** ffmpeg publishing a 320x240 test pattern with a tone, in real time, keyframe every second. */
  publish(url: string, seconds?: number): Child {
    return launch(tools.ffmpeg!, [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15'],
      ...['-f', 'lavfi', '-i', 'sine'],
      ...(seconds === undefined ? [] : ['-t', String(seconds)]),
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '15'],
      ...['-c:a', 'aac', '-f', 'flv', url],
    ]);
  }

  /** The end of nginx's error log, for failure messages. */
  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-4000) : '';
  }

  /** Kills nginx and every ffmpeg, and removes the folder. */
  async close(): Promise<void> {
    await Promise.all([...children].map(stop));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get logFile(): string {
    return join(this.dir, 'error.log');
  }

  private get hookFile(): string {
    return join(this.dir, 'replay-hook.url');
  }

  /** The reference setup of docs/nginx-rtmp.conf, with every path in `dir`. */
  private config(hooks: string): string {
    const { dir, rtmpPort, pushPort, httpPort, secret, hookFile } = this;
    const replayName = '[0-9]{1,20}-[A-Za-z0-9_-]{16}';
    return `${tools.rtmpModule ? `load_module ${tools.rtmpModule};` : ''}
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
      deny play all;
      record all;
      record_path ${dir}/recordings;
      record_unique on;
      exec_record_done ${REPLAY_SCRIPT} $path ${dir}/replays ${hookFile};
      on_publish ${hooks}/publish?secret=${secret};
      on_publish_done ${hooks}/publish-done?secret=${secret};
      push rtmp://127.0.0.1:${pushPort}/hls;
    }
  }
  server {
    listen 127.0.0.1:${pushPort};
    application hls {
      live on;
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
      add_header Access-Control-Allow-Origin * always;
    }
    location ~ "^/hls/replays/(?<replay_token>[A-Za-z0-9_-]{22})/(?<replay_expires>[0-9]{1,12})/(?<replay_name>${replayName})/(?<replay_file>index\\.m3u8|p[0-9]+-[0-9]+\\.ts)$" {
      secure_link $replay_token,$replay_expires;
      secure_link_md5 "$replay_expires$replay_name ${secret}";
      if ($secure_link = "") { return 403; }
      if ($secure_link = "0") { return 410; }
      alias ${dir}/replays/$replay_name/$replay_file;
      types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
      add_header Access-Control-Allow-Origin * always;
    }
    location /hls/replays/ {
      return 403;
    }
  }
}
`;
  }
}
