/**
 * Files of the project the bench reads. Kept free of the app's and the emulators' modules: the
 * cold-start child loads this before it times the app.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The project root: the first folder above the bench (sources or dist-bench/) with a package.json. */
export const APP_DIR = findUp(__dirname);

function findUp(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

/** The documented local settings (`Values` of local.settings.json.example). */
export function localSettingsExample(): Record<string, string> {
  const file = path.join(APP_DIR, 'local.settings.json.example');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(parsed.Values ?? {}).map(([k, v]) => [k, String(v)]));
}
