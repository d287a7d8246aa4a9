/**
 * Daily (03:30 UTC, after the sweep) purge of finished onboarding and sweep instances whose last
 * update is older than `INSTANCE_RETENTION`: durable history is for following a run; the customer
 * state table and audit trail stay the record. A failed purge of one instance does not stop the rest.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { logEvent } from '../shared/observability';
import {
  FINISHED_RUNTIME_STATUSES,
  instancesToPurge,
  retentionCutoff,
} from '../shared/workflow/instance-retention';
import type { AppDeps } from './app-deps';

export const INSTANCE_PURGE_FUNCTION = 'mcaInstancePurge';
export const INSTANCE_PURGE_SCHEDULE = '0 30 3 * * *';
const DAY_MS = 86_400_000;

export interface InstancePurgeDeps {
  config: { timing: Pick<AppDeps['config']['timing'], 'instanceRetentionMs'> };
  now: () => Date;
}

export function createInstancePurgeHandler(deps: InstancePurgeDeps) {
  return async (_timer: unknown, client: df.DurableClient, context: InvocationContext): Promise<void> => {
    const retentionMs = deps.config.timing.instanceRetentionMs;
    const cutoff = retentionCutoff(deps.now(), retentionMs);
    // Created before the cutoff is necessary (last update >= creation); the last update decides.
    const candidates = await client.getStatusBy({
      createdTimeTo: cutoff,
      runtimeStatus: FINISHED_RUNTIME_STATUSES.map((status) => df.OrchestrationRuntimeStatus[status]),
    });
    const due = instancesToPurge(candidates, cutoff);
    let purged = 0;
    let failed = 0;
    for (const instanceId of due) {
      try {
        purged += (await client.purgeInstanceHistory(instanceId)).instancesDeleted;
      } catch (error) {
        failed++;
        context.warn(
          `Instance purge of ${instanceId} failed`,
          error instanceof Error ? error.message : error,
        );
      }
    }
    logEvent('information', 'Instance purge', {
      purged,
      failed,
      kept: candidates.length - due.length,
      retentionDays: Math.round(retentionMs / DAY_MS),
    });
  };
}

export function registerInstancePurge(deps: AppDeps): void {
  df.app.client.timer(INSTANCE_PURGE_FUNCTION, {
    schedule: INSTANCE_PURGE_SCHEDULE,
    handler: createInstancePurgeHandler(deps),
  });
}
