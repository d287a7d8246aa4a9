/**
 * The Partner Center client as the settings describe it: token providers for the configured
 * credential (App+User too when a refresh token is set, rotating it through the given store), the base
 * URL, authority and attestation API version, and a rate limiter sized by
 * PARTNER_CENTER_MAX_REQUESTS_PER_SECOND / _MAX_CONCURRENCY.
 * Every client built from one (frozen, once-loaded) config shares one limiter: the process's quota;
 * given a budget store, that limiter also draws from the app-wide budget (ADR 0007).
 */
import type { PartnerCenterConfig, AppConfig } from '../config';
import type { TokenProviders } from './endpoint-auth';
import type { MsalAppOptions } from './msal-configuration';
import { createPartnerCenterClient, type PartnerCenterClient } from './partner-center.client';
import { createRateLimiter, type RateLimiter } from './rate-limiter';
import {
  createWebhookRegistrationClient,
  type WebhookRegistrationClient,
} from './webhook-registration.client';
import { createSharedBudget, type BudgetStore } from './shared-budget';
import type { RefreshTokenStore } from './refresh-token-store';
import { createAppOnlyTokenProvider, createAppUserTokenProvider } from './token-providers';

export interface PartnerCenterClientDeps {
  /** Waits between retries and for the rate limiter; real time when omitted. */
  sleep?: (ms: number) => Promise<void>;
  /** Time for retry budgets and the rate limiter (not tokens: msal's expiry runs on the wall clock). */
  now?: () => number;
  /** Overrides the limiter built from the settings, e.g. to share one across clients. */
  rateLimiter?: RateLimiter;
  /** Where the newest App+User refresh token is kept (see refresh-token-store.ts). Default: memory. */
  refreshTokenStore?: RefreshTokenStore;
  /** Where the app-wide request budget is counted; without it the rate holds per process only. */
  budgetStore?: BudgetStore;
  /** Token-store and budget-table problems (never a token). */
  warn?: (message: string) => void;
}

const limiters = new WeakMap<PartnerCenterConfig, RateLimiter>();

function sharedLimiter(settings: PartnerCenterConfig, deps: PartnerCenterClientDeps): RateLimiter {
  let limiter = limiters.get(settings);
  if (!limiter) {
    const budget =
      deps.budgetStore &&
      createSharedBudget({
        requestsPerSecond: settings.maxRequestsPerSecond,
        maxInstances: settings.maxInstances,
        store: deps.budgetStore,
        now: deps.now,
        sleep: deps.sleep,
        warn: deps.warn ?? ((message) => console.warn(message)),
      });
    limiter = createRateLimiter({
      requestsPerSecond: settings.maxRequestsPerSecond,
      maxConcurrency: settings.maxConcurrency,
      budget,
      now: deps.now,
      sleep: deps.sleep,
    });
    limiters.set(settings, limiter);
  }
  return limiter;
}

export function createPartnerCenterClientFromConfig(
  config: AppConfig,
  deps: PartnerCenterClientDeps = {},
): PartnerCenterClient {
  const settings = config.partnerCenter;
  // An indirect reseller has no Partner Center API access (config.ts leaves its settings undefined).
  if (!settings) throw new Error(`PARTNER_TYPE ${config.partnerType} has no Partner Center client`);
  return createPartnerCenterClient({
    baseUrl: settings.baseUrl,
    tokens: partnerCenterTokenProviders(settings, deps),
    attestationApiVersion: settings.attestationApiVersion,
    rateLimiter: deps.rateLimiter ?? sharedLimiter(settings, deps),
    sleep: deps.sleep,
    now: deps.now,
  });
}

/** The webhook registration API (the operator CLI) with the same credentials and limiter. */
export function createWebhookRegistrationClientFromConfig(
  settings: PartnerCenterConfig,
  deps: PartnerCenterClientDeps = {},
): WebhookRegistrationClient {
  return createWebhookRegistrationClient({
    baseUrl: settings.baseUrl,
    tokens: partnerCenterTokenProviders(settings, deps),
    rateLimiter: deps.rateLimiter ?? sharedLimiter(settings, deps),
  });
}

export function partnerCenterTokenProviders(
  settings: PartnerCenterConfig,
  deps: Pick<PartnerCenterClientDeps, 'refreshTokenStore' | 'warn'> = {},
): TokenProviders {
  const app = msalOptionsFor(settings);
  const { refreshToken } = settings;
  return {
    appOnly: createAppOnlyTokenProvider(app),
    appUser:
      refreshToken === undefined
        ? undefined
        : createAppUserTokenProvider({
            ...app,
            refreshToken: refreshToken.reveal(),
            store: deps.refreshTokenStore,
            warn: deps.warn,
          }),
  };
}

export function msalOptionsFor(settings: PartnerCenterConfig): MsalAppOptions {
  const { authority, clientId, credential } = settings;
  if (credential.kind === 'secret') {
    return { authority, clientId, clientSecret: credential.clientSecret.reveal() };
  }
  const privateKey = credential.privateKeyPem.reveal();
  const clientCertificate =
    credential.thumbprintAlgorithm === 'sha256'
      ? { privateKey, thumbprintSha256: credential.thumbprint }
      : { privateKey, thumbprint: credential.thumbprint };
  return { authority, clientId, clientCertificate };
}
