import { ACTIVITY_BACKOFF, attemptsWithin } from '../../../shared/workflow/run-policy';

const MINUTE = 60_000;

describe('attemptsWithin', () => {
  // Delays of 1, 2, 4, 8 minutes, then 15 each: the attempts that fill the tolerance, plus the first.
  it.each([
    [0, 1],
    [MINUTE, 2],
    [15 * MINUTE, 5],
    [16 * MINUTE, 6],
    [3 * 60 * MINUTE, 16],
    [12 * 60 * MINUTE, 52],
  ])('%d ms of tolerance: %d attempts', (toleranceMs, attempts) => {
    expect(attemptsWithin(toleranceMs, ACTIVITY_BACKOFF)).toBe(attempts);
  });

  it('never lets the retries end before the tolerance has passed', () => {
    const { firstRetryIntervalMs, backoffCoefficient, maxRetryIntervalMs } = ACTIVITY_BACKOFF;
    const n = attemptsWithin(12 * 60 * MINUTE, ACTIVITY_BACKOFF);
    const delays = Array.from({ length: n - 1 }, (_, i) =>
      Math.min(firstRetryIntervalMs * backoffCoefficient ** i, maxRetryIntervalMs),
    );
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(12 * 60 * MINUTE);
  });
});
