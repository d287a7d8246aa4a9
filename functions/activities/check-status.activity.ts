/** Reads both kinds of evidence from Partner Center and evaluates the customer's MCA status. */
import { InvalidAgreementDateError } from '../../shared/mca';
import { NotFound, readMcaStatus } from '../../shared/partnerCenter';
import { checkStatusInputSchema, type CheckStatusResult } from '../../shared/workflow/activities';
import type { AppDeps } from '../app-deps';
import { permanentOrThrow } from './partner-center-failure';

export function createCheckStatusActivity({ partnerCenter }: Pick<AppDeps, 'partnerCenter'>) {
  return async (input: unknown): Promise<CheckStatusResult> => {
    const { tenantId, at } = checkStatusInputSchema.parse(input);
    try {
      return { kind: 'status', status: await readMcaStatus(partnerCenter, tenantId, new Date(at)) };
    } catch (error) {
      if (error instanceof InvalidAgreementDateError) return { kind: 'failed', reason: error.message };
      // A new relationship can take a while to show in reads: not visible yet, never a failure.
      if (error instanceof NotFound) return { kind: 'notVisible' };
      return permanentOrThrow('status check', error);
    }
  };
}
