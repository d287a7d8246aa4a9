/**
 * Nightly compliance sweep, one page of Partner Center customers per generation: the page is dealt to
 * `maxConcurrency` lanes (sub-orchestrations that evaluate their customers one after another), the
 * next page is listed meanwhile, and the generation ends with `continueAsNew`, carrying the running
 * `SweepSummary`. History and memory stay bounded by the page size, whatever the size of the book.
 *
 * Why lanes and not a sliding window of `Task.any`: durable-functions (JS, out-of-process protocol)
 * sends every child of a new `Task.any` as a new action, so re-waiting on activities already in
 * flight schedules them again in Azure (azure-functions-durable-js#574). A lane keeps one activity in
 * flight and starts the next as soon as it ends, so `maxConcurrency` stay busy without re-yielding.
 *
 * Deterministic: time from context.df only, no I/O; logs only when not replaying.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { z } from 'zod';
import { ACTIVITIES, ORCHESTRATORS } from '../../shared/workflow/contracts';
import {
  addCounts,
  dealToLanes,
  emptySweepCounts,
  emptySweepSummary,
  laneInstanceId,
  outcomeOf,
  readSweepCarry,
  type SweepCarry,
  type SweepCounts,
  type SweepSummary,
} from '../../shared/workflow/sweep-progress';
import type { EvaluateCustomerInput } from '../activities/evaluate-customer.activity';
import type {
  CustomerPageResult,
  ListCustomersInput,
  ListedCustomer,
} from '../activities/list-customers.activity';

export type { SweepSummary } from '../../shared/workflow/sweep-progress';

export interface SweepPolicy {
  /** Evaluations in flight at once: the number of lanes (`config.partnerCenter.maxConcurrency`). */
  maxConcurrency: number;
  /** Customers per page (`SWEEP_PAGE_SIZE`): one generation's work and history. */
  pageSize: number;
  retry: {
    firstRetryIntervalMs: number;
    maxAttempts: number;
    backoffCoefficient: number;
    maxRetryIntervalMs: number;
  };
}

export const defaultSweepRetry: SweepPolicy['retry'] = {
  firstRetryIntervalMs: 30_000,
  maxAttempts: 4,
  backoffCoefficient: 2,
  maxRetryIntervalMs: 5 * 60_000,
};

function retryOptions(policy: SweepPolicy['retry']): df.RetryOptions {
  const retry = new df.RetryOptions(policy.firstRetryIntervalMs, policy.maxAttempts);
  retry.backoffCoefficient = policy.backoffCoefficient;
  retry.maxRetryIntervalInMilliseconds = policy.maxRetryIntervalMs;
  return retry;
}

export function createComplianceSweepOrchestrator(policy: SweepPolicy): OrchestrationHandler {
  const retry = retryOptions(policy.retry);
  const listPage = (context: OrchestrationContext, continuationToken?: string): Task => {
    const input: ListCustomersInput = { pageSize: policy.pageSize, continuationToken };
    return context.df.callActivityWithRetry(ACTIVITIES.listCustomers, retry, input);
  };

  return function* complianceSweep(
    context: OrchestrationContext,
  ): Generator<Task, SweepSummary | undefined, unknown> {
    const carried = readSweepCarry(context.df.getInput());
    const sweepDate = carried?.sweepDate ?? context.df.currentUtcDateTime.toISOString().slice(0, 10);
    const summary: SweepSummary = carried?.summary ?? emptySweepSummary();
    const page = carried?.page ?? ((yield listPage(context)) as CustomerPageResult);
    summary.customers += page.customers.length;
    context.df.setCustomStatus(summary);

    const lanes = dealToLanes(page.customers, policy.maxConcurrency).map((customers, lane) =>
      context.df.callSubOrchestrator(
        ORCHESTRATORS.sweepLane,
        { sweepDate, customers } satisfies SweepLaneInput,
        laneInstanceId(context.df.instanceId, summary.pages, lane),
      ),
    );
    // Prefetch: the next page is listed while this one is evaluated.
    const next = page.continuationToken === undefined ? undefined : listPage(context, page.continuationToken);
    yield* settle(context, next ? [next, ...lanes] : lanes);

    lanes.forEach((lane, index) =>
      addCounts(summary, laneCounts(lane, dealtCount(page, index, lanes.length))),
    );
    summary.pages += 1;
    context.df.setCustomStatus(summary);
    // A page that cannot be listed after every retry ends the sweep; the counts so far stay visible.
    if (next?.isFaulted) throw next.result;
    if (next) {
      const carry: SweepCarry = { sweepDate, summary, page: next.result as CustomerPageResult };
      context.df.continueAsNew(carry);
      return undefined;
    }
    if (!context.df.isReplaying) context.log('Compliance sweep finished', summary);
    return summary;
  };
}

/** How many customers lane `index` of `laneCount` got (round-robin dealing). */
function dealtCount(page: { customers: readonly unknown[] }, index: number, laneCount: number): number {
  return Math.floor((page.customers.length - index - 1) / laneCount) + 1;
}

/** A lane's counts; a lane that failed (a bug, never an activity) counts all its customers as failed. */
function laneCounts(lane: Task, dealt: number): SweepCounts {
  if (lane.isFaulted) return { ...emptySweepCounts(), failed: dealt };
  return lane.result as SweepCounts;
}

/**
 * Waits until every task has ended, failed or not. `Task.all` fails on the first failure: the others
 * are then awaited one by one (re-yielding one task alone never schedules it again).
 */
function* settle(context: OrchestrationContext, tasks: Task[]): Generator<Task, void, unknown> {
  if (tasks.length === 0) return;
  try {
    yield context.df.Task.all(tasks);
  } catch {
    for (const task of tasks) {
      if (task.isCompleted || task.isFaulted) continue;
      try {
        yield task;
      } catch {
        // Read from task.isFaulted by the caller.
      }
    }
  }
}

const sweepLaneInputSchema = z.object({
  sweepDate: z.string(),
  customers: z.array(z.object({ tenantId: z.string(), companyName: z.string().optional() })),
});
export interface SweepLaneInput {
  sweepDate: string;
  customers: ListedCustomer[];
}

/**
 * One lane of a page: evaluates its customers one after another (each with retries); a customer that
 * still fails is counted and the lane goes on. Returns the lane's counts.
 */
export function createSweepLaneOrchestrator(policy: Pick<SweepPolicy, 'retry'>): OrchestrationHandler {
  const retry = retryOptions(policy.retry);
  return function* sweepLane(context: OrchestrationContext): Generator<Task, SweepCounts, unknown> {
    const { sweepDate, customers } = sweepLaneInputSchema.parse(context.df.getInput());
    const counts = emptySweepCounts();
    for (const customer of customers) {
      const input: EvaluateCustomerInput = { ...customer, sweepDate };
      try {
        counts[
          outcomeOf(yield context.df.callActivityWithRetry(ACTIVITIES.evaluateCustomer, retry, input))
        ]++;
      } catch {
        counts.failed++;
      }
    }
    return counts;
  };
}
