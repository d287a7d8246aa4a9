/** X-MS-CLIENT-PRINCIPAL headers as App Service Authentication builds them (documented shape). */
export const OID = '7d3e5c1a-1111-4222-8333-944455556666';
export const OID_URI = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
export const ROLE_URI = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

/** Base64 JSON with auth_typ, claims [{ typ, val }], name_typ and role_typ. */
export function principalHeader(claims: [string, string][], roleTyp = ROLE_URI): string {
  const principal = {
    auth_typ: 'aad',
    claims: claims.map(([typ, val]) => ({ typ, val })),
    name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
    role_typ: roleTyp,
  };
  return Buffer.from(JSON.stringify(principal)).toString('base64');
}

/** A signed-in user with a name and e-mail (which must never come out) and the given app roles. */
export const user = (...roles: string[]) =>
  principalHeader([
    [OID_URI, OID],
    ['name', 'Hanako Yamada'],
    ['preferred_username', 'hanako@contoso.example'],
    ...roles.map((role): [string, string] => ['roles', role]),
  ]);
