import { X509Certificate, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_MAX_ATTEMPTS, webhookRetryDelayMs } from '../../../local/emulators/partner-center/webhooks';
import { call, emulatorPerTest, jsonOf } from './partner-center.helpers';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A callback receiver on a free loopback port that records every POST and answers with the next
 * status of `statuses` (200 once they run out).
 */
async function startReceiver(
  statuses: number[] = [],
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/api/webhooks/partner-center`, received };
}

describe('Partner Center emulator: webhooks', () => {
  const h = emulatorPerTest();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });

  it('registers, reads and deletes a registration; rejects unknown events', async () => {
    const registration = {
      WebhookUrl: receiver.url,
      WebhookEvents: ['reseller-relationship-accepted-by-customer'],
    };
    const created = await call(h.url, h.appToken, 'POST', '/webhooks/v1/registration', registration);
    expect(created.status).toBe(200);
    expect(await jsonOf(await call(h.url, h.appToken, 'GET', '/webhooks/v1/registration'))).toEqual(
      expect.objectContaining(registration),
    );
    const bad = await call(h.url, h.appToken, 'POST', '/webhooks/v1/registration', {
      ...registration,
      WebhookEvents: ['x'],
    });
    expect(bad.status).toBe(400);
    expect((await call(h.url, h.appToken, 'DELETE', '/webhooks/v1/registration')).status).toBe(204);
    expect((await call(h.url, h.appToken, 'GET', '/webhooks/v1/registration')).status).toBe(404);
  });

  it('posts a signed event when a customer is added, verifiable against the served certificate', async () => {
    await call(h.url, h.appToken, 'POST', '/webhooks/v1/registration', {
      WebhookUrl: receiver.url,
      WebhookEvents: [
        'reseller-relationship-accepted-by-customer',
        'indirect-reseller-relationship-accepted-by-customer',
      ],
    });
    const added = h.emulator.control.addCustomer({ companyName: 'Webhook Example Ltd' });
    h.emulator.control.addCustomer({
      companyName: 'Via Reseller Example',
      indirectResellerId: crypto.randomUUID(),
    });
    await h.emulator.control.flushWebhooks();
    expect(receiver.received).toHaveLength(2);

    const [first, second] = receiver.received;
    const event = JSON.parse(first.body.toString('utf8')) as Record<string, string>;
    expect(event).toEqual({
      EventName: 'reseller-relationship-accepted-by-customer',
      ResourceUri: `${h.url}/v1/customers/${added.tenantId}`,
      ResourceName: 'customer',
      AuditUri: expect.stringContaining('/v1/auditrecords?') as unknown,
      ResourceChangeUtcDate: new Date(h.clock.now()).toISOString(),
    });
    expect(JSON.parse(second.body.toString('utf8'))).toEqual(
      expect.objectContaining({ EventName: 'indirect-reseller-relationship-accepted-by-customer' }),
    );

    const headers = first.headers;
    expect(headers['x-ms-signature-algorithm']).toBe('rsa-sha256');
    const authorization = String(headers.authorization);
    expect(authorization).toMatch(/^Signature /);
    const certificateUrl = String(headers['x-ms-certificate-url']);
    expect(certificateUrl.startsWith(h.url)).toBe(true);
    const certificate = new X509Certificate(await (await fetch(certificateUrl)).text());
    expect(certificate.subject).toContain('O=Microsoft Corporation');
    const signature = Buffer.from(authorization.slice('Signature '.length), 'base64');
    expect(verify('sha256', first.body, certificate.publicKey, signature)).toBe(true);
    const tampered = Buffer.from(first.body.toString('utf8').replace('reseller', 'Reseller'));
    expect(verify('sha256', tampered, certificate.publicKey, signature)).toBe(false);

    expect(h.emulator.control.webhookDeliveries().map((d) => d.status)).toEqual([200, 200]);
  });

  it('records a failed delivery when the callback cannot be reached', async () => {
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
    await call(h.url, h.appToken, 'POST', '/webhooks/v1/registration', {
      WebhookUrl: receiver.url,
      WebhookEvents: ['reseller-relationship-accepted-by-customer'],
    });
    h.emulator.control.addCustomer({ companyName: 'Unreachable Example Ltd' });
    await h.emulator.control.flushWebhooks();
    const [delivery] = h.emulator.control.webhookDeliveries();
    expect(delivery).toEqual(
      expect.objectContaining({ eventName: 'reseller-relationship-accepted-by-customer' }),
    );
    expect(delivery?.status).toBeUndefined();
    expect(delivery?.error).toEqual(expect.any(String));
    receiver = await startReceiver(); // afterEach closes it
  });

  it('sends nothing for events that were not registered', async () => {
    await call(h.url, h.appToken, 'POST', '/webhooks/v1/registration', {
      WebhookUrl: receiver.url,
      WebhookEvents: ['subscription-updated'],
    });
    h.emulator.control.addCustomer({ companyName: 'Quiet Example Ltd' });
    await h.emulator.control.flushWebhooks();
    expect(receiver.received).toHaveLength(0);
  });
  /** Lets every scheduled retry happen: flush, move the clock to the next wake-up, repeat. */
  async function deliverAll(): Promise<void> {
    for (;;) {
      await h.emulator.control.flushWebhooks();
      const next = h.clock.nextWakeUp();
      if (next === undefined) return;
      await h.clock.advanceTo(next);
    }
  }

  async function registerFailingReceiver(statuses: number[]): Promise<void> {
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
    receiver = await startReceiver(statuses);
    await call(h.url, h.appToken, 'POST', '/webhooks/v1/registration', {
      WebhookUrl: receiver.url,
      WebhookEvents: ['reseller-relationship-accepted-by-customer'],
    });
  }

  it('retries a failed delivery with back-off on its clock until the callback answers 2xx', async () => {
    await registerFailingReceiver([500, 503]);
    h.emulator.control.addCustomer({ companyName: 'Retry Example Ltd' });
    await h.emulator.control.flushWebhooks();
    expect(receiver.received).toHaveLength(1);
    expect(h.emulator.control.webhookDeliveries()[0]).toMatchObject({
      attempts: 1,
      status: 500,
      nextAttemptAt: new Date(h.clock.now() + webhookRetryDelayMs(1)).toISOString(),
    });
    await deliverAll();
    expect(receiver.received).toHaveLength(3);
    // The same signed event each time.
    expect(new Set(receiver.received.map((r) => r.body.toString('utf8'))).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.headers.authorization)).size).toBe(1);
    const [delivery] = h.emulator.control.webhookDeliveries();
    expect(delivery).toMatchObject({ attempts: 3, status: 200 });
    expect(delivery?.nextAttemptAt).toBeUndefined();
    expect(delivery?.gaveUp).toBeUndefined();
  });

  it(`gives up after ${WEBHOOK_MAX_ATTEMPTS} attempts, spaced by the back-off`, async () => {
    await registerFailingReceiver(Array.from({ length: 20 }, () => 503));
    const times: number[] = [];
    receiver.server.on('request', () => times.push(h.clock.now()));
    h.emulator.control.addCustomer({ companyName: 'Always Down Example Ltd' });
    await deliverAll();
    expect(receiver.received).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps).toEqual(
      Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => webhookRetryDelayMs(i + 1)),
    );
    expect(h.emulator.control.webhookDeliveries()).toEqual([
      expect.objectContaining({ attempts: WEBHOOK_MAX_ATTEMPTS, status: 503, gaveUp: true }),
    ]);
    expect(h.clock.nextWakeUp()).toBeUndefined();
  });

  it('back-off: 1 minute doubling, at most 1 hour', () => {
    expect([1, 2, 3, 6, 7, 9].map(webhookRetryDelayMs)).toEqual([
      60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000,
    ]);
  });

  it('reset drops scheduled retries', async () => {
    await registerFailingReceiver([500]);
    h.emulator.control.addCustomer({ companyName: 'Reset Example Ltd' });
    await h.emulator.control.flushWebhooks();
    expect(h.clock.nextWakeUp()).toBeDefined();
    h.emulator.control.reset();
    await deliverAll();
    expect(receiver.received).toHaveLength(1);
    expect(h.emulator.control.webhookDeliveries()).toEqual([]);
  });

  describe('test events (validationEvents)', () => {
    async function sendTestEvent(): Promise<string> {
      const created = await call(h.url, h.appToken, 'POST', '/webhooks/v1/registration/validationEvents');
      expect(created.status).toBe(200);
      return (await jsonOf<{ CorrelationId: string }>(created)).CorrelationId;
    }
    const statusOf = (correlationId: string) =>
      call(h.url, h.appToken, 'GET', `/webhooks/v1/registration/validationEvents/${correlationId}`);

    it('reads the delivery of a test event by its correlation id, in the documented shape', async () => {
      await call(h.url, h.appToken, 'POST', '/webhooks/v1/registration', {
        WebhookUrl: receiver.url,
        WebhookEvents: ['test-created'],
      });
      const correlationId = await sendTestEvent();
      await h.emulator.control.flushWebhooks();
      expect(receiver.received).toHaveLength(1);
      expect(await jsonOf(await statusOf(correlationId))).toEqual({
        correlationId,
        partnerId: expect.any(String) as unknown,
        status: 'completed',
        callbackUrl: receiver.url,
        results: [
          {
            responseCode: '200',
            responseMessage: '',
            systemError: false,
            dateTimeUtc: expect.any(String) as unknown,
          },
        ],
      });
      expect((await statusOf(crypto.randomUUID())).status).toBe(404);
    });

    it('is pending while a failed delivery waits for its retry', async () => {
      await registerFailingReceiver([500]);
      await call(h.url, h.appToken, 'POST', '/webhooks/v1/registration', {
        WebhookUrl: receiver.url,
        WebhookEvents: ['test-created'],
      });
      const correlationId = await sendTestEvent();
      await h.emulator.control.flushWebhooks();
      expect(await jsonOf(await statusOf(correlationId))).toMatchObject({
        status: 'pending',
        results: [{ responseCode: '500', systemError: false }],
      });
      await deliverAll();
      expect(await jsonOf(await statusOf(correlationId))).toMatchObject({
        status: 'completed',
        results: [{ responseCode: '200' }],
      });
    });

    it('sends nothing and reports no result without a registration for test-created', async () => {
      const correlationId = await sendTestEvent();
      await h.emulator.control.flushWebhooks();
      expect(receiver.received).toHaveLength(0);
      expect(await jsonOf(await statusOf(correlationId))).toMatchObject({ status: 'completed', results: [] });
    });
  });
});
