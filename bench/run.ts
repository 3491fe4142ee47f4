import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { timelineReadBench } from './timeline-read';

const BENCHES: Record<
  string,
  (options: { seconds: number; rounds: number; concurrency: number }) => Promise<string>
> = {
  timeline: timelineReadBench,
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '4' },
    },
  });
  const names = positionals.length > 0 ? positionals : Object.keys(BENCHES);
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench)
      throw new Error(`Unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    const report = await bench({
      seconds: Number(values.seconds),
      rounds: Number(values.rounds),
      concurrency: Number(values.concurrency),
    });
    console.log(`\n${report}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
