import { TableServiceClient } from '@azure/data-tables';
import { nativeProcess } from '../../../local/host';
import { startAppStack, APP_STACK_START, OUTCOMES_QUEUE, type AppStack } from '../../helpers/app-stack';

describe('app stack (emulators + local host running the built app)', () => {
  let app: AppStack;
  const envBefore = nativeProcess.env.PARTNER_CENTER_BASE_URL;

  beforeAll(async () => {
    app = await startAppStack({ settings: { ACCEPTANCE_DEADLINE: 'P20D' } });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('loads the app from dist/ with settings pointing at the emulators', async () => {
    expect(app.host.functions.length).toBeGreaterThan(0);
    expect(app.logs.some((line) => line.startsWith('Functions:') || line.includes('Functions:'))).toBe(true);
    expect(nativeProcess.env.PARTNER_CENTER_BASE_URL).toBe(app.emulators.partnerCenterUrl);
    expect(app.settings.SENDGRID_BASE_URL).toBe(app.emulators.sendGridUrl);
    expect(app.settings.ACCEPTANCE_DEADLINE).toBe('P20D');
    expect(app.settings.AzureWebJobsStorage).toContain(
      `TableEndpoint=http://127.0.0.1:${app.emulators.azurite.ports.table}/`,
    );
    expect(app.settings.ServiceBusConnection).toContain(`sb://127.0.0.1:${app.emulators.serviceBus.port};`);
    expect(app.clock.now()).toBe(APP_STACK_START);
    // The host answers (404 for a route the app does not have, not a connection error).
    expect((await app.api('/api/no-such-route')).status).toBe(404);
  });

  it('has every emulator answering', async () => {
    expect((await fetch(`${app.emulators.partnerCenterUrl}/`)).status).toBe(200);
    expect((await fetch(`${app.emulators.sendGridUrl}/`)).status).toBe(200);
    const tables = TableServiceClient.fromConnectionString(app.emulators.storageConnectionString, {
      allowInsecureConnection: true,
    });
    await tables.createTable('stackprobe');
    expect(app.emulators.serviceBus.queue('crm-customer-events').deadLetterCount).toBe(0);

    const sender = new (await import('@azure/service-bus')).ServiceBusClient(
      app.emulators.serviceBusConnectionString,
    );
    await sender.createSender(OUTCOMES_QUEUE).sendMessages({ body: { probe: 1 } });
    await sender.close();
    expect(await app.receiveOutcomes()).toEqual([{ probe: 1 }]);
    expect(app.mails()).toEqual([]);
  });

  it('shows the dead letters each time it is asked (the SDK keeps a peek position per queue)', async () => {
    await app.sendCrmEvent({ type: 'CustomerCreated' }, { messageId: 'stack-dead-letter' });
    const first = await app.waitFor(async () => (await app.peekDeadLetters()).length > 0, {
      what: 'the invalid message dead-lettered',
    });
    expect(first).toBe(true);
    const again = await app.peekDeadLetters();
    expect(again.map((d) => d.messageId)).toEqual(['stack-dead-letter']);
    expect((await app.peekDeadLetters()).map((d) => d.reason)).toEqual(['InvalidMessage']);
  });

  it('moves the virtual clock through due timers and restarts the host on the same port', async () => {
    await app.advance(60 * 60 * 1000);
    expect(app.clock.now()).toBe(APP_STACK_START + 60 * 60 * 1000);
    const url = app.hostUrl;
    const before = app.host;
    await app.restartHost();
    expect(app.host).not.toBe(before);
    expect(app.hostUrl).toBe(url);
    expect((await app.api('/api/no-such-route')).status).toBe(404);
    await expect(app.waitFor(() => false, { timeoutMs: 100, what: 'never' })).rejects.toThrow(/never/);
  });

  it('closes everything and gives the environment back', async () => {
    await app.close();
    expect(nativeProcess.env.PARTNER_CENTER_BASE_URL).toBe(envBefore);
    await expect(fetch(`${app.emulators.partnerCenterUrl}/`)).rejects.toThrow();
  });
});
