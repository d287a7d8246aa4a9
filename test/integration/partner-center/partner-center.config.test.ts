import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '../../../shared/config';
import { createPartnerCenterClientFromConfig } from '../../../shared/partnerCenter';
import { FakePartnerCenter } from './fake-partner-center.server';
import { customerTenantId } from './test-client';

const clientId = '00000000-0000-0000-0000-000000000001';
const signatory = { firstName: 'Hanako', lastName: 'Yamada', email: 'hanako@example.test' };
const attestationInput = { country: 'JP', language: 'ja-JP', companyName: 'C', signatory };
const statusRoute = `GET /v1/customers/${customerTenantId}/directSignedMicrosoftCustomerAgreementStatus`;

describe('Partner Center client built from the settings', () => {
  let fake: FakePartnerCenter;
  beforeEach(async () => {
    fake = await FakePartnerCenter.start();
    fake
      .on('GET /v1/agreements', { status: 200, body: { items: [] } })
      .on('POST /v1/attestations/enhanced', { status: 201, body: { attestationId: 'att-1' } });
  });
  afterEach(() => fake.close());

  const settings = (overrides: Record<string, string | undefined> = {}) =>
    loadConfig({
      PARTNER_TYPE: 'DirectBill',
      PARTNER_CENTER_BASE_URL: fake.origin,
      PARTNER_CENTER_AUTHORITY: fake.authority,
      PARTNER_CENTER_CLIENT_ID: clientId,
      PARTNER_CENTER_CLIENT_SECRET: 'configured-secret',
      PARTNER_CENTER_REFRESH_TOKEN: 'configured-refresh-token',
      SENDGRID_API_KEY: 'SG.key',
      PARTNER_COMPANY_NAME: 'Contoso Cloud Partner',
      MAIL_FROM: 'mca@partner.example',
      PARTNER_CONTACT_EMAIL: 'desk@partner.example',
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      ServiceBusConnection: 'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v',
      ...overrides,
    });

  it('uses the configured URLs, client secret and refresh token', async () => {
    const client = createPartnerCenterClientFromConfig(settings());

    await client.getAgreementMetadata();
    await client.createEnhancedAttestation(attestationInput);

    expect(fake.tokenRequests).toEqual([
      { grantType: 'refresh_token', clientId, hasSecret: true, refreshToken: 'configured-refresh-token' },
      { grantType: 'client_credentials', clientId, hasSecret: true },
    ]);
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer app-user-token-1',
      'Bearer app-only-token-1',
    ]);
  });

  it('calls the attestation API version PARTNER_CENTER_ATTESTATION_API_VERSION names', async () => {
    fake.on('POST /v2/attestations/enhanced', { status: 201, body: { attestationId: 'att-2' } });
    const client = createPartnerCenterClientFromConfig(
      settings({ PARTNER_CENTER_ATTESTATION_API_VERSION: 'v2' }),
    );

    await expect(client.createEnhancedAttestation(attestationInput)).resolves.toMatchObject({
      attestationId: 'att-2',
    });
    expect(fake.requestsTo('POST /v1/attestations/enhanced')).toHaveLength(0);
  });

  it('has no App+User credential without PARTNER_CENTER_REFRESH_TOKEN', async () => {
    const client = createPartnerCenterClientFromConfig(settings({ PARTNER_CENTER_REFRESH_TOKEN: undefined }));

    await expect(client.getAgreementMetadata()).rejects.toThrow(/PARTNER_CENTER_REFRESH_TOKEN/);
    await expect(client.createEnhancedAttestation(attestationInput)).resolves.toMatchObject({
      attestationId: 'att-1',
    });
  });

  it('signs with the configured certificate and its SHA-1 thumbprint', async () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const thumbprint = '0123456789abcdef0123456789abcdef01234567';
    const client = createPartnerCenterClientFromConfig(
      settings({
        PARTNER_CENTER_CLIENT_SECRET: undefined,
        PARTNER_CENTER_CERTIFICATE_THUMBPRINT: thumbprint,
        PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: pem,
      }),
    );

    await client.createEnhancedAttestation(attestationInput);

    const [request] = fake.tokenRequests;
    expect(request?.hasSecret).toBe(false);
    const header = JSON.parse(
      Buffer.from(request?.clientAssertion?.split('.')[0] ?? '', 'base64url').toString('utf8'),
    ) as unknown;
    expect(header).toMatchObject({ alg: 'RS256', x5t: Buffer.from(thumbprint, 'hex').toString('base64url') });
  });

  it('shares one limiter, sized by the settings, between clients built from the same config', async () => {
    fake.on(statusRoute, { status: 200, body: { isSigned: true }, delayMs: 10 });
    const config = settings({
      PARTNER_CENTER_MAX_CONCURRENCY: '1',
      PARTNER_CENTER_MAX_REQUESTS_PER_SECOND: '1000',
    });
    const first = createPartnerCenterClientFromConfig(config);
    const second = createPartnerCenterClientFromConfig(config);

    await Promise.all(
      [first, second, first, second].map((client) => client.getDirectSignedStatus(customerTenantId)),
    );

    expect(fake.requestsTo(statusRoute)).toHaveLength(4);
    expect(fake.maxInFlight).toBe(1);
  });
});
