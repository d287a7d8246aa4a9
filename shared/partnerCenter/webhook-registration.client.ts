/**
 * Partner Center's webhook registration API (learn.microsoft.com/rest/api/partner-center/webhook):
 * - `GET|POST|PUT /webhooks/v1/registration`: read, create, update `{ WebhookUrl, WebhookEvents }`;
 * - `POST /webhooks/v1/registration/validationEvents`: send a `test-created` event, answers a correlation id
 *   (kept 7 days; Microsoft throttles this call to 2 a minute);
 * - `GET /webhooks/v1/registration/validationEvents/{correlationId}`: that event's delivery attempts.
 * The reference gives the bodies in PascalCase and its examples in camelCase, so both are read.
 * Used by the operator CLI, not by the workflow.
 */
import { z } from 'zod';
import type { TokenProviders } from './endpoint-auth';
import { NotFound } from './errors';
import { defaultRateLimiter, realSleep, type RateLimiter } from './rate-limiter';
import { createRequestExecutor } from './request-executor';
import { newGuid } from './request-ids';
import { defaultRetryPolicy } from './retry-policy';

export interface WebhookRegistration {
  subscriberId?: string;
  webhookUrl: string;
  webhookEvents: string[];
}

export interface WebhookDeliveryResult {
  responseCode?: string;
  responseMessage?: string;
  systemError?: boolean;
  dateTimeUtc?: string;
}

export interface WebhookValidationStatus {
  correlationId: string;
  /** e.g. `completed` (words unverified: shown as given). */
  status?: string;
  callbackUrl?: string;
  results: WebhookDeliveryResult[];
}

export interface WebhookRegistrationClient {
  /** The registration, or undefined when there is none (404). */
  get(): Promise<WebhookRegistration | undefined>;
  /** POST creates a registration; PUT (`update`) replaces an existing one. */
  register(
    registration: Omit<WebhookRegistration, 'subscriberId'>,
    update: boolean,
  ): Promise<WebhookRegistration>;
  /** Asks Partner Center to send a `test-created` event; its correlation id. */
  sendTestEvent(): Promise<string>;
  testEventStatus(correlationId: string): Promise<WebhookValidationStatus>;
}

export interface WebhookRegistrationClientOptions {
  baseUrl: string;
  tokens: TokenProviders;
  rateLimiter?: RateLimiter;
}

/** `WebhookUrl` and `webhookUrl` alike: keys with their first letter lower-cased (one level deep). */
const camelKeys = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]))
    : value;

const registrationSchema = z.preprocess(
  camelKeys,
  z.object({
    subscriberId: z.string().optional(),
    webhookUrl: z.string(),
    webhookEvents: z.array(z.string()),
  }),
);

const correlationSchema = z.union([
  z.string().min(1),
  z.preprocess(camelKeys, z.object({ correlationId: z.string().min(1) })).transform((b) => b.correlationId),
]);

const validationStatusSchema = z.preprocess(
  camelKeys,
  z.object({
    correlationId: z.string(),
    status: z.string().optional(),
    callbackUrl: z.string().optional(),
    results: z
      .array(
        z.preprocess(
          camelKeys,
          z.object({
            responseCode: z.coerce.string().optional(),
            responseMessage: z
              .string()
              .nullish()
              .transform((m) => m ?? undefined),
            systemError: z.boolean().optional(),
            dateTimeUtc: z.string().optional(),
          }),
        ),
      )
      .default([]),
  }),
);

export function createWebhookRegistrationClient(
  options: WebhookRegistrationClientOptions,
): WebhookRegistrationClient {
  const execute = createRequestExecutor({
    limiter: options.rateLimiter ?? defaultRateLimiter(),
    retry: defaultRetryPolicy,
    sleep: realSleep,
    random: Math.random,
    now: Date.now,
    requestTimeoutMs: 30_000,
  });
  // Assumed: the reference lists partner user roles, so App+User when configured, else App-only.
  const tokens = options.tokens.appUser ?? options.tokens.appOnly;
  const base = options.baseUrl.replace(/\/+$/, '');
  const call = <T>(
    operation: string,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> => {
    if (!tokens) throw new Error('Partner Center webhook calls need App+User or App-only credentials');
    const url = new URL(`${base}/webhooks/v1/registration${path}`);
    return execute({
      operation,
      method,
      url,
      tokens,
      correlationId: newGuid(),
      requestId: newGuid(),
      schema,
      body,
    });
  };
  return {
    async get() {
      try {
        return await call('getWebhookRegistration', 'GET', '', registrationSchema);
      } catch (error) {
        if (error instanceof NotFound) return undefined;
        throw error;
      }
    },
    register({ webhookUrl, webhookEvents }, update) {
      const body = { WebhookUrl: webhookUrl, WebhookEvents: webhookEvents };
      return call('registerWebhook', update ? 'PUT' : 'POST', '', registrationSchema, body);
    },
    sendTestEvent() {
      return call('createWebhookValidationEvent', 'POST', '/validationEvents', correlationSchema);
    },
    testEventStatus(correlationId) {
      const path = `/validationEvents/${encodeURIComponent(correlationId)}`;
      return call('getWebhookValidationEvent', 'GET', path, validationStatusSchema);
    },
  };
}
