/**
 * The app-wide Partner Center budget on a real Table Storage (Azurite): two rate limiters with their own
 * stores, as two instances of the app would have, hold the combined rate. Counts per budget window
 * from recorded start times, with a tolerance for a start that slips past a window edge.
 */
import {
  createCursorBudgetStore,
  createRateLimiter,
  createSharedBudget,
  type RateLimiter,
} from '../../../shared/partnerCenter';
import { createStore } from '../../../shared/store';
import { startTestAzurite, type TestAzurite } from '../store/store-azurite';

jest.setTimeout(60_000);

const RATE = 10;
const RUN_MS = 3000;
let azurite: TestAzurite;

beforeAll(async () => {
  azurite = await startTestAzurite();
});
afterAll(async () => {
  await azurite?.close();
});

/** One instance of the app: its own store client and its own process limiter. */
function instance(): RateLimiter {
  const store = createStore({ connectionString: azurite.connectionString });
  const budget = createSharedBudget({
    requestsPerSecond: RATE,
    maxInstances: 40,
    store: createCursorBudgetStore(store.cursors),
  });
  return createRateLimiter({ requestsPerSecond: RATE, maxConcurrency: 4, budget });
}

it('two instances together keep to the configured requests per second', async () => {
  const limiters = [instance(), instance()];
  // Warm up: the table exists before the clock starts.
  await Promise.all(limiters.map((limiter) => limiter.run(() => Promise.resolve())));
  const starts: number[] = [];
  const begin = Date.now();
  await Promise.all(
    limiters.flatMap((limiter) =>
      Array.from({ length: 4 }, async () => {
        while (Date.now() - begin < RUN_MS) {
          await limiter.run(() => {
            starts.push(Date.now());
            return Promise.resolve();
          });
        }
      }),
    ),
  );
  const perWindow = new Map<number, number>();
  for (const at of starts)
    perWindow.set(Math.floor(at / 1000), (perWindow.get(Math.floor(at / 1000)) ?? 0) + 1);
  const windowsSpanned = Math.floor(Math.max(...starts) / 1000) - Math.floor(begin / 1000) + 1;
  // Unshared, each instance would start RATE per second on its own: twice these bounds.
  expect(starts.length).toBeLessThanOrEqual(RATE * windowsSpanned + 2);
  expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(RATE + 2);
  expect(starts.length).toBeGreaterThan(0);
});
