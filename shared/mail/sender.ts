/**
 * Sends one rendered mail through SendGrid's v3 Mail Send API with the official SDK. Each sender owns its
 * own client (the SDK's default export is a process-wide singleton, which we never touch).
 */
import { Client } from '@sendgrid/client';
import type { ClientRequest } from '@sendgrid/client/src/request';
import { MailService, type MailDataRequired } from '@sendgrid/mail';
import {
  failedBeforeRequest,
  InvalidMailError,
  rejectionReason,
  RetryableMailError,
  safeText,
  statusOutcome,
  type SendResult,
} from './send-result';

/** The header (and custom arg) that ties a delivered message back to the workflow's send key. */
export const SEND_KEY_HEADER = 'X-Mca-Send-Key';
export const SEND_KEY_CUSTOM_ARG = 'sendKey';

const DEFAULT_TIMEOUT_MS = 30_000;
/** Printable ASCII: it travels in a mail header. */
const SEND_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export interface MailAddress {
  email: string;
  name?: string;
}

export interface MailSenderOptions {
  apiKey: string;
  /** Another Mail Send endpoint (the local sink); SendGrid's own when absent. */
  baseUrl?: string;
  from: MailAddress;
  sendGrid?: {
    /** Per request; an answer that does not come in time is an unknown outcome. Default 30 s. */
    timeoutMs?: number;
    /** SendGrid validates but does not deliver (a smoke test against the real service). */
    sandboxMode?: boolean;
  };
}

export interface OutgoingMail {
  to: MailAddress;
  subject: string;
  text: string;
  html: string;
  /** The workflow's idempotency key for this mail, e.g. `<tenantId>/reminder/2`. */
  sendKey: string;
  categories?: string[];
  replyTo?: MailAddress;
}

export interface MailSender {
  /**
   * Resolves with sent, rejected or unknown (SendGrid may have it: never send it again); throws
   * RetryableMailError (definitely not sent, retry) or InvalidMailError (bug).
   */
  send(mail: OutgoingMail): Promise<SendResult>;
}

export function createMailSender(options: MailSenderOptions): MailSender {
  const client = new Client();
  client.setApiKey(options.apiKey); // resets baseUrl, so any override comes after it
  if (options.baseUrl !== undefined) client.setDefaultRequest('baseUrl', options.baseUrl);
  // `timeout` goes straight to axios; the SDK's request type does not declare it.
  const requestDefaults: ClientRequest & { timeout: number } = {
    url: '',
    timeout: options.sendGrid?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  client.setDefaultRequest(requestDefaults);
  const mailer = new MailService();
  mailer.setClient(client);

  return {
    async send(mail) {
      if (!SEND_KEY_PATTERN.test(mail.sendKey)) {
        throw new InvalidMailError('sendKey must be 1-200 printable ASCII characters');
      }
      try {
        const [response] = await mailer.send(toMailData(mail, options));
        return { kind: 'sent', messageId: messageIdOf(response.headers) };
      } catch (error) {
        return mapFailure(error);
      }
    },
  };
}

function toMailData(mail: OutgoingMail, options: MailSenderOptions): MailDataRequired {
  return {
    to: mail.to,
    from: options.from,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    categories: mail.categories,
    customArgs: { [SEND_KEY_CUSTOM_ARG]: mail.sendKey },
    headers: { [SEND_KEY_HEADER]: mail.sendKey },
    // Transactional mail about a contract: no rewritten links, no pixels, no unsubscribe footer.
    trackingSettings: {
      clickTracking: { enable: false, enableText: false },
      openTracking: { enable: false },
      subscriptionTracking: { enable: false },
      ganalytics: { enable: false },
    },
    mailSettings: options.sendGrid?.sandboxMode ? { sandboxMode: { enable: true } } : undefined,
  };
}

function messageIdOf(headers: unknown): string | null {
  if (typeof headers !== 'object' || headers === null) return null;
  const id = (headers as Record<string, unknown>)['x-message-id'];
  return typeof id === 'string' && id !== '' ? id : null;
}

/**
 * SendGrid answered 4xx/5xx (the SDK's ResponseError), the request never got an answer (an axios error),
 * or the SDK refused to build the request. The original errors are dropped on purpose: axios errors
 * hold the request, with its Authorization header and the message body.
 */
function mapFailure(error: unknown): SendResult {
  if (!isObject(error)) throw new InvalidMailError('SendGrid SDK failed with a non-error value');
  if (typeof error.code === 'number' && isObject(error.response)) {
    const status = error.code;
    const outcome = statusOutcome(status);
    if (outcome === 'retry') throw new RetryableMailError(`SendGrid answered ${status}`, status);
    if (outcome === 'unknown') return { kind: 'unknown', status, reason: `SendGrid answered ${status}` };
    const statusText = typeof error.message === 'string' ? error.message : '';
    return { kind: 'rejected', status, reason: rejectionReason(parseBody(error.response.body), statusText) };
  }
  if (error.isAxiosError === true) {
    const code = typeof error.code === 'string' && /^[A-Z_]+$/.test(error.code) ? error.code : 'unknown';
    const reason = `SendGrid request failed without an answer (${code})`;
    if (failedBeforeRequest(code)) throw new RetryableMailError(reason);
    return { kind: 'unknown', reason };
  }
  const message = typeof error.message === 'string' ? safeText(error.message) : 'unknown reason';
  throw new InvalidMailError(`SendGrid SDK refused the message: ${message}`);
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
