/**
 * NCRONTAB schedules as the Functions timer trigger reads them: six fields
 * `{second} {minute} {hour} {day} {month} {day-of-week}` with `*`, values, ranges `a-b`, lists `a,b`,
 * steps `* /n` `a-b/n` `a/n`, and month/day names. Like NCrontab, day and day-of-week must BOTH match.
 * A `hh:mm:ss` TimeSpan (the App Service form) is an interval since the previous run.
 * Everything is evaluated in UTC.
 */

export interface Schedule {
  /** The first occurrence strictly after `after` (ms since the epoch). */
  next(after: number): number;
  readonly expression: string;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

export class CronSyntaxError extends Error {
  constructor(expression: string, reason: string) {
    super(`'${expression}' is not a valid NCRONTAB expression: ${reason}`);
    this.name = 'CronSyntaxError';
  }
}

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const byName = spec.names?.findIndex((n) => n === text.toUpperCase().slice(0, 3) && text.length >= 3);
  if (byName !== undefined && byName >= 0 && /^[a-z]+$/i.test(text)) return byName + spec.min;
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(expression, `'${text}' is not a valid ${spec.name}`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new CronSyntaxError(expression, `${spec.name} ${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [rangeText = '', stepText, extra] = part.split('/');
    if (extra !== undefined || rangeText === '')
      throw new CronSyntaxError(expression, `'${part}' is malformed`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new CronSyntaxError(expression, `step '${stepText}' must be a positive number`);
      }
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (rangeText === '*') {
      from = spec.min;
      to = spec.max;
    } else if (rangeText.includes('-')) {
      const [a = '', b = ''] = rangeText.split('-');
      from = parseValue(a, spec, expression);
      to = parseValue(b, spec, expression);
      if (from > to) throw new CronSyntaxError(expression, `range '${rangeText}' runs backwards`);
    } else {
      from = parseValue(rangeText, spec, expression);
      to = stepText !== undefined ? spec.max : from;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

const DAY_MS = 86_400_000;

class CronSchedule implements Schedule {
  private readonly fields: Set<number>[];

  constructor(readonly expression: string) {
    const parts = expression.trim().split(/\s+/);
    if (parts.length !== 6) {
      throw new CronSyntaxError(
        expression,
        `expected 6 fields (second minute hour day month day-of-week), got ${parts.length}`,
      );
    }
    this.fields = parts.map((part, i) => parseField(part, FIELDS[i], expression));
  }

  next(after: number): number {
    const [seconds, minutes, hours, days, months, weekdays] = this.fields as [
      Set<number>,
      Set<number>,
      Set<number>,
      Set<number>,
      Set<number>,
      Set<number>,
    ];
    const start = Math.floor(after / 1000) * 1000 + 1000;
    const startDay = Math.floor(start / DAY_MS) * DAY_MS;
    // Fifty years covers every satisfiable combination (29 February on a given weekday repeats within 28).
    for (let day = startDay; day < startDay + 50 * 366 * DAY_MS; day += DAY_MS) {
      const date = new Date(day);
      if (
        !months.has(date.getUTCMonth() + 1) ||
        !days.has(date.getUTCDate()) ||
        !weekdays.has(date.getUTCDay())
      ) {
        continue;
      }
      const earliest = day === startDay ? start - day : 0;
      const found = firstTimeOfDay(hours, minutes, seconds, earliest);
      if (found !== undefined) return day + found;
    }
    throw new CronSyntaxError(this.expression, 'it never occurs');
  }
}

function firstTimeOfDay(
  hours: Set<number>,
  minutes: Set<number>,
  seconds: Set<number>,
  earliestMs: number,
): number | undefined {
  const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
  for (const h of sorted(hours)) {
    for (const m of sorted(minutes)) {
      for (const s of sorted(seconds)) {
        const ms = ((h * 60 + m) * 60 + s) * 1000;
        if (ms >= earliestMs) return ms;
      }
    }
  }
  return undefined;
}

class IntervalSchedule implements Schedule {
  constructor(
    readonly expression: string,
    private readonly intervalMs: number,
  ) {}

  next(after: number): number {
    return after + this.intervalMs;
  }
}

/** Parses a timer trigger `schedule`; throws CronSyntaxError naming what is wrong. */
export function parseSchedule(expression: string): Schedule {
  const timeSpan = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(expression.trim());
  if (timeSpan) {
    const [, d = '0', h = '0', m = '0', s = '0'] = timeSpan;
    const ms = (((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
    if (ms <= 0) throw new CronSyntaxError(expression, 'the interval must be positive');
    return new IntervalSchedule(expression, ms);
  }
  return new CronSchedule(expression);
}
