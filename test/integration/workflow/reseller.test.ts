/**
 * An indirect reseller's deployment: Microsoft gives it no Partner Center API access, so it never reads
 * Partner Center (the emulator must see no request at all) and never attests. The customer is handed
 * to the indirect provider (RESELLER_STRATEGY=handOff), whatever method the event asked for; the run
 * keeps tracking (provider reminders, the deadline) until an operator or the provider confirms the
 * acceptance (/confirm) or the CRM reports it (mcaAccepted).
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import {
  DAY,
  HOUR,
  TEST_SETTINGS,
  mailsTo,
  startOnboarding,
  stateOf,
  status,
  testCustomer,
} from './onboarding-helpers';

const PROVIDER = 'onboarding@indirect-provider.example';
const DESK = 'csp-desk@partner.example';

let app: AppStack;
let tenants = 0;
const outcomes: { type: string; tenantId: string; method: string | null }[] = [];

beforeAll(async () => {
  app = await startAppStack({
    settings: { ...TEST_SETTINGS, PARTNER_TYPE: 'IndirectReseller', RESELLER_STRATEGY: 'handOff' },
  });
}, 120_000);

afterAll(async () => {
  // Microsoft gives indirect resellers no Partner Center API: not one request in the whole file.
  expect(app?.partnerCenter.requestLog()).toEqual([]);
  await app?.close();
});

function nextCustomer(companyName: string): ReturnType<typeof testCustomer> {
  tenants++;
  return testCustomer(`e0000000-0000-4000-8000-${String(tenants).padStart(12, '0')}`, companyName, 'ja-JP');
}

/** Outcome events for `tenantId` so far (the queue is drained into one list for the whole file). */
async function outcomesOf(tenantId: string): Promise<{ type: string; method: string | null }[]> {
  outcomes.push(...((await app.receiveOutcomes({ maxWaitTimeInMs: 500 })) as typeof outcomes));
  return outcomes.filter((o) => o.tenantId === tenantId).map(({ type, method }) => ({ type, method }));
}

