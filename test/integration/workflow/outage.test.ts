/**
 * Partner Center refusing every call for three virtual hours, on the app stack: a customer started
 * through the API (its policy pinned, OUTAGE_TOLERANCE in force) stays Checking, never Failed, and is
 * invited once Partner Center answers again. Every call is throttled with `Retry-After: 0`, so the
 * client gives up at once and the outage is waited out on durable timers, not in real time.
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
} from './onboarding-helpers';

jest.setTimeout(180_000);

const TENANT = 'e0000000-0000-4000-8000-0000000b0001';
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
    const started = await app.api(`/api/customers/${TENANT}/mca`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...customer, method: 'direct' }),
    });
    expect(started.status).toBe(202);
    await app.settle();
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
