/**
 * `npm run bench -- --small` works end to end: it measures on the local host and emulators, writes
 * results.json in the documented shape with sane figures, draws the chart and prints the table. It
 * checks no timing goal: CI machines are too noisy for that.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchResults } from '../../../bench/results';
import { APP_DIR } from '../../../local/stack';
import { ensureBuilt } from '../../helpers/app-stack';

jest.setTimeout(15 * 60_000);

const run = promisify(execFile);
let outDir: string;
let stdout: string;
let results: BenchResults;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), 'mca-bench-small-'));
  // The app in dist/ (built under the other tests' lock), the bench on its own in dist-bench/.
  await ensureBuilt();
  await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'bench/tsconfig.json'], {
    cwd: APP_DIR,
  });
  ({ stdout } = await run(process.execPath, ['dist-bench/bench/main.js', '--small', '--out', outDir], {
    cwd: APP_DIR,
    maxBuffer: 16 * 1024 * 1024,
  }));
  results = JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8')) as BenchResults;
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

it('writes results.json in the shape the issue documents', () => {
  expect(Object.keys(results.sweep)).toEqual(
    expect.arrayContaining([
      'customers',
      'ratePerSecond',
      'latencyMs',
      'floorSeconds',
      'seconds',
      'ratio',
      'naiveSeconds',
      'naiveRatio',
      'peakRssMbSmall',
      'peakRssMbLarge',
      'largeCustomers',
    ]),
  );
  expect(Object.keys(results.engine)).toEqual(
    expect.arrayContaining(['workflows', 'engineSeconds', 'directSeconds', 'ratio']),
  );
  expect(Object.keys(results.coldStart)).toEqual(
    expect.arrayContaining(['bundledMs', 'unbundledMs', 'ratio', 'bundleBytes']),
  );
  expect(results.sweep).toMatchObject({
    customers: 100,
    ratePerSecond: 100,
    latencyMs: 20,
    largeCustomers: 200,
  });
});

it('takes the floor from the Partner Center calls the emulator counted', () => {
  const { sweep } = results;
  // At least the sweep's own reads (pages + status reads), plus what the runs it started read.
  expect(sweep.calls).toBeGreaterThanOrEqual(sweep.sweepReads);
  expect(sweep.floorSeconds).toBeCloseTo(sweep.calls / sweep.ratePerSecond, 2);
  expect(sweep.throttled).toBe(0);
  expect(sweep.seconds).toBeGreaterThan(0);
  expect(sweep.ratio).toBeCloseTo(sweep.seconds / sweep.floorSeconds, 1);
  expect(sweep.naiveRatio).toBeGreaterThan(0);
  expect(sweep.peakRssMbSmall).toBeGreaterThan(0);
  expect(sweep.peakRssMbLarge).toBeGreaterThan(0);
  expect(sweep.largeCompleted).toBe(true);
});

it('runs every onboarding workflow to its end, and loads both builds of the app', () => {
  expect(results.engine).toMatchObject({ workflows: 20, unfinished: 0 });
  expect(results.engine.ratio).toBeGreaterThan(0);
  expect(results.coldStart.ratio).toBeGreaterThan(0);
  expect(results.coldStart.bundleBytes).toBeGreaterThan(100_000);
});

it('draws the chart and prints the table', () => {
  const svg = readFileSync(path.join(outDir, 'sweep.svg'), 'utf8');
  expect(svg).toContain('<svg');
  expect(svg).toContain('200 customers');
  expect(stdout).toContain('| Measure | Figure | Goal | Met |');
  expect(stdout).toContain('cold start bundled / unbundled');
});
