/**
 * The words the running workflow mails, end to end (built app, emulators, virtual clock): a customer
 * with a stale attestation is asked to confirm the MCA again, a new one is invited; the partner desk
 * reads its escalation in PARTNER_LANGUAGE, whatever the customer's language.
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import {
  DAY,
  TEST_SETTINGS,
  advanceUntilState,
  mailsTo,
  startOnboarding,
  testCustomer,
} from '../workflow/onboarding-helpers';

jest.setTimeout(180_000);

const DESK = 'csp-desk@partner.example';
const OLD_SIGNER = { firstName: 'Old', lastName: 'Signer', email: 'old.signer@stale.example.com' };
const STALE = [{ dateAgreed: '2021-03-10', primaryContact: OLD_SIGNER }];

let app: AppStack;
let tenantSeq = 0x900;

function newTenant(companyName: string, agreements: typeof STALE = []): string {
  const tenantId = `d0000000-0000-4000-8000-${(tenantSeq++).toString(16).padStart(12, '0')}`;
  app.partnerCenter.addCustomer({ tenantId, companyName, agreements });
  return tenantId;
}

beforeAll(async () => {
  app = await startAppStack({ settings: { ...TEST_SETTINGS, PARTNER_LANGUAGE: 'ja-JP' } });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('what the workflow mails', () => {
  it.each([
    ['a blocked purchase', 'purchaseBlocked', 'attestation'],
    ['a stale attestation found by the first check', 'new', 'direct'],
  ])('asks to confirm the MCA again after %s', async (_name, reason, method) => {
    const customer = testCustomer(newTenant(`Stale ${method} Inc`, STALE), `Stale ${method} Inc`);
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method, reason });
    const [first] = mailsTo(app, customer.signatory.email);
    expect(first?.subject).toMatch(/again/);
    expect(first?.text).toContain('before 1 April 2023');
  });

  it('invites a customer without any MCA for the first time', async () => {
    const customer = testCustomer(newTenant('First Time Co'), 'First Time Co');
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'direct' });
    const [first] = mailsTo(app, customer.signatory.email);
    expect(first?.subject).toBe('Action required: accept the Microsoft Customer Agreement for First Time Co');
    expect(first?.text).not.toContain('1 April 2023');
  });

  it('escalates to the desk in PARTNER_LANGUAGE, the customer having been mailed in English', async () => {
    const customer = testCustomer(newTenant('Quiet Customer Ltd'), 'Quiet Customer Ltd');
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'direct' });
    await advanceUntilState(app, customer.tenantId, 'Expired', 31 * DAY, DAY);
    expect(mailsTo(app, customer.signatory.email)[0]?.subject).toMatch(/^Action required/);
    const escalation = mailsTo(app, DESK).find((m) => m.text.includes(customer.tenantId));
    expect(escalation?.subject).toMatch(/^【要対応】/);
    expect(escalation?.text).toContain(`POST /api/customers/${customer.tenantId}/mca/recheck`);
  });
});
