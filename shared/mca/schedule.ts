/**
 * Durations and timing rules for the waiting phase: reminder times, the acceptance deadline and the
 * status-poll back-off. Pure: callers pass the start time; nothing here reads the clock.
 */

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_WEEK = 7 * MS_PER_DAY;

export class InvalidDurationError extends Error {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {
    super(`invalid ISO-8601 duration ${JSON.stringify(text)}: ${reason}`);
    this.name = 'InvalidDurationError';
  }
}

const WEEKS = /^P(\d+)W$/;
// Days, then an optional time part; only the seconds may carry a fraction (PT0.5S).
const DAYS_AND_TIME = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const EXPECTED_FORMS = 'expected PnW or PnDTnHnMnS, e.g. P2W, P3D, PT5M, P1DT12H';

/**
 * Parses `PnW` or `PnDTnHnMnS` (each part optional, at least one present) into milliseconds.
 * Years and months are rejected: a calendar month has no fixed length, so "P1M" would make a
 * reminder land on a different day depending on when the workflow started.
 */
export function parseIsoDuration(text: string): number {
  const weeks = WEEKS.exec(text);
  if (weeks) return checkedMs(text, Number(weeks[1]) * MS_PER_WEEK);

  const [datePart = ''] = text.split('T');
  if (/^P.*Y/.test(datePart) || /^P.*M/.test(datePart)) {
    throw new InvalidDurationError(
      text,
      'years and months are not supported (calendar months are ambiguous); use days or weeks, e.g. P30D',
    );
  }

  const match = DAYS_AND_TIME.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) throw new InvalidDurationError(text, EXPECTED_FORMS);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return checkedMs(
    text,
    Number(days) * MS_PER_DAY +
      Number(hours) * MS_PER_HOUR +
      Number(minutes) * MS_PER_MINUTE +
      Math.round(Number(seconds.replace(',', '.')) * MS_PER_SECOND),
  );
}

function checkedMs(text: string, ms: number): number {
  if (!Number.isSafeInteger(ms)) throw new InvalidDurationError(text, 'too large');
  return ms;
}

/** The moment of each reminder: `startedAt` plus each offset of the schedule (milliseconds). */
export function reminderTimes(startedAt: Date, scheduleMs: readonly number[]): Date[] {
  return scheduleMs.map((offsetMs) => addMs(startedAt, offsetMs));
}

/** When the workflow gives up waiting and escalates. */
export function deadlineAt(startedAt: Date, deadlineMs: number): Date {
  return addMs(startedAt, deadlineMs);
}

/**
 * The next reminder still to send after `remindersSent` have gone out, or undefined when the
 * schedule is exhausted.
 */
export function nextReminder(
  startedAt: Date,
  scheduleMs: readonly number[],
  remindersSent: number,
): Date | undefined {
  if (!Number.isInteger(remindersSent) || remindersSent < 0) {
    throw new RangeError(`remindersSent must be a non-negative integer, got ${remindersSent}`);
  }
  const offsetMs = scheduleMs[remindersSent];
  return offsetMs === undefined ? undefined : addMs(startedAt, offsetMs);
}

export interface PollBackoff {
  /** Delay before the first status check (attempt 0). */
  initialMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** Growth per attempt; 2 doubles the delay each time. */
  factor?: number;
}

/**
 * Delay before status check number `attempt` (0-based): initialMs * factor^attempt, capped at maxMs.
 * Deterministic (no jitter) so an orchestrator replays the same timers.
 */
export function pollDelay(attempt: number, { initialMs, maxMs, factor = 2 }: PollBackoff): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  }
  if (!(initialMs > 0) || !(maxMs >= initialMs) || !(factor >= 1)) {
    throw new RangeError(
      `poll back-off needs 0 < initialMs <= maxMs and factor >= 1, got initialMs=${initialMs}, maxMs=${maxMs}, factor=${factor}`,
    );
  }
  // Past the cap the power may overflow to Infinity; min() still gives maxMs.
  return Math.min(maxMs, Math.round(initialMs * factor ** attempt));
}

function addMs(at: Date, ms: number): Date {
  return new Date(at.getTime() + ms);
}

/** The moment `ms` after the epoch: for orchestrators, which may not touch the Date global themselves. */
export function instantAt(ms: number): Date {
  return new Date(ms);
}

/** The moment an ISO-8601 timestamp names: for orchestrators, whose state keeps times as strings. */
export function instantOf(iso: string): Date {
  return new Date(iso);
}
