/**
 * Operator actions: `POST customers/{tenantId}/mca/recheck` (check Partner Center now) and `/remind`
 * (the orchestrator sends the next reminder). On a running workflow both are raised as events (202).
 * A recheck of a finished run looks at Partner Center once, heals the customer when it has accepted
 * since, and answers with what it found (200); a reminder needs a running workflow (409).
 */
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { NotFound, type McaStatusReader } from '../../shared/partnerCenter';
import { onboardingInstanceId } from '../../shared/workflow/contracts';
import { recheckFinishedRun, type HealDeps } from '../../shared/workflow/finished-runs';
import type { Store } from '../../shared/store';
import { NotFoundError, NotRunningError, respond } from '../http-errors';
import { signalOnboarding } from '../onboarding-starter';
import { routeTenantId, type ClientHandler } from './request-input';

export type RecheckDeps = HealDeps & {
  partnerCenter: McaStatusReader;
  store: HealDeps['store'] & { customerState: Pick<Store['customerState'], 'get' | 'upsert'> };
};

/** Raises `eventName` on the customer's running workflow: the 202 answer, or undefined when none runs. */
export async function raiseOnRunning(
  { client, context }: { client: df.DurableClient; context: InvocationContext },
  tenantId: string,
  eventName: string,
  payload: unknown,
): Promise<HttpResponseInit | undefined> {
  if (!(await signalOnboarding(client, tenantId, eventName, payload))) return undefined;
  context.log(`API ${eventName} raised for ${tenantId}`);
  return {
    status: 202,
    jsonBody: { tenantId, instanceId: onboardingInstanceId(tenantId), event: eventName },
  };
}

export function createOperatorActionHttp(eventName: string, recheck?: RecheckDeps): ClientHandler {
  return (request, client, context) =>
    respond(context, async () => {
      const tenantId = routeTenantId(request);
      const raised = await raiseOnRunning({ client, context }, tenantId, eventName, {});
      if (raised) return raised;
      if (!recheck) throw new NotRunningError(`No running workflow for ${tenantId}`);
      const row = await recheck.store.customerState.get(tenantId);
      if (!row) throw new NotFoundError(`No customer ${tenantId}`);
      try {
        const finding = await recheckFinishedRun(recheck, row, 'operator');
        context.log(`API recheck of a finished run for ${tenantId}: ${finding.found}`);
        return { status: 200, jsonBody: { tenantId, ...finding } };
      } catch (error) {
        // A customer Partner Center does not show (any more, or not yet) is a finding, not a failure.
        if (!(error instanceof NotFound)) throw error;
        return { status: 200, jsonBody: { tenantId, found: 'notVisible', state: row.state } };
      }
    });
}
