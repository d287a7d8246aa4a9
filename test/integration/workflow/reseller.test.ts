/**
 * An indirect reseller's deployment never attests: the customer is handed to the indirect provider
 * (RESELLER_STRATEGY=handOff), whatever method the event asked for.
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import { TEST_SETTINGS, mailsTo, startOnboarding, stateOf, status, testCustomer } from './onboarding-helpers';

const PROVIDER = 'onboarding@indirect-provider.example';

let app: AppStack;

beforeAll(async () => {
  app = await startAppStack({
    settings: { ...TEST_SETTINGS, PARTNER_TYPE: 'IndirectReseller', RESELLER_STRATEGY: 'handOff' },
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

it('hands the customer to the indirect provider instead of attesting, and publishes McaHandedOff', async () => {
  const tenantId = 'e0000000-0000-4000-8000-000000000001';
  app.partnerCenter.addCustomer({ tenantId, companyName: 'Reseller Sold KK', indirectResellerId: 'r-1' });
  const customer = testCustomer(tenantId, 'Reseller Sold KK', 'ja-JP');
  await startOnboarding(app, { tenantId, customer, method: 'attestation' });
  await app.waitFor(async () => (await status(app, tenantId)).runtimeStatus === 'Completed');

  expect(await stateOf(app, tenantId)).toBe('HandedOff');
  expect(app.partnerCenter.attestations().filter((a) => a.customerTenantId === tenantId)).toEqual([]);
  const handOffs = mailsTo(app, PROVIDER).filter((m) => m.text.includes(tenantId));
  expect(handOffs.map((m) => m.kind)).toEqual(['handOff']);
  expect(mailsTo(app, customer.signatory.email)).toEqual([]);
  const outcomes = (await app.receiveOutcomes({ maxWaitTimeInMs: 500 })) as {
    type: string;
    tenantId: string;
  }[];
  expect(outcomes.filter((o) => o.tenantId === tenantId)).toEqual([
    expect.objectContaining({ type: 'McaHandedOff', method: 'handOff' }),
  ]);
});
