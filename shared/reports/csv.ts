/**
 * RFC 4180 CSV with spreadsheet-formula neutralising (OWASP "CSV injection"): a cell that a
 * spreadsheet would run as a formula gets a leading apostrophe, so it shows as text instead.
 */

export type CsvValue = string | number | boolean | null | undefined;

/** CRLF between records, as RFC 4180 says. */
export const CSV_LINE_END = '\r\n';

/** First characters a spreadsheet treats as the start of a formula (tab and CR too, per OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Characters that force a quoted field. */
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? neutraliseFormula(value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Only text can be a formula; our numbers are never negative and booleans are words. */
function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvRecord(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + CSV_LINE_END;
}
