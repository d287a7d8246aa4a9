/** Enhanced attestation: create one (idempotent per key) and read its state. */
import {
  createAttestationInputSchema,
  getAttestationInputSchema,
  ATTESTATION_STATES,
  type AttestationState,
  type CreateAttestationResult,
  type GetAttestationResult,
} from '../../shared/workflow/activities';
import type { AppDeps } from '../app-deps';
import { permanentOrThrow } from './partner-center-failure';

export function createCreateAttestationActivity({ partnerCenter }: Pick<AppDeps, 'partnerCenter'>) {
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
      if (!created.acceptanceLink) {
        return { kind: 'failed', reason: 'Partner Center returned no acceptance link for the attestation' };
      }
      return {
        kind: 'created',
        attestationId: created.attestationId,
        acceptanceUrl: created.acceptanceLink,
        expiresAt: created.expiresAt ?? null,
      };
    } catch (error) {
      return permanentOrThrow('enhanced attestation', error);
    }
  };
}

export function createGetAttestationActivity({ partnerCenter }: Pick<AppDeps, 'partnerCenter'>) {
  return async (input: unknown): Promise<GetAttestationResult> => {
    const { attestationId } = getAttestationInputSchema.parse(input);
    try {
      const { status } = await partnerCenter.getEnhancedAttestation(attestationId);
      return { kind: 'attestation', state: knownState(status) };
    } catch (error) {
      return permanentOrThrow('attestation status', error);
    }
  };
}

function knownState(status: string | undefined): AttestationState {
  return (ATTESTATION_STATES as readonly string[]).includes(status ?? '')
    ? (status as AttestationState)
    : 'unknown';
}
