import {
  InvalidDurationError,
  deadlineAt,
  nextReminder,
  parseIsoDuration,
  pollDelay,
  reminderTimes,
} from '../../../shared/mca';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseIsoDuration', () => {
  it.each<[string, number]>([
    ['P0D', 0],
    ['P1D', DAY],
    ['P3D', 3 * DAY],
    ['P30D', 30 * DAY],
    ['P1W', 7 * DAY],
    ['P2W', 14 * DAY],
    ['PT1H', HOUR],
    ['PT5M', 5 * MINUTE],
    ['PT6H', 6 * HOUR],
    ['PT90S', 90 * SECOND],
    ['PT0.5S', 500],
    ['PT1,25S', 1250],
    ['PT0.0005S', 1],
    ['P1DT12H', DAY + 12 * HOUR],
    ['P1DT2H3M4S', DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND],
    ['PT36H', 36 * HOUR],
  ])('%s = %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['P1Y', 'P1M', 'P1Y2M3D', 'P2M1DT1H'])('rejects calendar years/months in %s', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(InvalidDurationError);
    expect(() => parseIsoDuration(text)).toThrow(/months are not supported/);
  });

  it.each([
    '',
    'P',
    'PT',
    'P1DT',
    '3D',
    'p3d',
    'P3d',
    '-P3D',
    'P1.5D',
    'PT1.5H',
    'P1W2D',
    'P3D ',
    ' P3D',
    'PT1S2M',
    'P1H',
    'P99999999999999D',
  ])('rejects %j, quoting it', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(InvalidDurationError);
    expect(() => parseIsoDuration(text)).toThrow(JSON.stringify(text));
  });
});

describe('reminder and deadline times', () => {
  const started = new Date('2026-03-01T10:00:00.000Z');
  const schedule = [3 * DAY, 7 * DAY, 14 * DAY];

  it('places each reminder at its offset from the start', () => {
    expect(reminderTimes(started, schedule).map((d) => d.toISOString())).toEqual([
      '2026-03-04T10:00:00.000Z',
      '2026-03-08T10:00:00.000Z',
      '2026-03-15T10:00:00.000Z',
    ]);
    expect(reminderTimes(started, [])).toEqual([]);
  });

  it('computes the deadline from the start', () => {
    expect(deadlineAt(started, 30 * DAY).toISOString()).toBe('2026-03-31T10:00:00.000Z');
  });

  it.each<[number, string | undefined]>([
    [0, '2026-03-04T10:00:00.000Z'],
    [1, '2026-03-08T10:00:00.000Z'],
    [2, '2026-03-15T10:00:00.000Z'],
    [3, undefined],
    [4, undefined],
  ])('after %d reminders the next is %s', (sent, expected) => {
    expect(nextReminder(started, schedule, sent)?.toISOString()).toBe(expected);
  });

  it.each([-1, 0.5, Number.NaN])('rejects remindersSent %d', (sent) => {
    expect(() => nextReminder(started, schedule, sent)).toThrow(RangeError);
  });

  it('does not modify the start date', () => {
    deadlineAt(started, DAY);
    nextReminder(started, schedule, 0);
    expect(started.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });
});

describe('pollDelay', () => {
  const backoff = { initialMs: 5 * MINUTE, maxMs: 6 * HOUR };

  it.each<[number, number]>([
    [0, 5 * MINUTE],
    [1, 10 * MINUTE],
    [2, 20 * MINUTE],
    [3, 40 * MINUTE],
    [4, 80 * MINUTE],
    [5, 160 * MINUTE],
    [6, 320 * MINUTE],
    [7, 6 * HOUR], // 640 min would pass the cap
    [8, 6 * HOUR],
    [5000, 6 * HOUR], // factor ** attempt overflows to Infinity
  ])('attempt %d waits %d ms (factor 2, capped)', (attempt, ms) => {
    expect(pollDelay(attempt, backoff)).toBe(ms);
  });

  it('reaches the cap exactly when the product equals it', () => {
    expect(pollDelay(2, { initialMs: 100, maxMs: 400 })).toBe(400);
    expect(pollDelay(1, { initialMs: 100, maxMs: 400 })).toBe(200);
  });

  it.each<[number, number]>([
    [0, 1000],
    [1, 3000],
    [2, 9000],
    [3, 10000],
  ])('honours a custom factor: attempt %d -> %d', (attempt, ms) => {
    expect(pollDelay(attempt, { initialMs: 1000, maxMs: 10000, factor: 3 })).toBe(ms);
  });

  it('keeps a constant delay with factor 1', () => {
    expect(pollDelay(10, { initialMs: 1000, maxMs: 10000, factor: 1 })).toBe(1000);
  });

  it.each([
    [-1, backoff],
    [1.5, backoff],
    [0, { initialMs: 0, maxMs: 10 }],
    [0, { initialMs: 10, maxMs: 9 }],
    [0, { initialMs: 10, maxMs: 100, factor: 0.5 }],
    [0, { initialMs: Number.NaN, maxMs: 100 }],
  ])('rejects attempt %d with %j', (attempt, options) => {
    expect(() => pollDelay(attempt, options)).toThrow(RangeError);
  });
});
