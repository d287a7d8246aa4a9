import type { RetryOptions } from './orchestrator-state';

/**
 * Delay before the next attempt after `failures` failed attempts, as DurableTask.Core's RetryInterceptor
 * computes it: firstRetryInterval * backoffCoefficient^(failures - 1), capped at maxRetryInterval; zero
 * once the retry timeout (counted from the first attempt) has passed.
 */
export function nextRetryDelay(
  options: RetryOptions,
  failures: number,
  firstAttemptAt: number,
  now: number,
): number | 'timedOut' {
  const timeout = positiveOr(options.retryTimeoutInMilliseconds, Number.POSITIVE_INFINITY);
  if (now >= firstAttemptAt + timeout) return 'timedOut';
  const coefficient = positiveOr(options.backoffCoefficient, 1);
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, failures - 1);
  return Math.min(delay, positiveOr(options.maxRetryIntervalInMilliseconds, Number.POSITIVE_INFINITY));
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? value : fallback;
}
