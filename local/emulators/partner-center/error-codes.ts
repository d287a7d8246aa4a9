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
  /** Documented (REST error-code table, 403): a purchase for a customer without any MCA acceptance. */
  mcaNotAccepted: 13605,
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

/** 900428's text, as Microsoft's MCA page gives it (403, only a pre-2023-04-01 attestation). */
export const PURCHASE_BLOCKED_DESCRIPTION =
  'Either a partner re-attestation of the customer acceptance of the Microsoft Customer Agreement must be provided ' +
  'or the customer must re-attest the Microsoft Customer Agreement in the Microsoft Admin Center before you can ' +
  'complete this purchase.';

/**
 * 13605's text. Microsoft's REST error-code table gives it nearly the same text as 900428's; the exact
 * wording could not be checked, so this is the 900428 sentence for a customer who has no MCA yet.
 * Clients must go by the code, never by this text.
 */
export const NO_MCA_PURCHASE_DESCRIPTION =
  'Either a partner attestation of the customer acceptance of the Microsoft Customer Agreement must be provided ' +
  'or the customer must accept the Microsoft Customer Agreement in the Microsoft Admin Center before you can ' +
  'complete this purchase.';
