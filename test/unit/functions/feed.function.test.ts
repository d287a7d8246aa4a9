import { sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HttpRequest } from '@azure/functions';
import type { PartnerCenterDeps } from '../../../functions/app-deps';
import {
  AUDIT_FEED_SCHEDULE,
  createAuditFeedHandler,
  createWebhookHandler,
  registerPartnerCenterFeed,
  WEBHOOK_MAX_BODY_BYTES,
  type FeedDeps,
} from '../../../functions/partner-center-feed.function';
import {
  createReplayGuard,
  createWebhookVerifier,
  type CertificateFetcher,
  type AuditRecord,
  type AuditRecordQuery,
} from '../../../shared/partnerCenter';
import { loadConfig } from '../../../shared/config';
import { AUDIT_FEED_CURSOR } from '../../../shared/partnerCenter/audit-feed';
import { ORCHESTRATORS } from '../../../shared/workflow/contracts';
import { registeredFunctions } from '../../helpers/functions-core.fake';
import { FakeCursors, FakeDurableClient, FakeProcessedEvents, recordingContext } from './fakes';

const certs = join(__dirname, '../../../local/emulators/partner-center/certs');
const pcKey = readFileSync(join(certs, 'webhook-signing.test-only.key.pem'), 'utf8');
const pcCert = readFileSync(join(certs, 'webhook-signing.test-only.cert.pem'), 'utf8');
const forgedKey = readFileSync(
  join(__dirname, '../partner-center/webhook-fixtures/foreign-org.test-only.key.pem'),
  'utf8',
);
const CERT_URL = 'http://127.0.0.1:7081/certificates/webhook-signing.pem';
const NOW = new Date('2027-03-10T10:00:00.000Z');
const TENANT = 'c0000000-0000-4000-8000-0000000000aa';

function event(name: string, tenantId = TENANT): string {
  return JSON.stringify({
    EventName: name,
    ResourceUri: `http://127.0.0.1:7081/v1/customers/${tenantId}`,
    ResourceName: 'customer',
    AuditUri: '',
    ResourceChangeUtcDate: '2027-03-10T09:59:00.000Z',
  });
}

function webhook(body: string, key = pcKey, headers: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost:7071/api/webhooks/partner-center',
    body: { string: body },
    headers: {
      authorization: `Signature ${sign('sha256', Buffer.from(body), key).toString('base64')}`,
      'x-ms-signature-algorithm': 'rsa-sha256',
      'x-ms-certificate-url': CERT_URL,
      ...headers,
    },
  });
}

function setup(fetchCertificate: CertificateFetcher = () => Promise.resolve(pcCert)) {
  const durable = new FakeDurableClient();
  const processedEvents = new FakeProcessedEvents();
  const cursors = new FakeCursors();
  const auditDays: AuditRecordQuery[] = [];
  const audit: Record<string, AuditRecord[]> = {};
  const deps: FeedDeps = {
    store: { processedEvents, cursors },
    partnerCenter: {
      async *listAuditRecords(query) {
        auditDays.push(query);
        for (const r of audit[query.startDate] ?? []) yield await Promise.resolve(r);
      },
    },
    now: () => NOW,
  };
  const verifier = createWebhookVerifier({
    allowedUrls: [CERT_URL],
    fetchCertificate,
    now: () => NOW,
    trustAnchors: [new X509Certificate(pcCert)],
  });
  const replays = createReplayGuard({ now: () => NOW });
  const handler = createWebhookHandler(deps, { verifier, replays });
  const { context, lines } = recordingContext();
  const post = (request: HttpRequest) => handler(request, durable.client, context);
  return {
    durable,
    processedEvents,
    cursors,
    deps,
    post,
    audit,
    auditDays,
    context,
    lines,
    verifier,
    replays,
  };
}

