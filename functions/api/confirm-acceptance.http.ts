/**
 * `POST customers/{tenantId}/mca/confirm` (reseller deployments): an operator, or the indirect provider
 * through one, confirms that the customer accepted the MCA, which Partner Center cannot tell an
 * indirect reseller. Body `{ method, acceptedAt, confirmedBy }`. A running workflow gets the
 * `Confirmed` event (202) and ends Accepted; a finished one is healed at once (200). A deployment that
 * reads Partner Center refuses it (409): there Partner Center is the record, and /recheck reads it.
 */
import type { HttpRequest } from '@azure/functions';
import type { AppConfig } from '../../shared/config';
import { readsPartnerCenter } from '../../shared/mca';
import type { Store } from '../../shared/store';
import { utcInstant } from '../../shared/workflow/confirmation';
import {
  ONBOARDING_EVENTS,
  confirmationBodySchema,
  type Confirmation,
} from '../../shared/workflow/contracts';
import { healConfirmed, type HealDeps } from '../../shared/workflow/finished-runs';
import { ConflictError, NotFoundError, respond } from '../http-errors';
import { auditOperatorRequest, raiseOnRunning, REQUESTED_ACTIONS } from './operator-actions.http';
import { decodeOrThrow, readJson, routeTenantId, type ClientHandler } from './request-input';

export type ConfirmDeps = HealDeps & {
  config: Pick<AppConfig, 'partnerType'>;
  store: HealDeps['store'] & { customerState: Pick<Store['customerState'], 'get' | 'upsert'> };
  /** The caller's id for the audit trail; the request is recorded first when set. */
  actorIdOf?: (request: HttpRequest) => string;
};

export function createConfirmAcceptanceHttp(deps: ConfirmDeps): ClientHandler {
  return (request, client, context) =>
    respond(context, async () => {
      const tenantId = routeTenantId(request);
      if (readsPartnerCenter(deps.config.partnerType)) {
        throw new ConflictError('Partner Center is read for acceptance here: use /recheck');
      }
      const body = decodeOrThrow(confirmationBodySchema, await readJson(request));
      const confirmation: Confirmation = { ...body, acceptedAt: utcInstant(body.acceptedAt) };
      const { actorIdOf, now } = deps;
      const audit = actorIdOf && { auditTrail: deps.store.auditTrail, now, actorIdOf };
      const action = REQUESTED_ACTIONS[ONBOARDING_EVENTS.confirmed];
      const actorId = await auditOperatorRequest(audit, request, tenantId, action);
      const raised = await raiseOnRunning(
        { client, context },
        tenantId,
        ONBOARDING_EVENTS.confirmed,
        confirmation,
      );
      if (raised) return raised;
      const row = await deps.store.customerState.get(tenantId);
      if (!row) throw new NotFoundError(`No customer ${tenantId}`);
      if (row.state === 'Accepted')
        return { status: 200, jsonBody: { tenantId, state: row.state, healed: false } };
      await healConfirmed(deps, row, confirmation, actorId);
      context.log(`API confirmation healed the finished run of ${tenantId} (${confirmation.confirmedBy})`);
      return { status: 200, jsonBody: { tenantId, state: 'Accepted', healed: true } };
    });
}
