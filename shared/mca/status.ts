/**
 * Is a customer covered by the Microsoft Customer Agreement? Pure: the caller passes `now`.
 */

/** Partner attestations dated before this moment no longer count (they need re-attestation). */
export const ATTESTATION_VALID_FROM = '2023-04-01T00:00:00Z';
/** From this moment Partner Center refuses purchases for customers with only a stale attestation. */
export const PURCHASE_BLOCKED_FROM = '2025-10-07T00:00:00Z';

const VALID_FROM_MS = Date.parse(ATTESTATION_VALID_FROM);
const BLOCKED_FROM_MS = Date.parse(PURCHASE_BLOCKED_FROM);

export interface McaEvidence {
  /** Partner Center's directSignedMicrosoftCustomerAgreementStatus; undefined when it could not be read. */
  directSigned: boolean | undefined;
  /** The customer's MCA agreements (partner attestations), in any order. */
  attestations: readonly { dateAgreed: string }[];
}

/** Instants are UTC ISO-8601 strings (`toISOString()`), safe to keep in durable state. */
export type McaStatus =
  | { kind: 'accepted'; method: 'direct' }
  | { kind: 'accepted'; method: 'attestation'; attestedAt: string }
  | { kind: 'reattestationRequired'; attestedAt: string; purchaseBlocked: boolean }
  | { kind: 'none' };

export class InvalidAgreementDateError extends Error {
  constructor(readonly value: string) {
    super(
      `unparseable dateAgreed ${JSON.stringify(value)}: expected ISO-8601 like 2023-05-01T00:00:00[Z|+09:00]`,
    );
    this.name = 'InvalidAgreementDateError';
  }
}

/**
 * Direct acceptance wins and never expires. Otherwise the latest attestation decides: on or after
 * ATTESTATION_VALID_FROM it is accepted, before it the customer must re-attest (and from
 * PURCHASE_BLOCKED_FROM cannot buy meanwhile).
 */
export function evaluateMcaStatus(evidence: McaEvidence, now: Date): McaStatus {
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date');
  if (evidence.directSigned === true) return { kind: 'accepted', method: 'direct' };

  const latestMs = evidence.attestations.reduce<number | undefined>((latest, { dateAgreed }) => {
    const ms = parseAgreementDate(dateAgreed);
    return latest === undefined || ms > latest ? ms : latest;
  }, undefined);
  if (latestMs === undefined) return { kind: 'none' };

  const attestedAt = new Date(latestMs).toISOString();
  if (latestMs >= VALID_FROM_MS) return { kind: 'accepted', method: 'attestation', attestedAt };
  return { kind: 'reattestationRequired', attestedAt, purchaseBlocked: now.getTime() >= BLOCKED_FROM_MS };
}

// Date, optional time with up to 7 fraction digits (.NET ticks), optional Z or +hh:mm / +hhmm.
const AGREEMENT_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Milliseconds since the epoch for a Partner Center `dateAgreed`. Partner Center writes it without a
 * zone (`2023-05-01T00:00:00`), which means UTC; a `Z` or an offset is honoured.
 */
export function parseAgreementDate(value: string): number {
  const match = AGREEMENT_DATE.exec(value);
  if (!match) throw new InvalidAgreementDateError(value);
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  const localMs = Date.UTC(y, mo - 1, d, h, mi, s, Math.floor(Number(`0.${fraction}`) * 1000));
  // Date.UTC rolls 2023-02-30 over to March: a round trip shows the date did not exist.
  const check = new Date(localMs);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    throw new InvalidAgreementDateError(value);
  }
  return localMs - offsetMs(zone, value);
}

function offsetMs(zone: string, value: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) throw new InvalidAgreementDateError(value);
  return sign * (hours * 60 + minutes) * 60_000;
}

/** Partner Center's template id of the Microsoft Customer Agreement (GET /v1/agreements). */
export const MCA_TEMPLATE_ID = '117a77b0-9360-443b-8795-c6dedc750cf9';
