/**
 * Sends one logical Partner Center request: headers, the shared rate limiter, retries (429 honouring
 * Retry-After; 5xx and network errors with exponential back-off and full jitter) and error mapping.
 * The MS-RequestId stays the same on every retry of one logical request: it is the idempotency key.
 * Every request names the API contract version (`MS-Contract-Version`, the REST headers Microsoft lists
 * for Partner Center; `v1` unless a scenario says otherwise).
 * Every retry is logged (`Partner Center retry`, with status, attempt, delayMs, a 429's Retry-After and
 * the MS-CorrelationId as dimensions), and so is a request that gives up.
 */
import type { z } from 'zod';
import { logEvent } from '../observability/log-scope';
import { errorFromResponse, PartnerCenterError, Transient, UnexpectedResponse } from './errors';
import type { RateLimiter } from './rate-limiter';
import { backoffDelayMs, parseRetryAfterMs, type RetryPolicy } from './retry-policy';
import type { TokenProvider } from './token-providers';

export interface ExecutorDeps {
  limiter: RateLimiter;
  retry: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  locale?: string;
  requestTimeoutMs: number;
  /** Structured logs; the invocation's log scope when omitted. */
  log?: typeof logEvent;
}

export interface LogicalRequest<T> {
  operation: string;
  method: 'GET' | 'POST' | 'PUT';
  url: URL;
  tokens: TokenProvider;
  correlationId: string;
  requestId: string;
  schema: z.ZodType<T>;
  body?: unknown;
  extraHeaders?: Record<string, string>;
}

export const CONTRACT_VERSION = 'v1';

type AttemptOutcome =
  | { kind: 'response'; status: number; retryAfter: string | null; text: string }
  | { kind: 'network'; error: unknown };

export function createRequestExecutor(deps: ExecutorDeps) {
  return async function execute<T>(request: LogicalRequest<T>): Promise<T> {
    const ids = {
      operation: request.operation,
      correlationId: request.correlationId,
      requestId: request.requestId,
    };
    const startedAt = deps.now();
    for (let attempt = 1; ; attempt++) {
      const outcome = await attemptOnce(request);
      if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
        return decode(request, outcome.text, ids);
      }
      const error = toError(outcome, ids, deps.now());
      const delay = error.retryAfterMs ?? backoffDelayMs(deps.retry, attempt, deps.random);
      const outOfTime = deps.now() - startedAt + delay > deps.retry.maxElapsedMs;
      const facts = attemptFacts(request, outcome, attempt);
      if (!error.retryable || attempt >= deps.retry.maxAttempts || outOfTime) {
        if (error.retryable) log('warning', 'Partner Center request gave up', facts);
        throw error;
      }
      log('warning', 'Partner Center retry', { ...facts, delayMs: delay });
      await deps.sleep(delay);
    }
  };

  function log(...args: Parameters<typeof logEvent>): void {
    (deps.log ?? logEvent)(...args);
  }

  async function attemptOnce(request: LogicalRequest<unknown>): Promise<AttemptOutcome> {
    let token: string;
    try {
      token = await request.tokens.getToken();
    } catch (error) {
      // A transient token failure is retried like a network error; anything else ends the call.
      if (error instanceof PartnerCenterError && error.retryable) return { kind: 'network', error };
      throw error;
    }
    return deps.limiter.run(async () => {
      try {
        const response = await fetch(request.url, {
          method: request.method,
          headers: headersFor(request, token),
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: AbortSignal.timeout(deps.requestTimeoutMs),
        });
        const text = await response.text();
        return {
          kind: 'response',
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          text,
        };
      } catch (error) {
        return { kind: 'network', error };
      }
    });
  }

  function headersFor(request: LogicalRequest<unknown>, token: string): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'MS-RequestId': request.requestId,
      'MS-CorrelationId': request.correlationId,
      'MS-Contract-Version': CONTRACT_VERSION,
      ...request.extraHeaders,
    };
    if (deps.locale) headers['X-Locale'] = deps.locale;
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    return headers;
  }
}

type Ids = { operation: string; correlationId: string; requestId: string };

/** What a log line says about one failed attempt: ids, the status (or `network`) and Retry-After. */
function attemptFacts(request: LogicalRequest<unknown>, outcome: AttemptOutcome, attempt: number) {
  const response = outcome.kind === 'response' ? outcome : undefined;
  return {
    operation: request.operation,
    status: response ? response.status : 'network',
    attempt,
    ...(response?.retryAfter ? { retryAfter: response.retryAfter } : {}),
    msCorrelationId: request.correlationId,
    msRequestId: request.requestId,
  };
}

function toError(outcome: AttemptOutcome, ids: Ids, now: number): PartnerCenterError {
  if (outcome.kind === 'network') {
    if (outcome.error instanceof PartnerCenterError) return outcome.error;
    return new Transient({ ...ids, cause: outcome.error }, 'network error');
  }
  const retryAfterMs = outcome.status === 429 ? parseRetryAfterMs(outcome.retryAfter, now) : undefined;
  return errorFromResponse(outcome.status, parseJson(outcome.text), { ...ids, retryAfterMs });
}

function decode<T>(request: LogicalRequest<T>, text: string, ids: Ids): T {
  const parsed = request.schema.safeParse(parseJson(text));
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
  throw new UnexpectedResponse(ids, false, `unexpected response shape at ${fields}`);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
