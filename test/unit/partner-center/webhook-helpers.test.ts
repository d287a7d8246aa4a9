import { BoundedCache } from '../../../shared/partnerCenter/bounded-cache';
import { BodyTooLargeError, declaresMoreThan, readCapped } from '../../../shared/partnerCenter/capped-body';
import { microsoftRootCertificates, organizationsOf } from '../../../shared/partnerCenter/certificate-chain';
import { createReplayGuard } from '../../../shared/partnerCenter/webhook-replay';

describe('declaresMoreThan', () => {
  it.each<[string | null | undefined, boolean]>([
    [null, false],
    [undefined, false],
    ['', false],
    ['abc', false],
    ['-1', false],
    ['100', false],
    [' 100 ', false],
    ['101', true],
    ['99999999999999999999', true],
  ])('Content-Length %j over 100: %s', (header, expected) => {
    expect(declaresMoreThan(header, 100)).toBe(expected);
  });
});

function chunks(
  ...sizes: number[]
): ReadableStream<Uint8Array> & { pulled: () => number; cancelled: () => boolean } {
  let index = 0;
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const size = sizes[index++];
        if (size === undefined) return controller.close();
        pulled += size;
        controller.enqueue(new Uint8Array(size).fill(1));
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return Object.assign(stream, { pulled: () => pulled, cancelled: () => cancelled });
}

describe('readCapped', () => {
  it('reads a body up to the cap exactly', async () => {
    expect((await readCapped(chunks(40, 60), 100)).byteLength).toBe(100);
  });

  it('an absent body is empty', async () => {
    expect((await readCapped(null, 100)).byteLength).toBe(0);
  });

  it('stops at the first chunk past the cap and cancels the stream', async () => {
    const stream = chunks(60, 60, 60, 60);
    await expect(readCapped(stream, 100)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(stream.pulled()).toBe(120);
    expect(stream.cancelled()).toBe(true);
  });
});

describe('BoundedCache', () => {
  it('forgets the least recently used key when full and every key after its TTL', () => {
    let now = 0;
    const cache = new BoundedCache<number>({ maxEntries: 2, ttlMs: 100, now: () => now });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
    cache.set('short', 4, 10);
    now = 10;
    expect(cache.get('short')).toBeUndefined();
    now = 100;
    expect([cache.get('a'), cache.get('c')]).toEqual([undefined, undefined]);
    expect(cache.size).toBe(0);
  });
});

describe('createReplayGuard', () => {
  it('remembers accepted bodies for its TTL, within its bound', () => {
    let now = new Date('2027-01-01T00:00:00Z');
    const guard = createReplayGuard({ now: () => now, maxEntries: 2, ttlMs: 1_000 });
    const body = (text: string) => Buffer.from(text);
    guard.remember(body('one'));
    expect([guard.seen(body('one')), guard.seen(body('one '))]).toEqual([true, false]);
    guard.remember(body('two'));
    guard.remember(body('three'));
    expect(guard.size()).toBe(2);
    expect(guard.seen(body('one'))).toBe(false);
    now = new Date(now.getTime() + 1_000);
    expect(guard.seen(body('three'))).toBe(false);
  });
});

describe("Microsoft's roots in Node's bundle", () => {
  it('include the RSA and ECC Root Certificate Authorities 2017, all O=Microsoft Corporation', () => {
    const roots = microsoftRootCertificates();
    const names = roots.map((root) => /CN=(.*)/.exec(root.subject)?.[1]);
    expect(names).toEqual(
      expect.arrayContaining([
        'Microsoft RSA Root Certificate Authority 2017',
        'Microsoft ECC Root Certificate Authority 2017',
      ]),
    );
    expect(
      roots.every((root) => root.ca && organizationsOf(root.subject).includes('Microsoft Corporation')),
    ).toBe(true);
  });
});
