/** Records the customer's acceptance as an MCA agreement with the attestation id (step 3 of attesting). */
import { MCA_TEMPLATE_ID } from '../../shared/mca';
import { AgreementAlreadyExists } from '../../shared/partnerCenter';
import { createAgreementInputSchema, type CreateAgreementResult } from '../../shared/workflow/activities';
import type { PartnerCenterDeps } from '../app-deps';
import { permanentOrThrow } from './partner-center-failure';

export function createCreateAgreementActivity({ partnerCenter }: Pick<PartnerCenterDeps, 'partnerCenter'>) {
  return async (input: unknown): Promise<CreateAgreementResult> => {
    const { tenantId, attestationId, signatory, acceptedAt, idempotencyKey } =
      createAgreementInputSchema.parse(input);
    try {
      await partnerCenter.createAgreement(
        tenantId,
        {
          attestationId,
          templateId: MCA_TEMPLATE_ID,
          // Partner Center's form: no zone, seconds precision (UTC).
          dateAgreed: acceptedAt.slice(0, 19),
          primaryContact: signatory,
        },
        { idempotencyKey },
      );
      return { kind: 'created' };
    } catch (error) {
      // 600061: an identical agreement exists (a replay, or created before a crash): done, verify by reading.
      if (error instanceof AgreementAlreadyExists) return { kind: 'alreadyExists' };
      return permanentOrThrow('agreement creation', error);
    }
  };
}
