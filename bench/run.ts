import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { memoryBench } from './memory';
import { nowLiveBurstBench } from './now-live-burst';
import { peersBench } from './peers';
import { stormBench } from './storm';
import { nowLiveAcrossProcesses } from './now-live-processes';
import { timelineReadBench } from './timeline-read';
import { writesBench } from './writes';
import { webFirstPaintBench } from './web-first-paint';

interface BenchOptions {
  seconds: number;
  rounds: number;
  concurrency: number;
  /** Follower counts for the now-live burst. */
  followers: number[];
  /** The readers' followee counts for the peers bench. */
  followees: number[];
  /** FANOUT_MAX_FOLLOWERS for benches that start the API; its default when absent. */
  fanoutMax?: number;
  /** Profile the server side of benches that support it. */
  profile: boolean;
  /** API processes for the now-live burst; above 1, they share one Redis. */
  processes: number;
}

const BENCHES: Record<string, (options: BenchOptions) => Promise<string>> = {
  timeline: timelineReadBench,
  'now-live': (options) =>
    options.processes > 1 ? nowLiveAcrossProcesses(options) : nowLiveBurstBench(options),
  peers: peersBench,
  writes: writesBench,
  storm: stormBench,
  memory: memoryBench,
  web: webFirstPaintBench,
};

function counts(list: string): number[] {
  return list.split(',').map((item) => Number(item.replace(/_/g, '').trim()));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '4' },
      followers: { type: 'string', default: '1000,10000' },
      followees: { type: 'string', default: '50,1000,5000' },
      'fanout-max': { type: 'string' },
      profile: { type: 'boolean', default: false },
      processes: { type: 'string', default: '1' },
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
      followers: counts(values.followers),
      followees: counts(values.followees),
      fanoutMax: values['fanout-max'] === undefined ? undefined : Number(values['fanout-max']),
      profile: values.profile,
      processes: Number(values.processes),
    });
    console.log(`\n${report}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
