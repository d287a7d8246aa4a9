/**
 * The onboarding orchestration end to end: the built app on the local host and durable engine, the
 * Partner Center emulator, the SendGrid sink, Service Bus and Azurite, on a virtual clock.
 */
import type { AddCustomerInput } from '../../../local/emulators/partner-center/control';
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import {
  DAY,
  HOUR,
  PERSONAL_DATA,
  TEST_SETTINGS,
  advanceUntilState,
  mailsTo,
  raiseEvent,
  supplyDetails,
  startOnboarding,
  stateOf,
  status,
  testCustomer,
} from './onboarding-helpers';

const SEEDED = {
  directlySigned: 'c0000000-0000-4000-8000-000000000001',
  attested2023: 'c0000000-0000-4000-8000-000000000002',
};
/**
 * The stale attestation's signatory shares no contact field with the test signatory (Alex Signer):
 * Partner Center refuses, with 600061, a new agreement that shares any of them with an existing one.
 */
const OLD_SIGNER = { firstName: 'Olga', lastName: 'Previous', email: 'olga.previous@stale.example.com' };
const DESK = 'csp-desk@partner.example';

jest.setTimeout(180_000);

let app: AppStack;
let tenantSeq = 0x100;

/** A new customer in the Partner Center emulator, with no MCA yet. */
function newTenant(companyName: string, agreements: AddCustomerInput['agreements'] = []): string {
  const tenantId = `d0000000-0000-4000-8000-${(tenantSeq++).toString(16).padStart(12, '0')}`;
  app.partnerCenter.addCustomer({ tenantId, companyName, agreements });
  return tenantId;
}

async function outcomesFor(tenantId: string): Promise<{ type: string; method: string | null }[]> {
  const all = (await app.receiveOutcomes({ maxWaitTimeInMs: 200 })) as {
    type: string;
    tenantId: string;
    method: string | null;
  }[];
  received.push(...all);
  return received.filter((o) => o.tenantId === tenantId);
}
const received: { type: string; tenantId: string; method: string | null }[] = [];

