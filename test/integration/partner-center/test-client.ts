/** Builds the real client (real msal token providers) against a FakePartnerCenter. */
import {
  createAppOnlyTokenProvider,
  createAppUserTokenProvider,
  createPartnerCenterClient,
  createRateLimiter,
  type PartnerCenterClient,
  type PartnerCenterClientOptions,
  type TokenProviders,
} from '../../../shared/partnerCenter';
import type { FakePartnerCenter } from './fake-partner-center.server';

export interface TestClient {
  client: PartnerCenterClient;
  /** Every wait the client asked for, in ms. */
  sleeps: number[];
}

export function credentialsFor(fake: FakePartnerCenter) {
  return { authority: fake.authority, clientId: 'test-client-id', clientSecret: 'test-secret' };
}

export function tokenProvidersFor(fake: FakePartnerCenter): Required<TokenProviders> {
  const credentials = credentialsFor(fake);
  return {
    appOnly: createAppOnlyTokenProvider(credentials),
    appUser: createAppUserTokenProvider({ ...credentials, refreshToken: 'test-refresh-token' }),
  };
}

export function createTestClient(
  fake: FakePartnerCenter,
  overrides: Partial<PartnerCenterClientOptions> = {},
): TestClient {
  const sleeps: number[] = [];
  const client = createPartnerCenterClient({
    baseUrl: fake.origin,
    tokens: tokenProvidersFor(fake),
    rateLimiter: createRateLimiter({ requestsPerSecond: 1000, maxConcurrency: 10 }),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...overrides,
  });
  return { client, sleeps };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export const customerTenantId = '4a9c2a44-1a55-4d2c-9d0e-2f0b1f6d3c11';
export const mcaTemplateId = '117a77b0-9360-443b-8795-c6dedc750cf9';
