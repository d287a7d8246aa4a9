/**
 * Partner Center error codes the emulator answers with. Documented ones come from Microsoft's public
 * pages; the others are emulator choices where the public docs name none (kept here so a client can
 * tell them apart, and so they are easy to correct).
 */
export const ErrorCodes = {
  /** Documented: a partner confirmed agreement already exists (PartnerConfirmedAgreementAlreadyExists). */
  agreementAlreadyExists: 600061,
  /** Documented family: validation failure, e.g. a future dateAgreed. */
  validation: 600002,
  /** Documented: purchase blocked until the customer re-attests / re-accepts the MCA. */
  reattestationRequired: 900428,
  /** Documented: App+User call without an MFA claim (from 2026-04-01). */
  mfaRequired: 900421,
  /** Emulator choice: generic unauthorized (missing, unknown or expired bearer). */
  unauthorized: 401,
  /** Emulator choice: the token type (app-only vs App+User) is not allowed on this endpoint. */
  wrongTokenType: 403,
  /** Emulator choice: the customer has no MCA acceptance at all (orders). */
  mcaNotAccepted: 900427,
  /** Emulator choice: resource not found. */
  notFound: 404,
  /** Emulator choice: malformed request (bad JSON, bad query). */
  badRequest: 400,
  /** Emulator choice: throttled. */
  throttled: 429,
  /** Emulator choice: injected server error. */
  serverError: 500,
} as const;

/** Since 2026-04-01 App+User calls without an MFA claim are refused. */
export const MFA_ENFORCED_FROM = Date.UTC(2026, 3, 1);

export const PURCHASE_BLOCKED_DESCRIPTION =
  'Either a partner re-attestation of the customer acceptance of the Microsoft Customer Agreement must be provided ' +
  'or the customer must re-attest the Microsoft Customer Agreement in the Microsoft Admin Center before you can ' +
  'complete this purchase.';