describe('Partner Center webhook', () => {
  it.each([
    'reseller-relationship-accepted-by-customer',
    'indirect-reseller-relationship-accepted-by-customer',
  ])('%s starts the customer once, without customer data', async (name) => {
    const { durable, post } = setup();
    expect((await post(webhook(event(name)))).status).toBe(200);
    expect((await post(webhook(event(name)))).status).toBe(200); // Partner Center redelivers
    expect(durable.started).toEqual([
      {
        name: ORCHESTRATORS.onboarding,
        instanceId: `mca-${TENANT}`,
        input: {
          tenantId: TENANT,
          reason: 'new',
          source: 'partner-center',
          eventId: `webhook:${name}:${TENANT}:2027-03-10T09:59:00.000Z`,
        },
      },
    ]);
    expect(durable.raised).toEqual([]);
  });

  const forged: [string, () => HttpRequest][] = [
    [
      'signed with another key',
      () => webhook(event('reseller-relationship-accepted-by-customer'), forgedKey),
    ],
    [
      'body changed after signing',
      () => {
        const signed = webhook(event('reseller-relationship-accepted-by-customer'));
        return new HttpRequest({
          method: 'POST',
          url: signed.url,
          body: {
            string: event(
              'reseller-relationship-accepted-by-customer',
              'c0000000-0000-4000-8000-0000000000bb',
            ),
          },
          headers: Object.fromEntries(signed.headers.entries()),
        });
      },
    ],
    [
      'no signature at all',
      () =>
        new HttpRequest({
          method: 'POST',
          url: 'http://localhost:7071/api/webhooks/partner-center',
          body: { string: event('reseller-relationship-accepted-by-customer') },
        }),
    ],
    [
      'certificate from a foreign host',
      () =>
        webhook(event('reseller-relationship-accepted-by-customer'), pcKey, {
          'x-ms-certificate-url': 'https://attacker.example.com/cert.pem',
        }),
    ],
  ];
  it.each(forged)('forged (%s): 401 and nothing started or recorded', async (_name, build) => {
    const { durable, processedEvents, post, lines } = setup();
    const response = await post(build());
    expect(response.status).toBe(401);
    expect(durable.started).toEqual([]);
    expect(durable.raised).toEqual([]);
    expect(processedEvents.seen.size).toBe(0);
    expect(lines.join('\n')).not.toContain('ResourceUri');
  });

  it('an unreachable signing certificate: 503 so Partner Center redelivers, nothing started', async () => {
    const { durable, processedEvents, post } = setup(() => Promise.reject(new Error('connect ETIMEDOUT')));
    const response = await post(webhook(event('reseller-relationship-accepted-by-customer')));
    expect(response.status).toBe(503);
    expect(durable.started).toEqual([]);
    expect(processedEvents.seen.size).toBe(0);
  });

  it('a failed start is not marked processed: the redelivery starts the customer', async () => {
    const { durable, post } = setup();
    const startNew = durable.startNew.bind(durable);
    durable.startNew = () => Promise.reject(new Error('durable 503'));
    await expect(post(webhook(event('reseller-relationship-accepted-by-customer')))).rejects.toThrow('503');
    durable.startNew = startNew;
    expect((await post(webhook(event('reseller-relationship-accepted-by-customer')))).status).toBe(200);
    expect(durable.started).toHaveLength(1);
  });

  it('answers the validation event (test-created) with 200 and starts nothing', async () => {
    const { durable, post } = setup();
    expect((await post(webhook(event('test-created')))).status).toBe(200);
    expect(durable.started).toEqual([]);
  });

  it('ignores other events with 200', async () => {
    const { durable, post, processedEvents } = setup();
    expect((await post(webhook(event('subscription-updated')))).status).toBe(200);
    expect(durable.started).toEqual([]);
    expect(processedEvents.seen.size).toBe(0);
  });

  it('leaves a customer that already has an instance alone', async () => {
    const { durable, post } = setup();
    durable.seed(`mca-${TENANT}`, 'Completed');
    expect((await post(webhook(event('reseller-relationship-accepted-by-customer')))).status).toBe(200);
    expect(durable.started).toEqual([]);
    expect(durable.raised).toEqual([]);
  });

  it('400 for a signed body that is not an event or names no customer', async () => {
    const { durable, post } = setup();
    expect((await post(webhook('not json'))).status).toBe(400);
    const noTenant = JSON.stringify({
      EventName: 'reseller-relationship-accepted-by-customer',
      ResourceUri: 'x',
    });
    expect((await post(webhook(noTenant))).status).toBe(400);
    expect(durable.started).toEqual([]);
  });
});

