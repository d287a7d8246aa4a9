/**
 * The Entra ID stand-in: OIDC metadata, instance discovery, the sign-in of the authorization-code flow
 * and the v2.0 token endpoint (client credentials with a secret or a client assertion, authorization
 * codes, refresh tokens), plus the bearer check every Partner Center route goes through.
 */
import { constants, createHash, randomBytes, verify } from 'node:crypto';
import type { Clock } from '../../clock';
import { ErrorCodes, MFA_ENFORCED_FROM } from './error-codes';
import type { RegisteredApp, StateStore, TokenRecord } from './emulator-state';
import { entraError, json, pcError, type Reply } from './http-kit';
import type { AuthRule, RequestContext, Route } from './router';

export const PARTNER_CENTER_RESOURCE = 'https://api.partnercenter.microsoft.com';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AuthDeps {
  store: StateStore;
  /** Scenario time: the MFA enforcement date, refresh-token expiry. */
  clock: Clock;
  /**
   * Token time: access-token and client-assertion expiry. The client's token cache (msal-node) runs on
   * the wall clock, so this is the real clock unless a test wants to drive expiry itself.
   */
  tokenClock: Clock;
  tokenTtlMs: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function authRoutes(deps: AuthDeps): Route[] {
  const codes = new AuthorizationCodes();
  return [
    {
      method: 'GET',
      pattern: '/:tenant/oauth2/v2.0/authorize',
      auth: 'none',
      handler: (ctx) => authorize(ctx, deps, codes),
    },
    {
      method: 'GET',
      pattern: '/:tenant/v2.0/.well-known/openid-configuration',
      auth: 'none',
      handler: (ctx) => openIdConfiguration(ctx, deps),
    },
    { method: 'GET', pattern: '/common/discovery/instance', auth: 'none', handler: instanceDiscovery },
    {
      method: 'GET',
      pattern: '/:tenant/discovery/v2.0/keys',
      auth: 'none',
      handler: () => json(200, { keys: [] }),
    },
    {
      method: 'POST',
      pattern: '/:tenant/oauth2/v2.0/token',
      auth: 'none',
      handler: (ctx) => issueToken(ctx, deps, codes),
    },
  ];
}

function knownTenant(tenant: string, deps: AuthDeps): boolean {
  const t = tenant.toLowerCase();
  return t === deps.store.state.partner.tenantId.toLowerCase() || t === 'common' || t === 'organizations';
}

function openIdConfiguration(ctx: RequestContext, deps: AuthDeps): Reply {
  const tenant = ctx.params.tenant ?? '';
  if (!knownTenant(tenant, deps)) return tenantNotFound(tenant);
  const base = `${ctx.baseUrl}/${tenant}`;
  return json(200, {
    // The issuer is an identifier, never fetched. msal-node requires an https authority and accepts
    // an issuer with the same scheme and host, so it names the https form of this host.
    issuer: `${ctx.baseUrl.replace(/^http:/, 'https:')}/${tenant}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    tenant_region_scope: 'WW',
    cloud_instance_name: 'partner-center-emulator.invalid',
  });
}

function instanceDiscovery(ctx: RequestContext): Reply {
  const authorizationEndpoint = ctx.url.searchParams.get('authorization_endpoint') ?? '';
  let tenant = 'common';
  try {
    tenant = new URL(authorizationEndpoint).pathname.split('/').filter(Boolean)[0] ?? 'common';
  } catch {
    // Keep "common" for a missing or unparsable authorization_endpoint, as the real service does.
  }
  const host = new URL(ctx.baseUrl).host;
  return json(200, {
    tenant_discovery_endpoint: `${ctx.baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

function tenantNotFound(tenant: string): Reply {
  return entraError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
}

function issueToken(ctx: RequestContext, deps: AuthDeps, codes: AuthorizationCodes): Reply {
  const tenant = ctx.params.tenant ?? '';
  if (tenant.toLowerCase() !== deps.store.state.partner.tenantId.toLowerCase()) return tenantNotFound(tenant);
  const form = new URLSearchParams(ctx.body.toString('utf8'));
  const clientId = form.get('client_id') ?? '';
  const app = deps.store.state.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  if (!app) {
    return entraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found.`,
    );
  }
  const clientAuthProblem = authenticateClient(form, app, deps.tokenClock.now());
  if (clientAuthProblem) return clientAuthProblem;
  const scope = form.get('scope') ?? '';
  if (!scope.split(' ').some((s) => s.startsWith(`${PARTNER_CENTER_RESOURCE}/`))) {
    return entraError(400, 'invalid_scope', 70011, `The provided value for scope '${scope}' is not valid.`);
  }
  const grantType = form.get('grant_type');
  if (grantType === 'client_credentials') {
    if (!scope.split(' ').includes(`${PARTNER_CENTER_RESOURCE}/.default`)) {
      return entraError(
        400,
        'invalid_scope',
        1002012,
        'The scope for client credentials must end with /.default.',
      );
    }
    return tokenResponse(deps, { kind: 'app', clientId: app.clientId, mfa: false }, scope);
  }
  if (grantType === 'refresh_token') return refreshGrant(form, app, scope, deps);
  if (grantType === 'authorization_code') return codeGrant(form, app, scope, deps, codes);
  return entraError(
    400,
    'unsupported_grant_type',
    70003,
    `The grant type '${grantType ?? ''}' is not supported.`,
  );
}

/** Entra's refresh tokens for confidential clients: 90 days, on the scenario clock. */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * As Entra does: every refresh answers with a new refresh token valid for 90 days from now, and the
 * one used stays valid until its own expiry (it is not revoked). A seeded token counts as issued when
 * it is first used. Expired rotated tokens are forgotten, so the state does not grow forever.
 */
function refreshGrant(form: URLSearchParams, app: RegisteredApp, scope: string, deps: AuthDeps): Reply {
  const presented = form.get('refresh_token') ?? '';
  const now = deps.clock.now();
  const user = app.refreshTokens.find((r) => r.token === presented);
  if (!user)
    return entraError(400, 'invalid_grant', 9002313, 'Invalid request. The refresh token is malformed.');
  if (user.expiresAt !== undefined && user.expiresAt <= now) {
    return entraError(
      400,
      'invalid_grant',
      700082,
      `The refresh token has expired due to inactivity. The token was issued on ${new Date(user.expiresAt - REFRESH_TOKEN_LIFETIME_MS).toISOString()} and was inactive for 90.00:00:00.`,
    );
  }
  const rotated = `${user.mfa ? 'pce-rt-mfa' : 'pce-rt'}.${randomBytes(32).toString('base64url')}`;
  deps.store.update((state) => {
    const stored = state.apps.find((a) => a.clientId === app.clientId);
    if (!stored) return;
    stored.refreshTokens = stored.refreshTokens.filter((r) => !r.rotated || (r.expiresAt ?? 0) > now);
    const used = stored.refreshTokens.find((r) => r.token === presented);
    if (used) used.expiresAt ??= now + REFRESH_TOKEN_LIFETIME_MS;
    stored.refreshTokens.push({
      token: rotated,
      userId: user.userId,
      mfa: user.mfa,
      expiresAt: now + REFRESH_TOKEN_LIFETIME_MS,
      rotated: true,
    });
  });
  const userToken = { kind: 'user' as const, clientId: app.clientId, userId: user.userId, mfa: user.mfa };
  return tokenResponse(deps, userToken, scope, { refresh_token: rotated });
}

/**
 * The sign-in of the authorization-code flow (what `mca auth refresh-token` drives). There is no page:
 * the partner's admin agent signs in at once, with MFA, and the browser goes straight back to the
 * loopback `redirect_uri` with `code` and `state`. PKCE (S256) is checked when a challenge is sent.
 * Only loopback http redirect URIs are accepted (the emulator knows no app registration's list).
 */
function authorize(ctx: RequestContext, deps: AuthDeps, codes: AuthorizationCodes): Reply {
  const tenant = ctx.params.tenant ?? '';
  if (!knownTenant(tenant, deps)) return tenantNotFound(tenant);
  const query = ctx.url.searchParams;
  const clientId = query.get('client_id') ?? '';
  const app = deps.store.state.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  if (!app) {
    return entraError(400, 'unauthorized_client', 700016, `Application '${clientId}' was not found.`);
  }
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!isLoopbackHttp(redirectUri)) {
    return entraError(400, 'invalid_request', 50011, 'The redirect URI must be a loopback http address.');
  }
  const back = new URL(redirectUri);
  const state = query.get('state');
  if (state !== null) back.searchParams.set('state', state);
  const challenge = query.get('code_challenge') ?? undefined;
  if (query.get('response_type') !== 'code') {
    back.searchParams.set('error', 'unsupported_response_type');
  } else if (challenge !== undefined && query.get('code_challenge_method') !== 'S256') {
    back.searchParams.set('error', 'invalid_request');
  } else {
    const userId = app.refreshTokens.find((r) => r.mfa)?.userId ?? EMULATOR_ADMIN_AGENT_ID;
    back.searchParams.set(
      'code',
      codes.issue({ clientId: app.clientId, redirectUri, challenge, userId }, deps),
    );
  }
  return { status: 302, headers: { location: back.href }, body: '' };
}

/** The admin agent who signs in when the app has no seeded MFA user. */
const EMULATOR_ADMIN_AGENT_ID = 'd0000000-0000-4000-8000-0000000000aa';
const CODE_LIFETIME_MS = 10 * 60_000;

function isLoopbackHttp(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string | undefined;
  userId: string;
  expiresAt: number;
}

/** Codes live in memory for ten minutes and are redeemed once, as Entra's are. */
class AuthorizationCodes {
  private readonly byCode = new Map<string, IssuedCode>();

  issue(code: Omit<IssuedCode, 'expiresAt'>, deps: AuthDeps): string {
    const now = deps.tokenClock.now();
    for (const [key, issued] of this.byCode) if (issued.expiresAt <= now) this.byCode.delete(key);
    const value = `pce-code.${randomBytes(24).toString('base64url')}`;
    this.byCode.set(value, { ...code, expiresAt: now + CODE_LIFETIME_MS });
    return value;
  }

  redeem(value: string, now: number): IssuedCode | undefined {
    const issued = this.byCode.get(value);
    this.byCode.delete(value);
    return issued && issued.expiresAt > now ? issued : undefined;
  }
}

/** Redeems a code for an access token and a refresh token (with the MFA claim) of the signed-in user. */
function codeGrant(
  form: URLSearchParams,
  app: RegisteredApp,
  scope: string,
  deps: AuthDeps,
  codes: AuthorizationCodes,
): Reply {
  const issued = codes.redeem(form.get('code') ?? '', deps.tokenClock.now());
  const invalidGrant = (message: string) => entraError(400, 'invalid_grant', 70008, message);
  if (!issued || issued.clientId !== app.clientId) {
    return invalidGrant('The provided authorization code is expired, used or invalid.');
  }
  if (form.get('redirect_uri') !== issued.redirectUri) {
    return invalidGrant('The redirect URI does not match the one the code was issued for.');
  }
  const verifier = form.get('code_verifier');
  if (issued.challenge !== undefined) {
    const computed = verifier === null ? '' : createHash('sha256').update(verifier).digest('base64url');
    if (computed !== issued.challenge)
      return invalidGrant('The code_verifier does not match the code_challenge.');
  }
  const refreshToken = `pce-rt-mfa.${randomBytes(32).toString('base64url')}`;
  const now = deps.clock.now();
  deps.store.update((state) => {
    state.apps
      .find((a) => a.clientId === app.clientId)
      ?.refreshTokens.push({
        token: refreshToken,
        userId: issued.userId,
        mfa: true,
        expiresAt: now + REFRESH_TOKEN_LIFETIME_MS,
        rotated: true,
      });
  });
  const userToken = { kind: 'user' as const, clientId: app.clientId, userId: issued.userId, mfa: true };
  return tokenResponse(deps, userToken, scope, { refresh_token: refreshToken });
}

/** Checks the client secret or client assertion; returns the error reply, or undefined when it is fine. */
function authenticateClient(form: URLSearchParams, app: RegisteredApp, now: number): Reply | undefined {
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    return secret === app.clientSecret
      ? undefined
      : entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
  }
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER) {
      return entraError(400, 'invalid_request', 50027, 'client_assertion_type must be jwt-bearer.');
    }
    const problem = assertionProblem(assertion, app, now);
    return problem === undefined ? undefined : entraError(401, 'invalid_client', 700027, problem);
  }
  return entraError(
    401,
    'invalid_client',
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}

function assertionProblem(assertion: string, app: RegisteredApp, now: number): string | undefined {
  const [headerPart, payloadPart, signaturePart] = assertion.split('.');
  if (headerPart === undefined || payloadPart === undefined || signaturePart === undefined) {
    return 'Client assertion is not a valid JWT.';
  }
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return 'Client assertion is not a valid JWT.';
  }
  if (!isRecord(header) || !isRecord(payload)) return 'Client assertion is not a valid JWT.';
  if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
    return 'Client assertion iss and sub must be the client id.';
  }
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= now) return 'Client assertion has expired.';
  if (app.certificatePem === undefined) return undefined;
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const key = { key: app.certificatePem };
  const valid =
    header.alg === 'PS256'
      ? verify(
          'sha256',
          signed,
          { ...key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          signature,
        )
      : header.alg === 'RS256' && verify('sha256', signed, key, signature);
  return valid ? undefined : 'Client assertion signature is not valid for the registered certificate.';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tokenResponse(
  deps: AuthDeps,
  token: Omit<TokenRecord, 'expiresAt'>,
  scope: string,
  extra: Record<string, string> = {},
): Reply {
  const accessToken = `pce.${randomBytes(32).toString('base64url')}`;
  const expiresIn = Math.floor(deps.tokenTtlMs / 1000);
  deps.store.update((state) => {
    // Forget expired tokens so the state does not grow forever.
    for (const [hash, record] of Object.entries(state.tokens)) {
      if (record.expiresAt <= deps.tokenClock.now()) delete state.tokens[hash];
    }
    state.tokens[hashToken(accessToken)] = { ...token, expiresAt: deps.tokenClock.now() + deps.tokenTtlMs };
  });
  return json(200, {
    token_type: 'Bearer',
    scope: scope
      .split(' ')
      .filter((s) => s.startsWith(PARTNER_CENTER_RESOURCE))
      .join(' '),
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: accessToken,
    ...extra,
  });
}

const WWW_AUTHENTICATE = { 'www-authenticate': 'OAuth realm=urn:cpsvc:cpid:emulator' };

/** The caller's token if it may call a route with `rule`, else the error reply. */
export function checkBearer(
  ctx: RequestContext,
  rule: AuthRule,
  deps: AuthDeps,
): { token: TokenRecord } | { reply: Reply } | undefined {
  if (rule === 'none') return undefined;
  const authorization = ctx.req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  const token = match?.[1] === undefined ? undefined : deps.store.state.tokens[hashToken(match[1])];
  if (!token || token.expiresAt <= deps.tokenClock.now()) {
    return {
      reply: pcError(
        401,
        ErrorCodes.unauthorized,
        'Unauthorized: Invalid Authorization header',
        WWW_AUTHENTICATE,
      ),
    };
  }
  if (rule === 'app' && token.kind !== 'app') {
    return {
      reply: pcError(403, ErrorCodes.wrongTokenType, 'This API accepts App-only authentication only.'),
    };
  }
  if (rule === 'user' && token.kind !== 'user') {
    return {
      reply: pcError(403, ErrorCodes.wrongTokenType, 'This API accepts App+User authentication only.'),
    };
  }
  if (token.kind === 'user' && !token.mfa && deps.clock.now() >= MFA_ENFORCED_FROM) {
    return {
      reply: pcError(
        401,
        ErrorCodes.mfaRequired,
        'The App+User access token must carry an MFA claim.',
        WWW_AUTHENTICATE,
      ),
    };
  }
  return { token };
}
