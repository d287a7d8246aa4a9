import { X509Certificate, createHash, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { VirtualClock } from '../../../local/clock';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  CUSTOMERS,
  PARTNER_TENANT,
  REFRESH_TOKEN,
  REFRESH_TOKEN_WITHOUT_MFA,
  SCOPE,
  appToken,
  call,
  directSignedStatusPath,
  jsonOf,
  requestAppToken,
  requestToken,
  requestUserToken,
  seed,
  startHarness,
  userToken,
  type Harness,
} from './partner-center.helpers';

const DAY = 24 * 60 * 60 * 1000;

describe('Partner Center emulator: tokens and bearer rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.emulator.close();
  });

  it('serves OIDC metadata and instance discovery in the shapes msal expects', async () => {
    const metadata = await jsonOf(
      await fetch(`${h.url}/${PARTNER_TENANT}/v2.0/.well-known/openid-configuration`),
    );
    expect(metadata.token_endpoint).toBe(`${h.url}/${PARTNER_TENANT}/oauth2/v2.0/token`);
    expect(metadata).toEqual(
      expect.objectContaining({
        issuer: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\//) as unknown,
        authorization_endpoint: expect.any(String) as unknown,
        jwks_uri: expect.any(String) as unknown,
      }),
    );
    const authorizationEndpoint = encodeURIComponent(`https://x/${PARTNER_TENANT}/oauth2/v2.0/authorize`);
    const discovery = await jsonOf<{
      tenant_discovery_endpoint: string;
      metadata: Array<{ aliases: string[] }>;
    }>(
      await fetch(
        `${h.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorizationEndpoint}`,
      ),
    );
    expect(discovery.tenant_discovery_endpoint).toBe(
      `${h.url}/${PARTNER_TENANT}/v2.0/.well-known/openid-configuration`,
    );
    expect(discovery.metadata[0]?.aliases).toEqual([new URL(h.url).host]);
    expect((await fetch(`${h.url}/not-a-tenant/v2.0/.well-known/openid-configuration`)).status).toBe(400);
  });

  it('issues app-only tokens for the right secret only, with an expiry', async () => {
    const ok = await requestAppToken(h.url);
    expect(ok.status).toBe(200);
    const body = await jsonOf(ok);
    expect(body).toEqual(expect.objectContaining({ token_type: 'Bearer', expires_in: 3600 }));
    expect(typeof body.access_token).toBe('string');

    const wrongSecret = await requestAppToken(h.url, { client_secret: 'nope' });
    expect(wrongSecret.status).toBe(401);
    expect(await jsonOf(wrongSecret)).toEqual(
      expect.objectContaining({ error: 'invalid_client', error_codes: [7000215] }),
    );
    expect((await requestAppToken(h.url, { client_id: crypto.randomUUID() })).status).toBe(400);
    expect((await requestAppToken(h.url, { scope: 'https://graph.microsoft.com/.default' })).status).toBe(
      400,
    );
    expect((await requestAppToken(h.url, { grant_type: 'password' })).status).toBe(400);
    expect((await requestUserToken(h.url, 'not-a-refresh-token')).status).toBe(400);
  });

  it('accepts a client assertion signed with the registered certificate, and refuses a forged one', async () => {
    // Reuse the committed test-only key pair as the app's certificate.
    const certs = join(__dirname, '../../../local/emulators/partner-center/certs');
    const certificatePem = readFileSync(join(certs, 'webhook-signing.test-only.cert.pem'), 'utf8');
    const privateKey = readFileSync(join(certs, 'webhook-signing.test-only.key.pem'), 'utf8');
    await h.emulator.close();
    h = await startHarness({ seed: { ...seed, apps: [{ ...seed.apps[0], certificatePem }] } });
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({
      iss: CLIENT_ID,
      sub: CLIENT_ID,
      aud: `${h.url}/${PARTNER_TENANT}/oauth2/v2.0/token`,
      exp: Math.floor(Date.now() / 1000) + 600,
      jti: crypto.randomUUID(),
    })}`;
    const assertion = `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
    const withAssertion = (clientAssertion: string): Promise<Response> =>
      requestToken(h.url, {
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        scope: SCOPE,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
      });
    expect((await withAssertion(assertion)).status).toBe(200);
    const forged = `${unsigned}.${Buffer.from('forged').toString('base64url')}`;
    expect((await withAssertion(forged)).status).toBe(401);

    // msal-node signs its own assertion (PS256 with a SHA-256 thumbprint): the emulator verifies it too.
    const host = new URL(h.url).host;
    const metadata = await (
      await fetch(`${h.url}/${PARTNER_TENANT}/v2.0/.well-known/openid-configuration`)
    ).text();
    const thumbprintSha256 = new X509Certificate(certificatePem).fingerprint256.replace(/:/g, '');
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: CLIENT_ID,
        clientCertificate: { thumbprintSha256, privateKey },
        authority: `https://${host}/${PARTNER_TENANT}`,
        knownAuthorities: [host],
        authorityMetadata: metadata,
      },
    });
    const result = await msal.acquireTokenByClientCredential({ scopes: [SCOPE] });
    expect((await call(h.url, result?.accessToken, 'GET', '/v1/customers')).status).toBe(200);
  });

  it('checks the bearer on every call', async () => {
    expect((await call(h.url, undefined, 'GET', '/v1/customers')).status).toBe(401);
    const unknown = await call(h.url, 'made-up', 'GET', '/v1/customers');
    expect(unknown.status).toBe(401);
    expect(await jsonOf(unknown)).toEqual(
      expect.objectContaining({ code: 401, description: expect.any(String) as unknown }),
    );

    // Scenario time jumping ahead does not touch tokens: the client's token cache runs on the wall clock.
    const token = await appToken(h.url);
    await h.clock.advance(30 * 24 * 3600 * 1000);
    expect((await call(h.url, token, 'GET', '/v1/customers')).status).toBe(200);
  });

  it('lets tokens expire after expires_in on the token clock', async () => {
    const tokenClock = new VirtualClock(Date.UTC(2026, 0, 15));
    await h.emulator.close();
    h = await startHarness({ tokenClock, tokenTtlMs: 10 * 60 * 1000 });
    const response = await requestAppToken(h.url);
    expect((await jsonOf(response)).expires_in).toBe(600);
    const token = await appToken(h.url);
    await tokenClock.advance(10 * 60 * 1000 - 1);
    expect((await call(h.url, token, 'GET', '/v1/customers')).status).toBe(200);
    await tokenClock.advance(1);
    expect((await call(h.url, token, 'GET', '/v1/customers')).status).toBe(401);
  });

  it('applies the app-only vs App+User rule per endpoint', async () => {
    const app = await appToken(h.url);
    const user = await userToken(h.url);
    const userOnly = [
      '/v1/agreements?agreementType=MicrosoftCustomerAgreement',
      `/v1/customers/${CUSTOMERS.attested}/agreements?agreementType=MicrosoftCustomerAgreement`,
      directSignedStatusPath(CUSTOMERS.direct),
    ];
    for (const path of userOnly) {
      expect((await call(h.url, app, 'GET', path)).status).toBe(403);
      expect((await call(h.url, user, 'GET', path)).status).toBe(200);
    }
    const attestation = {
      country: 'JP',
      language: 'ja-JP',
      companyName: 'Example KK',
      signatoryFirstName: 'Kei',
      signatoryLastName: 'Example',
      signatoryEmail: 'kei@example.com',
    };
    expect((await call(h.url, user, 'POST', '/v1/attestations/enhanced', attestation)).status).toBe(403);
    expect((await call(h.url, app, 'POST', '/v1/attestations/enhanced', attestation)).status).toBe(201);
    for (const path of ['/v1/customers?size=2', '/v1/auditrecords?startDate=2026-01-01']) {
      expect((await call(h.url, app, 'GET', path)).status).toBe(200);
      expect((await call(h.url, user, 'GET', path)).status).toBe(200);
    }
  });

  it('refuses App+User tokens without an MFA claim from 2026-04-01 (code 900421)', async () => {
    const path = directSignedStatusPath(CUSTOMERS.direct);
    const noMfa = await userToken(h.url, REFRESH_TOKEN_WITHOUT_MFA);
    expect((await call(h.url, noMfa, 'GET', path)).status).toBe(200);
    await h.clock.advanceTo(Date.UTC(2026, 3, 1));
    const later = await userToken(h.url, REFRESH_TOKEN_WITHOUT_MFA);
    const refused = await call(h.url, later, 'GET', path);
    expect(refused.status).toBe(401);
    expect(await jsonOf(refused)).toEqual(expect.objectContaining({ code: 900421 }));
  });

  it('works with msal-node through documented options (https authority + authorityMetadata + knownAuthorities)', async () => {
    const metadata = await (
      await fetch(`${h.url}/${PARTNER_TENANT}/v2.0/.well-known/openid-configuration`)
    ).text();
    const host = new URL(h.url).host;
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        authority: `https://${host}/${PARTNER_TENANT}`,
        knownAuthorities: [host],
        authorityMetadata: metadata,
      },
    });
    const app = await msal.acquireTokenByClientCredential({ scopes: [SCOPE] });
    expect(app?.accessToken).toBeTruthy();
    expect((await call(h.url, app!.accessToken, 'GET', '/v1/customers')).status).toBe(200);

    const user = await msal.acquireTokenByRefreshToken({ refreshToken: REFRESH_TOKEN, scopes: [SCOPE] });
    expect(user?.accessToken).toBeTruthy();
    const status = await call(h.url, user!.accessToken, 'GET', directSignedStatusPath(CUSTOMERS.direct));
    expect(await jsonOf(status)).toEqual({ isSigned: true });
  });

  it('rotates refresh tokens as Entra does: a new one per refresh, each valid for 90 days from its issue', async () => {
    const refresh = async (token: string) => {
      const reply = await requestUserToken(h.url, token);
      return { status: reply.status, body: await jsonOf<Record<string, unknown>>(reply) };
    };
    const first = await refresh(REFRESH_TOKEN);
    expect(first.status).toBe(200);
    const rotated = first.body.refresh_token as string;
    expect(rotated).toEqual(expect.any(String));
    expect(rotated).not.toBe(REFRESH_TOKEN);

    await h.clock.advance(60 * DAY);
    const second = await refresh(rotated);
    expect(second.body.refresh_token).not.toBe(rotated);
    // The older token is not revoked by the newer one: it lives until its own expiry.
    expect((await refresh(REFRESH_TOKEN)).status).toBe(200);

    await h.clock.advance(30 * DAY); // day 90 since the seeded token was first used
    const expired = await refresh(REFRESH_TOKEN);
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual(expect.objectContaining({ error: 'invalid_grant', error_codes: [700082] }));
    expect((await refresh(rotated)).status).toBe(400);
    expect((await refresh(second.body.refresh_token as string)).status).toBe(200);
  });
});

