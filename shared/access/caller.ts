/**
 * Who calls the HTTP API and what they may do. In Azure, App Service Authentication (Entra ID) checks
 * the token and hands the app the caller's claims in `X-MS-CLIENT-PRINCIPAL` (Base64 JSON
 * `{ auth_typ, claims: [{ typ, val }], name_typ, role_typ }`; App Service strips the header from
 * outside requests). Read routes need the app role `Mca.Read` (or `Mca.Operate`); actions need
 * `Mca.Operate`. User tokens and client-credential app tokens both carry their app roles in `roles`.
 * Locally (`API_AUTH=open`) everything is open and the caller is `local`.
 * Only ids leave this module: never a name, e-mail address or UPN.
 */
export const API_AUTH_MODES = ['open', 'appService'] as const;
export type ApiAuthMode = (typeof API_AUTH_MODES)[number];

export const APP_ROLES = { read: 'Mca.Read', operate: 'Mca.Operate' } as const;
export type Need = keyof typeof APP_ROLES;

export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';
/** The actor id of every call when the API is open (local runs). */
export const LOCAL_ACTOR_ID = 'local';

export interface Caller {
  authenticated: boolean;
  /** Entra object id (user or service principal), else the app id of a client-credential token. */
  principalId: string | null;
  roles: string[];
}

export type AccessDecision =
  | { kind: 'allowed'; caller: Caller }
  | { kind: 'unauthenticated' }
  | { kind: 'forbidden'; missingRole: string };

const ROLE_CLAIM_TYPES = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];
/** In order of preference: the object id (mapped or not), then the app id (v1 `appid`, v2 `azp`). */
const ID_CLAIM_TYPES = [
  'http://schemas.microsoft.com/identity/claims/objectidentifier',
  'oid',
  'appid',
  'azp',
];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ClientPrincipal {
  claims: { typ: string; val: string }[];
  role_typ?: string;
}

/** The decoded header, or undefined when it is absent or not the documented shape. */
export function decodeClientPrincipal(header: string | null | undefined): ClientPrincipal | undefined {
  if (!header) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { claims, role_typ: roleType } = parsed as { claims?: unknown; role_typ?: unknown };
  if (!Array.isArray(claims)) return undefined;
  return {
    claims: claims.filter(
      (c): c is { typ: string; val: string } =>
        typeof c === 'object' &&
        c !== null &&
        typeof (c as { typ?: unknown }).typ === 'string' &&
        typeof (c as { val?: unknown }).val === 'string',
    ),
    ...(typeof roleType === 'string' ? { role_typ: roleType } : {}),
  };
}

/** The caller a request's principal header describes, in the given mode. */
export function callerOf(mode: ApiAuthMode, header: string | null | undefined): Caller {
  // Open: nobody signs in, and a header sent by anyone proves nothing.
  if (mode === 'open') return { authenticated: false, principalId: null, roles: Object.values(APP_ROLES) };
  const principal = decodeClientPrincipal(header);
  if (!principal) return { authenticated: false, principalId: null, roles: [] };
  const roleTypes = new Set([...ROLE_CLAIM_TYPES, ...(principal.role_typ ? [principal.role_typ] : [])]);
  const roles = [...new Set(principal.claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val))];
  return { authenticated: true, principalId: principalIdOf(principal), roles };
}

function principalIdOf(principal: ClientPrincipal): string | null {
  for (const type of ID_CLAIM_TYPES) {
    const id = principal.claims.find((c) => c.typ === type && GUID.test(c.val))?.val;
    if (id !== undefined) return id.toLowerCase();
  }
  return null;
}

/** Open: allowed. App Service: a principal is required, and a role that grants `need`. */
export function decideAccess(
  mode: ApiAuthMode,
  need: Need,
  header: string | null | undefined,
): AccessDecision {
  const caller = callerOf(mode, header);
  if (mode === 'open') return { kind: 'allowed', caller };
  if (!caller.authenticated) return { kind: 'unauthenticated' };
  const granting: string[] = need === 'read' ? [APP_ROLES.read, APP_ROLES.operate] : [APP_ROLES.operate];
  if (!granting.some((role) => caller.roles.includes(role))) {
    return { kind: 'forbidden', missingRole: APP_ROLES[need] };
  }
  return { kind: 'allowed', caller };
}

/** The non-personal id the audit trail records for the caller: `local` when open. */
export function actorIdOf(mode: ApiAuthMode, caller: Caller): string {
  if (mode === 'open') return LOCAL_ACTOR_ID;
  return caller.principalId ?? 'unknown';
}
