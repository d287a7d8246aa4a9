import { constants, generateKeyPairSync, verify } from 'node:crypto';
import {
  buildMsalConfiguration,
  createAppOnlyTokenProvider,
  createAppUserTokenProvider,
  createPartnerCenterClient,
  createRateLimiter,
  endpointAuth,
  MfaRequired,
  Transient,
  Unauthorized,
  type TokenProviders,
} from '../../../shared/partnerCenter';
import { FakePartnerCenter } from './fake-partner-center.server';
import {
  collect,
  createTestClient,
  credentialsFor,
  customerTenantId,
  tokenProvidersFor,
} from './test-client';

const signatory = { firstName: 'Hanako', lastName: 'Yamada', email: 'hanako@example.test' };

describe('Partner Center client: tokens', () => {
  let fake: FakePartnerCenter;
  beforeEach(async () => {
    fake = await FakePartnerCenter.start();
    fake
      .on('GET /v1/agreements', { status: 200, body: { items: [] } })
      .on(`GET /v1/customers/${customerTenantId}/agreements`, { status: 200, body: { items: [] } })
      .on(`GET /v1/customers/${customerTenantId}/directSignedMicrosoftCustomerAgreementStatus`, {
        status: 200,
        body: { isSigned: false },
      })
      .on('POST /v1/attestations/enhanced', { status: 201, body: { attestationId: 'att-1' } })
      .on(`POST /v1/customers/${customerTenantId}/agreements`, { status: 201, body: {} })
      .on('GET /v1/customers', { status: 200, body: { items: [] } })
      .on('GET /v1/auditrecords', { status: 200, body: { items: [] } });
  });
  afterEach(() => fake.close());

  const bearer = (route: string) => fake.requestsTo(route).map((r) => r.headers.authorization);
  const clientWith = (tokens: TokenProviders) =>
    createPartnerCenterClient({
      baseUrl: fake.origin,
      tokens,
      rateLimiter: createRateLimiter({ requestsPerSecond: 1000, maxConcurrency: 4 }),
    });

  it('uses App+User for the reads Microsoft documents as App+User only, App-only for attestation and agreement', async () => {
    const { client } = createTestClient(fake);

    await client.getAgreementMetadata();
    await client.listCustomerAgreements(customerTenantId);
    await client.getDirectSignedStatus(customerTenantId);
    await client.createEnhancedAttestation({ country: 'JP', language: 'ja-JP', companyName: 'C', signatory });
    await client.createAgreement(customerTenantId, {
      templateId: 't',
      dateAgreed: '2026-01-01T00:00:00',
      primaryContact: signatory,
    });
    await collect(client.listCustomers());
    await collect(client.listAuditRecords({ startDate: '2026-01-01' }));

    expect(bearer('GET /v1/agreements')).toEqual(['Bearer app-user-token-1']);
    expect(bearer(`GET /v1/customers/${customerTenantId}/agreements`)).toEqual(['Bearer app-user-token-1']);
    expect(
      bearer(`GET /v1/customers/${customerTenantId}/directSignedMicrosoftCustomerAgreementStatus`),
    ).toEqual(['Bearer app-user-token-1']);
    expect(bearer('POST /v1/attestations/enhanced')).toEqual(['Bearer app-only-token-1']);
    expect(bearer(`POST /v1/customers/${customerTenantId}/agreements`)).toEqual(['Bearer app-only-token-1']);
    // Either is accepted: App-only is preferred.
    expect(bearer('GET /v1/customers')).toEqual(['Bearer app-only-token-1']);
    expect(bearer('GET /v1/auditrecords')).toEqual(['Bearer app-only-token-1']);
    // One token per credential type for the whole run: both are cached.
    expect(fake.tokenRequests.map((t) => t.grantType).sort()).toEqual([
      'client_credentials',
      'refresh_token',
    ]);
    expect(fake.tokenRequests.find((t) => t.grantType === 'refresh_token')?.refreshToken).toBe(
      'test-refresh-token',
    );
    expect(fake.tokenRequests.every((t) => t.clientId === 'test-client-id' && t.hasSecret)).toBe(true);
    expect(endpointAuth.getEnhancedAttestation).toBe('appOnly');
    expect(Object.keys(endpointAuth).sort()).toEqual(
      [
        'createAgreement',
        'createEnhancedAttestation',
        'getAgreementMetadata',
        'getDirectSignedStatus',
        'getEnhancedAttestation',
        'listAuditRecords',
        'listCustomerAgreements',
        'listCustomers',
      ].sort(),
    );
  });

  it('falls back to App+User where either works, and names the missing credential where one is required', async () => {
    const client = clientWith({ appUser: tokenProvidersFor(fake).appUser });

    await collect(client.listCustomers());

    expect(bearer('GET /v1/customers')).toEqual(['Bearer app-user-token-1']);
    await expect(
      client.createEnhancedAttestation({ country: 'JP', language: 'ja-JP', companyName: 'C', signatory }),
    ).rejects.toThrow(/createEnhancedAttestation needs App-only credentials/);
    expect(fake.requestsTo('POST /v1/attestations/enhanced')).toHaveLength(0);
  });

  it('reports a missing credential as a rejected promise from every call, never a synchronous throw', async () => {
    const { appOnly, appUser } = tokenProvidersFor(fake);
    const client = clientWith({ appOnly });
    const appUserOnly = clientWith({ appUser });

    const calls: [string, () => Promise<unknown>][] = [
      ['getAgreementMetadata', () => client.getAgreementMetadata()],
      ['getDirectSignedStatus', () => client.getDirectSignedStatus(customerTenantId)],
      ['listCustomerAgreements', () => client.listCustomerAgreements(customerTenantId)],
      [
        'createAgreement',
        () =>
          appUserOnly.createAgreement(customerTenantId, {
            templateId: 't',
            dateAgreed: '2026-01-01T00:00:00',
            primaryContact: signatory,
          }),
      ],
    ];
    for (const [operation, call] of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }).not.toThrow();
      await expect(promise).rejects.toThrow(`${operation} needs`);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps the App+User access token until shortly before it expires, then fetches a new one', async () => {
    let now = Date.now();
    const provider = createAppUserTokenProvider({
      ...credentialsFor(fake),
      refreshToken: 'test-refresh-token',
      now: () => now,
      refreshBeforeExpiryMs: 5 * 60_000,
    });

    const first = await provider.getToken();
    now += 50 * 60_000;
    const stillCached = await provider.getToken();
    now += 6 * 60_000; // 56 min after issue: within 5 min of the 60 min expiry
    const renewed = await provider.getToken();

    expect([first, stillCached, renewed]).toEqual([
      'app-user-token-1',
      'app-user-token-1',
      'app-user-token-2',
    ]);
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it('shares one token request between concurrent App+User callers', async () => {
    const provider = createAppUserTokenProvider({
      ...credentialsFor(fake),
      refreshToken: 'test-refresh-token',
    });

    const tokens = await Promise.all([provider.getToken(), provider.getToken(), provider.getToken()]);

    expect(new Set(tokens)).toEqual(new Set(['app-user-token-1']));
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it('signs a client assertion with the certificate key (SHA-256 thumbprint) instead of sending a secret', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const thumbprintSha256 = 'AB'.repeat(32);
    const provider = createAppOnlyTokenProvider({
      authority: fake.authority,
      clientId: 'test-client-id',
      clientCertificate: {
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        thumbprintSha256,
      },
    });

    await expect(provider.getToken()).resolves.toBe('app-only-token-1');

    const [request] = fake.tokenRequests;
    expect(request).toMatchObject({ grantType: 'client_credentials', clientId: 'test-client-id' });
    expect(request?.hasSecret).toBe(false);
    const [header = '', payload = '', signature = ''] = (request?.clientAssertion ?? '').split('.');
    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    expect(decode(header)).toMatchObject({
      alg: 'PS256',
      'x5t#S256': Buffer.from(thumbprintSha256, 'hex').toString('base64url'),
    });
    expect(decode(payload)).toMatchObject({
      aud: `${fake.authority}/oauth2/v2.0/token`,
      iss: 'test-client-id',
      sub: 'test-client-id',
    });
    const signed = Buffer.from(`${header}.${payload}`);
    const valid = verify(
      'sha256',
      signed,
      { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      Buffer.from(signature, 'base64url'),
    );
    expect(valid).toBe(true);
  });

  it('lets msal cache App-only tokens, and fetch a new one when the cached token is about to expire', async () => {
    const { appOnly } = tokenProvidersFor(fake);
    await appOnly.getToken();
    await appOnly.getToken();
    expect(fake.tokenRequests).toHaveLength(1);

    fake.tokenLifetimeSeconds.client_credentials = 120; // inside msal's 5-minute renewal window
    const { appOnly: shortLived } = tokenProvidersFor(fake);
    const a = await shortLived.getToken();
    const b = await shortLived.getToken();

    expect(a).not.toBe(b);
    expect(fake.tokenRequests).toHaveLength(3);
  });
});

describe('msal configuration', () => {
  const base = { clientId: 'id', clientSecret: 's' };

  it('passes a production https authority through untouched', () => {
    const config = buildMsalConfiguration({
      ...base,
      authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
    });

    expect(config.auth).toEqual({
      ...base,
      authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
    });
  });

  it('maps a local http authority onto knownAuthorities + authorityMetadata with an https authority', () => {
    const config = buildMsalConfiguration({ ...base, authority: 'http://localhost:7081/partner-tenant/' });

    expect(config.auth.authority).toBe('https://localhost:7081/partner-tenant');
    expect(config.auth.knownAuthorities).toEqual(['localhost:7081']);
    expect(JSON.parse(config.auth.authorityMetadata ?? '{}')).toMatchObject({
      token_endpoint: 'http://localhost:7081/partner-tenant/oauth2/v2.0/token',
      issuer: 'http://localhost:7081/partner-tenant/v2.0',
    });
  });

  it('refuses plain http to anything but loopback, and a missing credential', () => {
    expect(() => buildMsalConfiguration({ ...base, authority: 'http://login.example.com/t' })).toThrow(
      /https/,
    );
    expect(() =>
      buildMsalConfiguration({ clientId: 'id', authority: 'https://login.microsoftonline.com/t' }),
    ).toThrow(/client secret or a certificate/);
  });

  it('accepts a certificate credential', () => {
    const clientCertificate = { privateKey: '-----BEGIN PRIVATE KEY-----\n...', thumbprintSha256: 'AB12' };

    const config = buildMsalConfiguration({
      clientId: 'id',
      authority: 'https://login.microsoftonline.com/t',
      clientCertificate,
    });

    expect(config.auth.clientCertificate).toEqual(clientCertificate);
    expect(config.auth.clientSecret).toBeUndefined();
  });
});

describe('Partner Center client: token failures', () => {
  let fake: FakePartnerCenter;
  beforeEach(async () => {
    fake = await FakePartnerCenter.start();
    fake.on('GET /v1/agreements', { status: 200, body: { items: [] } });
  });
  afterEach(() => fake.close());

  const entraError = (error: string, code: number) => ({
    status: 400,
    body: {
      error,
      error_description: `AADSTS${code}: something about user hanako@example.test`,
      error_codes: [code],
      timestamp: '2026-01-10 00:00:00Z',
      trace_id: 't',
      correlation_id: 'c',
    },
  });

  it('reports an MFA demand from Entra on the refresh-token exchange as MfaRequired', async () => {
    fake.tokenFailure = entraError('invalid_grant', 50076);
    const { client } = createTestClient(fake);

    const error = await client.getAgreementMetadata().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MfaRequired);
    expect((error as Error).message).toContain('AADSTS50076');
    expect((error as Error).message).not.toContain('hanako');
    expect(fake.requests).toHaveLength(0);
  });

  it('retries a token endpoint outage like any transient failure, then calls Partner Center', async () => {
    // msal itself refuses the token request until Retry-After has passed (in real time): keep it short.
    fake.tokenFailure = {
      status: 503,
      body: { error: 'temporarily_unavailable' },
      headers: { 'Retry-After': '1' },
    };
    const { client } = createTestClient(fake, {
      retry: { baseDelayMs: 1_100, maxDelayMs: 1_100 },
      random: () => 1,
      sleep: (ms) => {
        fake.tokenFailure = undefined; // Entra is back after the first back-off
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });

    await expect(client.getAgreementMetadata()).resolves.toEqual([]);

    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.requestsTo('GET /v1/agreements')).toHaveLength(1);
  });

  it('treats a token endpoint answering a gateway page (not JSON) as transient', async () => {
    fake.tokenFailure = { status: 502, body: '<html><body>502 Bad Gateway</body></html>' };
    const { client, sleeps } = createTestClient(fake, { retry: { maxAttempts: 2 } });

    const error = await client.getAgreementMetadata().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Transient);
    expect((error as Error).message).toContain('token_parsing_error');
    expect(sleeps).toHaveLength(1);
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it.each([
    ['App+User (refresh token)', () => createTestClient(fake).client.getAgreementMetadata()],
    [
      'App-only (client credentials)',
      () =>
        createTestClient(fake).client.createEnhancedAttestation({
          country: 'JP',
          language: 'ja-JP',
          companyName: 'C',
          signatory,
        }),
    ],
  ])(
    'ends a lasting %s token outage as a retryable Transient, also while msal replays the 5xx from its cache',
    async (_name, call) => {
      // msal replays this from its cache with errorCode "90033" (the error_codes) and no status.
      fake.tokenFailure = { status: 503, body: { error: 'temporarily_unavailable', error_codes: [90033] } };

      const error = await call().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Transient);
      expect((error as Transient).retryable).toBe(true);
      // Entra was asked once; msal answered the retries from its throttling cache.
      expect(fake.tokenRequests).toHaveLength(1);
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('reports a rejected credential as Unauthorized, without retrying', async () => {
    fake.tokenFailure = entraError('invalid_client', 7000215);
    const { client, sleeps } = createTestClient(fake);

    const error = await client
      .createEnhancedAttestation({
        country: 'JP',
        language: 'ja-JP',
        companyName: 'C',
        signatory,
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Unauthorized);
    expect((error as Unauthorized).retryable).toBe(false);
    expect(sleeps).toEqual([]);
  });
});