describe('Partner Center emulator: authorization-code sign-in (mca auth refresh-token)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.emulator.close();
  });

  const REDIRECT_URI = 'http://localhost:8400';
  const verifier = 'a-pkce-code-verifier-of-enough-length-0123456789abcdef';
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  async function authorize(query: Record<string, string>): Promise<Response> {
    const params = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation offline_access',
      state: 'state-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...query,
    });
    return fetch(`${h.url}/${PARTNER_TENANT}/oauth2/v2.0/authorize?${params.toString()}`, {
      redirect: 'manual',
    });
  }

  function codeFrom(response: Response): string {
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location') ?? '');
    expect(`${back.origin}`).toBe(REDIRECT_URI);
    expect(back.searchParams.get('state')).toBe('state-123');
    return back.searchParams.get('code') ?? '';
  }

  const redeem = (code: string, overrides: Record<string, string> = {}) =>
    requestToken(h.url, {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation offline_access openid profile',
      ...overrides,
    });

  it('redirects to the loopback with a code that buys an App+User token and an MFA refresh token, once', async () => {
    const code = codeFrom(await authorize({}));
    const first = await redeem(code);
    expect(first.status).toBe(200);
    const body = await jsonOf<{ access_token: string; refresh_token: string }>(first);
    expect(body.refresh_token).toMatch(/^pce-rt-mfa\./);
    const agreements = await call(
      h.url,
      body.access_token,
      'GET',
      '/v1/agreements?agreementType=MicrosoftCustomerAgreement',
    );
    expect(agreements.status).toBe(200);
    expect((await requestUserToken(h.url, body.refresh_token)).status).toBe(200);

    const again = await redeem(code);
    expect(again.status).toBe(400);
    expect(await jsonOf(again)).toEqual(
      expect.objectContaining({ error: 'invalid_grant', error_codes: [70008] }),
    );
  });

  it.each([
    ['a wrong PKCE verifier', { code_verifier: 'not-the-verifier' }],
    ['another redirect URI', { redirect_uri: 'http://localhost:8401' }],
  ])('refuses the code with %s', async (_case, overrides) => {
    const refused = await redeem(codeFrom(await authorize({})), overrides);
    expect(refused.status).toBe(400);
    expect(await jsonOf(refused)).toEqual(expect.objectContaining({ error: 'invalid_grant' }));
  });

  it('sends nothing to a redirect URI that is not loopback http, and answers other problems at the redirect', async () => {
    const remote = await authorize({ redirect_uri: 'https://attacker.example/callback' });
    expect(remote.status).toBe(400);
    expect(remote.headers.get('location')).toBeNull();
    const unknownApp = await authorize({ client_id: crypto.randomUUID() });
    expect(unknownApp.status).toBe(400);

    const implicit = await authorize({ response_type: 'token' });
    expect(new URL(implicit.headers.get('location') ?? '').searchParams.get('error')).toBe(
      'unsupported_response_type',
    );
    const plainPkce = await authorize({ code_challenge_method: 'plain' });
    expect(new URL(plainPkce.headers.get('location') ?? '').searchParams.get('error')).toBe(
      'invalid_request',
    );
  });
});
