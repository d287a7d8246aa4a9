import {
  AgreementAlreadyExists,
  MfaRequired,
  NotFound,
  PartnerCenterError,
  PurchaseBlocked,
  Unauthorized,
  Validation,
} from '../../../shared/partnerCenter';
import { FakePartnerCenter, type Reply } from './fake-partner-center.server';
import { createTestClient, customerTenantId, mcaTemplateId } from './test-client';

const agreementsRoute = `POST /v1/customers/${customerTenantId}/agreements`;
const contact = { firstName: 'Hanako', lastName: 'Yamada', email: 'hanako@example.test' };

// The older format: { code, description, data, source }.
const legacy = (status: number, code: number, description: string): Reply => ({
  status,
  body: { code, description, data: [], source: 'PartnerFD' },
});
// The newer format: { code, message, description, errorName, isRetryable, parameters }.
const modern = (status: number, code: number, errorName: string, description: string): Reply => ({
  status,
  body: { code, message: description, description, errorName, isRetryable: false, parameters: {} },
});

describe('Partner Center client: error responses', () => {
  let fake: FakePartnerCenter;
  beforeEach(async () => {
    fake = await FakePartnerCenter.start();
  });
  afterEach(() => fake.close());

  async function createAgreementFailure(reply: Reply): Promise<PartnerCenterError> {
    fake.on(agreementsRoute, reply);
    const { client, sleeps } = createTestClient(fake);
    const error = await client
      .createAgreement(customerTenantId, {
        templateId: mcaTemplateId,
        dateAgreed: '2026-01-10T00:00:00',
        primaryContact: contact,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PartnerCenterError);
    // Never retried: one request, no waiting.
    expect(fake.requestsTo(agreementsRoute)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    return error as PartnerCenterError;
  }

  type ErrorClass = new (...args: never[]) => PartnerCenterError;
  // [status, code, errorName, description, typed error]
  const typedErrors: [number, number, string, string, ErrorClass][] = [
    [403, 900428, 'PurchaseBlocked', 'Either a partner re-attestation ... must be provided', PurchaseBlocked],
    [403, 13605, 'PurchaseBlocked', 'The customer must accept the MCA', PurchaseBlocked],
    [
      400,
      600061,
      'PartnerConfirmedAgreementAlreadyExists',
      'A partner confirmed agreement already exists',
      AgreementAlreadyExists,
    ],
    [401, 900421, 'MfaRequired', 'MFA claim missing', MfaRequired],
    [401, 0, 'Unauthorized', 'Unauthorized', Unauthorized],
    [400, 600002, 'InvalidInput', 'dateAgreed cannot be in the future', Validation],
    [404, 600008, 'CustomerNotFound', 'Customer not found', NotFound],
  ];
  const inBothFormats = typedErrors.flatMap(([status, code, errorName, description, type]) => [
    [`legacy ${status} ${code}`, legacy(status, code, description), type, code] as const,
    [`modern ${status} ${code}`, modern(status, code, errorName, description), type, code] as const,
  ]);

  it.each(inBothFormats)('maps %s to its typed error, without retrying', async (_name, reply, type, code) => {
    const error = await createAgreementFailure(reply);

    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    expect(error.status).toBe(reply.status);
    expect(error.retryable).toBe(false);
    expect(error.operation).toBe('createAgreement');
  });

  it.each([
    ['legacy 900428', legacy(403, 900428, 'blocked'), 'staleAttestation', 'stale attestation'],
    [
      'modern 900428',
      modern(403, 900428, 'PurchaseBlocked', 'blocked'),
      'staleAttestation',
      'stale attestation',
    ],
    ['legacy 13605', legacy(403, 13605, 'blocked'), 'noMca', 'no MCA'],
    ['modern 13605', modern(403, 13605, 'PurchaseBlocked', 'blocked'), 'noMca', 'no MCA'],
  ])('tells which purchase block a %s is', async (_name, reply, reason, words) => {
    const error = await createAgreementFailure(reply);
    expect(error).toBeInstanceOf(PurchaseBlocked);
    expect((error as PurchaseBlocked).reason).toBe(reason);
    expect(error.message).toContain(words);
  });

  it('keeps the ids for tracing and the error name, but no body text or personal data', async () => {
    const error = await createAgreementFailure(
      modern(
        400,
        600061,
        'PartnerConfirmedAgreementAlreadyExists',
        'Agreement exists for hanako@example.test',
      ),
    );

    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.correlationId).toBe(fake.requests[0]?.headers['ms-correlationid']);
    expect(error.errorName).toBe('PartnerConfirmedAgreementAlreadyExists');
    expect(error.message).toContain('600061');
    expect(error.message).not.toContain('hanako');
    expect(error.message).not.toContain('Agreement exists');
  });

  it('does not retry another 403', async () => {
    const error = await createAgreementFailure(legacy(403, 1234, 'Forbidden'));

    expect(error.constructor).toBe(PartnerCenterError);
    expect(error.status).toBe(403);
  });

  it('tolerates an error body that is not JSON', async () => {
    const error = await createAgreementFailure({
      status: 400,
      body: '<html><body>Bad Request</body></html>',
    });

    expect(error).toBeInstanceOf(Validation);
    expect(error.code).toBeUndefined();
  });
});
