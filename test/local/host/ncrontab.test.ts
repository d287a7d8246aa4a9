import { CronSyntaxError, parseSchedule } from '../../../local/host';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('NCRONTAB next occurrence (UTC)', () => {
  it.each([
    ['0 */5 * * * *', '2026-01-01T00:00:00.000Z', '2026-01-01T00:05:00.000Z'],
    ['0 */5 * * * *', '2026-01-01T00:04:59.999Z', '2026-01-01T00:05:00.000Z'],
    ['*/15 * * * * *', '2026-01-01T00:00:14.000Z', '2026-01-01T00:00:15.000Z'],
    ['0 0 * * * *', '2026-01-01T10:30:00.000Z', '2026-01-01T11:00:00.000Z'],
    ['0 30 9 * * *', '2026-01-01T09:30:00.000Z', '2026-01-02T09:30:00.000Z'],
    ['0 30 9 * * 1-5', '2026-01-02T10:00:00.000Z', '2026-01-05T09:30:00.000Z'], // Fri after 9:30 -> Mon
    ['0 0 9 * * MON,WED', '2026-01-01T00:00:00.000Z', '2026-01-05T09:00:00.000Z'],
    ['0 0 0 1 JAN *', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['0 0 12 1 * *', '2026-01-15T00:00:00.000Z', '2026-02-01T12:00:00.000Z'],
    ['0 0 0 29 2 *', '2026-01-01T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['0 0 0 13 * 5', '2026-01-01T00:00:00.000Z', '2026-02-13T00:00:00.000Z'], // Friday the 13th: both must match
    ['5,10 0 8-10/2 * * *', '2026-01-01T08:00:05.000Z', '2026-01-01T08:00:10.000Z'],
    ['5,10 0 8-10/2 * * *', '2026-01-01T08:00:10.000Z', '2026-01-01T10:00:05.000Z'],
    ['0 15/20 * * * *', '2026-01-01T00:16:00.000Z', '2026-01-01T00:35:00.000Z'],
    ['0 0 23 31 DEC SAT', '2026-01-01T00:00:00.000Z', '2033-12-31T23:00:00.000Z'],
  ])('%s after %s is %s', (expression, after, expected) => {
    expect(iso(parseSchedule(expression).next(at(after)))).toBe(expected);
  });

  it('reads a TimeSpan as an interval since the previous run', () => {
    expect(iso(parseSchedule('00:10:00').next(at('2026-01-01T00:03:00.000Z')))).toBe(
      '2026-01-01T00:13:00.000Z',
    );
    expect(iso(parseSchedule('1.00:00:00').next(at('2026-01-01T00:00:00.000Z')))).toBe(
      '2026-01-02T00:00:00.000Z',
    );
  });

  it.each([
    ['0 */5 * * *', /expected 6 fields/],
    ['60 * * * * *', /second 60 is outside 0-59/],
    ['0 0 24 * * *', /hour 24 is outside 0-23/],
    ['0 0 0 0 * *', /day 0 is outside 1-31/],
    ['0 0 0 * 13 *', /month 13 is outside 1-12/],
    ['0 0 0 * * 7', /day-of-week 7 is outside 0-6/],
    ['0 */0 * * * *', /step '0'/],
    ['0 5-1 * * * *', /runs backwards/],
    ['0 x * * * *', /'x' is not a valid minute/],
    ['0 0 0 31 2 *', /never occurs/],
  ])('rejects %s', (expression, message) => {
    expect(() => parseSchedule(expression).next(at('2026-01-01T00:00:00.000Z'))).toThrow(message);
    expect(() => parseSchedule(expression).next(0)).toThrow(CronSyntaxError);
  });
});
