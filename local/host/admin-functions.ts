/**
 * `POST /admin/functions/{name}`: the Functions host's way to run a non-HTTP function now, body
 * `{ "input": ... }` (`{}` for none), answered 202 Accepted while the run goes on. In Azure it needs
 * the master key (`x-functions-key`); locally it is open, as in Core Tools, unless keys are enforced.
 * As in Azure, a disabled function (`AzureWebJobs.<name>.Disabled`) still runs this way.
 * Timer triggers are supported (the input is ignored, as in Azure); other non-HTTP triggers answer
 * 501, and HTTP triggers 400 (call their route instead).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegisteredFunction } from './app-registry';
import type { HttpExtension } from './contracts';
import { requestKey, type HttpAuthOptions } from './http-trigger';
import type { HostLogger } from './host-logger';
import { describeError } from './host-logger';

const ADMIN_FUNCTION_PATH = /^\/admin\/functions\/([^/]+)\/?$/i;

export interface AdminFunctionsDeps {
  /** Every function the app registered, disabled ones included. */
  functions: () => RegisteredFunction[];
  /** Starts one manual run of a timer function; resolves when it has finished. */
  runTimer: (fn: RegisteredFunction) => Promise<void>;
  auth: HttpAuthOptions;
  logger: HostLogger;
}

export type AdminInvokeDecision =
  { status: 202; fn: RegisteredFunction } | { status: 400 | 404 | 501; message: string };

/** The body the host accepts: a JSON object (`{}` or `{ "input": ... }`); anything else is a 400. */
export function isInvocationBody(body: Buffer): boolean {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** What the admin API answers for a run of `name` (matched without regard to case, as the host does). */
export function decideAdminInvoke(
  functions: RegisteredFunction[],
  name: string,
  body: Buffer,
): AdminInvokeDecision {
  if (!isInvocationBody(body)) {
    return { status: 400, message: 'The body must be a JSON object: {} or { "input": "<trigger input>" }.' };
  }
  const fn = functions.find((f) => f.info.name.toLowerCase() === name.toLowerCase());
  if (!fn) return { status: 404, message: `No function named "${name}".` };
  const trigger = fn.info.triggerType.toLowerCase();
  if (trigger === 'timertrigger') return { status: 202, fn };
  if (trigger === 'httptrigger') {
    return { status: 400, message: `"${fn.info.name}" is HTTP-triggered: call its route instead.` };
  }
  return {
    status: 501,
    message: `"${fn.info.name}" has a ${fn.info.triggerType}; the local host runs only timer triggers this way.`,
  };
}

function hasMasterKey(req: IncomingMessage, url: URL, auth: HttpAuthOptions): boolean {
  if (!auth.enforceKeys) return true;
  return Boolean(auth.masterKey) && requestKey(req, url) === auth.masterKey;
}

export class AdminFunctionsApi implements HttpExtension {
  constructor(private readonly deps: AdminFunctionsDeps) {}

  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> {
    return Promise.resolve(this.answer(req, res, body));
  }

  /** True when the request was the admin API's (answered), false to let the host route it. */
  private answer(req: IncomingMessage, res: ServerResponse, body: Buffer): boolean {
    if ((req.method ?? '').toUpperCase() !== 'POST') return false;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = ADMIN_FUNCTION_PATH.exec(url.pathname);
    if (!match?.[1]) return false;
    if (!hasMasterKey(req, url, this.deps.auth)) {
      res.writeHead(401).end();
      return true;
    }
    const decision = decideAdminInvoke(this.deps.functions(), decodeURIComponent(match[1]), body);
    if (decision.status !== 202) {
      res.writeHead(decision.status, { 'content-type': 'text/plain; charset=utf-8' }).end(decision.message);
      return true;
    }
    const { fn } = decision;
    this.deps.runTimer(fn).catch((error: unknown) => {
      this.deps.logger.system('error', `${fn.info.name}: manual run failed: ${describeError(error)}`);
    });
    res.writeHead(202).end();
    return true;
  }
}
