/**
 * New customers from Partner Center: the signed webhook (HTTP) and the audit-record timer. Both start
 * the customer's workflow without signatory data (reason `new`, source `partner-center`); the CRM or
 * the API supplies it later. Mode `ifNew`: a feed event carries nothing a running or finished instance
 * could use, so an existing instance is left alone. That also makes a repeated start harmless, which
 * is why an event is marked processed only after its start succeeded.
 */
import { readFileSync } from 'node:fs';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import {
  AUDIT_FEED_CURSOR,
  BodyTooLargeError,
  createHttpCertificateFetcher,
  createReplayGuard,
  createWebhookVerifier,
  declaresMoreThan,
  parseCertificates,
  readCapped,
  runAuditFeed,
  WebhookSignatureError,
  type CertificateFetcher,
  type NewCustomer,
  type PartnerCenterClient,
  type ReplayGuard,
  type WebhookVerifier,
} from '../shared/partnerCenter';
import { ConflictError, type Store } from '../shared/store';
import type { PartnerCenterDeps } from './app-deps';
import type { OnboardingPolicy } from '../shared/workflow/run-policy';
import { startOnboarding } from './onboarding-starter';
import { onboardingPolicy } from './workflow';

export const FEED_FUNCTIONS = {
  webhook: 'partnerCenterWebhook',
  auditFeed: 'partnerCenterAuditFeed',
} as const;
export const PARTNER_CENTER_SOURCE = 'partner-center';
/** Every 15 minutes (NCRONTAB, seconds first). */
export const AUDIT_FEED_SCHEDULE = '0 */15 * * * *';

const CUSTOMER_EVENTS = new Set([
  'reseller-relationship-accepted-by-customer',
  'indirect-reseller-relationship-accepted-by-customer',
]);
/** Microsoft's registration check: answering 200 is all it asks for. */
const VALIDATION_EVENT = 'test-created';
/** An event is a few hundred bytes; anything near this is not Partner Center. */
export const WEBHOOK_MAX_BODY_BYTES = 64 * 1024;

