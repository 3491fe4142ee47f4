/**
 * The load generator of the peers bench, in its own process so that it does not share a core's
 * event loop with any contender: `connections` keep-alive connections, each sending the next
 * request as soon as the previous answer has arrived, for `seconds`.
 */
import { Agent } from 'node:http';
import { answerParent } from './child-process';
import { percentile, postJson } from './support';
import type { LoadCommand, LoadResult } from './peers-protocol';

async function post(agent: Agent, url: URL, body: string, token: string): Promise<boolean> {
  try {
    const { status, text } = await postJson(agent, url, body, { authorization: `Bearer ${token}` });
    // An answer with GraphQL errors is a failure too, whatever its status.
    return status === 200 && !text.includes('"errors"');
  } catch {
    return false;
  }
}

async function load(command: LoadCommand): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: command.connections });
  const url = new URL(command.url);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + command.seconds * 1000;
  await Promise.all(
    Array.from({ length: command.connections }, async () => {
      while (performance.now() < until) {
        const sent = performance.now();
        const ok = await post(agent, url, command.body, command.token);
        latencies.push(performance.now() - sent);
        if (!ok) errors += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    type: 'loaded',
    requests: latencies.length,
    errors,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

answerParent(load);
