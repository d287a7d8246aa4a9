/**
 * The small decisions of the attestation path (docs/partner-center.md "Attesting"), pure so they are
 * table-tested: what an attestation status word means, which date the agreement records, how often
 * to poll, which CRM update to apply, whether a new signatory needs a new attestation, and what to do
 * when Partner Center answers 600061.
 */
import { pollDelay, type PollBackoff } from '../mca';
import type { Customer } from './contracts';

export const ATTESTATION_STATES = ['required', 'pending', 'accepted', 'expired', 'unknown'] as const;
export type AttestationState = (typeof ATTESTATION_STATES)[number];

/**
 * Partner tooling shows REQUIRED / PENDING / EXPIRED / accepted and "ready to create agreement"
 * (unverified). Case, spaces and separators are ignored; anything else is `unknown`, which the
 * workflow treats as still pending — never as a failure.
 */
const WORDS: Record<string, Exclude<AttestationState, 'unknown'>> = {
  required: 'required',
  pending: 'pending',
  accepted: 'accepted',
  readytocreateagreement: 'accepted',
  expired: 'expired',
};

export function attestationStateOf(word: string | undefined): AttestationState {
  const key = (word ?? '').toLowerCase().replace(/[^a-z]/g, '');
  return WORDS[key] ?? 'unknown';
}

/**
 * `dateAgreed`: when the customer accepted. Partner Center's own time when its status read reports
 * a usable one (a valid instant, not after `now`: a future date is refused with 600002); otherwise
 * when the workflow first saw the attestation accepted.
 */
export function agreedAt(reported: string | null | undefined, firstSeenAt: string, now: string): string {
  const reportedMs = reported ? Date.parse(reported) : NaN;
  if (Number.isNaN(reportedMs) || reportedMs > Date.parse(now)) return firstSeenAt;
  return new Date(reportedMs).toISOString();
}

/**
 * How long to wait before the next check (`attempt` counts from 0): a short fixed interval while an
 * attestation link is out and not accepted (the customer may accept any minute), the back-off
 * otherwise.
 */
export function pollInterval(
  attempt: number,
  attestationPending: boolean,
  backoff: PollBackoff,
  attestationPollMs: number,
): number {
  return attestationPending ? attestationPollMs : pollDelay(attempt, backoff);
}

/**
 * Whether a CRM update is newer than the last one applied. Updates without `occurredAt` (the HTTP
 * API, Partner Center) are always applied; a CRM update older than the last applied one is stale.
 */
export function isStaleUpdate(occurredAt: string | undefined, lastAppliedAt: string | undefined): boolean {
  if (occurredAt === undefined || lastAppliedAt === undefined) return false;
  return Date.parse(occurredAt) < Date.parse(lastAppliedAt);
}

type Signatory = Customer['signatory'];

/** The same person as far as Partner Center is concerned: names, e-mail (any case) and phone. */
export function sameSignatory(a: Signatory, b: Signatory): boolean {
  const norm = (text: string | undefined) => (text ?? '').trim().toLowerCase();
  const digits = (text: string | undefined) => (text ?? '').replace(/\D/g, '');
  return (
    norm(a.firstName) === norm(b.firstName) &&
    norm(a.lastName) === norm(b.lastName) &&
    norm(a.email) === norm(b.email) &&
    digits(a.phoneNumber) === digits(b.phoneNumber)
  );
}

/** A new signatory while a link is out: the old link was made for someone else and is not reused. */
export function needsNewAttestation(
  attestationPending: boolean,
  current: Signatory,
  next: Signatory,
): boolean {
  return attestationPending && !sameSignatory(current, next);
}

export const AGREEMENT_CONFLICT_ACTIONS = ['direct', 'fail'] as const;
export type AgreementConflictAction = (typeof AGREEMENT_CONFLICT_ACTIONS)[number];

/**
 * 600061 (PartnerConfirmedAgreementAlreadyExists) on a re-attestation may mean nothing new was
 * recorded. `covered` is the status read at once afterwards: covered = wait for it to show
 * (Confirming); not covered = switch to the admin center invitation or fail, as configured.
 */
export function afterAgreementConflict(
  covered: boolean,
  setting: AgreementConflictAction,
): 'confirm' | AgreementConflictAction {
  return covered ? 'confirm' : setting;
}

export const AGREEMENT_CONFLICT_REASON =
  'Partner Center refused the agreement as a duplicate (600061 PartnerConfirmedAgreementAlreadyExists) and the customer is still not covered';
