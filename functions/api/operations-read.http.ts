/**
 * Operators' overview: `GET reports/summary` (counts per state, coverage, purchase-blocked, overdue
 * reminders) and `GET sweeps/latest` (the newest nightly compliance sweep and its counts).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { summariseStates } from '../../shared/reports';
import type { Store } from '../../shared/store';
import { sweepInstanceId } from '../compliance-sweep.function';
import { NotFoundError, respond } from '../http-errors';
import { REMINDER_GRACE_MS } from '../reminders.function';

export interface OperationsReadDeps {
  store: Pick<Store, 'customerState'>;
  now: () => Date;
}

/** How many days back `sweeps/latest` looks: the sweep runs daily, so a week covers any outage worth reporting. */
export const SWEEP_LOOKBACK_DAYS = 7;
const DAY_MS = 24 * 60 * 60_000;

export function createStateSummaryHttp(deps: OperationsReadDeps) {
  return (_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    respond(context, async () => {
      // Overdue uses the reminder safety net's grace, so the count matches what it will nudge.
      const summary = await summariseStates(deps.store.customerState.listAll(), {
        now: deps.now(),
        graceMs: REMINDER_GRACE_MS,
      });
      return { status: 200, headers: { 'Cache-Control': 'no-store' }, jsonBody: summary };
    });
}

/** Sweep instance ids from today back `days` days, newest first. */
export function recentSweepInstanceIds(now: Date, days = SWEEP_LOOKBACK_DAYS): string[] {
  return Array.from({ length: days }, (_, back) => sweepInstanceId(new Date(now.getTime() - back * DAY_MS)));
}

export function createLatestSweepHttp(deps: Pick<OperationsReadDeps, 'now'>) {
  return (
    _request: HttpRequest,
    client: df.DurableClient,
    context: InvocationContext,
  ): Promise<HttpResponseInit> =>
    respond(context, async () => {
      for (const instanceId of recentSweepInstanceIds(deps.now())) {
        const status = await sweepStatus(client, instanceId);
        if (status) return { status: 200, headers: { 'Cache-Control': 'no-store' }, jsonBody: status };
      }
      throw new NotFoundError(`No compliance sweep in the last ${SWEEP_LOOKBACK_DAYS} days`);
    });
}

async function sweepStatus(client: df.DurableClient, instanceId: string) {
  try {
    const status = await client.getStatus(instanceId, { showHistory: false, showInput: false });
    return {
      instanceId,
      runtimeStatus: status.runtimeStatus,
      /** SweepSummary counts while running (custom status) and once finished (output). */
      customStatus: status.customStatus ?? null,
      output: status.output ?? null,
      createdTime: isoOrNull(status.createdTime),
      lastUpdatedTime: isoOrNull(status.lastUpdatedTime),
    };
  } catch (error) {
    // durable-functions v3 throws for an unknown instance; its message names the 404.
    if (error instanceof Error && error.message.includes('HTTP 404')) return undefined;
    throw error;
  }
}

function isoOrNull(time: Date | string | undefined): string | null {
  if (time === undefined) return null;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
