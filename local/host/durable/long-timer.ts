/**
 * Timers longer than maximumShortTimerDuration are split (Azure Storage defaults: 6 days, pieces of
 * 3 days). The library's LongTimerTask decides the pieces from the two durations the host passes; the
 * host computes the same pieces to schedule them.
 */
const hour = 3600_000;
const maximumShortTimerMs = 6 * 24 * hour;
const longTimerIntervalMs = 3 * 24 * hour;

/** The durations as the trigger carries them: in hours, so moment adds exact hours in any time zone. */
export const timerSplitSettings = {
  maximumShortTimerDuration: `${maximumShortTimerMs / hour}:00:00`,
  longRunningTimerIntervalDuration: `${longTimerIntervalMs / hour}:00:00`,
};

export function isLongTimer(fireAt: number, now: number): boolean {
  return fireAt - now > maximumShortTimerMs;
}

/** The next piece of a long timer, as the library's LongTimerTask computes it. */
export function nextTimerPiece(finalFireAt: number, now: number): number {
  return isLongTimer(finalFireAt, now) ? now + longTimerIntervalMs : finalFireAt;
}
