/**
 * The client side of the now-live burst bench (bench/now-live-burst.ts), run as a child process so
 * that opening, reading and parsing thousands of websockets does not share the server's event
 * loop (nor its file descriptors). It is driven over the IPC channel, one command at a time.
 *
 * Times are process.hrtime (CLOCK_MONOTONIC, the same clock in every process of the machine), in
 * milliseconds, so the parent can subtract its own timestamps from the ones recorded here.
 */
import WebSocket from 'ws';
import { answerParent } from './child-process';
import type { ClientCommand, ClientReply } from './now-live-protocol';

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** How long one socket may take to open, and then to be acknowledged, on a busy machine. */
const HANDSHAKE_S = 60;

function textOf(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
}

/** First receipt of one key (`KIND:itemId`, or `raw`) by each socket. */
class Arrivals {
  readonly times: number[];
  count = 0;
  /** Receipts after a socket's first: an update sent twice. */
  duplicates = 0;
  private waiter?: () => void;

  constructor(readonly size: number) {
    this.times = new Array<number>(size).fill(Number.NaN);
  }

  record(index: number, at: number): void {
    if (!Number.isNaN(this.times[index])) {
      this.duplicates += 1;
      return;
    }
    this.times[index] = at;
    this.count += 1;
    if (this.count === this.size) this.waiter?.();
  }

