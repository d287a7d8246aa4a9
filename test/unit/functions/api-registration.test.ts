/**
 * What registerApi does with API_AUTH: in `appService` every route but `me` checks the App Service
 * principal before its handler runs (401 without one, 403 naming the missing role), and the routes take
 * no function key (App Service Authentication is the gate); `open` keeps function keys.
 */
import {
  HttpRequest,
  InvocationContext,
  type HttpFunctionOptions,
  type HttpResponseInit,
} from '@azure/functions';
import { API_FUNCTIONS, registerApi } from '../../../functions/api.function';
import { DASHBOARD_FUNCTIONS } from '../../../functions/api/dashboard.routes';
import { loadConfig } from '../../../shared/config';
import type { AppDeps } from '../../../functions/app-deps';
import { user } from '../access/principal.fixture';
import { exampleSettings } from '../infra/settings-contract';

const mockRegistered = new Map<string, HttpFunctionOptions & { method: string }>();

jest.mock('@azure/functions', () => {
  const actual = jest.requireActual<typeof import('@azure/functions')>('@azure/functions');
  const capture = (method: string) => (name: string, options: HttpFunctionOptions) =>
    mockRegistered.set(name, { ...options, method });
  return { ...actual, app: { ...actual.app, get: capture('GET'), post: capture('POST') } };
});

const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

function register(apiAuth: 'open' | 'appService'): void {
  mockRegistered.clear();
  const config = loadConfig({ ...exampleSettings(), API_AUTH: apiAuth });
  // The guard answers before any handler touches these.
  const deps = { config, partnerCenter: {}, store: {}, now: () => new Date() } as unknown as AppDeps;
  registerApi(deps);
}

async function call(name: string, principal?: string): Promise<HttpResponseInit> {
  const options = mockRegistered.get(name);
  if (!options) throw new Error(`${name} is not registered`);
  const request = new HttpRequest({
    method: options.method,
    url: `http://localhost/api/${(options.route ?? '').replace('{tenantId}', TENANT)}`,
    params: { tenantId: TENANT },
    headers: principal === undefined ? {} : { 'x-ms-client-principal': principal },
    body: { string: '{}' },
  });
  const context = new InvocationContext({ functionName: name, logHandler: () => undefined });
  return await options.handler(request, context);
}

const READS = [
  API_FUNCTIONS.status,
  API_FUNCTIONS.list,
  API_FUNCTIONS.report,
  API_FUNCTIONS.summary,
  API_FUNCTIONS.latestSweep,
  API_FUNCTIONS.openApi,
  DASHBOARD_FUNCTIONS.customerTable,
  DASHBOARD_FUNCTIONS.overview,
  DASHBOARD_FUNCTIONS.deadLetters,
];
/** The page and its assets hold no data: never a function key (a browser cannot send one). */
const DATA_ROUTE = (name: string) => name !== DASHBOARD_FUNCTIONS.page;
const ACTIONS = [API_FUNCTIONS.start, API_FUNCTIONS.recheck, API_FUNCTIONS.remind, API_FUNCTIONS.confirm];

describe('registerApi with API_AUTH=appService', () => {
  beforeAll(() => register('appService'));

  it('registers every API route, without function keys', () => {
    expect([...mockRegistered.keys()].sort()).toEqual(
      [...Object.values(API_FUNCTIONS), ...Object.values(DASHBOARD_FUNCTIONS)].sort(),
    );
    expect(new Set([...mockRegistered.values()].map((o) => o.authLevel))).toEqual(new Set(['anonymous']));
  });

  it.each([...READS, ...ACTIONS])('%s answers 401 without a principal', async (name) => {
    expect((await call(name)).status).toBe(401);
  });

  it.each(ACTIONS)('%s answers 403 naming Mca.Operate to a reader', async (name) => {
    const response = await call(name, user('Mca.Read'));
    expect(response).toMatchObject({ status: 403, jsonBody: { missingRole: 'Mca.Operate' } });
  });

  it('lets anyone ask who they are', async () => {
    expect(await call(API_FUNCTIONS.me)).toMatchObject({
      status: 200,
      jsonBody: { mode: 'appService', authenticated: false },
    });
  });
});

describe('registerApi with API_AUTH=open', () => {
  beforeAll(() => register('open'));

  it('keeps function keys on every route and lets the open API through', async () => {
    const levels = [...mockRegistered].filter(([name]) => DATA_ROUTE(name)).map(([, o]) => o.authLevel);
    expect(new Set(levels)).toEqual(new Set(['function']));
    expect(mockRegistered.get(DASHBOARD_FUNCTIONS.page)?.authLevel).toBe('anonymous');
    expect((await call(API_FUNCTIONS.openApi)).status).toBe(200);
  });
});
