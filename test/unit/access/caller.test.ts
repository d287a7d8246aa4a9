import {
  actorIdOf,
  callerOf,
  decideAccess,
  decodeClientPrincipal,
  type ApiAuthMode,
  type Need,
} from '../../../shared/access';
import { OID, OID_URI, principalHeader, ROLE_URI, user } from './principal.fixture';

const APP_ID = 'a1b2c3d4-0000-4000-8000-000000000abc';

describe('decideAccess', () => {
  it.each<[string, ApiAuthMode, Need, string | null, string]>([
    ['open: anyone may read', 'open', 'read', null, 'allowed'],
    ['open: anyone may operate', 'open', 'operate', null, 'allowed'],
    ['appService: no principal', 'appService', 'read', null, 'unauthenticated'],
    ['appService: a header that is not Base64 JSON', 'appService', 'read', '%%%', 'unauthenticated'],
    ['appService: Read may read', 'appService', 'read', user('Mca.Read'), 'allowed'],
    ['appService: Operate may read', 'appService', 'read', user('Mca.Operate'), 'allowed'],
    ['appService: Operate may operate', 'appService', 'operate', user('Mca.Operate'), 'allowed'],
    ['appService: Read may not operate', 'appService', 'operate', user('Mca.Read'), 'forbidden Mca.Operate'],
    ['appService: no role may not read', 'appService', 'read', user(), 'forbidden Mca.Read'],
    [
      'appService: another app role grants nothing',
      'appService',
      'read',
      user('Other.Read'),
      'forbidden Mca.Read',
    ],
    [
      'appService: roles under the mapped role claim type',
      'appService',
      'operate',
      principalHeader([
        [OID_URI, OID],
        [ROLE_URI, 'Mca.Operate'],
      ]),
      'allowed',
    ],
  ])('%s', (_name, mode, need, header, expected) => {
    const decision = decideAccess(mode, need, header);
    const text = decision.kind === 'forbidden' ? `forbidden ${decision.missingRole}` : decision.kind;
    expect(text).toBe(expected);
  });
});

describe('callerOf', () => {
  it.each<[string, ApiAuthMode, string | null, unknown]>([
    [
      'open: not signed in, every role',
      'open',
      user('Mca.Read'),
      { authenticated: false, principalId: null, roles: ['Mca.Read', 'Mca.Operate'] },
    ],
    ['appService: nobody', 'appService', null, { authenticated: false, principalId: null, roles: [] }],
    [
      'a user: object id and roles, no name or e-mail',
      'appService',
      user('Mca.Read', 'Mca.Read'),
      { authenticated: true, principalId: OID, roles: ['Mca.Read'] },
    ],
    [
      'a client-credential app token with oid',
      'appService',
      principalHeader(
        [
          ['oid', OID.toUpperCase()],
          ['appid', APP_ID],
          ['roles', 'Mca.Operate'],
        ],
        'roles',
      ),
      { authenticated: true, principalId: OID, roles: ['Mca.Operate'] },
    ],
    [
      'an app token without oid: the app id (v2 azp)',
      'appService',
      principalHeader([
        ['azp', APP_ID],
        ['roles', 'Mca.Read'],
      ]),
      { authenticated: true, principalId: APP_ID, roles: ['Mca.Read'] },
    ],
    [
      'an id that is not a GUID is not used',
      'appService',
      principalHeader([['oid', 'hanako@contoso.example']]),
      { authenticated: true, principalId: null, roles: [] },
    ],
  ])('%s', (_name, mode, header, expected) => {
    expect(callerOf(mode, header)).toEqual(expected);
  });
});

describe('actorIdOf', () => {
  it.each<[ApiAuthMode, string | null, string]>([
    ['open', user('Mca.Operate'), 'local'],
    ['appService', user('Mca.Operate'), OID],
    ['appService', principalHeader([['roles', 'Mca.Operate']]), 'unknown'],
  ])('%s %#', (mode, header, expected) => {
    expect(actorIdOf(mode, callerOf(mode, header))).toBe(expected);
  });
});

describe('decodeClientPrincipal', () => {
  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['JSON without claims', Buffer.from('{"auth_typ":"aad"}').toString('base64')],
    ['a JSON array', Buffer.from('[]').toString('base64')],
  ])('is undefined when %s', (_name, header) => {
    expect(decodeClientPrincipal(header)).toBeUndefined();
  });

  it('keeps only well-formed claims', () => {
    const header = Buffer.from(
      JSON.stringify({ claims: [{ typ: 'roles', val: 'Mca.Read' }, { typ: 'roles' }, 7], role_typ: 'roles' }),
    ).toString('base64');
    expect(decodeClientPrincipal(header)).toEqual({
      claims: [{ typ: 'roles', val: 'Mca.Read' }],
      role_typ: 'roles',
    });
  });
});
