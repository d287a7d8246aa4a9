/** Enhanced attestation: create one (idempotent per key) and read its state. */
import { acceptanceLink } from '../../shared/workflow/acceptance-link';
import {
  createAttestationInputSchema,
  getAttestationInputSchema,
  type CreateAttestationResult,
  type GetAttestationResult,
} from '../../shared/workflow/activities';
import { attestationStateOf } from '../../shared/workflow/attestation-rules';
import type { PartnerCenterDeps } from '../app-deps';
import { permanentOrThrow } from './partner-center-failure';

/** A status word is logged when unknown: long enough to recognise, too short to carry a payload. */
const MAX_WORD = 40;

export function createCreateAttestationActivity({
  partnerCenter,
  config,
}: Pick<PartnerCenterDeps, 'partnerCenter' | 'config'>) {
  return async (input: unknown): Promise<CreateAttestationResult> => {
    const { tenantId, customer, idempotencyKey } = createAttestationInputSchema.parse(input);
    try {
      const created = await partnerCenter.createEnhancedAttestation(
        {
          country: customer.country,
          language: customer.language,
          companyName: customer.companyName,
          signatory: customer.signatory,
          customerTenantId: tenantId,
        },
        { idempotencyKey },
      );
      const link = acceptanceLink(created.acceptanceLink, config.partnerCenter.acceptanceUrlTemplate, {
        attestationId: created.attestationId,
        country: customer.country,
        language: customer.language,
      });
      if (!link) {
        return {
          kind: 'failed',
          reason:
            'Partner Center returned no acceptance link and PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE is not set',
        };
      }
      return {
        kind: 'created',
        attestationId: created.attestationId,
        acceptanceUrl: link.url,
        expiresAt: created.expiresAt ?? null,
      };
    } catch (error) {
      return permanentOrThrow('enhanced attestation', error);
    }
  };
}

export function createGetAttestationActivity({ partnerCenter }: Pick<PartnerCenterDeps, 'partnerCenter'>) {
  return async (input: unknown): Promise<GetAttestationResult> => {
    const { attestationId } = getAttestationInputSchema.parse(input);
    try {
      const { status, acceptedAt } = await partnerCenter.getEnhancedAttestation(attestationId);
      return {
        kind: 'attestation',
        state: attestationStateOf(status),
        word: status === undefined ? null : status.slice(0, MAX_WORD),
        acceptedAt: acceptedAt ?? null,
      };
    } catch (error) {
      return permanentOrThrow('attestation status', error);
    }
  };
}
