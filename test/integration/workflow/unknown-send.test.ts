/**
 * SendGrid reads the invitation and drops the connection before answering: the mail may have gone out.
 * The real app on the app stack must not send it again, must show nothing wrong in the state or the
 * report, must audit the unknown send, and its send-claims timer must tell the partner desk once.
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import { startFakeSendGrid, type FakeSendGrid } from '../../helpers/fake-sendgrid';
import { HOUR, TEST_SETTINGS, startOnboarding, stateOf, testCustomer } from './onboarding-helpers';

const DESK = 'csp-desk@partner.example';
const MINUTE = 60_000;

jest.setTimeout(180_000);

let app: AppStack;
let sendGrid: FakeSendGrid;

beforeAll(async () => {
  sendGrid = await startFakeSendGrid('reset');
  app = await startAppStack({
    settings: {
      ...TEST_SETTINGS,
      SENDGRID_BASE_URL: sendGrid.url,
      'AzureWebJobs.mcaSendClaims.Disabled': undefined,
    },
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await sendGrid?.close();
});

interface MailBody {
  personalizations: { to: { email: string }[] }[];
  content: { type: string; value: string }[];
}

const recipients = () =>
  (sendGrid.received as MailBody[]).map((mail) => mail.personalizations[0]?.to[0]?.email);

it('keeps an invitation SendGrid may have taken: not sent again, state fine, audited, the desk told once', async () => {
  const tenantId = 'e0000000-0000-4000-8000-00000000a001';
  app.partnerCenter.addCustomer({ tenantId, companyName: 'Unknown Send KK', agreements: [] });
  const customer = testCustomer(tenantId, 'Unknown Send KK');

  await startOnboarding(app, { tenantId, customer, method: 'direct' });
  expect(await stateOf(app, tenantId)).toBe('InviteSent');
  expect(recipients()).toEqual([customer.signatory.email]);

  const read = await app.apiJson<{ state: string; history: { action: string; detail: string }[] }>(
    `/api/customers/${tenantId}/mca`,
  );
  expect(read.state).toBe('InviteSent');
  expect(read.history).toContainEqual(
    expect.objectContaining({
      action: 'MailSendUnknown',
      detail: expect.stringContaining('send outcome unknown: the directInvite mail') as string,
    }),
  );
  const report = await (await app.api('/api/reports/mca.csv')).text();
  expect(report.split('\n').find((line) => line.includes(tenantId))).toContain('InviteSent');

  sendGrid.behaviour = 'accept';
  await app.advance(5 * MINUTE);
  await app.waitFor(() => recipients().length === 2 || undefined, {
    what: 'the desk report',
    timeoutMs: 30_000,
  });
  await app.advance(HOUR);

  expect(recipients()).toEqual([customer.signatory.email, DESK]);
  const desk = sendGrid.received[1] as MailBody;
  const text = desk.content.find((part) => part.type === 'text/plain')?.value ?? '';
  expect(text).toContain(`${tenantId}: directInvite`);
  expect(text).not.toContain(customer.signatory.email);
  expect(await stateOf(app, tenantId)).toBe('InviteSent');
});
