/**
 * Is a customer covered by the Microsoft Customer Agreement? Pure: the caller passes `now`.
 */

/** Partner attestations dated before this moment no longer count (they need re-attestation). */
export const ATTESTATION_VALID_FROM = '2023-04-01T00:00:00Z';
/** From this moment Partner Center refuses purchases for customers with only a stale attestation. */
export const PURCHASE_BLOCKED_FROM = '2025-10-07T00:00:00Z';

const VALID_FROM_MS = Date.parse(ATTESTATION_VALID_FROM);
const BLOCKED_FROM_MS = Date.parse(PURCHASE_BLOCKED_FROM);

/** Partner Center's template id of the Microsoft Customer Agreement (GET /v1/agreements). */
export const MCA_TEMPLATE_ID = '117a77b0-9360-443b-8795-c6dedc750cf9';
/** Partner Center's `type` of a Microsoft Customer Agreement item. */
export const MCA_AGREEMENT_TYPE = 'MicrosoftCustomerAgreement';

/** One item of GET .../agreements, as far as coverage depends on it. */
export interface AgreementItem {
  /** e.g. `2023-05-01T00:00:00`; an unreadable or missing value skips the item. */
  dateAgreed?: string | null;
  /** `MicrosoftCustomerAgreement`, or another type (e.g. `MicrosoftCloudAgreement` with `agreementType=*`). */
  type?: string | null;
  templateId?: string | null;
}

export interface McaEvidence {
  /** Partner Center's directSignedMicrosoftCustomerAgreementStatus; undefined when it could not be read. */
  directSigned: boolean | undefined;
  /** The customer's agreement items (partner attestations), in any order; only MCA items count. */
  attestations: readonly AgreementItem[];
}

/** Instants are UTC ISO-8601 strings (`toISOString()`), safe to keep in durable state. */
export type McaStatus =
  | { kind: 'accepted'; method: 'direct' }
  | { kind: 'accepted'; method: 'attestation'; attestedAt: string }
  | { kind: 'reattestationRequired'; attestedAt: string; purchaseBlocked: boolean }
  | { kind: 'none' };

/** An agreement item that did not count, and why: worth a log line, never a failed check. */
export type IgnoredAgreement =
  { reason: 'otherType'; type: string } | { reason: 'unreadableDate'; dateAgreed: string };

export interface McaAssessment {
  status: McaStatus;
  ignored: IgnoredAgreement[];
}

export class InvalidAgreementDateError extends Error {
  constructor(readonly value: string) {
    super(
      `unparseable dateAgreed ${JSON.stringify(value)}: expected ISO-8601 like 2023-05-01T00:00:00[Z|+09:00]`,
    );
    this.name = 'InvalidAgreementDateError';
  }
}

/**
 * Whether an item is a Microsoft Customer Agreement: its `type` says so. Without a type (we always ask
 * for MCA items), a template other than the MCA's still rules it out. Other types (the older Microsoft
 * Cloud Agreement, returned for `agreementType=*` or when the filter is ignored) never count.
 */
export function isMcaAgreement(item: AgreementItem): boolean {
  if (item.type !== undefined && item.type !== null) {
    return item.type.toLowerCase() === MCA_AGREEMENT_TYPE.toLowerCase();
  }
  return (
    item.templateId === undefined ||
    item.templateId === null ||
    item.templateId.toLowerCase() === MCA_TEMPLATE_ID
  );
}

/**
 * Direct acceptance wins and never expires. Otherwise the latest MCA attestation decides: on or after
 * ATTESTATION_VALID_FROM it is accepted, before it the customer must re-attest (and from
 * PURCHASE_BLOCKED_FROM cannot buy meanwhile). Items of another type, and items whose dateAgreed
 * cannot be read, are left out and listed in `ignored`: the other items decide.
 */
export function assessMcaEvidence(evidence: McaEvidence, now: Date): McaAssessment {
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date');
  if (evidence.directSigned === true) return { status: { kind: 'accepted', method: 'direct' }, ignored: [] };

  const ignored: IgnoredAgreement[] = [];
  let latestMs: number | undefined;
  for (const item of evidence.attestations) {
    if (!isMcaAgreement(item)) {
      ignored.push({ reason: 'otherType', type: shortened(item.type ?? '(none)') });
      continue;
    }
    const ms = tryParseAgreementDate(item.dateAgreed);
    if (ms === undefined) {
      ignored.push({ reason: 'unreadableDate', dateAgreed: shortened(item.dateAgreed ?? '(none)') });
      continue;
    }
    if (latestMs === undefined || ms > latestMs) latestMs = ms;
  }
  return { status: statusFromLatest(latestMs, now), ignored };
}

/** The status alone (see assessMcaEvidence). */
export function evaluateMcaStatus(evidence: McaEvidence, now: Date): McaStatus {
  return assessMcaEvidence(evidence, now).status;
}

function statusFromLatest(latestMs: number | undefined, now: Date): McaStatus {
  if (latestMs === undefined) return { kind: 'none' };
  const attestedAt = new Date(latestMs).toISOString();
  if (latestMs >= VALID_FROM_MS) return { kind: 'accepted', method: 'attestation', attestedAt };
  return { kind: 'reattestationRequired', attestedAt, purchaseBlocked: now.getTime() >= BLOCKED_FROM_MS };
}

function tryParseAgreementDate(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return parseAgreementDate(value);
  } catch (error) {
    if (error instanceof InvalidAgreementDateError) return undefined;
    throw error;
  }
}

/** Values from Partner Center go into logs: keep them short. */
function shortened(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
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
