import { TourClient } from './client';
import { Tour, TOUR } from './steps';

/** `npm run tour [-- --url http://host:port]`: walks the README's tour against a running service. */
async function main(): Promise<void> {
  const flag = process.argv.indexOf('--url');
  const url = (flag >= 0 ? process.argv[flag + 1] : 'http://localhost:3000').replace(/\/+$/, '');
  const tour = new Tour(new TourClient(url));
  console.log(`Tour of ${url}`);
  try {
    for (const step of TOUR) {
      await step.run(tour);
      console.log(`  ok  ${step.title}`);
    }
  } finally {
    await tour.client.close();
  }
  console.log('The tour passed.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
