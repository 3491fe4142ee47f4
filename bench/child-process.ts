/**
 * A bench's child process and its parent, over IPC: the parent sends typed commands and awaits
 * one typed reply to each, matched by a sequence number; the child answers them one at a time.
 * Closing the channel stops the child: it cleans up and exits on its own, or is killed if it
 * lingers. Messages use `advanced` serialization, so NaN (a time that never came) stays NaN.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

interface Typed {
  type: string;
}

interface Request<Command> {
  seq: number;
  command: Command;
}

type Response<Reply> = { seq: number; reply: Reply } | { seq: number; error: string };

/** How long a child may take to clean up and exit once its channel is closed. */
const EXIT_GRACE_MS = 15_000;

export class BenchChild<Command extends Typed, Reply extends Typed> {
  private seq = 0;
  private readonly pending = new Map<
    number,
    (response: { reply: Reply } | { error: string }) => void
  >();

  private constructor(
    private readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (response: Response<Reply>) => {
      const waiter = this.pending.get(response.seq);
      this.pending.delete(response.seq);
      waiter?.(response);
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter({ error: `exited (${code})` });
      this.pending.clear();
    });
  }

  /** Forks the compiled bench/`script`, with `env` over this process's environment. */
  static fork<C extends Typed, R extends Typed>(
    name: string,
    script: string,
    env: Record<string, string> = {},
  ): BenchChild<C, R> {
    const child = fork(join(__dirname, script), [], {
      env: { ...process.env, ...env },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new BenchChild<C, R>(name, child);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`The ${this.name} did not start.`);
    return this.child.pid;
  }

  /** The reply to `command`, which must be of type `expect` and come within `timeoutMs`. */
  request<K extends Reply['type']>(
    command: Command,
    expect: K,
    timeoutMs: number,
  ): Promise<Extract<Reply, { type: K }>> {
    const seq = (this.seq += 1);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`${this.name}: no answer to ${command.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(seq, (response) => {
        clearTimeout(timer);
        if ('error' in response) reject(new Error(`${this.name}: ${response.error}`));
        else if (response.reply.type !== expect) {
          reject(new Error(`${this.name}: expected ${expect}, got ${response.reply.type}`));
        } else resolve(response.reply as Extract<Reply, { type: K }>);
      });
      this.child.send({ seq, command } satisfies Request<Command>);
    });
  }

  /** Closes the channel and waits for the exit; kills it (by its pid) if it lingers. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = this.exitWithin(EXIT_GRACE_MS);
    if (this.child.connected) this.child.disconnect();
    await exited;
    if (this.exited) return;
    this.child.kill('SIGKILL');
    await this.exitWithin(5_000);
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves at the exit, or after `ms`, whichever comes first (no timer left behind). */
  private exitWithin(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * The child's side: answers each command in turn with `handle`'s reply, or its error (commands
 * sent before this is called wait for it). When the parent disconnects (done, or gone), runs
 * `close` and exits.
 */
export function answerParent<Command, Reply>(
  handle: (command: Command) => Reply | Promise<Reply>,
  close: () => Promise<void> = () => Promise.resolve(),
): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error(`${process.argv[1]} is started by a bench (it needs an IPC channel).`);
  let queue = Promise.resolve();
  process.on('message', ({ seq, command }: Request<Command>) => {
    queue = queue.then(async () => {
      let response: Response<Reply>;
      try {
        response = { seq, reply: await handle(command) };
      } catch (error) {
        response = {
          seq,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        };
      }
      send(response);
    });
  });
  process.on('disconnect', () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
