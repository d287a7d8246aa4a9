/**
 * Partner Center webhooks: registration (`/webhooks/v1/registration`) and signed event delivery.
 * Each POST carries `Authorization: Signature <base64 RSA-SHA256 of the raw body>`,
 * `X-MS-Certificate-Url` (the PEM certificate this emulator serves) and `X-MS-Signature-Algorithm`.
 * A delivery that does not get a 2xx is tried again, up to 10 attempts in all ("Partner Center tries a
 * delivery 10 times"), with back-off on the emulator's clock (Microsoft does not publish its schedule).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { z } from 'zod';
import { assetPath } from './assets';
import type { Clock } from '../../clock';
import { ErrorCodes } from './error-codes';
import type { StateStore } from './emulator-state';
import { json, noContent, pcError, text, type Reply } from './http-kit';
import { readJson } from './json-body';
import type { RequestContext, Route } from './router';

/** Test-only key pair committed with the emulator (subject O=Microsoft Corporation, self-signed). */
const CERT_DIR = assetPath('certs');
export const WEBHOOK_CERTIFICATE_PATH = '/certificates/webhook-signing.pem';
/** The served certificate on disk: the local app trusts it as its webhook root (never in Azure). */
export const WEBHOOK_CERTIFICATE_FILE = join(CERT_DIR, 'webhook-signing.test-only.cert.pem');

export const WEBHOOK_EVENTS = [
  'test-created',
  'subscription-updated',
  'subscription-renewed',
  'reseller-relationship-accepted-by-customer',
  'indirect-reseller-relationship-accepted-by-customer',
  'customer-consent-status-updated',
] as const;

export interface WebhookEvent {
  EventName: string;
  ResourceUri: string;
  ResourceName: string;
  AuditUri: string;
  ResourceChangeUtcDate: string;
}

export interface WebhookDelivery {
  eventName: string;
  at: string;
  /** Attempts made so far (at most WEBHOOK_MAX_ATTEMPTS). */
  attempts: number;
  /** HTTP status of the latest attempt, or undefined when the callback could not be reached. */
  status?: number;
  error?: string;
  /** When the next attempt is due (ISO), while one is scheduled. */
  nextAttemptAt?: string;
  /** True once the last attempt failed too. */
  gaveUp?: boolean;
}

export const WEBHOOK_MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 60 * 60_000;

/** Wait after failed attempt `attempt` (1-based): 1 min, doubling, at most 1 h. */
export function webhookRetryDelayMs(attempt: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);
}

const succeeded = (delivery: WebhookDelivery) =>
  delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300;