export const webhookEventSchema = z.object({
  EventName: z.string().min(1).max(100),
  ResourceUri: z.string().max(2000).nullish(),
  ResourceChangeUtcDate: z.string().max(100).nullish(),
});
const tenantInUri = /\/customers\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[/?#]|$)/i;

export interface FeedDeps {
  store: Pick<Store, 'processedEvents' | 'cursors'>;
  partnerCenter: Pick<PartnerCenterClient, 'listAuditRecords'>;
  now: () => Date;
  /** Pinned in every run the feed starts. */
  policy?: OnboardingPolicy;
}

export async function startNewCustomer(
  client: df.DurableClient,
  customer: NewCustomer,
  policy?: OnboardingPolicy,
): Promise<string> {
  const { tenantId, companyName, eventId } = customer;
  const request = { tenantId, companyName, eventId, reason: 'new', source: PARTNER_CENTER_SOURCE } as const;
  return (await startOnboarding(client, request, { mode: 'ifNew', policy })).kind;
}

export interface WebhookGuards {
  verifier: WebhookVerifier;
  /** Bodies already accepted: a replay is acknowledged and starts nothing. */
  replays: ReplayGuard;
}

const tooLarge: HttpResponseInit = { status: 413, jsonBody: { error: 'body too large' } };

export function createWebhookHandler(deps: FeedDeps, { verifier, replays }: WebhookGuards) {
  return async (
    request: HttpRequest,
    client: df.DurableClient,
    context: InvocationContext,
  ): Promise<HttpResponseInit> => {
    // Anonymous endpoint: refuse an oversized body before reading it, and stop reading at the cap.
    if (declaresMoreThan(request.headers.get('content-length'), WEBHOOK_MAX_BODY_BYTES)) return tooLarge;
    let body: Uint8Array;
    try {
      body = await readCapped(request.body, WEBHOOK_MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return tooLarge;
      throw error;
    }
    try {
      const { chain, detail } = await verifier.verify((name) => request.headers.get(name), body);
      context.log('Partner Center webhook signature verified', { chain, detail });
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      // The certificate could not be fetched (network, its host down): 503 so Partner Center redelivers.
      if (error.reason === 'certificateUnavailable') {
        context.warn('Partner Center webhook: signing certificate unavailable', error.message);
        return { status: 503, headers: { 'Retry-After': '60' }, jsonBody: { error: 'try again later' } };
      }
      context.warn(`Partner Center webhook refused: ${error.reason}`, error.message);
      return { status: 401, jsonBody: { error: 'signature verification failed' } };
    }
    // 200, not an error: a genuine redelivery (our first answer was lost) must not count as failed.
    if (replays.seen(body)) {
      context.log('Partner Center webhook: replay of an accepted body, nothing to do');
      return { status: 200, jsonBody: { status: 'duplicate' } };
    }
    const response = await handleEvent(deps, body, client, context);
    if (response.status === 200) replays.remember(body);
    return response;
  };
}

async function handleEvent(
  deps: FeedDeps,
  body: Uint8Array,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const event = parseEvent(body);
  if (!event) return { status: 400, jsonBody: { error: 'not a Partner Center event' } };
  if (event.EventName === VALIDATION_EVENT || !CUSTOMER_EVENTS.has(event.EventName)) {
    context.log(`Partner Center webhook ${event.EventName}: nothing to do`);
    return { status: 200 };
  }
  const tenantId = tenantInUri.exec(event.ResourceUri ?? '')?.[1]?.toLowerCase();
  if (!tenantId) return { status: 400, jsonBody: { error: 'ResourceUri names no customer tenant' } };
  const eventId = `webhook:${event.EventName}:${tenantId}:${event.ResourceChangeUtcDate ?? ''}`;
  // Marked only once started, so a failed start is retried by Partner Center's redelivery.
  if (await deps.store.processedEvents.isProcessed(PARTNER_CENTER_SOURCE, eventId)) {
    context.log(`Partner Center webhook for ${tenantId}: already processed`);
    return { status: 200 };
  }
  const outcome = await startNewCustomer(client, { tenantId, eventId }, deps.policy);
  await deps.store.processedEvents.markProcessed(PARTNER_CENTER_SOURCE, eventId);
  context.log(`Partner Center webhook for ${tenantId}: ${outcome}`);
  return { status: 200 };
}

function parseEvent(body: Uint8Array): z.output<typeof webhookEventSchema> | undefined {
  try {
    const parsed = webhookEventSchema.safeParse(JSON.parse(Buffer.from(body).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function createAuditFeedHandler(deps: FeedDeps) {
  return async (_timer: unknown, client: df.DurableClient, context: InvocationContext): Promise<void> => {
    const { cursors, processedEvents } = deps.store;
    const summary = await runAuditFeed({
      readCursor: () => cursors.get(AUDIT_FEED_CURSOR),
      writeCursor: async (value, etag) => {
        try {
          return await cursors.set(AUDIT_FEED_CURSOR, value, etag);
        } catch (error) {
          if (error instanceof ConflictError) return undefined;
          throw error;
        }
      },
      listAuditRecords: (day) => deps.partnerCenter.listAuditRecords({ startDate: day, endDate: day }),
      isProcessed: (eventId) => processedEvents.isProcessed(PARTNER_CENTER_SOURCE, eventId),
      markProcessed: (eventId) => processedEvents.markProcessed(PARTNER_CENTER_SOURCE, eventId),
      startCustomer: async (customer) => {
        context.log(
          `Audit feed: ${customer.tenantId} ${await startNewCustomer(client, customer, deps.policy)}`,
        );
      },
      now: deps.now,
    });
    context.log('Audit feed run', summary);
  };
}

export function registerPartnerCenterFeed(
  deps: PartnerCenterDeps,
  options: { fetchCertificate?: CertificateFetcher } = {},
): void {
  const { webhookCertificateUrls, webhookLocalTrustAnchorsFile } = deps.config.partnerCenter;
  const verifier = createWebhookVerifier({
    allowedUrls: webhookCertificateUrls,
    fetchCertificate: options.fetchCertificate ?? createHttpCertificateFetcher(),
    now: deps.now,
    // Absent in Azure (config refuses it there): Microsoft's roots from Node's bundle.
    trustAnchors:
      webhookLocalTrustAnchorsFile === undefined
        ? undefined
        : parseCertificates(readFileSync(webhookLocalTrustAnchorsFile, 'utf8')),
  });
  const replays = createReplayGuard({ now: deps.now });
  const feedDeps: FeedDeps = { ...deps, policy: onboardingPolicy(deps.config) };
  // Anonymous: Partner Center cannot send a function key; the signature is the authentication.
  df.app.client.http(FEED_FUNCTIONS.webhook, {
    route: 'webhooks/partner-center',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: createWebhookHandler(feedDeps, { verifier, replays }),
  });
  df.app.client.timer(FEED_FUNCTIONS.auditFeed, {
    schedule: AUDIT_FEED_SCHEDULE,
    handler: createAuditFeedHandler(feedDeps),
  });
}
