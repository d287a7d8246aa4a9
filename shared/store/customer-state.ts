/**
 * One customer's place in the MCA workflow, as stored (see docs/architecture.md "States of one customer").
 * Company data only: the signatory's personal data lives in the orchestration input, never here.
 */
import { z } from 'zod';
import { withholdPersonalData } from './personal-data';

import { CUSTOMER_STATE_NAMES } from './state-names';

export { CUSTOMER_STATE_NAMES };
export type CustomerStateName = (typeof CUSTOMER_STATE_NAMES)[number];

export const MCA_METHODS = ['direct', 'attestation'] as const;
export type McaMethod = (typeof MCA_METHODS)[number];
/** The path a state row records: how the customer accepted, or is being brought to accept. */
export const STATE_METHODS = [...MCA_METHODS, 'handOff'] as const;
export type StateMethod = (typeof STATE_METHODS)[number];

/** Runs that ended without acceptance: a recheck or the sweep may still find the customer covered. */
export const HEALABLE_STATES: readonly CustomerStateName[] = ['Expired', 'Failed', 'HandedOff'];

/** ISO-8601 in UTC (`...Z`), as `Date.toISOString()` and the orchestrator's clock produce. */
export const utcTimestamp = z.iso.datetime();

/** Tenant ids are GUIDs; stored and compared in lower case, whatever case the caller used. */
export const tenantIdSchema = z.guid().transform((id) => id.toLowerCase());

export const customerStateRecordSchema = z.object({
  tenantId: tenantIdSchema,
  state: z.enum(CUSTOMER_STATE_NAMES),
  method: z.enum(STATE_METHODS).nullable().default(null),
  acceptedAt: utcTimestamp.nullable().default(null),
  /** Why the customer is where it is (e.g. the Failed reason); one quoting an address is withheld. */
  reason: z.string().max(2000).transform(withholdPersonalData).nullable().default(null),
  nextReminderAt: utcTimestamp.nullable().default(null),
  remindersSent: z.int().min(0).default(0),
  attestationId: z.string().min(1).max(200).nullable().default(null),
  /** When the attestation link the customer was sent stops working (AttestationPending only). */
  linkExpiresAt: utcTimestamp.nullable().optional(),
  /**
   * Partner Center refuses this customer's purchases (403 / 900428: only an attestation from before
   * 2023-04-01, blocked since 2025-10-07). Kept through every later state until the customer is covered.
   */
  purchaseBlocked: z.boolean().default(false),
  startedAt: utcTimestamp,
  /** Decides which of two writes wins: the later one (see CustomerStateRepository.upsert). */
  updatedAt: utcTimestamp,
  companyName: z.string().min(1).max(1000),
  /** BCP 47, e.g. ja-JP. */
  language: z.string().min(2).max(35),
  /** ISO 3166-1 alpha-2. */
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code, e.g. JP'),
});

/** What callers write: optional fields may be left out (they become null). */
export type CustomerStateInput = z.input<typeof customerStateRecordSchema>;
export type CustomerStateRecord = z.output<typeof customerStateRecordSchema>;

/** What callers read: the record plus what follows from it. */
export type CustomerState = CustomerStateRecord & { purchaseAllowed: boolean };

/** The one place this is decided: purchases are allowed only once the customer has accepted the MCA. */
export function isPurchaseAllowed(state: CustomerStateName): boolean {
  return state === 'Accepted';
}

export function withDerivedFields(record: CustomerStateRecord): CustomerState {
  return { ...record, purchaseAllowed: isPurchaseAllowed(record.state) };
}
