/**
 * The paged sweep on the local durable engine (virtual clock): one page per generation, lanes keep
 * `maxConcurrency` evaluations busy, and a generation's history does not grow with the book.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as df from 'durable-functions';
import {
  createComplianceSweepOrchestrator,
  createSweepLaneOrchestrator,
  type SweepSummary,
} from '../../../functions/orchestrators/compliance-sweep.orchestrator';
import { VirtualClock } from '../../../local/clock';
import { ACTIVITIES, ORCHESTRATORS } from '../../../shared/workflow/contracts';
import {
  advanceUntil,
  startScratchDurableHarness,
  type ScratchDurableHarness,
} from '../../helpers/durable-harness';

jest.setTimeout(120_000);

const T = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const start = Date.UTC(2027, 2, 10, 2, 0, 0);
const SWEEP_ID = 'mca-sweep-2027-03-10';
const LANES = 3;
const PAGE_SIZE = 10;
const retry = { firstRetryIntervalMs: 1000, maxAttempts: 2, backoffCoefficient: 1, maxRetryIntervalMs: 1000 };

/** The book Partner Center lists, and what each customer's evaluation does (default: accepted). */
let book: string[] = [];
let plan: Record<string, 'started' | 'skipped' | 'broken' | 'flaky' | 'odd'> = {};
let failListAt: number | undefined;
let evaluated: Record<string, number> = {};
let attempts: Record<string, number> = {};
let inFlight = 0;
let maxInFlight = 0;
let maxSweepHistory = 0;

function instanceFile(instanceId: string): string {
  return path.join(harness.dataDir, 'instances', `${Buffer.from(instanceId).toString('base64url')}.json`);
}

function historyLength(file: string): number {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { history: unknown[] }).history.length;
  } catch {
    return 0; // being replaced (write temp + rename) or not written yet
  }
}

/** The longest history of any lane instance kept on disk. */
function maxLaneHistory(): number {
  const dir = path.join(harness.dataDir, 'instances');
  return Math.max(
    0,
    ...fs
      .readdirSync(dir)
      .filter((file) =>
        Buffer.from(file.replace(/\.json$/, ''), 'base64url')
          .toString()
          .startsWith('sweeplane-'),
      )
      .map((file) => historyLength(path.join(dir, file))),
  );
}

df.app.orchestration(
  ORCHESTRATORS.sweep,
  createComplianceSweepOrchestrator({ maxConcurrency: LANES, pageSize: PAGE_SIZE, retry }),
);
df.app.orchestration(ORCHESTRATORS.sweepLane, createSweepLaneOrchestrator({ retry }));
df.app.activity(ACTIVITIES.listCustomers, {
  handler: (input: unknown) => {
    const { pageSize, continuationToken } = input as { pageSize: number; continuationToken?: string };
    const offset = Number(continuationToken ?? 0);
    if (offset === failListAt) throw new Error('503');
    const next = offset + pageSize;
    return {
      customers: book.slice(offset, next).map((tenantId) => ({ tenantId, companyName: 'Contoso' })),
      ...(next < book.length ? { continuationToken: String(next) } : {}),
    };
  },
});
df.app.activity(ACTIVITIES.evaluateCustomer, {
  handler: async (input: unknown) => {
    const { tenantId } = input as { tenantId: string };
    maxSweepHistory = Math.max(maxSweepHistory, historyLength(instanceFile(SWEEP_ID)));
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    attempts[tenantId] = (attempts[tenantId] ?? 0) + 1;
    const planned = plan[tenantId];
    if (planned === 'broken' || (planned === 'flaky' && attempts[tenantId] === 1)) throw new Error('503');
    evaluated[tenantId] = (evaluated[tenantId] ?? 0) + 1;
    if (planned === 'odd') return { kind: 'unheard-of', tenantId };
    return { kind: planned === 'flaky' ? 'started' : (planned ?? 'accepted'), tenantId };
  },
});

let clock: VirtualClock;
let harness: ScratchDurableHarness;
beforeEach(async () => {
  book = [];
  plan = {};
  failListAt = undefined;
  evaluated = {};
  attempts = {};
  inFlight = 0;
  maxInFlight = 0;
  maxSweepHistory = 0;
  clock = new VirtualClock(start);
  harness = await startScratchDurableHarness(clock, 'sweep-paging-');
});
afterEach(() => harness.close());

