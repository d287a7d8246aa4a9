/**
 * Operators' overview: `GET reports/summary` (counts per state, coverage, purchase-blocked, overdue
 * reminders) and `GET sweeps/latest` (the newest nightly compliance sweep and its counts).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { summariseStates } from '../../shared/reports';
import type { Store } from '../../shared/store';
import { recentSweepInstanceIds, SWEEP_LOOKBACK_DAYS } from '../compliance-sweep.function';
import { NotFoundError, respond } from '../http-errors';
import { REMINDER_GRACE_MS } from '../reminders.function';

export interface OperationsReadDeps {
  store: Pick<Store, 'customerState'>;
  now: () => Date;
}

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
