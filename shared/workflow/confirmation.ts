/**
 * Acceptance learned from people instead of Partner Center (indirect reseller deployments, which
 * Microsoft gives no Partner Center API): an operator's or the provider's /confirm, the CRM's
 * `mcaAccepted`. Pure.
 */
import type { Confirmation, OnboardingRequest } from './contracts';

/** An ISO-8601 instant with any offset, as the state row stores it (UTC, `...Z`). */
export function utcInstant(at: string): string {
  return new Date(at).toISOString();
}

/** When the MCA was accepted, as a CRM update reports it: its own date, else the update's, else now. */
export function reportedAcceptance(
  request: Pick<OnboardingRequest, 'acceptedAt' | 'occurredAt'>,
  nowIso: string,
): string {
  return utcInstant(request.acceptedAt ?? request.occurredAt ?? nowIso);
}

const CONFIRMED_BY: Record<Confirmation['confirmedBy'], string> = {
  operator: 'an operator',
  indirectProvider: 'the indirect provider',
};

/** The audit line of a confirmation: who confirmed, never a person's name. */
export function confirmationNote({ method, confirmedBy }: Confirmation): string {
  return `accepted (${method}), confirmed by ${CONFIRMED_BY[confirmedBy]}`;
}
