/**
 * The HTTP API's access rule in one place (shared/access decides, this adapts): `read` and `operate`
 * wrap a route's handler so that, with `API_AUTH=appService`, a request without an App Service
 * Authentication principal gets 401 and one without a granting app role 403 naming the role. The
 * webhook is not wrapped: its signature authenticates it. `actorIdOf` gives the audit trail the
 * caller's non-personal id.
 */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import {
  actorIdOf,
  callerOf,
  CLIENT_PRINCIPAL_HEADER,
  decideAccess,
  type ApiAuthMode,
  type Caller,
  type Need,
} from '../../shared/access';

export interface ApiAccess {
  readonly mode: ApiAuthMode;
  /** Wraps a handler so only callers with Mca.Read or Mca.Operate reach it. */
  readonly read: (handler: HttpHandler) => HttpHandler;
  /** Wraps a handler so only callers with Mca.Operate reach it. */
  readonly operate: (handler: HttpHandler) => HttpHandler;
  readonly callerOf: (request: HttpRequest) => Caller;
  /** The audit trail's `actorId` for the request's caller (`local` when open). */
  readonly actorIdOf: (request: HttpRequest) => string;
}

export function createApiAccess(mode: ApiAuthMode): ApiAccess {
  const header = (request: HttpRequest) => request.headers.get(CLIENT_PRINCIPAL_HEADER);
  const guard =
    (need: Need) =>
    (handler: HttpHandler): HttpHandler =>
    async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
      const decision = decideAccess(mode, need, header(request));
      if (decision.kind === 'unauthenticated') {
        return {
          status: 401,
          jsonBody: { error: 'Unauthenticated', message: 'Sign in with Microsoft Entra ID' },
        };
      }
      if (decision.kind === 'forbidden') {
        context.warn(`API ${context.functionName} refused: missing app role ${decision.missingRole}`);
        return {
          status: 403,
          jsonBody: {
            error: 'Forbidden',
            message: `Requires the app role ${decision.missingRole}`,
            missingRole: decision.missingRole,
          },
        };
      }
      return handler(request, context);
    };
  return {
    mode,
    read: guard('read'),
    operate: guard('operate'),
    callerOf: (request) => callerOf(mode, header(request)),
    actorIdOf: (request) => actorIdOf(mode, callerOf(mode, header(request))),
  };
}

/** `GET me`: who the API takes the caller for. Ids and roles only, never a name or e-mail address. */
export function createMeHttp(access: ApiAccess): HttpHandler {
  return (request) => {
    const { authenticated, principalId, roles } = access.callerOf(request);
    return Promise.resolve({
      status: 200,
      headers: { 'Cache-Control': 'no-store' },
      jsonBody: { mode: access.mode, authenticated, principalId, roles },
    });
  };
}
