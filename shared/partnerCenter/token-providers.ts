/**
 * Access tokens for Partner Center, App-only (client credentials) and App+User (the secure application
 * model: a refresh token obtained once by a partner admin with MFA, exchanged for access tokens).
 */
import {
  AuthError,
  ClientConfigurationError,
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  ServerError,
  type AuthenticationResult,
} from '@azure/msal-node';
import { z } from 'zod';
import { MfaRequired, PartnerCenterError, Transient, Unauthorized } from './errors';
import { buildMsalConfiguration, type MsalAppOptions } from './msal-configuration';
import { createMemoryRefreshTokenStore, type RefreshTokenStore } from './refresh-token-store';

/**
 * The refresh token was refused for good (invalid_grant: expired, revoked, or malformed): a partner
 * admin must consent again with MFA. An operator alert, never a customer's failure.
 */
export class RefreshTokenRejected extends Unauthorized {}

export interface TokenProvider {
  getToken(): Promise<string>;
}

export const partnerCenterScope = 'https://api.partnercenter.microsoft.com/.default';

/** App-only: msal caches the token and fetches a new one when it is within 5 minutes of expiry. */
export function createAppOnlyTokenProvider(options: MsalAppOptions): TokenProvider {
  const app = new ConfidentialClientApplication(buildMsalConfiguration(options));
  return {
    async getToken() {
      const result = await acquire('acquireAppOnlyToken', () =>
        app.acquireTokenByClientCredential({ scopes: [partnerCenterScope] }),
      );
      return result.accessToken;
    },
  };
}

export interface AppUserTokenOptions extends MsalAppOptions {
  /** The refresh token from the settings: used until a newer one is stored. */
  refreshToken: string;
  /** Keeps the newest refresh token across exchanges and restarts. Default: memory only. */
  store?: RefreshTokenStore;
  /** Store failures (never the token itself). */
  warn?: (message: string) => void;
  /** Fetch a new access token this long before the current one expires. */
  refreshBeforeExpiryMs?: number;
  now?: () => number;
}

/**
 * App+User: msal does not look in its cache for `acquireTokenByRefreshToken`, so the access token is
 * kept here until shortly before `expiresOn`. Concurrent callers share one exchange (single flight).
 *
 * Rotation: every exchange answers with a new refresh token, and each refresh token expires 90 days
 * after it was issued. msal-node does not return it, but keeps it in its token cache (one entry per
 * account, replaced by each exchange): the rotated token is the RefreshToken entry of the serialized
 * cache (msal's documented cache serialization) that was not there before the exchange. The cache is
 * not cleared: it also holds msal's throttling state, which keeps retries from hammering Entra. The newest token is used for every exchange and written
 * to the store; at start the stored one wins over the setting. When the token in use is refused, the
 * stored and configured ones are tried before giving up: an operator who re-consented may have put a
 * new one in either place.
 */
