import { FaultInjector, createTokenBucket } from '../../../local/emulators/partner-center/faults';

describe('token bucket', () => {
  it.each([
    // perSecond, burst, takes at these ms, expected waits
    { perSecond: 100, burst: 2, at: [0, 0, 0], waits: [0, 0, 10] },
    { perSecond: 100, burst: 1, at: [0, 5, 10, 10], waits: [0, 5, 0, 10] },
    { perSecond: 2, burst: undefined, at: [0, 0, 0, 500], waits: [0, 0, 500, 0] },
    { perSecond: 0.5, burst: 1, at: [0, 1000], waits: [0, 1000] },
  ])('$perSecond/s burst $burst: waits $waits', ({ perSecond, burst, at, waits }) => {
    const bucket = createTokenBucket(perSecond, burst, 0);
    expect(at.map((ms) => bucket.take(ms))).toEqual(waits);
  });

  it('does not keep more than the burst after a quiet spell', () => {
    const bucket = createTokenBucket(10, 3, 0);
    const taken = [0, 0, 0, 0].map(() => bucket.take(60_000));
    expect(taken).toEqual([0, 0, 0, 100]);
  });
});

describe('rateLimit fault', () => {
  function injector(): { faults: FaultInjector; setNow: (ms: number) => void } {
    let now = 1_000_000;
    return { faults: new FaultInjector(() => now), setNow: (ms) => (now = 1_000_000 + ms) };
  }

  it('answers 429 with Retry-After once the bucket is empty, and lets requests through again as it refills', () => {
    const { faults, setNow } = injector();
    faults.add({ path: '/v1/**', kind: 'rateLimit', requestsPerSecond: 2 });
    const statuses = () => faults.decide('GET', '/v1/customers').reply?.status ?? 200;
    expect([statuses(), statuses(), statuses()]).toEqual([200, 200, 429]);
    const refused = faults.decide('GET', '/v1/customers/x/agreements').reply;
    expect(refused?.headers?.['retry-after']).toBe('1');
    setNow(500);
    expect(statuses()).toBe(200);
    expect(statuses()).toBe(429);
    expect(faults.list()[0]).toEqual(expect.objectContaining({ kind: 'rateLimit', hits: 3 }));
  });

  it('rounds Retry-After up to whole seconds for slow rates', () => {
    const { faults } = injector();
    faults.add({ path: '/v1/**', kind: 'rateLimit', requestsPerSecond: 0.25, burst: 1 });
    expect(faults.decide('GET', '/v1/customers').reply).toBeUndefined();
    expect(faults.decide('GET', '/v1/customers').reply?.headers?.['retry-after']).toBe('4');
  });

  it('counts only matching requests', () => {
    const { faults } = injector();
    faults.add({ path: '/v1/customers', method: 'GET', kind: 'rateLimit', requestsPerSecond: 1, burst: 1 });
    expect(faults.decide('POST', '/v1/customers').reply).toBeUndefined();
    expect(faults.decide('GET', '/v1/invoices').reply).toBeUndefined();
    expect(faults.decide('GET', '/v1/customers').reply).toBeUndefined();
    expect(faults.decide('GET', '/v1/customers').reply?.status).toBe(429);
  });

  it('refuses a rateLimit without requestsPerSecond', () => {
    expect(() => new FaultInjector().add({ path: '/v1/**', kind: 'rateLimit' })).toThrow(/requestsPerSecond/);
  });
});
