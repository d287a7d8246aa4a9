/**
 * Outages of three virtual hours on the app stack, for customers started through the API (their policy
 * pinned, OUTAGE_TOLERANCE in force): Partner Center refusing every call (throttled with
 * `Retry-After: 0`, so the client gives up at once and the outage is waited out on durable timers, not
 * in real time), then SendGrid unreachable. The customer stays Checking, never Failed, and is invited
 * once the service is back.
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import {
  HOUR,
  TEST_SETTINGS,
  advanceUntilState,
  mailsTo,
  stateOf,
  status,
  testCustomer,
  type TestCustomer,
} from './onboarding-helpers';

jest.setTimeout(180_000);

const TENANT = 'e0000000-0000-4000-8000-0000000b0001';
const SECOND_TENANT = 'e0000000-0000-4000-8000-0000000b0002';
let app: AppStack;

beforeAll(async () => {
  app = await startAppStack({ settings: TEST_SETTINGS });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

it('waits out three hours of Partner Center refusing every call, then sends the invitation', async () => {
  app.partnerCenter.addCustomer({ tenantId: TENANT, companyName: 'Long Outage Ltd' });
  const customer = testCustomer(TENANT, 'Long Outage Ltd');
  const outage = app.partnerCenter.setFault({ path: '/v1/**', kind: 'throttle', retryAfterSeconds: 0 });
  try {
    await startThroughApi(customer);
    await app.advance(3 * HOUR);
    expect((await status(app, TENANT)).runtimeStatus).toBe('Running');
    expect(await stateOf(app, TENANT)).toBe('Checking');
    expect(mailsTo(app, customer.signatory.email)).toEqual([]);
  } finally {
    app.partnerCenter.clearFaults(outage);
  }
  await advanceUntilState(app, TENANT, 'InviteSent', HOUR, 5 * 60_000);
  expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite']);
  expect((await status(app, TENANT)).runtimeStatus).toBe('Running');
});

it('waits out three hours of SendGrid being unreachable, then sends the invitation once', async () => {
  app.partnerCenter.addCustomer({ tenantId: SECOND_TENANT, companyName: 'Quiet Mail Ltd' });
  const customer = testCustomer(SECOND_TENANT, 'Quiet Mail Ltd');
  await app.emulators.sendGrid.goDown();
  try {
    await startThroughApi(customer);
    await app.advance(3 * HOUR);
    expect((await status(app, SECOND_TENANT)).runtimeStatus).toBe('Running');
    expect(await stateOf(app, SECOND_TENANT)).toBe('Checking');
  } finally {
    await app.emulators.sendGrid.resume();
  }
  await advanceUntilState(app, SECOND_TENANT, 'InviteSent', HOUR, 5 * 60_000);
  expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite']);
  expect((await status(app, SECOND_TENANT)).runtimeStatus).toBe('Running');
});

/** As the CRM's API client would: `POST /api/customers/{tenantId}/mca`, which pins the policy. */
async function startThroughApi(customer: TestCustomer): Promise<void> {
  const started = await app.api(`/api/customers/${customer.tenantId}/mca`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...customer, method: 'direct' }),
  });
  expect(started.status).toBe(202);
  await app.settle();
}
