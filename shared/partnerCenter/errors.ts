/**
 * Typed Partner Center errors. Messages name the operation, HTTP status and Partner Center code only:
 * never the response body, which can echo names, e-mails or phone numbers.
 */
import { z } from 'zod';
import { purchaseBlockReason, type PurchaseBlockReason } from '../mca';

export interface PartnerCenterErrorDetails {
  operation: string;
  status?: number;
  code?: number;
  errorName?: string;
  correlationId?: string;
  requestId?: string;
  /** For 429: how long Partner Center asked us to wait, in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class PartnerCenterError extends Error {
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: number | undefined;
  readonly errorName: string | undefined;
  readonly correlationId: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** True when trying the same call again later may succeed. */
  readonly retryable: boolean;

  constructor(details: PartnerCenterErrorDetails, retryable = false, summary?: string) {
    super(describe(details, summary), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code;
    this.errorName = details.errorName;
    this.correlationId = details.correlationId;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = retryable;
  }
}

/**
 * A purchase refused for want of the MCA (403): `staleAttestation` (900428, only an attestation from
 * before 2023-04-01: re-attest) or `noMca` (13605, no acceptance at all: attest or invite).
 */
export class PurchaseBlocked extends PartnerCenterError {
  constructor(
    details: PartnerCenterErrorDetails,
    readonly reason: PurchaseBlockReason,
  ) {
    super(details, false, reason === 'noMca' ? 'no MCA' : 'stale attestation');
  }
}
/** 600061 PartnerConfirmedAgreementAlreadyExists: an identical agreement exists; treat as done. */
export class AgreementAlreadyExists extends PartnerCenterError {}
/** 900421 on an App+User call (or an MFA demand from Entra): the refresh token lacks an MFA claim. */
export class MfaRequired extends PartnerCenterError {}
/** 401 or a rejected credential/refresh token. */
export class Unauthorized extends PartnerCenterError {}
export class NotFound extends PartnerCenterError {}
/** 400, e.g. 600002-style validation errors (a future dateAgreed). */
export class Validation extends PartnerCenterError {}
/** 429 still answered after our retry budget. Retry later (e.g. on a durable timer). */
export class Throttled extends PartnerCenterError {
  constructor(details: PartnerCenterErrorDetails) {
    super(details, true);
  }
}
/** 5xx or network failure still happening after our retry budget. */
export class Transient extends PartnerCenterError {
  constructor(details: PartnerCenterErrorDetails, summary?: string) {
    super(details, true, summary);
  }
}
/** A success response we cannot read (missing a field we depend on). Not retryable. */
export class UnexpectedResponse extends PartnerCenterError {}

/** The purchase-block codes (900428, 13605) live with the rule in shared/mca (PURCHASE_BLOCK). */
export const ErrorCodes = {
  mfaRequired: 900421,
  agreementAlreadyExists: 600061,
} as const;

// Both formats: { code, description, data, source } and { code, message, description, errorName, isRetryable, parameters }.
const errorBodySchema = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  errorName: z.string().optional(),
});

/** Reads the numeric code and errorName from either Partner Center error format; ignores everything else. */
export function parseErrorBody(body: unknown): { code?: number; errorName?: string } {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const raw = parsed.data.code;
  const code = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  return {
    code: typeof code === 'number' && Number.isFinite(code) ? code : undefined,
    errorName: parsed.data.errorName,
  };
}

/** The one mapper from an HTTP error response to a typed error. */
export function errorFromResponse(
  status: number,
  body: unknown,
  context: Omit<PartnerCenterErrorDetails, 'status' | 'code' | 'errorName'>,
): PartnerCenterError {
  const details: PartnerCenterErrorDetails = { ...context, status, ...parseErrorBody(body) };
  const { code } = details;
  if (code === ErrorCodes.agreementAlreadyExists) return new AgreementAlreadyExists(details);
  if (status === 401 && code === ErrorCodes.mfaRequired) return new MfaRequired(details);
  if (status === 401) return new Unauthorized(details);
  const blocked = purchaseBlockReason(status, body);
  if (blocked) return new PurchaseBlocked(details, blocked);
  if (status === 429) return new Throttled(details);
  if (status === 404) return new NotFound(details);
  if (status === 400) return new Validation(details);
  if (status >= 500) return new Transient(details);
  return new PartnerCenterError(details);
}

function describe(details: PartnerCenterErrorDetails, summary?: string): string {
  const parts = [`Partner Center ${details.operation} failed`];
  if (details.status !== undefined) parts.push(`HTTP ${details.status}`);
  if (details.code !== undefined) parts.push(`code ${details.code}`);
  if (details.errorName) parts.push(details.errorName);
  if (summary) parts.push(summary);
  if (details.correlationId) parts.push(`correlationId ${details.correlationId}`);
  return parts.join(', ');
}
