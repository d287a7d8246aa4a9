/**
 * One request, start to finish: parse, injected faults, route, bearer rule, MS-RequestId replay,
 * handler, echoed ids, request log. Handlers only ever return a Reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../clock';
import { checkBearer, type AuthDeps } from './auth.routes';
import type { PartnerCenterControl } from './control';
import type { StateStore } from './emulator-state';
import { ErrorCodes } from './error-codes';
import type { FaultInjector } from './faults';
import { header, pcError, readBody, writeReply, type Reply } from './http-kit';
import type { RequestContext, RouteMatch, Router } from './router';

export interface PipelineDeps {
  router: Router;
  faults: FaultInjector;
  control: PartnerCenterControl;
  store: StateStore;
  clock: Clock;
  authDeps: AuthDeps;
  baseUrl: () => string;
}

/** Replies kept for MS-RequestId replays: what the client should not have to do twice. */
const REPLAYABLE = (status: number): boolean => status < 500 && status !== 429;

export function createRequestHandler(
  deps: PipelineDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { router, faults, control, store, clock, authDeps, baseUrl } = deps;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = parseRequestUrl(req.url, baseUrl());
    if (url === undefined) {
      writeReply(res, pcError(400, ErrorCodes.badRequest, 'The request URL is not valid.'));
      return;
    }
    const isControl = url.pathname.startsWith('/_control/');
    const body = await readBody(req);
    const { reply, note } =
      body === undefined
        ? { reply: pcError(413, ErrorCodes.badRequest, 'The request body is too large.'), note: undefined }
        : await answer({ req, method, url, params: {}, body, baseUrl: baseUrl() }, isControl);
    const requestId = header(req, 'MS-RequestId');
    const correlationId = header(req, 'MS-CorrelationId');
    const echoed = {
      ...reply.headers,
      ...(requestId === undefined ? {} : { 'ms-requestid': requestId }),
      ...(correlationId === undefined ? {} : { 'ms-correlationid': correlationId }),
    };
    writeReply(res, { ...reply, headers: echoed });
    if (!isControl) {
      control.record({
        at: new Date(clock.now()).toISOString(),
        method,
        path: url.pathname,
        status: reply.status,
        requestId,
        correlationId,
        note,
      });
    }
  };

  const answer = async (
    ctx: RequestContext,
    isControl: boolean,
  ): Promise<{ reply: Reply; note?: 'fault' | 'replay' }> => {
    if (!isControl) {
      const fault = faults.decide(ctx.method, ctx.url.pathname);
      if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
      if (fault.reply) return { reply: fault.reply, note: 'fault' };
    }
    const match = router.match(ctx.method, ctx.url.pathname);
    if (match === undefined)
      return { reply: pcError(404, ErrorCodes.notFound, `No resource at ${ctx.url.pathname}.`) };
    if (match === 'method') {
      return { reply: pcError(405, ErrorCodes.badRequest, `The method ${ctx.method} is not allowed here.`) };
    }
    return routeReply({ ...ctx, params: match.params }, match);
  };

  const routeReply = async (
    ctx: RequestContext,
    match: RouteMatch,
  ): Promise<{ reply: Reply; note?: 'replay' }> => {
    const auth = checkBearer(ctx, match.route.auth, authDeps);
    if (auth && 'reply' in auth) return { reply: auth.reply };
    const withToken = { ...ctx, token: auth?.token };
    const requestId = header(ctx.req, 'MS-RequestId');
    const replayKey =
      match.route.idempotent && requestId
        ? `${auth?.token.clientId ?? ''} ${ctx.method} ${ctx.url.pathname} ${requestId}`
        : undefined;
    const stored = replayKey === undefined ? undefined : store.state.replies[replayKey];
    if (stored) return { reply: stored, note: 'replay' };
    // Synchronous handlers (every write is one) run without yielding between the replay check and
    // storing the reply, so two concurrent requests with one MS-RequestId cannot both run.
    const result = match.route.handler(withToken);
    const reply = result instanceof Promise ? await result : result;
    if (replayKey !== undefined && REPLAYABLE(reply.status)) {
      store.update((state) => (state.replies[replayKey] = reply));
    }
    return { reply };
  };

  return handle;
}

/** The request target as a URL on this emulator (a `//host/...` target must not change the host). */
function parseRequestUrl(target: string | undefined, baseUrl: string): URL | undefined {
  try {
    return new URL(`${baseUrl}${target?.startsWith('/') ? target : `/${target ?? ''}`}`);
  } catch {
    return undefined;
  }
}
