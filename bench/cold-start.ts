/**
 * Cold start: time to require the deployment bundle (`npm run package`: one esbuild file) versus the
 * unbundled `tsc` output (dist/functions/main.js and its node_modules), each in a fresh Node process,
 * interleaved so both see the same machine.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { APP_DIR } from './app-files';

export interface ColdStartRuns {
  bundledMs: number[];
  unbundledMs: number[];
  bundleBytes: number;
}

const BUNDLE = path.join('dist-package', 'main.js');
const UNBUNDLED = path.join('dist', 'functions', 'main.js');
const CHILD = path.join(__dirname, 'cold-start-child.js');

export function measureColdStart(runs: number): ColdStartRuns {
  execFileSync(process.execPath, [path.join(APP_DIR, 'scripts', 'package.js')], {
    cwd: APP_DIR,
    stdio: 'ignore',
  });
  const bundledMs: number[] = [];
  const unbundledMs: number[] = [];
  // One warm-up each (disk cache), then alternate.
  loadOnce(BUNDLE);
  loadOnce(UNBUNDLED);
  for (let i = 0; i < runs; i++) {
    bundledMs.push(loadOnce(BUNDLE));
    unbundledMs.push(loadOnce(UNBUNDLED));
  }
  return { bundledMs, unbundledMs, bundleBytes: statSync(path.join(APP_DIR, BUNDLE)).size };
}

function loadOnce(entry: string): number {
  const output = execFileSync(process.execPath, [CHILD, entry], { cwd: APP_DIR, encoding: 'utf8' });
  const { ms, functions } = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
    ms: number;
    functions: number;
  };
  if (!(functions > 0)) throw new Error(`${entry} registered no function`);
  return ms;
}