  /** Resolves when every socket has it, or after `timeoutMs` with whatever arrived. */
  wait(timeoutMs: number): Promise<void> {
    if (this.count === this.size) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

interface UpdateMessage {
  type: string;
  id?: string;
  payload?: {
    data?: { timelineUpdates?: { kind: string; itemId: string | null } };
    errors?: unknown[];
  };
}

class Clients {
  private sockets: WebSocket[] = [];
  private arrivals = new Map<string, Arrivals>();
  /** The exact text of the first message of each key, for the raw baseline and for checks. */
  private samples = new Map<string, string>();
  private problems: string[] = [];
  private unexpectedCloses = 0;
  private closing = false;
  private mode: 'seeit' | 'raw' = 'seeit';

  private arrivalsOf(key: string): Arrivals {
    let entry = this.arrivals.get(key);
    if (!entry) {
      entry = new Arrivals(this.sockets.length);
      this.arrivals.set(key, entry);
    }
    return entry;
  }

  private problem(message: string): void {
    if (this.problems.length < 20) this.problems.push(message);
  }

  /** One handler for both kinds of socket, so the client does the same work per message. */
  private onMessage(index: number, data: WebSocket.RawData, socket: WebSocket): void {
    const at = now();
    const text = textOf(data);
    const message = JSON.parse(text) as UpdateMessage;
    if (message.type === 'ping') {
      socket.send('{"type":"pong"}');
      return;
    }
    if (this.mode === 'raw') {
      // The same parse as a real update, then counted: the client does equal work either way.
      if (message.type === 'next') this.arrivalsOf('raw').record(index, at);
      return;
    }
    if (message.type !== 'next') {
      if (message.type !== 'connection_ack' && message.type !== 'pong') {
        this.problem(`socket ${index}: unexpected ${text.slice(0, 300)}`);
      }
      return;
    }
    const update = message.payload?.data?.timelineUpdates;
    if (!update) {
      this.problem(`socket ${index}: ${text.slice(0, 300)}`);
      return;
    }
    const key = `${update.kind}:${update.itemId ?? ''}`;
    if (!this.samples.has(key)) this.samples.set(key, text);
    this.arrivalsOf(key).record(index, at);
  }

  /** Opens `urls.length` sockets, at most `parallel` handshakes at a time. */
  private async openAll(
    count: number,
    open: (index: number) => Promise<WebSocket>,
    parallel: number,
  ): Promise<void> {
    this.sockets = new Array<WebSocket>(count);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(parallel, count) }, async () => {
        while (next < count) {
          const index = next;
          next += 1;
          this.sockets[index] = await open(index);
        }
      }),
    );
  }

  private connect(url: string, protocol: string | undefined, index: number): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocol, { perMessageDeflate: false });
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`socket ${index}: no open within ${HANDSHAKE_S}s`));
      }, HANDSHAKE_S * 1000);
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('close', () => {
        if (!this.closing) this.unexpectedCloses += 1;
      });
      socket.on('message', (data) => this.onMessage(index, data, socket));
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(socket);
      });
    });
  }

  async openSeeit(url: string, tokens: string[], query: string): Promise<ClientReply> {
    const started = now();
    this.closing = false;
    this.mode = 'seeit';
    this.reset();
    await this.openAll(
      tokens.length,
      async (index) => {
        const socket = await this.connect(url, 'graphql-transport-ws', index);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`socket ${index}: no connection_ack within ${HANDSHAKE_S}s`)),
            HANDSHAKE_S * 1000,
          );
          const onAck = (data: WebSocket.RawData) => {
            if ((JSON.parse(textOf(data)) as UpdateMessage).type !== 'connection_ack') return;
            clearTimeout(timer);
            socket.off('message', onAck);
            resolve();
          };
          socket.on('message', onAck);
          socket.send(
            JSON.stringify({
              type: 'connection_init',
              payload: { authorization: `Bearer ${tokens[index]}` },
            }),
          );
        });
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        return socket;
      },
      100,
    );
    return { type: 'opened', ms: now() - started };
  }

  async openRaw(url: string, count: number): Promise<ClientReply> {
    const started = now();
    this.closing = false;
    this.mode = 'raw';
    this.reset();
    await this.openAll(count, (index) => this.connect(url, undefined, index), 100);
    return { type: 'opened', ms: now() - started };
  }

  /** Waits until every socket has a message of `key`; `timeoutMs` bounds the wait. */
  async await(key: string, timeoutMs: number): Promise<number> {
    const entry = this.arrivalsOf(key);
    await entry.wait(timeoutMs);
    return entry.count;
  }

  /**
   * Posts as the broadcaster until every socket has received an ADDED (graphql-ws does not
   * acknowledge a subscribe, so this is how we know all of them are registered), then `extra`
   * more posts to warm the delivery path.
   */
  async warmUp(httpUrl: string, token: string, extra: number): Promise<ClientReply> {
    const started = now();
    const pending = new Set(this.sockets.map((_, index) => index));
    let posts = 0;
    for (let attempt = 0; pending.size > 0; attempt += 1) {
      if (attempt >= 10) {
        throw new Error(`${pending.size} sockets never received an update: not subscribed?`);
      }
      const id = await this.createPost(httpUrl, token, `warm-up ${attempt}`);
      posts += 1;
      const key = `ADDED:${id}`;
      await this.await(key, 20_000);
      const entry = this.arrivalsOf(key);
      for (const index of [...pending])
        if (!Number.isNaN(entry.times[index])) pending.delete(index);
    }
    for (let i = 0; i < extra; i += 1) {
      const id = await this.createPost(httpUrl, token, `warm-up extra ${i}`);
      posts += 1;
      const got = await this.await(`ADDED:${id}`, 60_000);
      if (got < this.sockets.length) throw new Error(`warm-up post reached ${got} sockets`);
    }
    this.reset();
    return { type: 'warm', ms: now() - started, posts };
  }

  async post(httpUrl: string, token: string, text: string): Promise<ClientReply> {
    return { type: 'posted', id: await this.createPost(httpUrl, token, text) };
  }

  /** Every socket's first receipt of `key`; with `reset`, forgets every update after. */
  async arrivalsReply(key: string, timeoutMs: number, reset: boolean): Promise<ClientReply> {
    const received = await this.await(key, timeoutMs);
    const { times } = this.arrivalsOf(key);
    const duplicates = this.duplicates();
    if (reset) this.reset();
    return { type: 'arrivals', times, received, duplicates, problems: this.takeProblems() };
  }

  private duplicates(): number {
    let total = 0;
    for (const entry of this.arrivals.values()) total += entry.duplicates;
    return total;
  }

  private async createPost(httpUrl: string, token: string, text: string): Promise<string> {
    const data = await graphql<{ createPost: { id: string } }>(
      httpUrl,
      token,
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { text } },
    );
    return data.createPost.id;
  }

  /** startBroadcast, then every socket's NOW_LIVE. */
  async burst(httpUrl: string, token: string, title: string): Promise<ClientReply> {
    this.reset();
    const sentAt = now();
    const data = await graphql<{ startBroadcast: { id: string; title: string } }>(
      httpUrl,
      token,
      'mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id title } }',
      { input: { title } },
    );
    const respondedAt = now();
    const id = data.startBroadcast.id;
    const key = `NOW_LIVE:${id}`;
    const received = await this.await(key, 120_000);
    const sample = this.samples.get(key) ?? '';
    if (!sample.includes(JSON.stringify(title))) {
      this.problem(`the NOW_LIVE payload lacks the title: ${sample.slice(0, 300)}`);
    }
    const others = [...this.arrivals.keys()].filter((k) => k !== key);
    if (others.length > 0) this.problem(`other updates during the burst: ${others.join(', ')}`);
    return {
      type: 'burst',
      broadcastId: id,
      sentAt,
      respondedAt,
      times: this.arrivalsOf(key).times,
      received,
      payload: sample,
      problems: this.takeProblems(),
    };
  }

  /** endBroadcast, then every socket's ENDED, so the next round starts on a quiet server. */
  async end(httpUrl: string, token: string, id: string): Promise<ClientReply> {
    await graphql(httpUrl, token, 'mutation($id: ID!) { endBroadcast(id: $id) { id } }', { id });
    const received = await this.await(`ENDED:${id}`, 120_000);
    const duplicates = this.duplicates();
    this.reset();
    return { type: 'ended', received, duplicates };
  }

  async rawRound(timeoutMs: number): Promise<ClientReply> {
    const received = await this.await('raw', timeoutMs);
    const times = this.arrivalsOf('raw').times;
    this.reset();
    return { type: 'raw', times, received, problems: this.takeProblems() };
  }

  resetReply(): ClientReply {
    this.reset();
    return { type: 'ready' };
  }

  prepareRaw(): ClientReply {
    this.reset();
    this.arrivalsOf('raw');
    return { type: 'ready' };
  }

  async closeAll(): Promise<ClientReply> {
    this.closing = true;
    const closed = Promise.all(
      this.sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => {
              socket.terminate();
              resolve();
            }, 10_000);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            socket.close(1000);
          }),
      ),
    );
    await closed;
    const unexpected = this.unexpectedCloses;
    this.unexpectedCloses = 0;
    this.sockets = [];
    this.reset();
    return { type: 'closed', unexpectedCloses: unexpected, problems: this.takeProblems() };
  }

  private reset(): void {
    this.arrivals.clear();
    this.samples.clear();
  }

  private takeProblems(): string[] {
    const problems = this.problems;
    this.problems = [];
    if (this.unexpectedCloses > 0) problems.push(`${this.unexpectedCloses} sockets closed early`);
    return problems;
  }
}

async function graphql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

/** Two sets of sockets, open at the same time so that rounds of the two can alternate. */
const groups = { seeit: new Clients(), raw: new Clients() };

async function handle(command: ClientCommand): Promise<ClientReply> {
  switch (command.type) {
    case 'open-seeit':
      return groups.seeit.openSeeit(command.url, command.tokens, command.query);
    case 'open-raw':
      return groups.raw.openRaw(command.url, command.count);
    case 'warm-up':
      return groups.seeit.warmUp(command.httpUrl, command.token, command.extra);
    case 'burst':
      return groups.seeit.burst(command.httpUrl, command.token, command.title);
    case 'end':
      return groups.seeit.end(command.httpUrl, command.token, command.id);
    case 'post':
      return groups.seeit.post(command.httpUrl, command.token, command.text);
    case 'await':
      return groups.seeit.arrivalsReply(command.key, command.timeoutMs, command.reset);
    case 'reset':
      return groups.seeit.resetReply();
    case 'raw-prepare':
      return groups.raw.prepareRaw();
    case 'raw-collect':
      return groups.raw.rawRound(command.timeoutMs);
    case 'close':
      return groups[command.group].closeAll();
  }
}

answerParent(handle);
