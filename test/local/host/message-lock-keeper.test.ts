import { FALLBACK_RENEW_EVERY_MS, renewDelayMs } from '../../../local/host/message-lock-keeper';

describe('renewDelayMs', () => {
  const now = Date.UTC(2026, 0, 1);
  it.each([
    ['halfway to the end of a 60 s lock', 60_000, 30_000],
    ['halfway to the end of a 5 s lock', 5_000, 2_500],
    ['no sooner than 0.5 s for a lock about to end', 200, 500],
    ['no later than 30 s for a 5 min lock', 300_000, 30_000],
    ['the fallback for a lock already over (another clock)', -1_000, FALLBACK_RENEW_EVERY_MS],
    ['the fallback for a lock ending days away (another clock)', 86_400_000, FALLBACK_RENEW_EVERY_MS],
  ])('%s', (_, remainingMs, expected) => {
    expect(renewDelayMs(new Date(now + remainingMs), now)).toBe(expected);
  });

  it('uses the fallback when the message carries no lock end', () => {
    expect(renewDelayMs(undefined, now)).toBe(FALLBACK_RENEW_EVERY_MS);
  });
});
