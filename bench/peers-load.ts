/**
 * The load generator of the peers bench, in its own process so that it does not share a core's
 * event loop with any contender: `connections` keep-alive connections, each sending the next
 * request as soon as the previous answer has arrived, for `seconds`.
 */
import { Agent, request } from 'node:http';
import { answerParent } from './child-process';
import { percentile } from './support';
import type { LoadCommand, LoadResult } from './peers-protocol';

function post(agent: Agent, url: URL, body: string, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const outgoing = request(
      url,
      {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          // An answer with GraphQL errors is a failure too, whatever its status.
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(response.statusCode === 200 && !text.includes('"errors"'));
        });
        response.on('error', () => resolve(false));
      },
    );
    outgoing.on('error', () => resolve(false));
    outgoing.end(body);
  });
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
