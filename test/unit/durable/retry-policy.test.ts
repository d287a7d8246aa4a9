import { nextRetryDelay } from '../../../local/host/durable/retry-policy';

const t0 = Date.UTC(2026, 0, 1);

describe('nextRetryDelay', () => {
  it.each([
    { options: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 5 }, failures: 3, delay: 1000 },
    {
      options: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 5, backoffCoefficient: 2 },
      failures: 3,
      delay: 4000,
    },
    {
      options: {
        firstRetryIntervalInMilliseconds: 1000,
        maxNumberOfAttempts: 5,
        backoffCoefficient: 3,
        maxRetryIntervalInMilliseconds: 5000,
      },
      failures: 3,
      delay: 5000,
    },
  ])(
    'backs off from the first interval: $delay ms after $failures failures',
    ({ options, failures, delay }) => {
      expect(nextRetryDelay(options, failures, t0, t0)).toBe(delay);
    },
  );

  it('stops once the retry timeout, counted from the first attempt, has passed', () => {
    const options = {
      firstRetryIntervalInMilliseconds: 1000,
      maxNumberOfAttempts: 5,
      retryTimeoutInMilliseconds: 2500,
    };
    expect(nextRetryDelay(options, 2, t0, t0 + 2499)).toBe(1000);
    expect(nextRetryDelay(options, 2, t0, t0 + 2500)).toBe('timedOut');
  });
});
