/**
 * `npm run chaos [-- --small] [--seed N] [--customers N] [--fuzz N] [--forged N] [--no-hostile] [--keep]`:
 * the fault run (faults, kills, a Service Bus restart), then on the same stack the hostile input
 * (fuzzed CRM messages, forged webhooks) and a leak scan of what the stack shows; writes chaos/results.json (the full run only, unless `--out`
 * says where).
 * Prints progress while it runs and a summary table at the end; exits 1 when anything was lost,
 * doubled or wrong, naming each customer or message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runFaultRun, type FaultRunOptions, type FaultRunResult } from './fault-run';
import { runFuzz, type FuzzResult } from './fuzz';
import { runHostileWebhooks, type HostileWebhookResult } from './hostile-webhooks';
import type { ChaosTarget } from './target';
import { planFaultRun } from './fault-run-plan';
import { scanForPii } from './pii-scan';
import { collectPiiSources } from './pii-scan-sources';
import type { Verdict } from './fault-run-verify';
import { APP_DIR } from '../local/stack';

/** Full: the run. Small: what `npm test` runs (test/integration/chaos/fault-run.test.ts). */
export const CHAOS_PROFILES = {
  full: {
    customers: 500,
    fuzz: 10_000,
    forged: 2000,
    kills: 2,
    timing: { reminderSchedule: 'PT1M,PT2M', acceptanceDeadline: 'PT4M', deadlineMs: 240_000 },
    throttleBursts: true,
    // Generous: eight helpers share this machine's two cores; a quiet machine settles far sooner.
    settleTimeoutMs: 20 * 60_000,
  },
  small: {
    customers: 50,
    fuzz: 500,
    forged: 100,
    kills: 1,
    timing: { reminderSchedule: 'PT20S,PT40S', acceptanceDeadline: 'PT75S', deadlineMs: 75_000 },
    // A failed activity waits a minute before its retry: too long for the CI run's budget.
    throttleBursts: false,
    settleTimeoutMs: 200_000,
  },
} satisfies Record<
  string,
  Omit<FaultRunOptions, 'seed' | 'workDir' | 'log'> & { fuzz: number; forged: number }
>;

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

/** What the hostile-input drivers (chaos/fuzz.ts, chaos/hostile-webhooks.ts) found on the same stack. */
export interface HostileFindings {
  fuzz: FuzzResult;
  webhooks: HostileWebhookResult;
  /** Where known personal data showed up outside the places that must hold it (chaos/pii-scan.ts). */
  piiHits: Array<{ where: string; kind: string }>;
}

/** results.json, in the order; the hostile-input counts only when those drivers ran. */
export type ChaosResults = Omit<Verdict, 'failures'> & {
  kills: number;
  /** Fuzzed CRM messages; of them invalid, and of those dead-lettered (must equal fuzzInvalid). */
  fuzzed?: number;
  fuzzDeadLettered?: number;
  fuzzInvalid?: number;
  hostCrashes: number;
  /** Forged or hostile webhook requests, and how many were refused (must be all). */
  forgedWebhooks?: number;
  forgedRejected?: number;
  peakRssMb: number;
  piiHits?: number;
  /** The fault run alone, start-up to verdict. */
  faultRunSeconds: number;
  /** The whole run, start-up to the leak scan. */
  seconds: number;
};

/** `totalSeconds`: the whole run, hostile stages included (the fault run's own time is `faultRunSeconds`). */
export function toResults(
  result: FaultRunResult,
  hostile?: HostileFindings,
  totalSeconds = result.seconds,
): ChaosResults {
  const { failures: _failures, kills, hostCrashes, hostPeakRssMb, seconds, ...verdict } = result;
  const { fuzz, webhooks, piiHits } = hostile ?? {};
  return {
    ...verdict,
    kills,
    ...(fuzz ? { fuzzed: fuzz.fuzzed, fuzzDeadLettered: fuzz.deadLettered, fuzzInvalid: fuzz.invalid } : {}),
    hostCrashes,
    ...(webhooks ? { forgedWebhooks: webhooks.forged, forgedRejected: webhooks.rejected } : {}),
    peakRssMb: Math.max(hostPeakRssMb, webhooks?.peakRssMb ?? 0),
    ...(piiHits ? { piiHits: piiHits.length } : {}),
    faultRunSeconds: seconds,
    seconds: totalSeconds,
  };
}

/** Runs the hostile-input drivers on the fault run's stack; their failures join the run's. */
async function runHostile(
  target: ChaosTarget,
  counts: { fuzz: number; forged: number; seed: number; customers: number },
  log: (line: string) => void,
): Promise<HostileFindings> {
  // About 6 messages a second get worked off on a shared 2-core machine: wait for that, not the default.
  const timeoutMs = 60_000 + 250 * counts.fuzz;
  const fuzz = await runFuzz(target, { count: counts.fuzz, seed: counts.seed, log, timeoutMs });
  const webhooks = await runHostileWebhooks(target, { count: counts.forged, seed: counts.seed, log });
  // The fault run's signatories by address (their names share words with company names, which may show).
  const plan = planFaultRun({
    seed: counts.seed,
    customers: counts.customers,
    maxActAfterMs: 0,
    now: new Date(),
  });
  const known = {
    ...fuzz.pii,
    emails: [...fuzz.pii.emails, ...plan.customers.map((c) => c.signatory.email)],
  };
  const { hits } = scanForPii(await collectPiiSources(target), known);
  log(`leak scan: ${hits.length} hit(s)`);
  return { fuzz, webhooks, piiHits: hits.map(({ where, kind }) => ({ where, kind })) };
}

