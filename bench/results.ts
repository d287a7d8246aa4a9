/**
 * The bench's results: the shape of bench/results.json, the goals, and the table printed to stdout.
 * Pure: figures in, text out.
 */
import { median, ratio, round } from './stats';

export interface SweepPoint {
  customers: number;
  ratePerSecond: number;
  latencyMs: number;
  seconds: number;
  floorSeconds: number;
  /** False: stopped at the time limit; seconds and floor cover the part done. */
  completed: boolean;
}

export interface BenchResults {
  sweep: {
    customers: number;
    ratePerSecond: number;
    latencyMs: number;
    /** Partner Center API calls answered while the sweep ran (its reads and the runs it started). */
    calls: number;
    /** Of those, the sweep's own reads (list pages and status reads). */
    sweepReads: number;
    /** 429s the app drew (it should stay under the limit: 0). */
    throttled: number;
    floorSeconds: number;
    seconds: number;
    ratio: number;
    naiveSeconds: number;
    naiveRatio: number;
    peakRssMbSmall: number;
    peakRssMbLarge: number;
    largeCustomers: number;
    /** Whether the large sweep finished within the time allowed. */
    largeCompleted: boolean;
    largeSeconds: number;
    /** The large sweep's summary, or its progress when it did not finish. */
    largeSummary: unknown;
    /** Whether every timed sweep finished (false: stopped at the time limit). */
    completed: boolean;
    runs: number;
    /** For the chart: sweep time and floor at several book sizes. */
    points: SweepPoint[];
  };
  engine: {
    workflows: number;
    engineSeconds: number;
    directSeconds: number;
    ratio: number;
    runs: number;
    /** Workflows not finished when the bench stopped driving them (0 expected). */
    unfinished: number;
  };
  coldStart: { bundledMs: number; unbundledMs: number; ratio: number; bundleBytes: number; runs: number };
  measuredAt: string;
  machine: { cpus: number; node: string };
}

export interface Goal {
  name: string;
  figure: string;
  goal: string;
  met: boolean;
}

export function goals(results: BenchResults): Goal[] {
  const { sweep, engine, coldStart } = results;
  const rssGrowth = sweep.peakRssMbSmall === 0 ? 0 : sweep.peakRssMbLarge / sweep.peakRssMbSmall - 1;
  return [
    {
      name: `sweep ${sweep.customers} customers / floor`,
      figure: `${sweep.seconds} s / ${sweep.floorSeconds} s = ${sweep.ratio}`,
      goal: '<= 1.10',
      met: sweep.ratio > 0 && sweep.ratio <= 1.1,
    },
    {
      name: 'naive script / sweep',
      figure: `${sweep.naiveSeconds} s / ${sweep.seconds} s = ${sweep.naiveRatio}`,
      goal: '>= 2',
      met: sweep.naiveRatio >= 2,
    },
    {
      name: `host peak RSS ${sweep.largeCustomers} vs ${sweep.customers}`,
      figure: `${sweep.peakRssMbLarge} MB vs ${sweep.peakRssMbSmall} MB (${signed(round(rssGrowth * 100, 1))}%)`,
      goal: 'within 10%',
      met: sweep.peakRssMbSmall > 0 && Math.abs(rssGrowth) <= 0.1,
    },
    {
      name: `engine ${engine.workflows} workflows / direct`,
      figure: `${engine.engineSeconds} s / ${engine.directSeconds} s = ${engine.ratio}`,
      goal: '<= 3',
      met: engine.ratio > 0 && engine.ratio <= 3,
    },
    {
      name: 'cold start bundled / unbundled',
      figure: `${coldStart.bundledMs} ms / ${coldStart.unbundledMs} ms = ${coldStart.ratio}`,
      goal: '<= 0.333',
      met: coldStart.ratio > 0 && coldStart.ratio <= 1 / 3,
    },
  ];
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

/** A Markdown table (also what stdout shows). */
export function goalsTable(rows: readonly Goal[]): string {
  const lines = [
    '| Measure | Figure | Goal | Met |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.figure} | ${r.goal} | ${r.met ? 'yes' : 'no'} |`),
  ];
  return lines.join('\n');
}

/** Median seconds and the floor from median counted calls, as the results report them. */
export function sweepFigures(
  runs: ReadonlyArray<{ seconds: number; calls: number }>,
  ratePerSecond: number,
): { seconds: number; calls: number; floorSeconds: number; ratio: number } {
  const seconds = median(runs.map((r) => r.seconds));
  const calls = median(runs.map((r) => r.calls));
  const floorSeconds = calls / ratePerSecond;
  return {
    seconds: round(seconds),
    calls,
    floorSeconds: round(floorSeconds),
    ratio: ratio(seconds, floorSeconds),
  };
}
