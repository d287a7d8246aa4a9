/**
 * `npm run bench [-- --small] [--out <dir>] [--runs n] [--workflows n] [--large-timeout s]`: the sweep,
 * engine and cold-start measures side by side on this machine (see README "Performance"); prints the
 * table and writes results.json and sweep.svg to `--out` (default bench/). `--small` is the CI size: it
 * shows the bench works, it times nothing that matters.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { APP_DIR } from './app-files';
import { closeOpenStacks, type PartnerCenterLimits } from './bench-stack';
import { sweepChart } from './chart';
import { measureColdStart } from './cold-start';
import { runEngine, type EngineRun } from './engine';
import { runNaive, type NaiveRun } from './naive';
import { goals, goalsTable, sweepFigures, type BenchResults, type SweepPoint } from './results';
import { median, ratio, round } from './stats';
import { runSweep, type SweepRun } from './sweep';

export interface BenchPlan {
  customers: number;
  limits: PartnerCenterLimits;
  /** Runs of each timed measure; figures are medians. */
  runs: number;
  /** Extra book sizes for the chart (one run each, same limits). */
  chartSizes: number[];
  largeCustomers: number;
  engineWorkflows: number;
  engineRuns: number;
  coldStartRuns: number;
  /** How long one sweep may take before it is reported unfinished. */
  sweepTimeoutMs: number;
  /** The same for the large book (its peak RSS is then the peak so far). */
  largeTimeoutMs: number;
}

export const FULL_PLAN: BenchPlan = {
  customers: 2000,
  limits: { ratePerSecond: 100, latencyMs: 20 },
  runs: 3,
  chartSizes: [500],
  largeCustomers: 20_000,
  engineWorkflows: 1000,
  engineRuns: 3,
  coldStartRuns: 9,
  sweepTimeoutMs: 20 * 60_000,
  largeTimeoutMs: 30 * 60_000,
};

export const SMALL_PLAN: BenchPlan = {
  customers: 100,
  limits: { ratePerSecond: 100, latencyMs: 20 },
  runs: 1,
  chartSizes: [50],
  largeCustomers: 200,
  engineWorkflows: 20,
  engineRuns: 1,
  coldStartRuns: 3,
  sweepTimeoutMs: 5 * 60_000,
  largeTimeoutMs: 5 * 60_000,
};

