/**
 * Builds the Partner Center client from the validated settings: the credential kind picks the msal
 * options, a refresh token adds App+User, and every client built from one config shares one limiter
 * sized by PARTNER_CENTER_MAX_REQUESTS_PER_SECOND / PARTNER_CENTER_MAX_CONCURRENCY.
 */
import type { PartnerCenterConfig } from '../config';
import type { MsalAppOptions } from './msal-configuration';
import {
  createPartnerCenterClient,
  type PartnerCenterClient,
  type PartnerCenterClientOptions,
} from './partner-center.client';
import { createRateLimiter, type RateLimiter } from './rate-limiter';
import { createAppOnlyTokenProvider, createAppUserTokenProvider } from './token-providers';

// The config is loaded once per process and frozen, so keying on it shares the limiter process-wide.
const limiters = new WeakMap<PartnerCenterConfig, RateLimiter>();

function sharedLimiter(config: PartnerCenterConfig): RateLimiter {
  let limiter = limiters.get(config);
  if (!limiter) {
    limiter = createRateLimiter({
      requestsPerSecond: config.maxRequestsPerSecond,
      maxConcurrency: config.maxConcurrency,
    });
    limiters.set(config, limiter);
  }
  return limiter;
}

export function msalOptionsFromConfig(config: PartnerCenterConfig): MsalAppOptions {
  const { authority, clientId, credential } = config;
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

/** `options` are for tests and the local host (clock, retry policy); settings come from `config`. */
export function createPartnerCenterClientFromConfig(
  config: PartnerCenterConfig,
  options: Omit<PartnerCenterClientOptions, 'baseUrl' | 'tokens' | 'rateLimiter'> = {},
): PartnerCenterClient {
  const msal = msalOptionsFromConfig(config);
  const appUser = config.refreshToken
    ? createAppUserTokenProvider({ ...msal, refreshToken: config.refreshToken.reveal() })
    : undefined;
  return createPartnerCenterClient({
    ...options,
    baseUrl: config.baseUrl,
    tokens: { appOnly: createAppOnlyTokenProvider(msal), appUser },
    rateLimiter: sharedLimiter(config),
  });
}
