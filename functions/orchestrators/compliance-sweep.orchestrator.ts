/**
 * Nightly compliance sweep: list every Partner Center customer, evaluate them in batches of at most
 * `maxConcurrency` activities, and report `{ customers, accepted, started, skipped, failed }` as
 * custom status (while running) and output. Deterministic: time from context.df only, no I/O.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { ACTIVITIES } from '../../shared/workflow/contracts';
import type {
  EvaluateCustomerInput,
  EvaluateCustomerOutcome,
} from '../activities/evaluate-customer.activity';
import type { ListedCustomer } from '../activities/list-customers.activity';

export interface SweepPolicy {
  /** Activities in flight at once (`config.partnerCenter.maxConcurrency`). */
  maxConcurrency: number;
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

export interface SweepSummary {
  customers: number;
  accepted: number;
  started: number;
  skipped: number;
  failed: number;
}

export function createComplianceSweepOrchestrator(policy: SweepPolicy): OrchestrationHandler {
  const batchSize = Math.max(1, Math.floor(policy.maxConcurrency));
  const retry = new df.RetryOptions(policy.retry.firstRetryIntervalMs, policy.retry.maxAttempts);
  retry.backoffCoefficient = policy.retry.backoffCoefficient;
  retry.maxRetryIntervalInMilliseconds = policy.retry.maxRetryIntervalMs;

  return function* complianceSweep(context: OrchestrationContext): Generator<Task, SweepSummary, unknown> {
    const sweepDate = context.df.currentUtcDateTime.toISOString().slice(0, 10);
    const customers = (yield context.df.callActivityWithRetry(
      ACTIVITIES.listCustomers,
      retry,
    )) as ListedCustomer[];
    const summary: SweepSummary = {
      customers: customers.length,
      accepted: 0,
      started: 0,
      skipped: 0,
      failed: 0,
    };
    context.df.setCustomStatus(summary);
    for (let offset = 0; offset < customers.length; offset += batchSize) {
      const batch = customers.slice(offset, offset + batchSize);
      const outcomes = yield* evaluateBatch(context, retry, batch, sweepDate);
      for (const outcome of outcomes) summary[outcome]++;
      context.df.setCustomStatus(summary);
    }
    if (!context.df.isReplaying) context.log('Compliance sweep finished', summary);
    return summary;
  };
}

type Counted = 'accepted' | 'started' | 'skipped' | 'failed';

/** Task.all fails on the first failure: the others are then awaited one by one, so each is counted. */
function* evaluateBatch(
  context: OrchestrationContext,
  retry: df.RetryOptions,
  batch: ListedCustomer[],
  sweepDate: string,
): Generator<Task, Counted[], unknown> {
  const tasks = batch.map((customer) => {
    const input: EvaluateCustomerInput = { ...customer, sweepDate };
    return context.df.callActivityWithRetry(ACTIVITIES.evaluateCustomer, retry, input);
  });
  try {
    yield context.df.Task.all(tasks);
  } catch {
    for (const task of tasks) {
      if (task.isCompleted) continue;
      try {
        yield task;
      } catch {
        // Counted as failed below.
      }
    }
  }
  return tasks.map((task) => (task.isFaulted ? 'failed' : kindOf(task.result)));
}

function kindOf(result: unknown): Counted {
  const kind = (result as Partial<EvaluateCustomerOutcome> | null)?.kind;
  return kind === 'accepted' || kind === 'started' || kind === 'skipped' ? kind : 'failed';
}
