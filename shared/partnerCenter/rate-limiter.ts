/**
 * A limiter shared by every Partner Center caller in a process: at most `maxConcurrency` requests in
 * flight and request starts spaced by 1/requestsPerSecond. Partner Center throttles per partner, so
 * one limiter per process (not per client) is what keeps us under the quota; with a shared budget
 * every start also takes a token from the app-wide budget, so the rate holds across instances too.
 */
import type { SharedBudget } from './shared-budget';

export interface RateLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export interface RateLimiterOptions {
  requestsPerSecond: number;
  maxConcurrency: number;
  /** The app-wide budget (shared-budget.ts): every request start takes one of its tokens. */
  budget?: SharedBudget;
  /** Injectable time so a virtual clock can drive the spacing. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { requestsPerSecond, maxConcurrency } = options;
  if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be greater than 0');
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new RangeError('maxConcurrency must be a whole number of at least 1');
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const intervalMs = 1000 / requestsPerSecond;
  const waiting: Array<() => void> = [];
  let active = 0;
  let nextStartAt = Number.NEGATIVE_INFINITY;

  async function takeSlot(): Promise<void> {
    if (active < maxConcurrency) active++;
    // A finishing task hands its slot straight to the first waiter, so `active` stays counted.
    else await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function releaseSlot(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      await takeSlot();
      try {
        const current = now();
        const startAt = Math.max(current, nextStartAt);
        nextStartAt = startAt + intervalMs;
        if (startAt > current) await sleep(startAt - current);
        await options.budget?.take();
        return await task();
      } finally {
        releaseSlot();
      }
    },
  };
}

let processDefault: RateLimiter | undefined;

/**
 * The process-wide limiter used when a client is given none. Quotas are not public: stay modest, with
 * the same values as the PARTNER_CENTER_MAX_REQUESTS_PER_SECOND / _MAX_CONCURRENCY defaults.
 */
export function defaultRateLimiter(): RateLimiter {
  processDefault ??= createRateLimiter({ requestsPerSecond: 5, maxConcurrency: 4 });
  return processDefault;
}

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
