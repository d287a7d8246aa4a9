/**
 * Inputs and results of the onboarding activities. Inputs are zod schemas (they arrive as JSON through
 * the durable engine); results are tagged data: expected outcomes, including permanent failures, are
 * returned, and only what is worth retrying is thrown.
 */
import { z } from 'zod';
import type { McaStatus } from '../mca';
import { customerStateRecordSchema, tenantIdSchema, utcTimestamp } from '../store/customer-state';
import { AUDIT_ACTORS } from '../store/audit-trail.repository';
import type { AttestationState } from './attestation-rules';
import { customerSchema } from './contracts';

/** A permanent failure: retrying the same call cannot succeed. `reason` holds no personal data. */
export interface PermanentFailure {
  kind: 'failed';
  reason: string;
}

export const checkStatusInputSchema = z.object({ tenantId: tenantIdSchema, at: utcTimestamp });
export type CheckStatusInput = z.input<typeof checkStatusInputSchema>;
/** `notVisible`: Partner Center answered 404 for the customer (a new relationship not shown yet). */
export type CheckStatusResult =
  { kind: 'status'; status: McaStatus } | { kind: 'notVisible' } | PermanentFailure;

export const createAttestationInputSchema = z.object({
  tenantId: tenantIdSchema,
  customer: customerSchema,
  /** Stable per attempt (run and renewal number), so a retried create reuses its MS-RequestId. */
  idempotencyKey: z.string().min(1).max(300),
});
export type CreateAttestationInput = z.input<typeof createAttestationInputSchema>;
export type CreateAttestationResult =
  | { kind: 'created'; attestationId: string; acceptanceUrl: string; expiresAt: string | null }
  | PermanentFailure;

export const getAttestationInputSchema = z.object({ attestationId: z.string().min(1).max(200) });
export type GetAttestationInput = z.input<typeof getAttestationInputSchema>;
export { ATTESTATION_STATES, type AttestationState } from './attestation-rules';
export type GetAttestationResult =
  | {
      kind: 'attestation';
      state: AttestationState;
      /** The status word as Partner Center sent it (shortened), for the log when it is `unknown`. */
      word: string | null;
      /** When the customer accepted, if the read says (field name unverified). */
      acceptedAt: string | null;
    }
  | PermanentFailure;

export const createAgreementInputSchema = z.object({
  tenantId: tenantIdSchema,
  attestationId: z.string().min(1).max(200),
  signatory: customerSchema.shape.signatory,
  /** When the customer accepted (see `agreedAt`): never in the future for Partner Center. */
  acceptedAt: utcTimestamp,
  idempotencyKey: z.string().min(1).max(300),
});
export type CreateAgreementInput = z.input<typeof createAgreementInputSchema>;
export type CreateAgreementResult = { kind: 'created' } | { kind: 'alreadyExists' } | PermanentFailure;

export const saveStateInputSchema = z.object({
  state: customerStateRecordSchema,
  audit: z.object({
    actor: z.enum(AUDIT_ACTORS),
    action: z.string().min(1).max(100),
    detail: z.string().max(2000).default(''),
  }),
});
export type SaveStateInput = z.input<typeof saveStateInputSchema>;