beforeAll(async () => {
  app = await startAppStack({ settings: TEST_SETTINGS });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

// Every test's log lines: no e-mail address, phone number or signatory name, whatever the path.
afterEach(() => {
  expect(app.logs.filter((line) => PERSONAL_DATA.test(line))).toEqual([]);
});

describe('onboarding one customer', () => {
  it.each([
    ['signed directly', SEEDED.directlySigned, 'direct'],
    ['attested after 2023-04-01', SEEDED.attested2023, 'attestation'],
  ])('ends at once as Accepted, without any mail, for a customer %s', async (_name, tenantId, method) => {
    const customer = testCustomer(tenantId, `Covered ${method} Co`);
    await startOnboarding(app, { tenantId, customer });
    await app.waitFor(async () => (await status(app, tenantId)).runtimeStatus === 'Completed');
    expect(await stateOf(app, tenantId)).toBe('Accepted');
    expect(mailsTo(app, customer.signatory.email)).toEqual([]);
    expect(await outcomesFor(tenantId)).toEqual([expect.objectContaining({ type: 'McaAccepted', method })]);
  });

  it('direct path: invites once, reminds on schedule, and is Accepted once the customer accepts in the admin center', async () => {
    const customer = testCustomer(newTenant('Northwind Traders'), 'Northwind Traders', 'ja-JP');
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'direct' });
    expect(await stateOf(app, customer.tenantId)).toBe('InviteSent');
    const [invite] = mailsTo(app, customer.signatory.email);
    expect(invite?.kind).toBe('directInvite');
    expect(invite?.text).toContain(
      'https://admin.microsoft.com/AdminPortal/Home?ref=/BillingAccounts/agreement',
    );

    await app.advance(3 * DAY + HOUR);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite', 'reminder']);
    expect((await status(app, customer.tenantId)).customStatus?.remindersSent).toBe(1);

    app.partnerCenter.acceptDirectly(customer.tenantId);
    await advanceUntilState(app, customer.tenantId, 'Accepted', 2 * DAY);
    expect((await status(app, customer.tenantId)).runtimeStatus).toBe('Completed');
    expect(mailsTo(app, customer.signatory.email)).toHaveLength(2);
    expect(await outcomesFor(customer.tenantId)).toEqual([
      expect.objectContaining({ type: 'McaAccepted', method: 'direct' }),
    ]);
  });

  it('attestation path: link mailed, customer accepts, agreement created, Accepted once Partner Center shows it', async () => {
    const customer = testCustomer(newTenant('Contoso Pharma'), 'Contoso Pharma');
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'attestation' });
    expect(await stateOf(app, customer.tenantId)).toBe('AttestationPending');
    const attestation = app.partnerCenter
      .attestations()
      .find((a) => a.customerTenantId === customer.tenantId);
    expect(attestation).toBeDefined();
    const [linkMail] = mailsTo(app, customer.signatory.email);
    expect(linkMail?.kind).toBe('attestationLink');
    expect(linkMail?.text).toContain(`/acceptance/${attestation?.id}`);

    app.partnerCenter.acceptAttestation(attestation?.id ?? '');
    await advanceUntilState(app, customer.tenantId, 'Confirming', DAY);
    await advanceUntilState(app, customer.tenantId, 'Accepted', 2 * DAY);
    expect(app.partnerCenter.customer(customer.tenantId).coverage).toBe('attested');
    expect(
      app.partnerCenter.attestations().filter((a) => a.customerTenantId === customer.tenantId),
    ).toHaveLength(1);
    expect(await outcomesFor(customer.tenantId)).toEqual([
      expect.objectContaining({ type: 'McaAccepted', method: 'attestation' }),
    ]);
  });

  it('renews an expired acceptance link once, with the next reminder', async () => {
    const customer = testCustomer(newTenant('Lapsed Link Ltd'), 'Lapsed Link Ltd');
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'attestation' });
    const first = app.partnerCenter.attestations().find((a) => a.customerTenantId === customer.tenantId);
    app.partnerCenter.expireLinks(first?.id);
    await app.advance(3 * DAY + HOUR);

    const ours = app.partnerCenter.attestations().filter((a) => a.customerTenantId === customer.tenantId);
    expect(ours).toHaveLength(2);
    const renewed = ours.find((a) => a.id !== first?.id);
    const mails = mailsTo(app, customer.signatory.email);
    expect(mails.map((m) => m.kind)).toEqual(['attestationLink', 'reminder']);
    expect(mails[1]?.text).toContain(`/acceptance/${renewed?.id}`);
    // Polls between reminders see the expired link but never create another one.
    await app.advance(2 * DAY);
    expect(
      app.partnerCenter.attestations().filter((a) => a.customerTenantId === customer.tenantId),
    ).toHaveLength(2);
  });

  it('stale attestation and a blocked purchase: re-attests, and the purchase block is lifted', async () => {
    // Seeded customers are found by the app's own Partner Center feed; this one is new and stale.
    const tenantId = newTenant('Stale Attestation Inc', [
      { dateAgreed: '2021-03-10', primaryContact: OLD_SIGNER },
    ]);
    expect(app.partnerCenter.customer(tenantId).coverage).toBe('stale');
    const customer = testCustomer(tenantId, 'Stale Attestation Inc');
    await startOnboarding(app, {
      tenantId: customer.tenantId,
      customer,
      method: 'attestation',
      reason: 'purchaseBlocked',
    });
    expect(await stateOf(app, customer.tenantId)).toBe('AttestationPending');
    const record = await app.apiJson<{ history: { action: string }[] }>(`/api/customers/${tenantId}/mca`);
    expect(record.history.map((h) => h.action)).toContain('StaleAttestation');
    // The block stays visible through every later state until the customer is covered.
    const blocked = async () =>
      (await app.apiJson<{ purchaseBlocked: boolean }>(`/api/customers/${tenantId}/mca`)).purchaseBlocked;
    expect(await blocked()).toBe(true);

    const attestation = app.partnerCenter
      .attestations()
      .find((a) => a.customerTenantId === customer.tenantId);
    app.partnerCenter.acceptAttestation(attestation?.id ?? '');
    await advanceUntilState(app, customer.tenantId, 'Confirming', 3 * DAY);
    expect(await blocked()).toBe(true);
    await advanceUntilState(app, customer.tenantId, 'Accepted', 3 * DAY);
    expect(app.partnerCenter.customer(customer.tenantId).coverage).toBe('attested');
    expect(await blocked()).toBe(false);
  });

  it('expires at the deadline after every reminder, escalates to the partner desk, and publishes McaExpired', async () => {
    const customer = testCustomer(newTenant('Silent Customer GmbH'), 'Silent Customer GmbH');
    const deskBefore = mailsTo(app, DESK).length;
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'direct' });
    await advanceUntilState(app, customer.tenantId, 'Expired', 31 * DAY, DAY);

    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual([
      'directInvite',
      'reminder',
      'reminder',
      'reminder',
    ]);
    const escalations = mailsTo(app, DESK)
      .slice(deskBefore)
      .filter((m) => m.text.includes(customer.tenantId));
    expect(escalations.map((m) => m.kind)).toEqual(['escalation']);
    expect(escalations[0]?.text).toContain(customer.tenantId);
    expect(await outcomesFor(customer.tenantId)).toEqual([expect.objectContaining({ type: 'McaExpired' })]);
  });

  it('joins a duplicate event and an operator reminder without sending anything twice', async () => {
    const customer = testCustomer(newTenant('Duplicate Events Co'), 'Duplicate Events Co');
    const eventId = 'crm-duplicate-1';
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'direct', eventId });
    await supplyDetails(app, customer, eventId);
    await app.advance(2 * HOUR);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite']);

    // An operator's reminder goes out at once; the same reminder number asked again does not.
    await raiseEvent(app, customer.tenantId, 'ReminderDue', {});
    await raiseEvent(app, customer.tenantId, 'ReminderDue', { reminderNumber: 1 });
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite', 'reminder']);
  });

  it('tells the desk at once when only Partner Center knew the customer, waits for the signatory, then invites', async () => {
    const tenantId = newTenant('Feed Only Ltd');
    await startOnboarding(app, { tenantId, reason: 'new', eventId: `audit:${tenantId}` });
    expect(await stateOf(app, tenantId)).toBe('AwaitingContact');
    const alerts = () => mailsTo(app, DESK).filter((m) => m.text.includes(tenantId));
    expect(alerts().map((m) => m.kind)).toEqual(['contactMissing']);
    const customer = testCustomer(tenantId, 'Feed Only Ltd');
    await supplyDetails(app, customer, 'crm-feed-only-1');
    expect(await stateOf(app, tenantId)).toBe('InviteSent');
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite']);
  });

  it('resumes after a host restart mid-flight without a second mail or attestation', async () => {
    const customer = testCustomer(newTenant('Restart Resilient AG'), 'Restart Resilient AG');
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'attestation' });
    await app.restartHost();
    await app.advance(3 * DAY + HOUR);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual([
      'attestationLink',
      'reminder',
    ]);
    expect(
      app.partnerCenter.attestations().filter((a) => a.customerTenantId === customer.tenantId),
    ).toHaveLength(1);
    const attestation = app.partnerCenter
      .attestations()
      .find((a) => a.customerTenantId === customer.tenantId);
    app.partnerCenter.acceptAttestation(attestation?.id ?? '');
    await advanceUntilState(app, customer.tenantId, 'Accepted', 3 * DAY);
  });

  it('stays correct through a storm of 429s and 5xx from Partner Center', async () => {
    const customer = testCustomer(newTenant('Stormy Weather Corp'), 'Stormy Weather Corp');
    const throttle = app.partnerCenter.setFault({
      path: '/v1/customers/**',
      kind: 'throttle',
      retryAfterSeconds: 1,
      everyNth: 2,
    });
    const errors = app.partnerCenter.setFault({ path: '/v1/**', kind: 'error', status: 503, everyNth: 3 });
    try {
      await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'attestation' });
      await app.waitFor(async () => (await stateOf(app, customer.tenantId)) === 'AttestationPending', {
        timeoutMs: 60_000,
      });
      const attestation = app.partnerCenter
        .attestations()
        .find((a) => a.customerTenantId === customer.tenantId);
      app.partnerCenter.acceptAttestation(attestation?.id ?? '');
      await advanceUntilState(app, customer.tenantId, 'Accepted', 3 * DAY);
    } finally {
      app.partnerCenter.clearFaults(throttle);
      app.partnerCenter.clearFaults(errors);
    }
    expect(
      app.partnerCenter.attestations().filter((a) => a.customerTenantId === customer.tenantId),
    ).toHaveLength(1);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['attestationLink']);
  });

  it('keeps an event raised while the workflow is busy between two waits', async () => {
    const tenantId = newTenant('Busy Moment Ltd');
    await startOnboarding(app, { tenantId, reason: 'new', eventId: `webhook:${tenantId}` });
    // The first poll's status read is slow, so the CRM's details arrive while no wait is open.
    const slow = app.partnerCenter.setFault({
      path: `/v1/customers/${tenantId}/directSignedMicrosoftCustomerAgreementStatus`,
      kind: 'latency',
      latencyMs: 1500,
    });
    try {
      const advancing = app.advance(HOUR + 60_000);
      // Real time: the timer has fired and the slow read (1.5 s) is in flight.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const customer = testCustomer(tenantId, 'Busy Moment Ltd');
      await supplyDetails(app, customer, 'crm-busy-1');
      await advancing;
    } finally {
      app.partnerCenter.clearFaults(slow);
    }
    await app.advance(2 * HOUR);
    expect(await stateOf(app, tenantId)).toBe('InviteSent');
    expect(
      mailsTo(app, testCustomer(tenantId, 'Busy Moment Ltd').signatory.email).map((m) => m.kind),
    ).toEqual(['directInvite']);
  });

  it('sends no reminder to a customer whose acceptance is seen at the reminder wake', async () => {
    const customer = testCustomer(newTenant('Just In Time Inc'), 'Just In Time Inc');
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'attestation' });
    await app.advance(56 * HOUR); // past the last poll before the day-3 reminder
    const attestation = app.partnerCenter
      .attestations()
      .find((a) => a.customerTenantId === customer.tenantId);
    app.partnerCenter.acceptAttestation(attestation?.id ?? '');
    await app.advance(17 * HOUR); // the reminder time is the next wake
    expect(await stateOf(app, customer.tenantId)).toBe('Confirming');
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['attestationLink']);
  });

  it('counts reminders and the deadline from the invitation when the details arrive late', async () => {
    const tenantId = newTenant('Late Details GmbH');
    await startOnboarding(app, { tenantId, reason: 'new', eventId: `audit:${tenantId}` });
    await app.advance(10 * DAY);
    const customer = testCustomer(tenantId, 'Late Details GmbH');
    await supplyDetails(app, customer, 'crm-late-1');
    await app.advance(2 * DAY);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite']);
    await app.advance(DAY + HOUR);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite', 'reminder']);
    // 30 days after the invitation, not after the start.
    await app.advance(20 * DAY);
    expect(await stateOf(app, tenantId)).toBe('InviteSent');
  });

  it('shows a stale customer without a signatory as AwaitingContact with the purchase block, and tells the desk', async () => {
    const tenantId = newTenant('Stale No Contact KK', [
      { dateAgreed: '2022-01-10', primaryContact: OLD_SIGNER },
    ]);
    await startOnboarding(app, { tenantId, reason: 'stale', source: 'sweep', eventId: `sweep:${tenantId}` });
    expect(await stateOf(app, tenantId)).toBe('AwaitingContact');
    const record = await app.apiJson<{
      state: string;
      purchaseBlocked: boolean;
      history: { action: string }[];
    }>(`/api/customers/${tenantId}/mca`);
    expect(record).toMatchObject({ state: 'AwaitingContact', purchaseBlocked: true });
    expect(record.history.map((h) => h.action)).toEqual(
      expect.arrayContaining(['StaleAttestation', 'AwaitingContact']),
    );
    const alerts = mailsTo(app, DESK).filter((m) => m.text.includes(tenantId));
    expect(alerts.map((m) => m.kind)).toEqual(['contactMissing']);
    expect(alerts[0]?.text).toContain('refuses purchases');
  });

  it('starts from a PurchaseBlocked that names only the tenant: desk told, details joined, then invited', async () => {
    const tenantId = newTenant('Order Refused Ltd');
    await app.sendCrmEvent({
      type: 'PurchaseBlocked',
      eventId: `order-403-${tenantId}`,
      occurredAt: new Date(app.clock.now()).toISOString(),
      customer: { tenantId },
    });
    await app.waitFor(async () => (await app.api(`/api/customers/${tenantId}/mca`)).ok);
    await app.settle();
    const row = () =>
      app.apiJson<{ state: string; purchaseBlocked: boolean }>(`/api/customers/${tenantId}/mca`);
    expect(await row()).toMatchObject({ state: 'AwaitingContact', purchaseBlocked: true });
    expect(
      mailsTo(app, DESK)
        .filter((m) => m.text.includes(tenantId))
        .map((m) => m.kind),
    ).toEqual(['contactMissing']);

    const customer = testCustomer(tenantId, 'Order Refused Ltd');
    await supplyDetails(app, customer, `crm-order-refused-${tenantId}`);
    expect(await row()).toMatchObject({ state: 'InviteSent', purchaseBlocked: true });
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite']);
  });
});
