import { HttpRequest, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import { createApiAccess, createMeHttp } from '../../../functions/api/access';
import { OID, user } from '../access/principal.fixture';
import { recordingContext } from './fakes';

function request(principal?: string): HttpRequest {
  return new HttpRequest({
    method: 'GET',
    url: 'http://localhost:7071/api/customers',
    headers: principal === undefined ? {} : { 'x-ms-client-principal': principal },
  });
}

const reached: HttpHandler = () => Promise.resolve({ status: 200, jsonBody: { reached: true } });

async function call(handler: HttpHandler, principal?: string): Promise<HttpResponseInit> {
  return await handler(request(principal), recordingContext().context);
}

describe('API access (API_AUTH)', () => {
  it.each<[string, 'open' | 'appService', 'read' | 'operate', string | undefined, number, unknown]>([
    ['open: a read without anyone signed in', 'open', 'read', undefined, 200, { reached: true }],
    ['open: an action without anyone signed in', 'open', 'operate', undefined, 200, { reached: true }],
    ['appService: no principal', 'appService', 'read', undefined, 401, { error: 'Unauthenticated' }],
    ['appService: Read reads', 'appService', 'read', user('Mca.Read'), 200, { reached: true }],
    [
      'appService: Read may not act, and is told which role is missing',
      'appService',
      'operate',
      user('Mca.Read'),
      403,
      { error: 'Forbidden', missingRole: 'Mca.Operate' },
    ],
    ['appService: Operate acts', 'appService', 'operate', user('Mca.Operate'), 200, { reached: true }],
    [
      'appService: no role may not read',
      'appService',
      'read',
      user(),
      403,
      { error: 'Forbidden', missingRole: 'Mca.Read' },
    ],
  ])('%s', async (_name, mode, need, principal, status, body) => {
    const access = createApiAccess(mode);
    const response = await call(access[need](reached), principal);
    expect(response.status).toBe(status);
    expect(response.jsonBody).toMatchObject(body as object);
  });

  it('gives the audit trail the object id in appService mode and `local` when open', () => {
    expect(createApiAccess('appService').actorIdOf(request(user('Mca.Operate')))).toBe(OID);
    expect(createApiAccess('open').actorIdOf(request(user('Mca.Operate')))).toBe('local');
  });
});

describe('GET me', () => {
  it.each<[string, 'open' | 'appService', string | undefined, unknown]>([
    [
      'open',
      'open',
      undefined,
      { mode: 'open', authenticated: false, principalId: null, roles: ['Mca.Read', 'Mca.Operate'] },
    ],
    [
      'appService, not signed in',
      'appService',
      undefined,
      { mode: 'appService', authenticated: false, principalId: null, roles: [] },
    ],
    [
      'appService, a reader',
      'appService',
      user('Mca.Read'),
      { mode: 'appService', authenticated: true, principalId: OID, roles: ['Mca.Read'] },
    ],
  ])('%s: ids and roles only', async (_name, mode, principal, expected) => {
    const response = await call(createMeHttp(createApiAccess(mode)), principal);
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual(expected);
    expect(JSON.stringify(response.jsonBody)).not.toMatch(/Hanako|contoso/);
  });
});
