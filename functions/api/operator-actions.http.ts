/**
 * Operator actions on a running workflow: `POST customers/{tenantId}/mca/recheck` (check Partner
 * Center now) and `/remind` (the orchestrator sends the next reminder). 409 when none runs.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { onboardingInstanceId } from '../../shared/workflow/contracts';
import { NotRunningError, respond } from '../http-errors';
import { signalOnboarding } from '../onboarding-starter';
import { routeTenantId } from './request-input';

export function createOperatorActionHttp(eventName: string) {
  return (
    request: HttpRequest,
    client: df.DurableClient,
    context: InvocationContext,
  ): Promise<HttpResponseInit> =>
    respond(context, async () => {
      const tenantId = routeTenantId(request);
      if (!(await signalOnboarding(client, tenantId, eventName, {}))) {
        throw new NotRunningError(`No running workflow for ${tenantId}`);
      }
      context.log(`API ${eventName} raised for ${tenantId}`);
      return {
        status: 202,
        jsonBody: { tenantId, instanceId: onboardingInstanceId(tenantId), event: eventName },
      };
    });
}
