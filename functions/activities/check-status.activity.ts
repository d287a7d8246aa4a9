/** Reads both kinds of evidence from Partner Center and evaluates the customer's MCA status. */
import type { InvocationContext } from '@azure/functions';
import { InvalidAgreementDateError } from '../../shared/mca';
import { NotFound, readMcaStatus, RefreshTokenRejected } from '../../shared/partnerCenter';
import { checkStatusInputSchema, type CheckStatusResult } from '../../shared/workflow/activities';
import type { PartnerCenterDeps } from '../app-deps';
import { permanentOrThrow } from './partner-center-failure';
import { createRefreshTokenAlert } from './refresh-token-alert';

export function createCheckStatusActivity(
  deps: Pick<PartnerCenterDeps, 'partnerCenter' | 'config' | 'store' | 'mail' | 'now'>,
) {
  const { partnerCenter } = deps;
  const alertOperator = createRefreshTokenAlert(deps);
  return async (input: unknown, context?: Pick<InvocationContext, 'error'>): Promise<CheckStatusResult> => {
    const { tenantId, at } = checkStatusInputSchema.parse(input);
    try {
      return { kind: 'status', status: await readMcaStatus(partnerCenter, tenantId, new Date(at)) };
    } catch (error) {
      if (error instanceof InvalidAgreementDateError) return { kind: 'failed', reason: error.message };
      // A new relationship can take a while to show in reads: not visible yet, never a failure.
      if (error instanceof NotFound) return { kind: 'notVisible' };
      if (error instanceof RefreshTokenRejected) {
        await alertOperator(error, (line) => (context ? context.error(line) : console.error(line)));
        // Not this customer's failure: a waiting customer keeps being polled until the token is renewed.
        return {
          kind: 'failed',
          reason: 'Partner Center App+User sign-in needs renewing (operator alerted)',
        };
      }
      return permanentOrThrow('status check', error);
    }
  };
}
