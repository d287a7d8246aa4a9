/**
 * Faults on demand: throttling (429 + Retry-After), server errors, added latency, a 600061
 * duplicate-agreement refusal and a rate limit (token bucket), per endpoint pattern, deterministic
 * (every Nth matching request, or a share decided by a seeded random).
 */
import { z } from 'zod';
import { ErrorCodes } from './error-codes';
import { pcError, pcErrorV2, type Reply } from './http-kit';

export const faultRuleSchema = z
  .object({
    /** Path pattern; `*` matches within one segment, `**` across segments. E.g. `/v1/customers/*\/agreements`. */
    path: z.string().min(1),
    /** Only this method (any when omitted). */
    method: z.string().optional(),
    /** `agreementAlreadyExists`: 400 / 600061 PartnerConfirmedAgreementAlreadyExists. */
    /**
     * `rateLimit`: a token bucket of `requestsPerSecond` (wall clock) holding at most `burst` tokens;
     * a request finding it empty gets 429 with Retry-After = whole seconds until the next token (min 1).
     */
    kind: z.enum(['throttle', 'error', 'latency', 'agreementAlreadyExists', 'rateLimit']),
    /** throttle: the Retry-After value in seconds (default 1). */
    retryAfterSeconds: z.number().int().min(0).optional(),
    /** error: the 5xx status (default 503). */
    status: z.number().int().min(500).max(599).optional(),
    /** latency: real milliseconds to wait before answering (capped at 10 s). */
    latencyMs: z.number().int().min(0).max(10_000).optional(),
    /** rateLimit: tokens added per second. */
    requestsPerSecond: z.number().positive().max(100_000).optional(),
    /** rateLimit: bucket size, the requests allowed at once after a quiet spell (default: one second's worth). */
    burst: z.number().int().min(1).optional(),
    /** Hit every Nth matching request (default 1: all of them). */
    everyNth: z.number().int().min(1).optional(),
    /** Instead of everyNth: hit this share (0..1) of matching requests, decided by a random seeded with `seed`. */
    probability: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    /** Stop after this many hits (default: no limit). */
    times: z.number().int().min(1).optional(),
  })
  .refine((rule) => rule.kind !== 'rateLimit' || rule.requestsPerSecond !== undefined, {
    message: 'rateLimit needs requestsPerSecond',
    path: ['requestsPerSecond'],
  });
export type FaultRule = z.input<typeof faultRuleSchema>;

interface ActiveRule {
  id: string;
  rule: z.output<typeof faultRuleSchema>;
  regex: RegExp;
  seen: number;
  hits: number;
  random: () => number;
  bucket?: TokenBucket;
}

export interface FaultDecision {
  latencyMs: number;
  reply?: Reply;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  /** `now`: wall-clock ms for rate limits (the app's own limiter spaces requests on the wall clock too). */
  constructor(private readonly now: () => number = Date.now) {}

  add(input: FaultRule): string {
    const rule = faultRuleSchema.parse(input);
    const id = `fault-${this.nextId++}`;
    this.rules.push({
      id,
      rule,
      regex: globToRegex(rule.path),
      seen: 0,
      hits: 0,
      random: seededRandom(rule.seed ?? 1),
      bucket:
        rule.kind === 'rateLimit' && rule.requestsPerSecond !== undefined
          ? createTokenBucket(rule.requestsPerSecond, rule.burst, this.now())
          : undefined,
    });
    return id;
  }

  /** Removes one rule, or all of them. */
  clear(id?: string): void {
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id);
  }

  list(): Array<{ id: string; hits: number } & z.output<typeof faultRuleSchema>> {
    return this.rules.map((r) => ({ id: r.id, hits: r.hits, ...r.rule }));
  }

  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (!active.regex.test(path)) continue;
      if (rule.times !== undefined && active.hits >= rule.times) continue;
      active.seen += 1;
      const hit =
        rule.probability !== undefined
          ? active.random() < rule.probability
          : active.seen % (rule.everyNth ?? 1) === 0;
      if (!hit) continue;
      if (active.bucket) {
        const waitMs = active.bucket.take(this.now());
        if (waitMs === 0) continue;
        active.hits += 1;
        decision.reply ??= throttled(Math.max(1, Math.ceil(waitMs / 1000)));
        continue;
      }
      active.hits += 1;
      if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? 0;
      else decision.reply ??= faultReply(rule);
    }
    return decision;
  }
}

function faultReply(rule: z.output<typeof faultRuleSchema>): Reply {
  if (rule.kind === 'throttle') return throttled(rule.retryAfterSeconds ?? 1);
  if (rule.kind === 'agreementAlreadyExists') {
    return pcErrorV2(
      400,
      ErrorCodes.agreementAlreadyExists,
      'PartnerConfirmedAgreementAlreadyExists',
      'A partner confirmed agreement already exists for the customer.',
    );
  }
  return pcError(
    rule.status ?? 503,
    ErrorCodes.serverError,
    'The service is temporarily unavailable (injected fault).',
  );
}

function throttled(seconds: number): Reply {
  return pcError(429, ErrorCodes.throttled, `Too many requests. Retry after ${seconds} seconds.`, {
    'retry-after': String(seconds),
  });
}

export interface TokenBucket {
  /** Takes a token at `now`: 0 when there was one, else the ms until the next one (nothing taken). */
  take(now: number): number;
}

/** Starts full; refills continuously at `perSecond`, up to `burst` (default: one second's worth). */
export function createTokenBucket(perSecond: number, burst: number | undefined, now: number): TokenBucket {
  const capacity = burst ?? Math.max(1, Math.floor(perSecond));
  let tokens = capacity;
  let refilledAt = now;
  return {
    take(at: number): number {
      tokens = Math.min(capacity, tokens + (Math.max(0, at - refilledAt) * perSecond) / 1000);
      refilledAt = Math.max(refilledAt, at);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - tokens) * 1000) / perSecond);
    },
  };
}

function globToRegex(glob: string): RegExp {
  const source = glob
    .split(/(\*\*|\*)/)
    .map((part) =>
      part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}/?$`, 'i');
}

/** mulberry32: small, fast and good enough for deterministic fault shares. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
