/**
 * Past day 90 of polling: Partner Center's refresh tokens expire 90 days after they were issued, so an
 * app that kept exchanging the configured token would stop seeing any acceptance then. The emulator's
 * access tokens live one real minute, so the app exchanges its refresh token on (nearly) every poll.
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import {
  DAY,
  TEST_SETTINGS,
  advanceUntilState,
  mailsTo,
  startOnboarding,
  stateOf,
  testCustomer,
} from './onboarding-helpers';

jest.setTimeout(300_000);

const DESK = 'csp-desk@partner.example';
const TENANT = 'd0000000-0000-4000-8000-0000000a0001';

let app: AppStack;

beforeAll(async () => {
  app = await startAppStack({
    settings: { ...TEST_SETTINGS, ACCEPTANCE_DEADLINE: 'P150D' },
    partnerCenterTokenTtlMs: 60_000,
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

it('keeps reading App+User status after day 90 and sees an acceptance on day 110', async () => {
  app.partnerCenter.addCustomer({ tenantId: TENANT, companyName: 'Slow Signer Ltd' });
  const customer = testCustomer(TENANT, 'Slow Signer Ltd');
  await startOnboarding(app, { tenantId: TENANT, customer, method: 'direct' });
  expect(await stateOf(app, TENANT)).toBe('InviteSent');

  for (let day = 0; day < 110; day += 10) await app.advance(10 * DAY);
  expect(await stateOf(app, TENANT)).toBe('InviteSent');
  app.partnerCenter.acceptDirectly(TENANT);

  await advanceUntilState(app, TENANT, 'Accepted', 3 * DAY);
  const tokenAnswers = app.partnerCenter
    .requestLog()
    .filter((r) => r.path.endsWith('/oauth2/v2.0/token'))
    .map((r) => r.status);
  // Rotation really happened: one exchange per poll or so, well past day 90, and none refused.
  expect(tokenAnswers.length).toBeGreaterThan(100);
  expect(tokenAnswers.filter((status) => status !== 200)).toEqual([]);
  expect(mailsTo(app, DESK).filter((m) => m.kind === 'refreshTokenAlert')).toEqual([]);
});
