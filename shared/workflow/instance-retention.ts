/**
 * Which finished durable instances the daily purge removes (`INSTANCE_RETENTION`). The durable
 * client's purge-by-filter selects by creation time only; a run can end long after it started, so the
 * candidates (created before the cutoff) are narrowed here by their last update, and purged one by one.
 */
import { ORCHESTRATORS } from './contracts';

export const FINISHED_RUNTIME_STATUSES = ['Completed', 'Failed', 'Terminated'] as const;
/** A bound per run, so one run stays well inside the function timeout; the rest go the next day. */
export const MAX_PURGES_PER_RUN = 2000;

export interface InstanceFacts {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  /** Typed as a Date by durable-functions, but its status queries hand over the JSON string. */
  lastUpdatedTime: Date | string;
}

/** The purge cutoff: instances last updated at or before it are old enough. */
export function retentionCutoff(now: Date, retentionMs: number): Date {
  return new Date(now.getTime() - retentionMs);
}

/** Finished onboarding and sweep instances last updated at or before `cutoff`, oldest first, capped. */
export function instancesToPurge(
  instances: readonly InstanceFacts[],
  cutoff: Date,
  limit = MAX_PURGES_PER_RUN,
): string[] {
  const names: readonly string[] = Object.values(ORCHESTRATORS);
  const finished: readonly string[] = FINISHED_RUNTIME_STATUSES;
  return instances
    .filter((i) => names.includes(i.name) && finished.includes(i.runtimeStatus))
    .filter((i) => timeOf(i.lastUpdatedTime) <= cutoff.getTime())
    .sort((a, b) => timeOf(a.lastUpdatedTime) - timeOf(b.lastUpdatedTime))
    .slice(0, limit)
    .map((i) => i.instanceId);
}

/** Milliseconds of a Date or an ISO string; an unreadable time is never old enough (NaN). */
function timeOf(value: Date | string): number {
  return new Date(value).getTime();
}