describe('audit feed timer', () => {
  const record = (id: string, tenantId: string, operationType = 'add_customer'): AuditRecord => ({
    id,
    operationType,
    operationStatus: 'succeeded',
    operationDate: '2027-03-10T08:00:00.000Z',
    customerId: tenantId,
    customerName: 'Contoso KK',
  });

  it('first run reads yesterday and today, starts new customers, stores the cursor', async () => {
    const { durable, deps, audit, auditDays, cursors, context } = setup();
    audit['2027-03-09'] = [record('r1', TENANT), record('r2', TENANT, 'add_order')];
    audit['2027-03-10'] = [record('r3', 'c0000000-0000-4000-8000-0000000000bb')];
    const run = createAuditFeedHandler(deps);
    await run({}, durable.client, context);
    expect(auditDays).toEqual([
      { startDate: '2027-03-09', endDate: '2027-03-09' },
      { startDate: '2027-03-10', endDate: '2027-03-10' },
    ]);
    expect(durable.started.map((s) => s.input)).toEqual([
      {
        tenantId: TENANT,
        companyName: 'Contoso KK',
        reason: 'new',
        source: 'partner-center',
        eventId: 'audit:r1',
      },
      {
        tenantId: 'c0000000-0000-4000-8000-0000000000bb',
        companyName: 'Contoso KK',
        reason: 'new',
        source: 'partner-center',
        eventId: 'audit:r3',
      },
    ]);
    expect((await cursors.get(AUDIT_FEED_CURSOR))?.value).toBe(NOW.toISOString());

    await run({}, durable.client, context);
    expect(durable.started).toHaveLength(2);
  });

  it('does not start the customer a webhook already started', async () => {
    const { durable, deps, audit, post, context } = setup();
    await post(webhook(event('reseller-relationship-accepted-by-customer')));
    audit['2027-03-10'] = [record('r1', TENANT)];
    await createAuditFeedHandler(deps)({}, durable.client, context);
    expect(durable.started).toHaveLength(1);
    expect(durable.raised).toEqual([]);
  });

  it('a lost compare-and-set stops the run without an error', async () => {
    const { durable, deps, cursors, context } = setup();
    await cursors.set(AUDIT_FEED_CURSOR, '2027-03-08T00:00:00.000Z');
    const other = {
      ...deps,
      store: {
        ...deps.store,
        cursors: {
          get: () => cursors.get(AUDIT_FEED_CURSOR).then((c) => c && { ...c, etag: 'stale' }),
          set: cursors.set.bind(cursors),
        },
      },
    };
    await expect(createAuditFeedHandler(other)({}, durable.client, context)).resolves.toBeUndefined();
    expect((await cursors.get(AUDIT_FEED_CURSOR))?.value).toBe('2027-03-08T00:00:00.000Z');
  });
});

/** A request body generated lazily in 16 KiB chunks, counting what the handler pulled. */
function streamedBody(totalBytes: number, counter: { pulled: number }): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(16 * 1024).fill(0x7b);
  let left = totalBytes;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (left <= 0) return controller.close();
        const next = chunk.subarray(0, Math.min(chunk.length, left));
        left -= next.length;
        counter.pulled += next.length;
        controller.enqueue(next);
      },
    },
    // No read-ahead: a chunk is made only when the handler asks for it.
    { highWaterMark: 0 },
  );
}

/** Just what the handler reads of an HttpRequest: headers and the body stream (or all of it). */
function streamedRequest(
  totalBytes: number,
  counter: { pulled: number },
  headers: Record<string, string> = {},
): HttpRequest {
  const body = streamedBody(totalBytes, counter);
  return {
    headers: new Headers(headers),
    body,
    arrayBuffer: () => new Response(body).arrayBuffer(),
  } as unknown as HttpRequest;
}

const forgedHeaders = (certificateUrl: string) => ({
  authorization: `Signature ${Buffer.from('forged').toString('base64')}`,
  'x-ms-signature-algorithm': 'rsa-sha256',
  'x-ms-certificate-url': certificateUrl,
});

