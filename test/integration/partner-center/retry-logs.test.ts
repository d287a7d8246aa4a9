import { runWithLogScope, type LogRecord } from '../../../shared/observability';
import { FakePartnerCenter } from './fake-partner-center.server';
import { createTestClient, customerTenantId } from './test-client';

const statusRoute = `GET /v1/customers/${customerTenantId}/directSignedMicrosoftCustomerAgreementStatus`;
const INVOCATION = { functionName: 'mcaCheckStatus', instanceId: `mca-${customerTenantId}` };

describe('Partner Center client: retry logs', () => {
  let fake: FakePartnerCenter;
  let records: LogRecord[];
  beforeEach(async () => {
    fake = await FakePartnerCenter.start();
    records = [];
  });
  afterEach(() => fake.close());

  const inScope = <T>(work: () => Promise<T>) =>
    runWithLogScope((record) => records.push(record), INVOCATION, work);

  it('logs every retry with status, attempt, delay, Retry-After and the MS-CorrelationId', async () => {
    fake.on(
      statusRoute,
      { status: 429, headers: { 'Retry-After': '7' }, body: { code: 429 } },
      { status: 503, body: {} },
      { status: 200, body: { isSigned: true } },
    );
    const { client } = createTestClient(fake, { retry: { baseDelayMs: 1000, maxDelayMs: 1000 } });

    await inScope(() => client.getDirectSignedStatus(customerTenantId, { correlationId: 'corr-1' }));

    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['warning', 'Partner Center retry'],
      ['warning', 'Partner Center retry'],
    ]);
    expect(records[0].dimensions).toMatchObject({
      ...INVOCATION,
      operation: 'getDirectSignedStatus',
      status: 429,
      attempt: 1,
      delayMs: 7000,
      retryAfter: '7',
      msCorrelationId: 'corr-1',
    });
    expect(records[1].dimensions).toMatchObject({ status: 503, attempt: 2, delayMs: 500 });
    expect(records[1].dimensions).not.toHaveProperty('retryAfter');
    const sent = fake.requestsTo(statusRoute).map((r) => r.headers['ms-correlationid']);
    expect(sent).toEqual(['corr-1', 'corr-1', 'corr-1']);
  });

  it('logs a request that gives up after its last attempt, and nothing for a permanent error', async () => {
    fake.on(statusRoute, { status: 503, body: {} }, { status: 503, body: {} }, { status: 404, body: {} });
    const { client } = createTestClient(fake, { retry: { maxAttempts: 2 } });

    await expect(inScope(() => client.getDirectSignedStatus(customerTenantId))).rejects.toThrow();
    await expect(inScope(() => client.getDirectSignedStatus(customerTenantId))).rejects.toThrow();

    expect(records.map((r) => [r.message, r.dimensions.status, r.dimensions.attempt])).toEqual([
      ['Partner Center retry', 503, 1],
      ['Partner Center request gave up', 503, 2],
    ]);
  });
});
