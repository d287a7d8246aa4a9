import { createRateLimiter } from '../../../shared/partnerCenter';

/** A hand-driven clock: sleeping moves time forward by exactly the requested amount. */
function steppingClock(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    sleeps,
    elapsed: () => now - start,
  };
}

describe('createRateLimiter', () => {
  it('spaces request starts by 1/requestsPerSecond', async () => {
    const clock = steppingClock();
    const limiter = createRateLimiter({ requestsPerSecond: 4, maxConcurrency: 10, ...clock });
    const startedAt: number[] = [];

    for (let i = 0; i < 4; i++) await limiter.run(() => Promise.resolve(startedAt.push(clock.elapsed())));

    expect(startedAt).toEqual([0, 250, 500, 750]);
  });

  it('does not wait when requests are already slower than the rate', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const limiter = createRateLimiter({
      requestsPerSecond: 2,
      maxConcurrency: 1,
      now: () => now,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });

    await limiter.run(() => Promise.resolve());
    now += 1_000;
    await limiter.run(() => Promise.resolve());

    expect(sleeps).toEqual([]);
  });

  it('never runs more than maxConcurrency tasks at once, and releases slots on failure', async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 1_000_000, maxConcurrency: 2 });
    let running = 0;
    let peak = 0;
    const task = async (fail: boolean) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      if (fail) throw new Error('task failed');
      return 'ok';
    };

    const results = await Promise.allSettled(
      [true, false, true, false, false, false].map((f) => limiter.run(() => task(f))),
    );

    expect(peak).toBe(2);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
  });

  it('rejects impossible settings', () => {
    expect(() => createRateLimiter({ requestsPerSecond: 0, maxConcurrency: 1 })).toThrow(RangeError);
    expect(() => createRateLimiter({ requestsPerSecond: 1, maxConcurrency: 0 })).toThrow(RangeError);
  });
});