async function confirm(tenantId: string, body: unknown): Promise<Response> {
  const response = await app.api(`/api/customers/${tenantId}/mca/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await app.settle();
  return response;
}

async function row(tenantId: string) {
  return app.apiJson<{ state: string; method: string | null; purchaseBlocked: boolean; acceptedAt: string }>(
    `/api/customers/${tenantId}/mca`,
  );
}

/** Sends a CRM message and waits until the customer's row is in `state`. */
async function crmEvent(
  message: { type: string; eventId: string; customer: { tenantId: string } } & Record<string, unknown>,
  state: string,
): Promise<void> {
  await app.sendCrmEvent({ occurredAt: new Date(app.clock.now()).toISOString(), ...message });
  const { tenantId } = message.customer;
  await app.waitFor(
    async () => {
      const response = await app.api(`/api/customers/${tenantId}/mca`);
      return response.ok && ((await response.json()) as { state: string }).state === state;
    },
    { what: `${tenantId} ${state}` },
  );
  await app.settle();
}

it('hands the customer to the provider, keeps tracking and reminding it, and a /confirm ends it Accepted', async () => {
  const customer = nextCustomer('Reseller Sold KK');
  const { tenantId } = customer;
  await startOnboarding(app, { tenantId, customer, method: 'attestation' });

  expect(await stateOf(app, tenantId)).toBe('HandedOff');
  expect((await status(app, tenantId)).runtimeStatus).toBe('Running');
  expect((await row(tenantId)).method).toBe('handOff');
  const toProvider = () => mailsTo(app, PROVIDER).filter((m) => m.text.includes(tenantId));
  expect(toProvider().map((m) => m.kind)).toEqual(['handOff']);
  expect(mailsTo(app, customer.signatory.email)).toEqual([]);
  expect(await outcomesOf(tenantId)).toEqual([{ type: 'McaHandedOff', method: 'handOff' }]);

  // The provider is reminded on the schedule (day 3), as a reminder.
  await app.advance(3 * DAY + HOUR);
  expect(toProvider().map((m) => m.kind)).toEqual(['handOff', 'handOff']);
  expect(toProvider()[1]?.subject).toMatch(/^【再送】|^Reminder: /);

  const acceptedAt = new Date(app.clock.now() - HOUR).toISOString();
  const response = await confirm(tenantId, {
    method: 'attestation',
    acceptedAt,
    confirmedBy: 'indirectProvider',
  });
  expect(response.status).toBe(202);
  await app.waitFor(async () => (await status(app, tenantId)).runtimeStatus === 'Completed');

  expect(await row(tenantId)).toMatchObject({ state: 'Accepted', method: 'attestation', acceptedAt });
  const history = await app.apiJson<{ history: { detail: string }[] }>(`/api/customers/${tenantId}/mca`);
  expect(history.history.map((h) => h.detail)).toContain(
    'accepted (attestation), confirmed by the indirect provider',
  );
  expect(await outcomesOf(tenantId)).toEqual([
    { type: 'McaHandedOff', method: 'handOff' },
    { type: 'McaAccepted', method: 'attestation' },
  ]);
});

it('ends Accepted when the CRM reports mcaAccepted', async () => {
  const customer = nextCustomer('Crm Confirmed KK');
  const { tenantId } = customer;
  await crmEvent({ type: 'CustomerCreated', eventId: `crm-created-${tenantId}`, customer }, 'HandedOff');

  const accepted = { type: 'CustomerUpdated', eventId: `crm-accepted-${tenantId}`, customer };
  await crmEvent({ ...accepted, mcaAccepted: true, method: 'direct' }, 'Accepted');
  await app.waitFor(async () => (await status(app, tenantId)).runtimeStatus === 'Completed');

  expect(await row(tenantId)).toMatchObject({ state: 'Accepted', method: 'direct' });
  expect((await outcomesOf(tenantId)).map((o) => o.type)).toEqual(['McaHandedOff', 'McaAccepted']);
});

it('asks the desk at once for a tenant-only purchase block, keeps the block visible until /confirm', async () => {
  const customer = nextCustomer('Blocked Order KK');
  const { tenantId } = customer;
  await crmEvent(
    { type: 'PurchaseBlocked', eventId: `order-403-${tenantId}`, customer: { tenantId } },
    'AwaitingContact',
  );

  expect(await row(tenantId)).toMatchObject({ state: 'AwaitingContact', purchaseBlocked: true });
  const alerts = mailsTo(app, DESK).filter((m) => m.text.includes(tenantId));
  expect(alerts.map((m) => m.kind)).toEqual(['contactMissing']);

  await crmEvent({ type: 'CustomerUpdated', eventId: `crm-details-${tenantId}`, customer }, 'HandedOff');
  expect(await row(tenantId)).toMatchObject({ state: 'HandedOff', purchaseBlocked: true });

  const acceptedAt = new Date(app.clock.now()).toISOString();
  expect((await confirm(tenantId, { method: 'direct', acceptedAt, confirmedBy: 'operator' })).status).toBe(
    202,
  );
  await app.waitFor(async () => (await status(app, tenantId)).runtimeStatus === 'Completed');
  expect(await row(tenantId)).toMatchObject({ state: 'Accepted', purchaseBlocked: false });
});

it('refuses a /confirm naming the bad field, expires at the deadline, and a later /confirm heals the row', async () => {
  const customer = nextCustomer('Slow Provider KK');
  const { tenantId } = customer;
  await startOnboarding(app, { tenantId, customer });

  // Checked against the host's wall clock, years ahead of the scenario's.
  const future = '2999-01-01T00:00:00Z';
  const bad = await confirm(tenantId, { method: 'direct', acceptedAt: future, confirmedBy: 'someone' });
  expect(bad.status).toBe(400);
  const fields = ((await bad.json()) as { fields: { field: string }[] }).fields.map((f) => f.field).sort();
  expect(fields).toEqual(['acceptedAt', 'confirmedBy']);

  await app.advance(30 * DAY + HOUR);
  await app.waitFor(async () => (await status(app, tenantId)).runtimeStatus === 'Completed');
  expect(await stateOf(app, tenantId)).toBe('Expired');
  const toProvider = mailsTo(app, PROVIDER).filter((m) => m.text.includes(tenantId));
  expect(toProvider.map((m) => m.kind)).toEqual(['handOff', 'handOff', 'handOff', 'handOff']);
  expect(
    mailsTo(app, DESK)
      .filter((m) => m.text.includes(tenantId))
      .map((m) => m.kind),
  ).toEqual(['escalation']);

  const acceptedAt = new Date(app.clock.now()).toISOString();
  const healed = await confirm(tenantId, { method: 'direct', acceptedAt, confirmedBy: 'operator' });
  expect(healed.status).toBe(200);
  expect(await healed.json()).toMatchObject({ state: 'Accepted', healed: true });
  expect(await row(tenantId)).toMatchObject({ state: 'Accepted', method: 'direct' });
  expect((await outcomesOf(tenantId)).map((o) => o.type)).toEqual([
    'McaHandedOff',
    'McaExpired',
    'McaAccepted',
  ]);
});
