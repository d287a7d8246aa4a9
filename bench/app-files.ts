/** Files of the project the bench reads. */
import path from 'node:path';

/** The project root: two levels above dist/bench/ (compiled) or one above bench/ (sources). */
export const APP_DIR = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
);

/** The documented local settings (`Values` of local.settings.json.example). */
export function localSettingsExample(
  read: (file: string, encoding: 'utf8') => string,
): Record<string, string> {
  const parsed = JSON.parse(read(path.join(APP_DIR, 'local.settings.json.example'), 'utf8')) as {
    Values?: Record<string, unknown>;
  };
  return Object.fromEntries(Object.entries(parsed.Values ?? {}).map(([k, v]) => [k, String(v)]));
}
