/** Shared set-up for the Partner Center emulator tests: a started emulator on a virtual clock, and tokens. */
import { VirtualClock } from '../../../local/clock';
import {
  startPartnerCenterEmulator,
  type PartnerCenterEmulator,
  type PartnerCenterEmulatorOptions,
} from '../../../local/emulators/partner-center/partner-center.emulator';
import { loadSeed } from '../../../local/emulators/partner-center/seed';

export const seed = loadSeed(undefined);
const app = seed.apps[0];
export const PARTNER_TENANT = seed.partner.tenantId;
export const CLIENT_ID = app.clientId;
export const CLIENT_SECRET = app.clientSecret;
export const REFRESH_TOKEN = app.refreshTokens.find((r) => r.mfa)!.token;
export const REFRESH_TOKEN_WITHOUT_MFA = app.refreshTokens.find((r) => !r.mfa)!.token;
export const SCOPE = 'https://api.partnercenter.microsoft.com/.default';
export const MCA_TEMPLATE_ID = '117a77b0-9360-443b-8795-c6dedc750cf9';

/** Seeded customers by role (see seed.json). */
export const CUSTOMERS = {
  direct: 'c0000000-0000-4000-8000-000000000001',
  attested: 'c0000000-0000-4000-8000-000000000002',
  stale: 'c0000000-0000-4000-8000-000000000003',
  none: 'c0000000-0000-4000-8000-000000000004',
  indirect: 'c0000000-0000-4000-8000-000000000005',
} as const;

/** The App+User read of whether a customer signed the MCA directly (Partner Center REST). */
export const directSignedStatusPath = (customerId: string): string =>
  `/v1/customers/${customerId}/directSignedMicrosoftCustomerAgreementStatus`;

export interface Harness {
  emulator: PartnerCenterEmulator;
  clock: VirtualClock;
  url: string;
}

export async function startHarness(options: PartnerCenterEmulatorOptions = {}): Promise<Harness> {
  const clock = (options.clock as VirtualClock | undefined) ?? new VirtualClock(Date.UTC(2026, 0, 15, 9));
  const emulator = await startPartnerCenterEmulator({ port: 0, host: '127.0.0.1', ...options, clock });
  return { emulator, clock, url: emulator.url };
}

/** The emulator of the running test, with its tokens; see emulatorPerTest. */
export interface TestEmulator extends Harness {
  /** An app-only (client credentials) token. */
  readonly appToken: string;
  /** An App+User token from the seeded MFA refresh token; only when asked for. */
  readonly userToken: string;
}

/**
 * Starts a fresh emulator before each test of the enclosing `describe` (and takes the tokens asked for)
 * and closes it after each. The returned object reads the running test's emulator: use it in tests
 * and hooks, not while the `describe` body runs.
 */
export function emulatorPerTest(
  options: PartnerCenterEmulatorOptions = {},
  tokens: { user?: boolean } = {},
): TestEmulator {
  let current: (Harness & { appToken?: string; userToken?: string }) | undefined;
  beforeEach(async () => {
    current = await startHarness(options);
    current.appToken = await appToken(current.url);
    if (tokens.user) current.userToken = await userToken(current.url);
  });
  afterEach(async () => {
    await current?.emulator.close();
    current = undefined;
  });
  const running = () => {
    if (!current) throw new Error('the emulator runs only while a test does');
    return current;
  };
  const required = (value: string | undefined, name: string): string => {
    if (value === undefined) throw new Error(`${name} was not asked for (emulatorPerTest's tokens)`);
    return value;
  };
  return {
    get emulator() {
      return running().emulator;
    },
    get clock() {
      return running().clock;
    },
    get url() {
      return running().url;
    },
    get appToken() {
      return required(running().appToken, 'appToken');
    },
    get userToken() {
      return required(running().userToken, 'userToken');
    },
  };
}

export async function requestToken(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${url}/${PARTNER_TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

export function requestAppToken(url: string, overrides: Record<string, string> = {}): Promise<Response> {
  return requestToken(url, {
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    scope: SCOPE,
    ...overrides,
  });
}

export function requestUserToken(url: string, refreshToken = REFRESH_TOKEN): Promise<Response> {
  return requestToken(url, {
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    refresh_token: refreshToken,
    scope: `${SCOPE} offline_access openid profile`,
  });
}

async function accessToken(response: Promise<Response>): Promise<string> {
  const res = await response;
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export const appToken = (url: string): Promise<string> => accessToken(requestAppToken(url));
export const userToken = (url: string, refreshToken?: string): Promise<string> =>
  accessToken(requestUserToken(url, refreshToken));

/** A Partner Center call with a bearer token; JSON body when given. */
export function call(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
}

export async function jsonOf<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
