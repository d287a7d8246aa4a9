/**
 * What the CLI prints: aligned tables and `key: value` blocks for people, JSON for programs. Pure
 * functions: text in, text out.
 */

export type Cell = string | number | boolean | null | undefined;

function cellText(value: Cell): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** Columns padded to their widest cell; a header row first. No trailing spaces. */
export function formatTable(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const texts = rows.map((row) => columns.map((_, i) => cellText(row[i])));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...texts.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), ...texts.map(line)].join('\n') + '\n';
}

/** `key: value` lines, keys aligned; empty values are left out. */
export function formatFields(fields: Readonly<Record<string, Cell>>): string {
  const shown = Object.entries(fields).filter(([, value]) => cellText(value) !== '');
  const width = Math.max(0, ...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${cellText(value)}`).join('\n') + '\n';
}

export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