/** The problems of a run, one line each; empty when it proved what it should. */
export function problemsOf(
  result: FaultRunResult,
  expectedKills: number,
  hostile?: HostileFindings,
): string[] {
  const problems = MUST_BE_ZERO.filter((key) => result[key] !== 0).map((key) => `${key} is ${result[key]}`);
  if (result.correct !== result.customers)
    problems.push(`${result.customers - result.correct} customer(s) not in the expected state`);
  if (result.kills !== expectedKills) problems.push(`${result.kills} kill(s) instead of ${expectedKills}`);
  if (hostile) {
    const { fuzz, webhooks } = hostile;
    if (fuzz.failures.length > 0) problems.push(`${fuzz.failures.length} fuzz failure(s)`);
    if (webhooks.failures.length > 0) problems.push(`${webhooks.failures.length} hostile webhook failure(s)`);
    if (hostile.piiHits.length > 0) problems.push(`${hostile.piiHits.length} personal-data leak(s)`);
    if (webhooks.peakRssMb > webhooks.rssBoundMb)
      problems.push(`host RSS ${webhooks.peakRssMb} MB over ${webhooks.rssBoundMb} MB`);
  }
  return problems;
}

/** The bound for the full run on a 2-core machine: 15 minutes. */
export const FULL_RUN_BUDGET_SECONDS = 15 * 60;

/** Counts that must equal another count (or zero, for the optional ones). */
const MUST_EQUAL: Record<string, string> = {
  correct: '= customers',
  fuzzDeadLettered: '= fuzzInvalid',
  forgedRejected: '= forgedWebhooks',
  piiHits: '= 0',
};

export function summaryTable(results: ChaosResults): string {
  const rows = Object.entries(results).map(([key, value]) => {
    const want = (MUST_BE_ZERO as readonly string[]).includes(key) ? '= 0' : (MUST_EQUAL[key] ?? '');
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
      fuzz: { type: 'string' },
      forged: { type: 'string' },
      'no-hostile': { type: 'boolean', default: false },
    },
  });
  const profile = values.small ? CHAOS_PROFILES.small : CHAOS_PROFILES.full;
  const started = Date.now();
  const workDir = mkdtempSync(path.join(tmpdir(), 'mca-chaos-'));
  const say = (line: string): void => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);
  say(`Chaos fault run (${values.small ? 'small' : 'full'}): data and logs in ${workDir}`);
  const seed = Number(values.seed);
  const customers = values.customers ? Number(values.customers) : profile.customers;
  const counts = {
    seed,
    customers,
    fuzz: values.fuzz ? Number(values.fuzz) : profile.fuzz,
    forged: values.forged ? Number(values.forged) : profile.forged,
  };
  let hostile: HostileFindings | undefined;
  let hostileError: string | undefined;
  const result = await runFaultRun({
    ...profile,
    customers,
    seed,
    workDir,
    log: say,
    ...(values['no-hostile']
      ? {}
      : {
          afterwards: async (target) => {
            // A driver that breaks must not cost the fault run's findings.
            hostile = await runHostile(target, counts, say).catch((error: unknown) => {
              hostileError = error instanceof Error ? error.message : String(error);
              return undefined;
            });
          },
        }),
  });
  const results = toResults(result, hostile, Math.round((Date.now() - started) / 1000));
  const out = values.out ?? (values.small ? undefined : path.join(APP_DIR, 'chaos', 'results.json'));
  if (out) writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${summaryTable(results)}\n`);
  const problems = problemsOf(result, profile.kills, hostile);
  if (!values.small && results.seconds > FULL_RUN_BUDGET_SECONDS)
    problems.push(`took ${results.seconds} s, over the ${FULL_RUN_BUDGET_SECONDS} s the full run may take`);
  if (hostileError !== undefined) problems.push(`the hostile-input drivers failed: ${hostileError}`);
  const failures = [
    ...result.failures,
    ...(hostile?.fuzz.failures.map((f) => `fuzz: ${f}`) ?? []),
    ...(hostile?.webhooks.failures.map((f) => `webhook: ${f}`) ?? []),
    ...(hostile?.piiHits.map((h) => `personal data (${h.kind}) in ${h.where}`) ?? []),
  ];
  if (failures.length > 0) {
    console.log(`Failures (${failures.length}):`);
    for (const failure of failures.slice(0, 100)) console.log(`  - ${failure}`);
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