export class WebhookDispatcher {
  private readonly privateKey = readFileSync(join(CERT_DIR, 'webhook-signing.test-only.key.pem'), 'utf8');
  readonly certificatePem = readFileSync(WEBHOOK_CERTIFICATE_FILE, 'utf8');
  /** Attempts in flight (not retries waiting for the clock). */
  private readonly pending = new Set<Promise<void>>();
  /** Aborted to drop every scheduled retry (close, reset). */
  private retries = new AbortController();
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
  ) {}

  /**
   * Sends the event if a registration asks for it; delivery runs in the background (see `flush`).
   * Returns the delivery record, which the attempts update.
   */
  emit(
    eventName: string,
    resourceUri: string,
    resourceName: string,
    auditUri = '',
  ): WebhookDelivery | undefined {
    const registration = this.store.state.webhook;
    if (!registration || !registration.eventNames.includes(eventName)) return undefined;
    const event: WebhookEvent = {
      EventName: eventName,
      ResourceUri: resourceUri,
      ResourceName: resourceName,
      AuditUri: auditUri,
      ResourceChangeUtcDate: new Date(this.clock.now()).toISOString(),
    };
    const record: WebhookDelivery = { eventName, at: event.ResourceChangeUtcDate, attempts: 0 };
    this.deliveries.push(record);
    void this.deliver(registration.callbackUrl, event, record);
    return record;
  }

  /**
   * Resolves once no attempt is in flight. Scheduled retries wait for the clock: advance it, then
   * flush again.
   */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Drops scheduled retries and the delivery records (the emulator's reset). */
  reset(): void {
    this.retries.abort();
    this.retries = new AbortController();
    this.deliveries.length = 0;
  }

  /** Drops scheduled retries (the emulator is closing), then waits for attempts in flight. */
  async close(): Promise<void> {
    this.retries.abort();
    await this.flush();
  }

  private async deliver(callbackUrl: string, event: WebhookEvent, record: WebhookDelivery): Promise<void> {
    const body = JSON.stringify(event);
    for (;;) {
      await this.track(this.attempt(callbackUrl, body, record));
      if (succeeded(record)) return;
      if (record.attempts >= WEBHOOK_MAX_ATTEMPTS) {
        record.gaveUp = true;
        return;
      }
      const due = this.clock.now() + webhookRetryDelayMs(record.attempts);
      record.nextAttemptAt = new Date(due).toISOString();
      try {
        await this.clock.sleepUntil(due, this.retries.signal);
      } catch {
        return; // closed or reset
      }
      delete record.nextAttemptAt;
    }
  }

  private track(attempt: Promise<void>): Promise<void> {
    const tracked = attempt.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return tracked;
  }

  private async attempt(callbackUrl: string, body: string, record: WebhookDelivery): Promise<void> {
    record.attempts += 1;
    try {
      const response = await fetch(callbackUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Signature ${sign('sha256', Buffer.from(body), this.privateKey).toString('base64')}`,
          'x-ms-certificate-url': `${this.baseUrl()}${WEBHOOK_CERTIFICATE_PATH}`,
          'x-ms-signature-algorithm': 'rsa-sha256',
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      record.status = response.status;
      delete record.error;
    } catch (error) {
      delete record.status;
      record.error = error instanceof Error ? error.message : String(error);
    }
  }
}

const registrationBody = z.object({
  WebhookUrl: z.url({ protocol: /^https?$/ }),
  WebhookEvents: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
});

function invalid(field: string, message: string): Reply {
  return pcError(400, ErrorCodes.badRequest, `${field}: ${message}`);
}

const MAX_TEST_EVENTS = 100;

interface TestEvent {
  callbackUrl: string | undefined;
  /** Undefined when no registration asked for `test-created`: nothing was sent. */
  delivery: WebhookDelivery | undefined;
}

/**
 * `GET .../validationEvents/{id}` as Microsoft's example shows it: `{ correlationId, partnerId, status,
 * callbackUrl, results: [{ responseCode, responseMessage, systemError, dateTimeUtc }] }` (one result: the
 * latest attempt). `status` is `completed` once delivered or given up, else `pending` (words assumed).
 */
function testEventStatus(correlationId: string, partnerId: string, { callbackUrl, delivery }: TestEvent) {
  const done = !delivery || succeeded(delivery) || delivery.gaveUp === true;
  const results =
    delivery && delivery.attempts > 0
      ? [
          {
            responseCode: delivery.status === undefined ? 'None' : String(delivery.status),
            responseMessage: delivery.error ?? '',
            systemError: delivery.status === undefined,
            dateTimeUtc: delivery.at,
          },
        ]
      : [];
  return { correlationId, partnerId, status: done ? 'completed' : 'pending', callbackUrl, results };
}

export function webhookRoutes(store: StateStore, dispatcher: WebhookDispatcher): Route[] {
  // Kept in memory: Microsoft keeps a test event's state 7 days; an emulator restart forgets it.
  const testEvents = new Map<string, TestEvent>();
  const view = (): Reply => {
    const registration = store.state.webhook;
    if (!registration) return pcError(404, ErrorCodes.notFound, 'No webhook registration exists.');
    return json(200, {
      SubscriberId: store.state.partner.tenantId,
      WebhookUrl: registration.callbackUrl,
      WebhookEvents: registration.eventNames,
    });
  };
  const register = (ctx: RequestContext): Reply => {
    const body = readJson(ctx, registrationBody, invalid);
    if ('status' in body) return body;
    store.update(
      (state) => (state.webhook = { callbackUrl: body.WebhookUrl, eventNames: body.WebhookEvents }),
    );
    return view();
  };
  return [
    { method: 'POST', pattern: '/webhooks/v1/registration', auth: 'any', handler: register },
    { method: 'PUT', pattern: '/webhooks/v1/registration', auth: 'any', handler: register },
    { method: 'GET', pattern: '/webhooks/v1/registration', auth: 'any', handler: view },
    {
      method: 'DELETE',
      pattern: '/webhooks/v1/registration',
      auth: 'any',
      handler: () => {
        store.update((state) => delete state.webhook);
        return noContent();
      },
    },
    {
      method: 'GET',
      pattern: '/webhooks/v1/registration/events',
      auth: 'any',
      handler: () => json(200, WEBHOOK_EVENTS),
    },
    {
      method: 'POST',
      pattern: '/webhooks/v1/registration/validationEvents',
      auth: 'any',
      handler: (ctx) => {
        const correlationId = crypto.randomUUID();
        const callbackUrl = store.state.webhook?.callbackUrl;
        const delivery = dispatcher.emit(
          'test-created',
          `${ctx.baseUrl}/webhooks/v1/registration/validationEvents/${correlationId}`,
          'test',
        );
        testEvents.set(correlationId, { callbackUrl, delivery });
        // Bounded: the oldest test events are forgotten first.
        for (const oldest of testEvents.keys()) {
          if (testEvents.size <= MAX_TEST_EVENTS) break;
          testEvents.delete(oldest);
        }
        return json(200, { CorrelationId: correlationId });
      },
    },
    {
      method: 'GET',
      pattern: '/webhooks/v1/registration/validationEvents/:correlationId',
      auth: 'any',
      handler: (ctx) => {
        const correlationId = ctx.params.correlationId ?? '';
        const test = testEvents.get(correlationId);
        if (!test) return pcError(404, ErrorCodes.notFound, 'No test event with this correlation id.');
        return json(200, testEventStatus(correlationId, store.state.partner.tenantId, test));
      },
    },
    {
      method: 'GET',
      pattern: WEBHOOK_CERTIFICATE_PATH,
      auth: 'none',
      handler: () => text(200, dispatcher.certificatePem, 'application/x-pem-file'),
    },
  ];
}
