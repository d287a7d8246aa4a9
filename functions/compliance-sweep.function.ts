/**
 * Nightly compliance sweep (02:00 UTC): one orchestration per day, `mca-sweep-<yyyy-mm-dd>`; a second
 * trigger the same day (a restart, a manual run) finds it and does nothing, and so does a trigger while
 * an earlier day's sweep is still Running or Pending (a sweep that outlives a day never overlaps the
 * next). Also registers the sweep orchestrator, its lane sub-orchestrator and its two activities.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ACTIVITIES, ORCHESTRATORS } from '../shared/workflow/contracts';
import { createEvaluateCustomerActivity } from './activities/evaluate-customer.activity';
import { createListCustomersActivity } from './activities/list-customers.activity';
import type { AppDeps, PartnerCenterDeps } from './app-deps';
import { existingInstance } from './durable-instance';
import { onboardingPolicy } from './workflow';
import {
  createComplianceSweepOrchestrator,
  createSweepLaneOrchestrator,
  defaultSweepRetry,
} from './orchestrators/compliance-sweep.orchestrator';

export const SWEEP_TIMER_FUNCTION = 'mcaComplianceSweepTimer';
export const SWEEP_SCHEDULE = '0 0 2 * * *';

export function sweepInstanceId(now: Date): string {
  return `mca-sweep-${now.toISOString().slice(0, 10)}`;
}

/** How many days back `sweeps/latest` and the overlap check look: a week covers any outage worth reporting. */
export const SWEEP_LOOKBACK_DAYS = 7;
const DAY_MS = 24 * 60 * 60_000;

/** Sweep instance ids from today back `days` days, newest first. */
export function recentSweepInstanceIds(now: Date, days = SWEEP_LOOKBACK_DAYS): string[] {
  return Array.from({ length: days }, (_, back) => sweepInstanceId(new Date(now.getTime() - back * DAY_MS)));
}

export function createSweepTimerHandler(deps: Pick<AppDeps, 'now'>) {
  return async (_timer: unknown, client: df.DurableClient, context: InvocationContext): Promise<void> => {
    const now = deps.now();
    const instanceId = sweepInstanceId(now);
    if (await exists(client, instanceId)) {
      context.log(`Compliance sweep ${instanceId} already exists: skipped`);
      return;
    }
    const unfinished = await unfinishedSweep(client, recentSweepInstanceIds(now).slice(1));
    if (unfinished) {
      context.log(`Compliance sweep ${instanceId} skipped: ${unfinished} is still running`, {
        instanceId,
        runningInstanceId: unfinished,
      });
      return;
    }
    try {
      await client.startNew(ORCHESTRATORS.sweep, { instanceId });
    } catch (error) {
      // Another instance of this timer started it between our read and our start.
      if (await exists(client, instanceId))
        return context.log(`Compliance sweep ${instanceId} started elsewhere`);
      throw error;
    }
    context.log(`Compliance sweep ${instanceId} started`);
  };
}

async function exists(client: df.DurableClient, instanceId: string): Promise<boolean> {
  return (await existingInstance(client, instanceId)) !== undefined;
}

const UNFINISHED = new Set(['Running', 'Pending', 'ContinuedAsNew']);

/** The newest of the earlier days' sweeps that has not finished yet, if any. */
async function unfinishedSweep(client: df.DurableClient, instanceIds: string[]): Promise<string | undefined> {
  for (const instanceId of instanceIds) {
    const status = (await existingInstance(client, instanceId))?.runtimeStatus;
    if (status !== undefined && UNFINISHED.has(status)) return instanceId;
  }
  return undefined;
}

export function registerComplianceSweep(deps: PartnerCenterDeps): void {
  df.app.orchestration(
    ORCHESTRATORS.sweep,
    createComplianceSweepOrchestrator({
      maxConcurrency: deps.config.partnerCenter.maxConcurrency,
      pageSize: deps.config.partnerCenter.sweepPageSize,
      retry: defaultSweepRetry,
    }),
  );
  df.app.orchestration(ORCHESTRATORS.sweepLane, createSweepLaneOrchestrator({ retry: defaultSweepRetry }));
  df.app.activity(ACTIVITIES.listCustomers, { handler: createListCustomersActivity(deps) });
  df.app.activity(ACTIVITIES.evaluateCustomer, {
    handler: createEvaluateCustomerActivity({
      ...deps,
      remediationRetryAfterMs: deps.config.timing.remediationRetryAfterMs,
      policy: onboardingPolicy(deps.config),
    }),
    extraInputs: [df.input.durableClient()],
  });
  df.app.client.timer(SWEEP_TIMER_FUNCTION, {
    schedule: SWEEP_SCHEDULE,
    handler: createSweepTimerHandler(deps),
  });
}
