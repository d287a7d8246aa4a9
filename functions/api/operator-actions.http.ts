/**
 * Operator actions: `POST customers/{tenantId}/mca/recheck` (check Partner Center now) and `/remind`
 * (the orchestrator sends the next reminder). On a running workflow both are raised as events (202).
 * A recheck of a finished run looks at Partner Center once, heals the customer when it has accepted
 * since, and answers with what it found (200); a reminder needs a running workflow (409).
 * With `OperatorAudit`, the request is recorded first in the audit trail with the caller's id.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { NotFound, type McaStatusReader } from '../../shared/partnerCenter';
import { ONBOARDING_EVENTS, onboardingInstanceId } from '../../shared/workflow/contracts';
import { recheckFinishedRun, type HealDeps } from '../../shared/workflow/finished-runs';
import type { AuditTrailRepository, Store } from '../../shared/store';
import { NotFoundError, NotRunningError, respond } from '../http-errors';
import { signalOnboarding } from '../onboarding-starter';
import { routeTenantId, type ClientHandler } from './request-input';

export type RecheckDeps = HealDeps & {
  partnerCenter: McaStatusReader;
  store: HealDeps['store'] & { customerState: Pick<Store['customerState'], 'get' | 'upsert'> };
};

/** Records who asked for an operator action: the audit trail's `actorId` (an Entra object id, `local`). */
export interface OperatorAudit {
  auditTrail: Pick<AuditTrailRepository, 'append'>;
  now: () => Date;
  actorIdOf: (request: HttpRequest) => string;
}

/**
 * Appends `action` for the tenant with actor `operator` and the caller's id, before the action runs:
 * the trail shows the request even when what follows fails. Returns the actor id.
 */
export async function auditOperatorRequest(
  audit: OperatorAudit | undefined,
  request: HttpRequest,
  tenantId: string,
  action: string,
  detail = '',
): Promise<string | undefined> {
  if (!audit) return undefined;
  const actorId = audit.actorIdOf(request);
  const at = audit.now().toISOString();
  await audit.auditTrail.append({ tenantId, at, actor: 'operator', actorId, action, detail });
  return actorId;
}

/** The audit action an operator's request is recorded as. */
export const REQUESTED_ACTIONS: Record<string, string> = {
  [ONBOARDING_EVENTS.recheck]: 'RecheckRequested',
  [ONBOARDING_EVENTS.reminderDue]: 'ReminderRequested',
  [ONBOARDING_EVENTS.confirmed]: 'ConfirmationRequested',
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

export function createOperatorActionHttp(
  eventName: string,
  recheck?: RecheckDeps,
  audit?: OperatorAudit,
): ClientHandler {
  return (request, client, context) =>
    respond(context, async () => {
      const tenantId = routeTenantId(request);
      const actorId = await auditOperatorRequest(
        audit,
        request,
        tenantId,
        REQUESTED_ACTIONS[eventName] ?? eventName,
      );
      const raised = await raiseOnRunning({ client, context }, tenantId, eventName, {});
      if (raised) return raised;
      if (!recheck) throw new NotRunningError(`No running workflow for ${tenantId}`);
      const row = await recheck.store.customerState.get(tenantId);
      if (!row) throw new NotFoundError(`No customer ${tenantId}`);
      try {
        const finding = await recheckFinishedRun(recheck, row, 'operator', actorId);
        context.log(`API recheck of a finished run for ${tenantId}: ${finding.found}`);
        return { status: 200, jsonBody: { tenantId, ...finding } };
      } catch (error) {
        // A customer Partner Center does not show (any more, or not yet) is a finding, not a failure.
        if (!(error instanceof NotFound)) throw error;
        return { status: 200, jsonBody: { tenantId, found: 'notVisible', state: row.state } };
      }
    });
}