describe('Partner Center webhook against hostile traffic', () => {
  const CHUNK = 16 * 1024;

  it('413 on a Content-Length over 64 KiB, before reading a byte', async () => {
    const { durable, post } = setup();
    const counter = { pulled: 0 };
    const request = streamedRequest(1024 * 1024, counter, {
      ...forgedHeaders(CERT_URL),
      'content-length': String(1024 * 1024),
    });
    expect((await post(request)).status).toBe(413);
    expect(counter.pulled).toBe(0);
    expect(durable.started).toEqual([]);
  });

  it('413 on a streamed body past 64 KiB, reading no further than the cap', async () => {
    const { post } = setup();
    const counter = { pulled: 0 };
    expect((await post(streamedRequest(1024 * 1024, counter, forgedHeaders(CERT_URL)))).status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(WEBHOOK_MAX_BODY_BYTES + CHUNK);
  });

  it('a body of exactly 64 KiB is read and judged on its signature', async () => {
    const { post } = setup();
    const counter = { pulled: 0 };
    const request = streamedRequest(WEBHOOK_MAX_BODY_BYTES, counter, forgedHeaders(CERT_URL));
    expect((await post(request)).status).toBe(401);
    expect(counter.pulled).toBe(WEBHOOK_MAX_BODY_BYTES);
  });

  it('a replay of an accepted body starts nothing and touches no storage', async () => {
    const { durable, processedEvents, post, replays } = setup();
    const body = event('reseller-relationship-accepted-by-customer');
    expect((await post(webhook(body))).status).toBe(200);
    expect(replays.size()).toBe(1);
    // Storage and the durable client now fail: a replay must not reach either.
    processedEvents.failWith = new Error('storage must not be read');
    durable.startNew = () => Promise.reject(new Error('nothing may start'));
    const replay = await post(webhook(body));
    expect(replay).toMatchObject({ status: 200, jsonBody: { status: 'duplicate' } });
    expect(durable.started).toHaveLength(1);
  });

  it('only accepted bodies are remembered: forged, refused and failed ones are not', async () => {
    const { durable, post, replays } = setup();
    const body = event('reseller-relationship-accepted-by-customer');
    await post(webhook(body, forgedKey));
    await post(webhook('{"not":"an event"}'));
    durable.startNew = () => Promise.reject(new Error('durable 503'));
    await expect(post(webhook(body))).rejects.toThrow('503');
    expect(replays.size()).toBe(0);
  });

  it('2,000 forged requests with large bodies and certificate URLs keep memory and caches flat', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const calls: string[] = [];
    const { durable, processedEvents, post, verifier, replays } = setup((url) => {
      calls.push(url.href);
      return Promise.reject(new Error('connect ETIMEDOUT'));
    });
    const counter = { pulled: 0 };
    const statuses = new Map<number, number>();
    const flood = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const certificateUrl = [
          `https://attacker.example.com/${i}.pem`,
          `http://127.0.0.1:7081/certificates/${i}.pem`,
          CERT_URL,
        ][i % 3];
        const size = i % 2 === 0 ? 256 * 1024 : 32 * 1024;
        const { status = 0 } = await post(streamedRequest(size, counter, forgedHeaders(certificateUrl)));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    await flood(0, 100); // warm-up: code paths compiled, lazy structures allocated
    gc();
    const before = process.memoryUsage().heapUsed;
    await flood(100, 2_000);
    gc();
    const growth = process.memoryUsage().heapUsed - before;

    expect([...statuses.keys()].sort()).toEqual([401, 413, 503]);
    expect(counter.pulled).toBeLessThanOrEqual(2_000 * (WEBHOOK_MAX_BODY_BYTES + CHUNK));
    // Only the allowed URL is ever fetched, and its failure is remembered: one download in all.
    expect(calls).toEqual([CERT_URL]);
    expect(verifier.cachedCertificates()).toBeLessThanOrEqual(1);
    expect(replays.size()).toBe(0);
    expect(durable.started).toEqual([]);
    expect(processedEvents.seen.size).toBe(0);
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  }, 60_000);
});

describe('registerPartnerCenterFeed', () => {
  it('registers an anonymous POST webhook and a 15-minute timer', () => {
    // The local settings (the policy of the runs the feed starts is built from them).
    const settings = (
      JSON.parse(readFileSync(join(__dirname, '../../../local.settings.json.example'), 'utf8')) as {
        Values: Record<string, string>;
      }
    ).Values;
    const config = loadConfig(settings);
    const deps = {
      config: { ...config, partnerCenter: { ...config.partnerCenter, webhookCertificateUrls: [CERT_URL] } },
      now: () => NOW,
    } as unknown as PartnerCenterDeps;
    registerPartnerCenterFeed(deps);
    const byName = new Map(registeredFunctions().map((f) => [f.name, f]));
    const hook = byName.get('partnerCenterWebhook');
    const trigger = Object.values(hook?.bindings ?? {}).find((b) => b.type === 'httpTrigger');
    expect(trigger).toMatchObject({
      authLevel: 'anonymous',
      route: 'webhooks/partner-center',
      methods: ['POST'],
    });
    const timer = Object.values(byName.get('partnerCenterAuditFeed')?.bindings ?? {}).find(
      (b) => b.type === 'timerTrigger',
    );
    expect(timer).toMatchObject({ schedule: AUDIT_FEED_SCHEDULE });
    expect(AUDIT_FEED_SCHEDULE.split(' ')).toHaveLength(6);
  });
});
