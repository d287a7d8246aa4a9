/**
 * `npm run chaos [-- --small] [--seed N] [--customers N] [--keep]`: the fault run (faults, kills, a
 * Service Bus restart) and writes chaos/results.json (the full run only, unless `--out` says where).
 * Prints progress while it runs and a summary table at the end; exits 1 when anything was lost,
 * doubled or wrong, naming each customer or message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runFaultRun, type FaultRunOptions, type FaultRunResult } from './fault-run';
import { APP_DIR } from '../local/stack';

/** Full: the run. Small: what `npm test` runs (test/integration/chaos/fault-run.test.ts). */
export const CHAOS_PROFILES = {
  full: {
    customers: 500,
    kills: 2,
    timing: { reminderSchedule: 'PT1M,PT2M', acceptanceDeadline: 'PT4M', deadlineMs: 240_000 },
    throttleBursts: true,
    // Generous: eight helpers share this machine's two cores; a quiet machine settles far sooner.
    settleTimeoutMs: 20 * 60_000,
  },
  small: {
    customers: 50,
    kills: 1,
    timing: { reminderSchedule: 'PT20S,PT40S', acceptanceDeadline: 'PT75S', deadlineMs: 75_000 },
    // A failed activity waits a minute before its retry: too long for the CI run's budget.
    throttleBursts: false,
    settleTimeoutMs: 200_000,
  },
} satisfies Record<string, Omit<FaultRunOptions, 'seed' | 'workDir' | 'log'>>;

/** Counts that must be zero, with the result's name for each. */
export const MUST_BE_ZERO = [
  'duplicateMails',
  'duplicateAttestations',
  'duplicateAgreements',
  'lostMessages',
  'misroutedMessages',
  'outcomesMissingOrDoubled',
  'hostCrashes',
] as const;

export interface ChaosResults {
  customers: number;
  correct: number;
  duplicateMails: number;
  duplicateAttestations: number;
  duplicateAgreements: number;
  lostMessages: number;
  misroutedMessages: number;
  outcomesMissingOrDoubled: number;
  kills: number;
  hostCrashes: number;
  peakRssMb: number;
  seconds: number;
}

export function toResults(result: FaultRunResult): ChaosResults {
  return {
    customers: result.customers,
    correct: result.correct,
    duplicateMails: result.duplicateMails,
    duplicateAttestations: result.duplicateAttestations,
    duplicateAgreements: result.duplicateAgreements,
    lostMessages: result.lostMessages,
    misroutedMessages: result.misroutedMessages,
    outcomesMissingOrDoubled: result.outcomesMissingOrDoubled,
    kills: result.kills,
    hostCrashes: result.hostCrashes,
    peakRssMb: result.hostPeakRssMb,
    seconds: result.seconds,
  };
}

/** The problems of a run, one line each; empty when it proved what it should. */
export function problemsOf(result: FaultRunResult, expectedKills: number): string[] {
  const problems = MUST_BE_ZERO.filter((key) => result[key] !== 0).map((key) => `${key} is ${result[key]}`);
  if (result.correct !== result.customers)
    problems.push(`${result.customers - result.correct} customer(s) not in the expected state`);
  if (result.kills !== expectedKills) problems.push(`${result.kills} kill(s) instead of ${expectedKills}`);
  return problems;
}

export function summaryTable(results: ChaosResults): string {
  const rows = Object.entries(results).map(([key, value]) => {
    const want =
      key === 'correct'
        ? `= ${results.customers}`
        : (MUST_BE_ZERO as readonly string[]).includes(key)
          ? '= 0'
          : '';
    return `  ${key.padEnd(26)} ${String(value).padStart(8)}   ${want}`;
  });
  return ['  result                        value   expected', ...rows].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      small: { type: 'boolean', default: false },
      seed: { type: 'string', default: '20261204' },
      customers: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const profile = values.small ? CHAOS_PROFILES.small : CHAOS_PROFILES.full;
  const workDir = mkdtempSync(path.join(tmpdir(), 'mca-chaos-'));
  const say = (line: string): void => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);
  say(`Chaos fault run (${values.small ? 'small' : 'full'}): data and logs in ${workDir}`);
  const result = await runFaultRun({
    ...profile,
    customers: values.customers ? Number(values.customers) : profile.customers,
    seed: Number(values.seed),
    workDir,
    log: say,
  });
  const results = toResults(result);
  const out = values.out ?? (values.small ? undefined : path.join(APP_DIR, 'chaos', 'results.json'));
  if (out) writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${summaryTable(results)}\n`);
  const problems = problemsOf(result, profile.kills);
  if (result.failures.length > 0) {
    console.log(`Failures (${result.failures.length}):`);
    for (const failure of result.failures.slice(0, 100)) console.log(`  - ${failure}`);
  }
  if (out) console.log(`Results written to ${path.relative(process.cwd(), out)}`);
  if (values.keep || problems.length > 0) console.log(`Data and logs kept in ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
  if (problems.length > 0) {
    console.log(`FAILED: ${problems.join('; ')}`);
    process.exitCode = 1;
  } else console.log('PASSED: nothing lost, doubled or leaked.');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  });
}
