/**
 * What a Mail Send call came to. Expected outcomes are data; only what is worth retrying throws.
 * Nothing here ever carries an address, a body or the API key: SendGrid's error texts are reduced to
 * field names and messages, with anything that looks like an address redacted.
 */

export type SendResult =
  /** SendGrid accepted the message (202); `messageId` is its X-Message-Id (null in sandbox mode). */
  | { kind: 'sent'; messageId: string | null }
  /** A permanent refusal (4xx other than 408/429): retrying the same request cannot succeed. */
  | { kind: 'rejected'; status: number; reason: string };

/** Thrown for 408, 429, 5xx and network failures: the activity layer retries these. */
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

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
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
