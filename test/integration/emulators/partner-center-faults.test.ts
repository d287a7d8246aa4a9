import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../local/clock';
import { CUSTOMERS, appToken, call, emulatorPerTest, jsonOf, startHarness } from './partner-center.helpers';

describe('Partner Center emulator: faults, request log, reset', () => {
  const h = emulatorPerTest();

  it('throttles with 429 and Retry-After a limited number of times', async () => {
    h.emulator.control.setFault({ path: '/v1/customers', kind: 'throttle', retryAfterSeconds: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const throttled = await call(h.url, h.appToken, 'GET', '/v1/customers');
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('7');
      expect(await jsonOf(throttled)).toEqual(expect.objectContaining({ code: 429 }));
    }
    expect((await call(h.url, h.appToken, 'GET', '/v1/customers')).status).toBe(200);
    expect(h.emulator.control.faults()[0]).toEqual(expect.objectContaining({ hits: 2 }));
  });

  it('fails every Nth matching request with a 5xx, only on the matching pattern and method', async () => {
    h.emulator.control.setFault({
      path: '/v1/customers/*/orders',
      method: 'POST',
      kind: 'error',
      status: 503,
      everyNth: 2,
    });
    const order = { lineItems: [{ offerId: 'X', quantity: 1 }] };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await call(h.url, h.appToken, 'POST', `/v1/customers/${CUSTOMERS.attested}/orders`, order)).status,
      );
    }
    expect(statuses).toEqual([201, 503, 201, 503]);
    expect((await call(h.url, h.appToken, 'GET', '/v1/customers')).status).toBe(200);
    h.emulator.control.clearFaults();
    expect(
      (await call(h.url, h.appToken, 'POST', `/v1/customers/${CUSTOMERS.attested}/orders`, order)).status,
    ).toBe(201);
  });

  it('hits the same share of requests for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      h.emulator.control.clearFaults();
      h.emulator.control.setFault({ path: '/v1/customers', kind: 'error', probability: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push((await call(h.url, h.appToken, 'GET', '/v1/customers')).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('adds real latency and sets faults over HTTP', async () => {
    const set = await fetch(`${h.url}/_control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/v1/**', kind: 'latency', latencyMs: 150 }),
    });
    expect(set.status).toBe(201);
    const started = Date.now();
    expect((await call(h.url, h.appToken, 'GET', `/v1/customers/${CUSTOMERS.none}`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const badRule = await fetch(`${h.url}/_control/faults`, { method: 'POST', body: '{"kind":"nope"}' });
    expect(badRule.status).toBe(400);
    expect((await fetch(`${h.url}/_control/faults`, { method: 'DELETE' })).status).toBe(204);
    expect(h.emulator.control.faults()).toEqual([]);
  });

  it('logs method, path, status and request id, without query strings or bodies', async () => {
    const requestId = crypto.randomUUID();
    await call(
      h.url,
      h.appToken,
      'GET',
      '/v1/auditrecords?filter=%7B%22Value%22%3A%22secret%22%7D',
      undefined,
      {
        'MS-RequestId': requestId,
      },
    );
    const log = (await jsonOf<Array<Record<string, unknown>>>(await fetch(`${h.url}/_control/requests`))).at(
      -1,
    );
    expect(log).toEqual(
      expect.objectContaining({ method: 'GET', path: '/v1/auditrecords', status: 400, requestId }),
    );
    expect(JSON.stringify(log)).not.toContain('secret');
  });

  it('never crashes on malformed input', async () => {
    const malformed = await call(
      h.url,
      h.appToken,
      'POST',
      `/v1/customers/${CUSTOMERS.none}/orders`,
      '{"lineItems": [',
    );
    expect(malformed.status).toBe(400);
    expect(await jsonOf(malformed)).toEqual(
      expect.objectContaining({ code: 400, description: expect.any(String) as unknown }),
    );
    expect((await call(h.url, h.appToken, 'DELETE', '/v1/customers')).status).toBe(405);
    expect((await call(h.url, h.appToken, 'GET', '/v1/customers/%E0%A4%A')).status).toBe(404);
    expect((await fetch(`${h.url}/_control/customers`, { method: 'POST', body: '[1]' })).status).toBe(400);
    const huge = await call(
      h.url,
      h.appToken,
      'POST',
      '/v1/attestations/enhanced',
      'x'.repeat(2 * 1024 * 1024),
    );
    expect(huge.status).toBe(413);
    expect((await call(h.url, h.appToken, 'GET', '/v1/customers')).status).toBe(200);
  });

  it('resets to the seeded book', async () => {
    h.emulator.control.addCustomer({ companyName: 'Temporary Example Ltd' });
    h.emulator.control.acceptDirectly(CUSTOMERS.none);
    expect((await fetch(`${h.url}/_control/reset`, { method: 'POST' })).status).toBe(204);
    expect(h.emulator.control.customer(CUSTOMERS.none).directSigned).toBe(false);
    const page = await jsonOf<{ items: Array<{ companyProfile: { companyName: string } }> }>(
      await call(h.url, h.appToken, 'GET', '/v1/customers?size=100'),
    );
    expect(page.items.map((c) => c.companyProfile.companyName)).not.toContain('Temporary Example Ltd');
  });
});

describe('Partner Center emulator: persistence', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pc-emulator-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps customers, attestations, agreements and tokens across a restart with dataDir', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 15, 9));
    const first = await startHarness({ dataDir, clock, agreementVisibilityDelayMs: 0 });
    const token = await appToken(first.url);
    const added = first.emulator.control.addCustomer({ companyName: 'Persistent Example Ltd' });
    const attestation = await jsonOf<{ id: string }>(
      await call(first.url, token, 'POST', '/v1/attestations/enhanced', {
        customerTenantId: added.tenantId,
        country: 'US',
        language: 'en-US',
        companyName: 'Persistent Example Ltd',
        signatoryFirstName: 'Pat',
        signatoryLastName: 'Example',
        signatoryEmail: 'pat@persistent.example.com',
      }),
    );
    first.emulator.control.acceptAttestation(attestation.id);
    await first.emulator.close();

    const second = await startHarness({ dataDir, clock });
    try {
      const customer = await call(second.url, token, 'GET', `/v1/customers/${added.tenantId}`);
      expect(customer.status).toBe(200);
      const state = await call(second.url, token, 'GET', `/v1/attestations/enhanced/${attestation.id}`);
      expect(await jsonOf(state)).toEqual(expect.objectContaining({ status: 'accepted' }));
    } finally {
      await second.emulator.close();
    }
  });
});
