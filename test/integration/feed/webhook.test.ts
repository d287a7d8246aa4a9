/**
 * The Partner Center webhook end to end: the emulator signs and sends the event when a customer is
 * added; the built app verifies it and starts that customer's orchestration. A forged POST does not.
 */
import { sign, generateKeyPairSync } from 'node:crypto';
import { startAppStack, type AppStack } from '../../helpers/app-stack';

describe('Partner Center webhook through the app stack', () => {
  let app: AppStack;

  beforeAll(async () => {
    app = await startAppStack();
    // Register our endpoint with the emulator as a partner would (any Partner Center token will do).
    const tokenResponse = await fetch(`${app.settings.PARTNER_CENTER_AUTHORITY}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.settings.PARTNER_CENTER_CLIENT_ID,
        client_secret: app.settings.PARTNER_CENTER_CLIENT_SECRET,
        scope: 'https://api.partnercenter.microsoft.com/.default',
      }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const registration = await fetch(`${app.emulators.partnerCenterUrl}/webhooks/v1/registration`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        WebhookUrl: `${app.hostUrl}/api/webhooks/partner-center`,
        WebhookEvents: ['reseller-relationship-accepted-by-customer', 'test-created'],
      }),
    });
    expect(registration.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  async function instanceStatus(tenantId: string): Promise<number> {
    return (await app.api(`/runtime/webhooks/durabletask/instances/mca-${tenantId}`)).status;
  }

  it('a customer added in Partner Center starts its orchestration', async () => {
    const customer = app.partnerCenter.addCustomer({ companyName: 'Webhook Feed KK' });
    await app.partnerCenter.flushWebhooks();
    await app.settle();
    expect(app.partnerCenter.webhookDeliveries().at(-1)).toMatchObject({
      eventName: 'reseller-relationship-accepted-by-customer',
      status: 200,
    });
    expect([200, 202]).toContain(await instanceStatus(customer.tenantId));
  });

  it('a forged webhook gets 401 and starts nothing', async () => {
    const tenantId = 'c0000000-0000-4000-8000-00000000f0f0';
    const body = JSON.stringify({
      EventName: 'reseller-relationship-accepted-by-customer',
      ResourceUri: `${app.emulators.partnerCenterUrl}/v1/customers/${tenantId}`,
      ResourceName: 'customer',
      AuditUri: '',
      ResourceChangeUtcDate: new Date(app.clock.now()).toISOString(),
    });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const response = await app.api('/api/webhooks/partner-center', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Signature ${sign('sha256', Buffer.from(body), privateKey).toString('base64')}`,
        'x-ms-signature-algorithm': 'rsa-sha256',
        // The genuine certificate, but the signature is not from its key.
        'x-ms-certificate-url': `${app.emulators.partnerCenterUrl}/certificates/webhook-signing.pem`,
      },
      body,
    });
    expect(response.status).toBe(401);
    await app.settle();
    expect(await instanceStatus(tenantId)).toBe(404);
  });
});
