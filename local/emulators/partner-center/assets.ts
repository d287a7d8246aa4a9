/**
 * Files shipped beside the sources (seed.json, certs/). Compiled code runs from dist/, where tsc
 * does not copy them, so fall back to the source folder.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SOURCE_DIR = resolve(__dirname, '..', '..', '..', '..', 'local', 'emulators', 'partner-center');

export function assetPath(relative: string): string {
  const beside = join(__dirname, relative);
  return existsSync(beside) ? beside : join(SOURCE_DIR, relative);
}
