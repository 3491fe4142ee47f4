/**
 * A V8 CPU profile of this process's main thread over one piece of work, summarized as self time
 * by package and by function: where a bench's server time goes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Profiler, Session } from 'node:inspector/promises';

export async function profile<T>(
  work: () => Promise<T>,
  file?: string,
): Promise<{ result: T; summary: string }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    // Starting the profiler blocks the thread for a while (it logs all code): not in the work.
    await new Promise((resolve) => setTimeout(resolve, 300));
    let result: T;
    let taken: Profiler.Profile;
    // V8's profile timestamps and process.hrtime are the same monotonic clock, in microseconds.
    const from = Number(process.hrtime.bigint() / 1000n);
    let to = from;
    try {
      result = await work();
    } finally {
      to = Number(process.hrtime.bigint() / 1000n);
      taken = (await session.post('Profiler.stop')).profile;
    }
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(taken));
    }
    return { result, summary: summarize(taken, from, to) };
  } finally {
    session.disconnect();
  }
}

/** node_modules/<package>, node internals, V8's pseudo-frames, or this repository's code. */
function owner(frame: { url: string; functionName: string }): string {
  if (frame.url === '') return frame.functionName || '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (modules) return modules[1];
  if (frame.url.startsWith('node:')) return 'node (internals)';
  const local = /\/(libs\/[^/]+|apps\/[^/]+|bench)\//.exec(frame.url);
  return local ? `seeit ${local[1]}` : frame.url;
}

/** Self time of the samples taken between `from` and `to` (microseconds, V8's clock). */
function summarize(taken: Profiler.Profile, from: number, to: number): string {
  const byId = new Map(taken.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  const samples = taken.samples ?? [];
  const deltas = taken.timeDeltas ?? [];
  // Each delta is the time since the previous sample; a sample stands for the time until the next.
  let at = taken.startTime;
  for (let i = 0; i < samples.length; i += 1) {
    at += deltas[i] ?? 0;
    const until = Math.min(to, at + (deltas[i + 1] ?? 0));
    if (at < from || at >= to) continue;
    selfMs.set(samples[i], (selfMs.get(samples[i]) ?? 0) + (until - at) / 1000);
  }
  const total = (to - from) / 1000;
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    const who = owner(frame);
    owners.set(who, (owners.get(who) ?? 0) + ms);
    if (frame.url === '') continue;
    const file = frame.url
      .replace(/^.*node_modules\//, '')
      .replace(/^.*\/(libs|apps|bench)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(
        ([name, ms]) =>
          `    ${ms.toFixed(0).padStart(6)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${name}`,
      )
      .join('\n');
  return [
    `  self time by package (of ${total.toFixed(0)} ms):`,
    top(owners, 14),
    '  self time by function:',
    top(functions, 16),
  ].join('\n');
}