const say = (line: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

export async function runBench(plan: BenchPlan): Promise<BenchResults> {
  const { customers, limits } = plan;
  const sweeps: SweepRun[] = [];
  const naives: NaiveRun[] = [];
  // Side by side: the sweep and the naive script alternate, so both see the same machine.
  for (let run = 0; run < plan.runs; run++) {
    sweeps.push(await runSweep(customers, limits, { timeoutMs: plan.sweepTimeoutMs }));
    say(`sweep ${customers}: ${describe(sweeps.at(-1))}`);
    naives.push(await runNaive(customers, limits));
    say(`naive ${customers}: ${round(naives.at(-1)?.seconds ?? 0)} s`);
  }
  const figures = sweepFigures(sweeps, limits.ratePerSecond);
  const naiveSeconds = median(naives.map((n) => n.seconds));

  const points: SweepPoint[] = [];
  for (const size of plan.chartSizes) {
    const run = await runSweep(size, limits, { timeoutMs: plan.sweepTimeoutMs });
    say(`sweep ${size}: ${describe(run)}`);
    points.push(point(run, limits));
  }
  points.push({
    ...limits,
    customers,
    seconds: figures.seconds,
    floorSeconds: figures.floorSeconds,
    completed: sweeps.every((s) => s.completed),
  });
  const large = await runSweep(plan.largeCustomers, limits, { timeoutMs: plan.largeTimeoutMs });
  say(`sweep ${plan.largeCustomers}: ${describe(large)}`);
  points.push(point(large, limits));
  points.sort((a, b) => a.customers - b.customers);

  const engines: EngineRun[] = [];
  for (let run = 0; run < plan.engineRuns; run++) {
    engines.push(await runEngine(plan.engineWorkflows));
    say(`engine ${plan.engineWorkflows}: ${JSON.stringify(engines.at(-1))}`);
  }
  const engineSeconds = median(engines.map((e) => e.engineSeconds));
  const directSeconds = median(engines.map((e) => e.directSeconds));

  const cold = measureColdStart(plan.coldStartRuns);
  const bundledMs = median(cold.bundledMs);
  const unbundledMs = median(cold.unbundledMs);
  say(`cold start: bundled ${round(bundledMs)} ms, unbundled ${round(unbundledMs)} ms`);

  return {
    sweep: {
      customers,
      ...limits,
      calls: figures.calls,
      sweepReads: median(sweeps.map((s) => s.sweepReads)),
      throttled: median(sweeps.map((s) => s.throttled)),
      floorSeconds: figures.floorSeconds,
      seconds: figures.seconds,
      ratio: figures.ratio,
      naiveSeconds: round(naiveSeconds),
      naiveRatio: ratio(naiveSeconds, figures.seconds),
      peakRssMbSmall: round(median(sweeps.map((s) => s.peakRssMb ?? 0)), 1),
      peakRssMbLarge: round(large.peakRssMb ?? 0, 1),
      largeCustomers: plan.largeCustomers,
      largeCompleted: large.completed,
      largeSeconds: round(large.seconds),
      largeSummary: large.summary,
      completed: sweeps.every((s) => s.completed),
      runs: plan.runs,
      points,
    },
    engine: {
      workflows: plan.engineWorkflows,
      engineSeconds: round(engineSeconds),
      directSeconds: round(directSeconds),
      ratio: ratio(engineSeconds, directSeconds),
      runs: plan.engineRuns,
      unfinished: Math.max(...engines.map((e) => e.unfinished)),
    },
    coldStart: {
      bundledMs: round(bundledMs, 1),
      unbundledMs: round(unbundledMs, 1),
      ratio: ratio(bundledMs, unbundledMs),
      bundleBytes: cold.bundleBytes,
      runs: plan.coldStartRuns,
    },
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
  };
}

function point(run: SweepRun, limits: PartnerCenterLimits): SweepPoint {
  return {
    ...limits,
    customers: run.customers,
    seconds: round(run.seconds),
    floorSeconds: round(run.calls / limits.ratePerSecond),
    completed: run.completed,
  };
}

function describe(run: SweepRun | undefined): string {
  if (!run) return '-';
  const state = run.completed ? '' : ' (NOT FINISHED)';
  return `${round(run.seconds)} s${state}, ${run.calls} calls, ${run.throttled} x 429, peak RSS ${round(run.peakRssMb ?? 0, 1)} MB`;
}

/** `--runs n` (sweep and engine), `--workflows n`, `--large-timeout <seconds>`: for a slower machine. */
export function withOverrides(
  plan: BenchPlan,
  flags: { runs?: string; workflows?: string; 'large-timeout'?: string },
): BenchPlan {
  const whole = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} must be a whole number above 0`);
    return value;
  };
  const runs = whole('runs', flags.runs);
  const workflows = whole('workflows', flags.workflows);
  const largeTimeout = whole('large-timeout', flags['large-timeout']);
  return {
    ...plan,
    ...(runs === undefined ? {} : { runs, engineRuns: runs }),
    ...(workflows === undefined ? {} : { engineWorkflows: workflows }),
    ...(largeTimeout === undefined ? {} : { largeTimeoutMs: largeTimeout * 1000 }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      small: { type: 'boolean', default: false },
      out: { type: 'string' },
      runs: { type: 'string' },
      workflows: { type: 'string' },
      'large-timeout': { type: 'string' },
    },
  });
  const outDir = path.resolve(values.out ?? path.join(APP_DIR, 'bench'));
  const plan = withOverrides(values.small ? SMALL_PLAN : FULL_PLAN, values);
  say(`${values.small ? 'small' : 'full'} bench, writing to ${outDir}`);
  const results = await runBench(plan);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'sweep.svg'), sweepChart(results.sweep.points));
  console.log(`\n${goalsTable(goals(results))}\n`);
}

if (require.main === module) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, stopping the stacks it started`);
      void closeOpenStacks().finally(() => process.exit(130));
    });
  }
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