export function createAppUserTokenProvider(options: AppUserTokenOptions): TokenProvider {
  const app = new ConfidentialClientApplication(buildMsalConfiguration(options));
  const store = options.store ?? createMemoryRefreshTokenStore();
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const now = options.now ?? Date.now;
  const refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? 5 * 60_000;
  let newest: string | undefined;
  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function stored(): Promise<string | undefined> {
    try {
      return await store.read();
    } catch (error) {
      warn(`Reading the stored Partner Center refresh token failed: ${errorName(error)}`);
      return undefined;
    }
  }

  async function save(token: string): Promise<void> {
    try {
      await store.write(token);
    } catch (error) {
      // The token stays in memory and the next exchange writes again.
      warn(`Storing the rotated Partner Center refresh token failed: ${errorName(error)}`);
    }
  }

  async function exchange(refreshToken: string): Promise<AuthenticationResult & { rotated?: string }> {
    const cache = app.getTokenCache();
    const known = new Set(refreshTokensInCache(cache.serialize()));
    const result = await acquire('acquireAppUserToken', () =>
      app.acquireTokenByRefreshToken({ refreshToken, scopes: [partnerCenterScope] }),
    );
    return { ...result, rotated: refreshTokensInCache(cache.serialize()).find((t) => !known.has(t)) };
  }

  async function fetchToken(): Promise<string> {
    const tried = new Set<string>();
    let token = newest ?? (await stored()) ?? options.refreshToken;
    for (;;) {
      tried.add(token);
      let result;
      try {
        result = await exchange(token);
      } catch (error) {
        if (!(error instanceof RefreshTokenRejected)) throw error;
        const next = [await stored(), options.refreshToken].find((t) => t !== undefined && !tried.has(t));
        if (next === undefined) throw error;
        token = next;
        continue;
      }
      newest = result.rotated ?? token;
      if (newest !== token) await save(newest);
      const expiresAt = result.expiresOn?.getTime() ?? now();
      cached = { token: result.accessToken, renewAt: expiresAt - refreshBeforeExpiryMs };
      return result.accessToken;
    }
  }

  return {
    getToken() {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
      inFlight ??= fetchToken().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/** The refresh tokens in a serialized msal cache (msal keeps one per account: the newest it got). */
export function refreshTokensInCache(serializedCache: string): string[] {
  const parsed = cacheSchema.safeParse(JSON.parse(serializedCache));
  if (!parsed.success) return [];
  return Object.values(parsed.data.RefreshToken ?? {}).flatMap((entry) => entry.secret ?? []);
}

const cacheSchema = z.object({
  RefreshToken: z.record(z.string(), z.object({ secret: z.string().optional() })).optional(),
});

function errorName(error: unknown): string {
  // Names and status codes only: SDK messages may quote request details.
  if (!(error instanceof Error)) return 'unknown error';
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? ` ${error.statusCode}` : '';
  return `${error.name}${status}`;
}

// AADSTS codes Entra answers when the user behind the refresh token must (re)do MFA.
const mfaAadstsCodes = new Set(['50072', '50074', '50076', '50079']);
// msal's network failures, a body that is not JSON (msal drops the status then: in practice a gateway
// page in front of Entra), and the OAuth 2.0 error codes for a server that cannot answer right now
// (RFC 6749 section 5.2). msal leaves `status` unset on the refresh-token flow, so the code is what counts.
const transientErrorCodes = new Set([
  'network_error',
  'no_network_connectivity',
  'endpoints_resolution_error',
  'token_parsing_error',
  'temporarily_unavailable',
  'server_error',
]);

async function acquire(
  operation: string,
  request: () => Promise<AuthenticationResult | null>,
): Promise<AuthenticationResult> {
  let result: AuthenticationResult | null;
  try {
    result = await request();
  } catch (error) {
    throw toTokenError(operation, error);
  }
  if (!result?.accessToken) throw new Unauthorized({ operation }, false, 'no access token returned');
  return result;
}

/**
 * Worth retrying later: a 429 or 5xx, a network failure, an OAuth "try again later" code, or msal
 * replaying a cached 429/5xx. After such an answer msal refuses the same token request locally until
 * Retry-After (60 s when absent) with a ServerError whose errorCode is the cached numeric `error_codes`
 * (often empty) instead of an OAuth error name, and without a status.
 */
function isTransient(error: AuthError, status: number | undefined): boolean {
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (transientErrorCodes.has(error.errorCode)) return true;
  return error instanceof ServerError && status === undefined && /^[\d ]*$/.test(error.errorCode);
}

/** Keeps msal's error codes, drops its messages (Entra descriptions can name the user). */
function toTokenError(operation: string, error: unknown): Error {
  if (error instanceof ClientConfigurationError) return error;
  if (!(error instanceof AuthError)) {
    return error instanceof Error ? error : new PartnerCenterError({ operation, cause: error });
  }
  const status = error instanceof ServerError ? error.status : undefined;
  const errorNo: unknown =
    error instanceof ServerError || error instanceof InteractionRequiredAuthError ? error.errorNo : undefined;
  // Entra sends error_codes as numbers although msal types them as strings.
  const aadsts = typeof errorNo === 'string' || typeof errorNo === 'number' ? String(errorNo) : undefined;
  const summary = [error.errorCode, aadsts && `AADSTS${aadsts}`].filter(Boolean).join(' ');
  // No `cause`: msal messages carry Entra descriptions, which may name the user.
  const details = { operation, status };
  if (aadsts && mfaAadstsCodes.has(aadsts)) return new MfaRequired(details, false, summary);
  if (error.errorCode === 'invalid_grant') return new RefreshTokenRejected(details, false, summary);
  if (isTransient(error, status)) return new Transient(details, summary);
  if (error instanceof ServerError || error instanceof InteractionRequiredAuthError) {
    return new Unauthorized(details, false, summary);
  }
  return new PartnerCenterError(details, false, summary);
}