async function sweepToTheEnd(): Promise<{ runtimeStatus: string; output: unknown; customStatus: unknown }> {
  await harness.client.startNew(ORCHESTRATORS.sweep, { instanceId: SWEEP_ID });
  await advanceUntil(clock, harness.engine, start + 10 * 60_000);
  const status = await harness.client.getStatus(SWEEP_ID);
  return { runtimeStatus: status.runtimeStatus, output: status.output, customStatus: status.customStatus };
}

const bookOf = (size: number) => Array.from({ length: size }, (_, i) => T(i + 1));

it('evaluates every customer once, page by page, with a generation history that does not grow with the book', async () => {
  const measured: Record<number, { sweep: number; lane: number }> = {};
  for (const size of [50, 500]) {
    if (size === 500) {
      await harness.close();
      clock = new VirtualClock(start);
      harness = await startScratchDurableHarness(clock, 'sweep-paging-');
      evaluated = {};
      maxSweepHistory = 0;
    }
    book = bookOf(size);
    const status = await sweepToTheEnd();
    expect(status.runtimeStatus).toBe('Completed');
    const summary: SweepSummary = {
      customers: size,
      pages: size / PAGE_SIZE,
      accepted: size,
      started: 0,
      skipped: 0,
      failed: 0,
    };
    expect(status.output).toEqual(summary);
    expect(Object.keys(evaluated).sort()).toEqual([...book].sort());
    expect(Object.values(evaluated).every((times) => times === 1)).toBe(true);
    measured[size] = { sweep: maxSweepHistory, lane: maxLaneHistory() };
  }
  expect(measured[50]?.sweep).toBeGreaterThan(0);
  // Ten times the book, the same history per generation (page size and lanes fix it).
  expect(measured[500]?.sweep).toBeLessThanOrEqual(measured[50]?.sweep ?? 0);
  expect(measured[500]?.lane).toBeLessThanOrEqual(measured[50]?.lane ?? 0);
  expect(maxInFlight).toBe(LANES);
});

it('counts each outcome across pages; a customer that fails every retry is counted and the rest go on', async () => {
  book = bookOf(25);
  plan = { [T(2)]: 'started', [T(3)]: 'skipped', [T(4)]: 'broken', [T(15)]: 'flaky', [T(24)]: 'odd' };
  const status = await sweepToTheEnd();
  const summary: SweepSummary = { customers: 25, pages: 3, accepted: 20, started: 2, skipped: 1, failed: 2 };
  expect(status).toMatchObject({ runtimeStatus: 'Completed', output: summary, customStatus: summary });
  expect(attempts[T(4)]).toBe(2);
  expect(attempts[T(15)]).toBe(2);
  expect(evaluated[T(25)]).toBe(1);
});

it('keeps the other lanes evaluating while one customer waits for its retry', async () => {
  book = bookOf(9);
  plan = { [T(1)]: 'flaky' };
  await harness.client.startNew(ORCHESTRATORS.sweep, { instanceId: SWEEP_ID });
  await harness.engine.idle(); // virtual time stands still: T(1)'s retry timer has not fired
  // T(1)'s lane waits (T(4), T(7) behind it); the other two lanes have finished their customers.
  expect(Object.keys(evaluated).sort()).toEqual([T(2), T(3), T(5), T(6), T(8), T(9)].sort());
  await advanceUntil(clock, harness.engine, start + 60_000);
  expect((await harness.client.getStatus(SWEEP_ID)).output).toMatchObject({
    customers: 9,
    accepted: 8,
    started: 1,
  });
});

it('fails when a page cannot be listed after its retries, with the counts so far visible', async () => {
  book = bookOf(25);
  failListAt = 20;
  const status = await sweepToTheEnd();
  expect(status.runtimeStatus).toBe('Failed');
  expect(status.customStatus).toMatchObject({ customers: 20 });
  expect(attempts[T(21)]).toBeUndefined();
});

it('finishes an empty book at once', async () => {
  const status = await sweepToTheEnd();
  expect(status).toMatchObject({
    runtimeStatus: 'Completed',
    output: { customers: 0, pages: 1, accepted: 0, started: 0, skipped: 0, failed: 0 },
  });
});
