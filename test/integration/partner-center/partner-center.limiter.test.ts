import { createRateLimiter } from '../../../shared/partnerCenter';
import { FakePartnerCenter } from './fake-partner-center.server';
import { createTestClient, customerTenantId } from './test-client';

describe('Partner Center client: shared rate limiter', () => {
  let fake: FakePartnerCenter;
  beforeEach(async () => {
    fake = await FakePartnerCenter.start();
  });
  afterEach(() => fake.close());

  it('bounds the requests in flight across clients sharing one limiter', async () => {
    fake.on(`GET /v1/customers/${customerTenantId}/directSignedMicrosoftCustomerAgreementStatus`, {
      status: 200,
      body: { isSigned: true },
      delayMs: 20,
    });
    const rateLimiter = createRateLimiter({ requestsPerSecond: 1000, maxConcurrency: 2 });
    const first = createTestClient(fake, { rateLimiter }).client;
    const second = createTestClient(fake, { rateLimiter }).client;

    await Promise.all(
      [first, second, first, second, first, second].map((client) =>
        client.getDirectSignedStatus(customerTenantId),
      ),
    );

    expect(fake.requests).toHaveLength(6);
    expect(fake.maxInFlight).toBe(2);
  });

  it('without a shared limiter the same calls do run side by side (the check above can fail)', async () => {
    fake.on(`GET /v1/customers/${customerTenantId}/directSignedMicrosoftCustomerAgreementStatus`, {
      status: 200,
      body: { isSigned: true },
      delayMs: 20,
    });
    const { client } = createTestClient(fake, {
      rateLimiter: createRateLimiter({ requestsPerSecond: 1000, maxConcurrency: 6 }),
    });

    await Promise.all(Array.from({ length: 6 }, () => client.getDirectSignedStatus(customerTenantId)));

    expect(fake.maxInFlight).toBeGreaterThan(2);
  });
});
