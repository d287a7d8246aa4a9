/**
 * What a Mail Send call came to. Expected outcomes are data; only what is worth retrying throws.
 * Nothing here ever carries an address, a body or the API key: SendGrid's error texts are reduced to
 * field names and messages, with anything that looks like an address redacted.
 */

export type SendResult =
  /** SendGrid accepted the message (202); `messageId` is its X-Message-Id (null in sandbox mode). */
  | { kind: 'sent'; messageId: string | null }
  /** A permanent refusal (4xx other than 408/429): retrying the same request cannot succeed. */
  | { kind: 'rejected'; status: number; reason: string }
  /**
   * SendGrid may have queued the message: the answer timed out or the connection broke after the
   * request went out, or it answered a 5xx other than 503. Mail Send takes no idempotency key, so
   * sending again could deliver it twice: never retried.
   */
  | { kind: 'unknown'; status?: number; reason: string };

/**
 * Thrown when the mail definitely did not go out and a retry may succeed: 408, 429, 503, or a
 * connection that failed before the request was sent. The activity layer retries these.
 */
export class RetryableMailError extends Error {
  override readonly name = 'RetryableMailError';
  readonly retryable = true;

  constructor(
    message: string,
    /** The HTTP status, when SendGrid answered at all. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Thrown when the message could not even be built (a bug in the caller); never retried. */
export class InvalidMailError extends Error {
  override readonly name = 'InvalidMailError';
  readonly retryable = false;
}

/**
 * What an HTTP error status from Mail Send says about the mail. SendGrid documents 4xx as a problem
 * with the request (not processed; 408 and 429 are worth repeating) and 5xx as a valid request that
 * failed while SendGrid processed it, except 503, "the v3 Web API is not available" (never reached it).
 */
export type StatusOutcome = 'retry' | 'rejected' | 'unknown';

export function statusOutcome(status: number): StatusOutcome {
  if (status === 408 || status === 429 || status === 503) return 'retry';
  return status >= 500 ? 'unknown' : 'rejected';
}

/**
 * Network errors that happen before a request is written: no connection, no name, no route, or a TLS
 * handshake that failed. Anything else (a timeout, a reset or a hang-up) may come after SendGrid read
 * the whole request, so its outcome is unknown.
 */
const BEFORE_REQUEST_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Whether a failure without an answer (`code`, e.g. ECONNREFUSED) certainly left the mail unsent. */
export function failedBeforeRequest(code: string): boolean {
  return BEFORE_REQUEST_CODES.has(code);
}

const MAX_REASON_LENGTH = 500;
const EMAIL_LIKE = /[^\s"'<>(),;:]+@[^\s"'<>(),;:]+/g;

/**
 * A short, safe reason from a SendGrid error body (`{ errors: [{ message, field }] }`), falling back to
 * the status text.
 */
export function rejectionReason(body: unknown, statusText: string): string {
  const errors = isRecord(body) && Array.isArray(body.errors) ? body.errors : [];
  const parts = errors.filter(isRecord).map((error) => {
    const message = typeof error.message === 'string' ? error.message : 'error';
    return typeof error.field === 'string' && error.field !== '' ? `${error.field}: ${message}` : message;
  });
  return safeText(parts.length > 0 ? parts.join('; ') : statusText || 'rejected');
}

/** Text from outside fit for an error or a log line: addresses redacted, length bounded. */
export function safeText(text: string): string {
  const redacted = text.replace(EMAIL_LIKE, '[redacted]');
  return redacted.length > MAX_REASON_LENGTH ? `${redacted.slice(0, MAX_REASON_LENGTH - 1)}…` : redacted;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
