import { UnexpectedResponse } from '../../../shared/partnerCenter';
import { FakePartnerCenter } from './fake-partner-center.server';
import { collect, createTestClient, customerTenantId, mcaTemplateId } from './test-client';

const signatory = {
  firstName: 'Hanako',
  lastName: 'Yamada',
  email: 'hanako@example.test',
  phoneNumber: '+81 3 0000 0000',
};

describe('Partner Center client: documented calls and response shapes', () => {
  let fake: FakePartnerCenter;
  beforeEach(async () => {
    fake = await FakePartnerCenter.start();
  });
  afterEach(() => fake.close());

  it('reads MCA agreement metadata, always asking for agreementType=MicrosoftCustomerAgreement', async () => {
    fake.on('GET /v1/agreements', {
      status: 200,
      body: {
        totalCount: 1,
        items: [
          {
            templateId: mcaTemplateId,
            agreementType: 'MicrosoftCustomerAgreement',
            agreementLink: 'https://aka.ms/customeragreement',
            versionRank: 0,
            attributes: { objectType: 'AgreementMetaData' },
          },
        ],
        attributes: { objectType: 'Collection' },
      },
    });
    const { client } = createTestClient(fake);

    const items = await client.getAgreementMetadata();

    expect(items).toEqual([
      {
        templateId: mcaTemplateId,
        agreementType: 'MicrosoftCustomerAgreement',
        agreementLink: 'https://aka.ms/customeragreement',
        versionRank: 0,
      },
    ]);
    expect(fake.requestsTo('GET /v1/agreements')[0]?.query.get('agreementType')).toBe(
      'MicrosoftCustomerAgreement',
    );
  });

  it('reads the direct-signed status', async () => {
    fake.on(`GET /v1/customers/${customerTenantId}/directSignedMicrosoftCustomerAgreementStatus`, {
      status: 200,
      body: { isSigned: true, attributes: { objectType: 'DirectSignedCustomerAgreementStatus' } },
    });
    const { client } = createTestClient(fake);

    await expect(client.getDirectSignedStatus(customerTenantId)).resolves.toEqual({ isSigned: true });
  });

  it('lists customer agreements, tolerating extra and missing optional fields', async () => {
    fake.on(`GET /v1/customers/${customerTenantId}/agreements`, {
      status: 200,
      body: {
        totalCount: 2,
        items: [
          {
            primaryContact: { firstName: 'A', lastName: 'B', email: 'a@example.test', phoneNumber: null },
            templateId: mcaTemplateId,
            dateAgreed: '2023-05-01T00:00:00',
            type: 'MicrosoftCustomerAgreement',
            agreementLink: 'https://aka.ms/customeragreement',
            userId: '0a2b7a3c-2f0b-4c2a-8b5e-1d2e3f4a5b6c',
            futureField: 42,
          },
          { dateAgreed: '2021-01-01T00:00:00', type: 'MicrosoftCustomerAgreement' },
        ],
      },
    });
    const { client } = createTestClient(fake);

    const agreements = await client.listCustomerAgreements(customerTenantId);

    expect(agreements.map((a) => a.dateAgreed)).toEqual(['2023-05-01T00:00:00', '2021-01-01T00:00:00']);
    expect(agreements[0]).not.toHaveProperty('futureField');
    const query = fake.requestsTo(`GET /v1/customers/${customerTenantId}/agreements`)[0]?.query;
    expect(query?.get('agreementType')).toBe('MicrosoftCustomerAgreement');
  });

  it('keeps an agreement item without a readable dateAgreed (the status check skips it) and other types', async () => {
    fake.on(`GET /v1/customers/${customerTenantId}/agreements`, {
      status: 200,
      body: {
        totalCount: 3,
        items: [
          { type: 'MicrosoftCustomerAgreement' },
          { type: 'MicrosoftCustomerAgreement', dateAgreed: 20230501, primaryContact: 'not an object' },
          { type: 'MicrosoftCloudAgreement', dateAgreed: '2019-06-01T00:00:00', templateId: null },
        ],
      },
    });
    const { client } = createTestClient(fake);

    const agreements = await client.listCustomerAgreements(customerTenantId);

    expect(agreements).toEqual([
      { type: 'MicrosoftCustomerAgreement' },
      { type: 'MicrosoftCustomerAgreement' },
      { type: 'MicrosoftCloudAgreement', dateAgreed: '2019-06-01T00:00:00', templateId: null },
    ]);
  });

  it('fails with UnexpectedResponse when the collection itself is unreadable', async () => {
    fake.on(`GET /v1/customers/${customerTenantId}/agreements`, {
      status: 200,
      body: { totalCount: 1, items: 'nope' },
    });
    const { client } = createTestClient(fake);

    const error = await client.listCustomerAgreements(customerTenantId).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnexpectedResponse);
    expect((error as Error).message).toContain('items');
  });

  it.each([
    [
      { attestationId: 'att-1', acceptanceLink: 'https://example.test/accept?a=att-1', status: 'pending' },
      'att-1',
      'https://example.test/accept?a=att-1',
    ],
    [
      { id: 'att-2', acceptanceUrl: 'https://example.test/accept?a=att-2' },
      'att-2',
      'https://example.test/accept?a=att-2',
    ],
    [
      { id: 'att-3', embedUrl: 'https://example.test/embed/att-3', extra: { nested: true } },
      'att-3',
      'https://example.test/embed/att-3',
    ],
    [{ attestationId: 'att-4' }, 'att-4', undefined],
  ])('creates an enhanced attestation and reads its id and link from %j', async (body, id, link) => {
    fake.on('POST /v1/attestations/enhanced', { status: 201, body });
    const { client } = createTestClient(fake);

    const attestation = await client.createEnhancedAttestation({
      country: 'JP',
      language: 'ja-JP',
      companyName: 'Contoso KK',
      signatory,
      customerTenantId,
    });

    expect(attestation.attestationId).toBe(id);
    expect(attestation.acceptanceLink).toBe(link);
    expect(fake.requestsTo('POST /v1/attestations/enhanced')[0]?.body).toEqual({
      customerTenantId,
      country: 'JP',
      language: 'ja-JP',
      companyName: 'Contoso KK',
      signatoryFirstName: 'Hanako',
      signatoryLastName: 'Yamada',
      signatoryEmail: 'hanako@example.test',
      signatoryPhoneNumber: '+81 3 0000 0000',
    });
  });

  it.each([
    [{ status: 'Accepted', acceptedAt: '2026-03-04T08:15:30Z' }, 'accepted', '2026-03-04T08:15:30Z'],
    [
      { attestationStatus: 'accepted', acceptanceDate: '2026-03-04T08:15:30Z' },
      'accepted',
      '2026-03-04T08:15:30Z',
    ],
    [{ status: 'accepted', dateAccepted: '2026-03-04' }, 'accepted', '2026-03-04'],
    [{ status: 'pending' }, 'pending', undefined],
  ])(
    'reads an attestation status and, when there is one, when it was accepted, from %j',
    async (body, state, at) => {
      fake.on('GET /v1/attestations/enhanced/att-9', { status: 200, body: { id: 'att-9', ...body } });
      const { client } = createTestClient(fake);

      const attestation = await client.getEnhancedAttestation('att-9');

      expect(attestation.status).toBe(state);
      expect(attestation.acceptedAt).toBe(at);
    },
  );

  it('fails clearly, without echoing the body, when the attestation response has no id', async () => {
    fake.on('POST /v1/attestations/enhanced', {
      status: 201,
      body: { link: 'https://x.test', email: 'hanako@example.test' },
    });
    const { client } = createTestClient(fake);

    const error = await client
      .createEnhancedAttestation({ country: 'JP', language: 'ja-JP', companyName: 'Contoso KK', signatory })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnexpectedResponse);
    expect((error as Error).message).toMatch(/no attestation id.*attestationId, id/);
    expect((error as Error).message).not.toContain('hanako');
  });

  it('uses the configured attestation API version', async () => {
    fake.on('POST /v2/attestations/enhanced', { status: 201, body: { attestationId: 'att-v2' } });
    const { client } = createTestClient(fake, { attestationApiVersion: 'v2' });

    const attestation = await client.createEnhancedAttestation({
      country: 'JP',
      language: 'ja-JP',
      companyName: 'Contoso KK',
      signatory,
    });

    expect(attestation.attestationId).toBe('att-v2');
  });

  it('creates the agreement with the attestation id (201)', async () => {
    fake.on(`POST /v1/customers/${customerTenantId}/agreements`, {
      status: 201,
      body: {
        templateId: mcaTemplateId,
        dateAgreed: '2026-01-10T00:00:00',
        type: 'MicrosoftCustomerAgreement',
      },
    });
    const { client } = createTestClient(fake);

    const created = await client.createAgreement(customerTenantId, {
      attestationId: 'att-1',
      templateId: mcaTemplateId,
      dateAgreed: '2026-01-10T00:00:00',
      primaryContact: signatory,
    });

    expect(created?.dateAgreed).toBe('2026-01-10T00:00:00');
    expect(fake.requestsTo(`POST /v1/customers/${customerTenantId}/agreements`)[0]?.body).toEqual({
      attestationId: 'att-1',
      templateId: mcaTemplateId,
      type: 'MicrosoftCustomerAgreement',
      primaryContact: signatory,
      dateAgreed: '2026-01-10T00:00:00',
    });
  });

  it('accepts a 201 with an empty body', async () => {
    fake.on(`POST /v1/customers/${customerTenantId}/agreements`, { status: 201 });
    const { client } = createTestClient(fake);

    await expect(
      client.createAgreement(customerTenantId, {
        templateId: mcaTemplateId,
        dateAgreed: '2026-01-10T00:00:00',
        primaryContact: signatory,
      }),
    ).resolves.toBeUndefined();
  });

  it('reads audit records with startDate, endDate and an encoded filter', async () => {
    fake.on('GET /v1/auditrecords', {
      status: 200,
      body: {
        totalCount: 1,
        items: [
          {
            partnerId: 'p',
            customerId: customerTenantId,
            customerName: 'Contoso KK',
            userPrincipalName: 'admin@partner.test',
            resourceType: 'customer',
            operationType: 'add_customer',
            operationStatus: 'succeeded',
            operationDate: '2026-01-09T10:00:00Z',
            customizedData: [{ key: 'CustomerId', value: customerTenantId }],
          },
        ],
        links: { self: { uri: '/auditrecords', method: 'GET', headers: [] } },
      },
    });
    const { client } = createTestClient(fake);

    const records = await collect(
      client.listAuditRecords({
        startDate: '2026-01-09',
        endDate: '2026-01-10',
        filter: { field: 'ResourceType', value: 'Customer', operator: 'equals' },
      }),
    );

    expect(records.map((r) => [r.operationType, r.customerId])).toEqual([['add_customer', customerTenantId]]);
    const query = fake.requestsTo('GET /v1/auditrecords')[0]?.query;
    expect(query?.get('startDate')).toBe('2026-01-09');
    expect(query?.get('endDate')).toBe('2026-01-10');
    expect(JSON.parse(query?.get('filter') ?? '')).toEqual({
      Field: 'ResourceType',
      Value: 'Customer',
      Operator: 'equals',
    });
  });

  it('rejects audit record dates that are not yyyy-mm-dd before calling', () => {
    const { client } = createTestClient(fake);

    expect(() => client.listAuditRecords({ startDate: '2026/01/09' })).toThrow(RangeError);
    expect(fake.requests).toHaveLength(0);
  });

  it('sends the standard headers', async () => {
    fake.on('GET /v1/agreements', { status: 200, body: { items: [] } });
    const { client } = createTestClient(fake, { locale: 'ja-JP' });
    const correlationId = '0f8fad5b-d9cb-469f-a165-70867728950e';

    await client.getAgreementMetadata({ correlationId });

    const headers = fake.requests[0]?.headers;
    expect(headers?.authorization).toMatch(/^Bearer .+/);
    expect(headers?.accept).toBe('application/json');
    expect(headers?.['x-locale']).toBe('ja-JP');
    expect(headers?.['ms-correlationid']).toBe(correlationId);
    expect(headers?.['ms-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers?.['ms-contract-version']).toBe('v1');
  });
});
