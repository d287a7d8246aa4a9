/**
 * One compliance sweep over a seeded book, end to end on the local host: started through the host's
 * admin API as an operator would, timed until its durable instance completes. The Partner Center calls
 * it made are counted by the emulator (the latency rule sees every API request; the rate limit's hits
 * are the 429s among them).
 */
import { startBenchStack, type BenchStack, type PartnerCenterLimits } from './bench-stack';
import { coverageOf } from './book';
import { pollUntil } from './poll';

export interface SweepRun {
  customers: number;
  seconds: number;
  /** Partner Center API requests answered (not 429) while the sweep ran. */
  calls: number;
  /** Requests the emulator refused with 429 (the app went over the limit). */
  throttled: number;
  /** Of the calls, the sweep's own reads (list pages, one or two status reads per customer). */
  sweepReads: number;
  peakRssMb: number | undefined;
  /**
   * False when the sweep had not finished within the time allowed: seconds is then that time, summary
   * its progress so far.
   */
  completed: boolean;
  summary: unknown;
}

export async function runSweep(
  customers: number,
  limits: PartnerCenterLimits,
  options: { timeoutMs: number },
): Promise<SweepRun> {
  const stack = await startBenchStack(customers, limits);
  try {
    return await measureSweep(stack, customers, options.timeoutMs);
  } finally {
    await stack.close();
  }
}

interface SweepStatus {
  runtimeStatus: string;
  output?: unknown;
  customStatus?: unknown;
}

async function measureSweep(stack: BenchStack, customers: number, timeoutMs: number): Promise<SweepRun> {
  const startedAt = performance.now();
  const started = await fetch(`${stack.hostUrl}/admin/functions/mcaComplianceSweepTimer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (started.status !== 202) throw new Error(`starting the sweep answered ${started.status}`);
  const deadline = Date.now() + timeoutMs;
  const sweep = await pollUntil(
    async () => {
      const response = await fetch(
        `${stack.hostUrl}/runtime/webhooks/durabletask/instances/?instanceIdPrefix=mca-sweep-`,
      );
      const found = (await response.json()) as SweepStatus[];
      const done = found.find((s) => ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus));
      // Out of time: how far it got (its progress as custom status).
      if (!done && Date.now() > deadline)
        return { runtimeStatus: 'TimedOut', output: found[0]?.customStatus };
      return done;
    },
    { timeoutMs: timeoutMs + 60_000, intervalMs: 100, what: `the sweep of ${customers} customers` },
  );
  const seconds = (performance.now() - startedAt) / 1000;
  const completed = sweep.runtimeStatus === 'Completed';
  if (!completed && sweep.runtimeStatus !== 'TimedOut')
    throw new Error(`the sweep ended ${sweep.runtimeStatus}`);
  const faults = stack.partnerCenter.control.faults();
  const requests = faults.find((f) => f.kind === 'latency')?.hits ?? 0;
  const throttled = faults.find((f) => f.kind === 'rateLimit')?.hits ?? 0;
  return {
    customers,
    seconds,
    calls: requests - throttled,
    throttled,
    sweepReads: sweepReadsFor(customers),
    peakRssMb: stack.hostPeakRssMb(),
    completed,
    summary: sweep.output,
  };
}

const LIST_PAGE_SIZE = 100;

/** The sweep's own reads for the bench's book: list pages, then per customer 1 read (signed directly) or 2. */
export function sweepReadsFor(customers: number): number {
  let reads = Math.max(1, Math.ceil(customers / LIST_PAGE_SIZE));
  for (let i = 0; i < customers; i++) reads += coverageOf(i) === 'direct' ? 1 : 2;
  return reads;
}
