import { TestApp } from '@app/testing';
import { TourClient } from '../apps/tour/client';
import { Tour, TOUR } from '../apps/tour/steps';

// The README's tour (`npm run tour`) on the test app, one test per step, in order.
describe('the tour', () => {
  let app: TestApp;
  let tour: Tour;

  beforeAll(async () => {
    app = await TestApp.start();
    tour = new Tour(new TourClient(app.url));
  });

  afterAll(async () => {
    await tour.client.close();
    await app.close();
  });

  for (const step of TOUR) {
    it(step.title, () => step.run(tour));
  }
});
