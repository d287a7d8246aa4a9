import { Throttled, Transient, requestIdForKey } from '../../../shared/partnerCenter';
import { FakePartnerCenter, type Reply } from './fake-partner-center.server';
import { createTestClient, customerTenantId } from './test-client';

const statusRoute = `GET /v1/customers/${customerTenantId}/directSignedMicrosoftCustomerAgreementStatus`;
const attestationRoute = 'POST /v1/attestations/enhanced';
const signed: Reply = { status: 200, body: { isSigned: true } };
const attestationInput = {
  country: 'JP',
  language: 'ja-JP',
  companyName: 'Contoso KK',
  signatory: { firstName: 'Hanako', lastName: 'Yamada', email: 'hanako@example.test' },
};

describe('Partner Center client: retries', () => {
  let fake: FakePartnerCenter;
  beforeEach(async () => {
    fake = await FakePartnerCenter.start();
  });
  afterEach(() => fake.close());

  it('waits as long as Retry-After (seconds) says after a 429, then succeeds', async () => {
    fake.on(statusRoute, { status: 429, headers: { 'Retry-After': '7' }, body: { code: 429 } }, signed);
    const { client, sleeps } = createTestClient(fake);

    await expect(client.getDirectSignedStatus(customerTenantId)).resolves.toEqual({ isSigned: true });

    expect(sleeps).toEqual([7000]);
    expect(fake.requestsTo(statusRoute)).toHaveLength(2);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const now = Date.UTC(2026, 0, 10, 9, 0, 0);
    fake.on(
      statusRoute,
      { status: 429, headers: { 'Retry-After': new Date(now + 12_000).toUTCString() }, body: { code: 429 } },
      signed,
    );
    const { client, sleeps } = createTestClient(fake, { now: () => now });

    await client.getDirectSignedStatus(customerTenantId);

    expect(sleeps).toEqual([12_000]);
  });

  it('gives up with Throttled, keeping the requested wait, when Retry-After exceeds the time budget', async () => {
    fake.on(statusRoute, { status: 429, headers: { 'Retry-After': '600' }, body: { code: 429 } });
    const { client, sleeps } = createTestClient(fake, { retry: { maxElapsedMs: 60_000 } });

    const error = await client.getDirectSignedStatus(customerTenantId).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Throttled);
    expect((error as Throttled).retryable).toBe(true);
    expect((error as Throttled).retryAfterMs).toBe(600_000);
    expect(sleeps).toEqual([]);
  });

  it('retries 5xx with exponential back-off and full jitter, then succeeds', async () => {
    fake.on(statusRoute, { status: 503 }, { status: 500, body: { code: 500 } }, { status: 502 }, signed);
    const { client, sleeps } = createTestClient(fake, {
      random: () => 0.5,
      retry: { baseDelayMs: 1000, maxDelayMs: 3000 },
    });

    await expect(client.getDirectSignedStatus(customerTenantId)).resolves.toEqual({ isSigned: true });

    // 0.5 x min(3000, 1000 * 2^(n-1)) for n = 1, 2, 3.
    expect(sleeps).toEqual([500, 1000, 1500]);
  });

  it('retries a dropped connection', async () => {
    fake.on(statusRoute, { status: 200, dropConnection: true }, signed);
    const { client, sleeps } = createTestClient(fake);

    await expect(client.getDirectSignedStatus(customerTenantId)).resolves.toEqual({ isSigned: true });
    expect(sleeps).toHaveLength(1);
  });

  it('stops after maxAttempts with a retryable Transient error', async () => {
    fake.on(statusRoute, { status: 503, body: { code: 503, description: 'Service unavailable' } });
    const { client, sleeps } = createTestClient(fake, { retry: { maxAttempts: 3 } });

    const error = await client.getDirectSignedStatus(customerTenantId).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Transient);
    expect((error as Transient).retryable).toBe(true);
    expect((error as Transient).status).toBe(503);
    expect(fake.requestsTo(statusRoute)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('keeps the MS-RequestId on every retry of one write, and uses a new one for the next write', async () => {
    fake.on(
      attestationRoute,
      { status: 500 },
      { status: 429, headers: { 'Retry-After': '1' } },
      {
        status: 201,
        body: { attestationId: 'att-1' },
      },
    );
    const { client } = createTestClient(fake);

    await client.createEnhancedAttestation(attestationInput);
    await client.createEnhancedAttestation(attestationInput);

    const ids = fake.requestsTo(attestationRoute).map((r) => r.headers['ms-requestid']);
    expect(ids).toHaveLength(4);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
    const correlationIds = fake.requestsTo(attestationRoute).map((r) => r.headers['ms-correlationid']);
    expect(new Set(correlationIds.slice(0, 3)).size).toBe(1);
  });

  it('derives a stable MS-RequestId from an idempotency key, across client instances', async () => {
    fake.on(attestationRoute, { status: 201, body: { attestationId: 'att-1' } });
    const key = `${customerTenantId}:attestation:1`;

    await createTestClient(fake).client.createEnhancedAttestation(attestationInput, { idempotencyKey: key });
    await createTestClient(fake).client.createEnhancedAttestation(attestationInput, { idempotencyKey: key });

    const ids = fake.requestsTo(attestationRoute).map((r) => r.headers['ms-requestid']);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).toBe(requestIdForKey(key));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestIdForKey(`${customerTenantId}:attestation:2`)).not.toBe(ids[0]);
  });
});
