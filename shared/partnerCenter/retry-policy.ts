/** When and how long to wait before trying a Partner Center call again. */

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Give up rather than wait past this much time since the first attempt. */
  maxElapsedMs: number;
  /** Back-off cap before jitter grows exponentially: base * 2^(retry-1), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 120_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
};

/** Full jitter (AWS architecture blog): a uniformly random wait between 0 and the exponential cap. */
export function backoffDelayMs(policy: RetryPolicy, retryNumber: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(random() * cap);
}

/** `Retry-After` as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
