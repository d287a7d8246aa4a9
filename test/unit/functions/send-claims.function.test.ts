import { createSendMailActivity } from '../../../functions/activities/send-mail.activity';
import type { AppDeps } from '../../../functions/app-deps';
import { createSendClaimsHandler, deskReportKey, mailKindOf } from '../../../functions/send-claims.function';
import { PARTNER_DESK_TENANT } from '../../../shared/store';
import type { MailRequest } from '../../../shared/workflow/mail-requests';
import { startFakeSendGrid, type FakeSendGrid } from '../../helpers/fake-sendgrid';
import { recordingContext } from './fakes';
import { InMemoryAuditTrail, InMemorySendKeys } from './send-keys.fake';

const TENANT = 'c0000000-0000-4000-8000-000000000007';
const OTHER_TENANT = 'c0000000-0000-4000-8000-000000000008';
const MINUTE = 60_000;
const CLAIMED_AT = new Date('2026-03-02T09:00:00.000Z');

function request(tenantId: string, mail: MailRequest['mail']): MailRequest {
  return {
    tenantId,
    runKey: 'evt-7@2026-03-02T09:00:00.000Z',
    companyName: 'Northwind',
    language: 'ja-JP',
    deadline: '2026-04-01T09:00:00.000Z',
    customer: {
      tenantId,
      companyName: 'Northwind',
      country: 'JP',
      language: 'ja-JP',
      signatory: { firstName: 'Alex', lastName: 'Signer', email: 'alex@northwind.example' },
    },
    mail,
  };
}

interface MailBody {
  personalizations: { to: { email: string }[] }[];
  subject: string;
  content: { type: string; value: string }[];
}

describe('mcaSendClaims', () => {
  let sendGrid: FakeSendGrid;
  let clock: Date;
  const sendKeys = () => new InMemorySendKeys(() => clock);

  beforeEach(async () => {
    sendGrid = await startFakeSendGrid();
    clock = CLAIMED_AT;
  });

  afterEach(async () => {
    await sendGrid.close();
  });

  function setUp() {
    const keys = sendKeys();
    const auditTrail = new InMemoryAuditTrail();
    const config = {
      mail: {
        partnerCompanyName: 'Contoso Cloud Partner',
        partnerContact: 'desk@partner.example',
        partnerContactName: 'Contoso CSP desk',
        indirectProviderContact: undefined,
        indirectProviderName: undefined,
      },
      timing: { sendClaimReconcileAfterMs: 10 * MINUTE },
    } as unknown as AppDeps['config'];
    const store = { sendKeys: keys, auditTrail } as unknown as AppDeps['store'];
    const now = () => clock;
    /** A send that dies between claiming its key and calling SendGrid. */
    const crashingSend = createSendMailActivity({
      config,
      store,
      mail: { send: () => Promise.reject(new Error('host stopped')) },
      now,
    });
    const reconcile = createSendClaimsHandler({ config, store, mail: sendGrid.sender(), now });
    return { keys, auditTrail, crashingSend, reconcile };
  }

  it('marks a claim left by a crash unknown after the delay and mails the desk once, without personal data', async () => {
    const { keys, auditTrail, crashingSend, reconcile } = setUp();
    await expect(crashingSend(request(TENANT, { kind: 'directInvite' }))).rejects.toThrow('host stopped');
    await expect(
      crashingSend(request(OTHER_TENANT, { kind: 'reminder', n: 2, path: 'direct' })),
    ).rejects.toThrow('host stopped');

    clock = new Date(CLAIMED_AT.getTime() + 9 * MINUTE);
    const early = await reconcile(undefined, recordingContext().context);
    expect(early).toEqual({ markedUnknown: 0, reported: 0, deskMail: 'none' });
    expect(sendGrid.received).toHaveLength(0);

    clock = new Date(CLAIMED_AT.getTime() + 11 * MINUTE);
    const due = await reconcile(undefined, recordingContext().context);
    const again = await reconcile(undefined, recordingContext().context);

    expect(due).toEqual({ markedUnknown: 2, reported: 2, deskMail: 'sent' });
    expect(again).toEqual({ markedUnknown: 0, reported: 0, deskMail: 'none' });
    expect(sendGrid.received).toHaveLength(1);
    const desk = sendGrid.received[0] as MailBody;
    expect(desk.personalizations[0]?.to).toEqual([
      expect.objectContaining({ email: 'desk@partner.example' }),
    ]);
    const text = desk.content.find((part) => part.type === 'text/plain')?.value ?? '';
    expect(text).toContain(`${TENANT}: directInvite`);
    expect(text).toContain(`${OTHER_TENANT}: reminder #2`);
    for (const personal of ['alex@northwind.example', 'Alex', 'Signer', 'Northwind']) {
      expect(`${desk.subject}\n${text}`).not.toContain(personal);
    }
    const customerKeys = [...keys.rows.values()].filter((row) => row.tenantId !== PARTNER_DESK_TENANT);
    expect(customerKeys.map((row) => [row.status, row.reported])).toEqual([
      ['unknown', true],
      ['unknown', true],
    ]);
    expect(auditTrail.entries.map((entry) => [entry.tenantId, entry.action])).toEqual([
      [TENANT, 'MailSendUnknown'],
      [OTHER_TENANT, 'MailSendUnknown'],
    ]);
    expect(auditTrail.entries[0]?.detail).toContain('send outcome unknown: the directInvite mail');
  });

  it('does not mail the desk twice when the run died after the desk mail went out', async () => {
    const { keys, crashingSend, reconcile } = setUp();
    await expect(crashingSend(request(TENANT, { kind: 'directInvite' }))).rejects.toThrow('host stopped');
    clock = new Date(CLAIMED_AT.getTime() + 11 * MINUTE);
    await reconcile(undefined, recordingContext().context);
    // As if the run had stopped before marking the sends reported.
    for (const row of keys.rows.values()) if (row.tenantId !== PARTNER_DESK_TENANT) row.reported = false;

    const rerun = await reconcile(undefined, recordingContext().context);

    expect(rerun).toEqual({ markedUnknown: 0, reported: 1, deskMail: 'alreadySent' });
    expect(sendGrid.received).toHaveLength(1);
  });

  it('keeps the sends unreported when the desk mail definitely did not go out, and sends it next run', async () => {
    const { crashingSend, reconcile } = setUp();
    await expect(crashingSend(request(TENANT, { kind: 'directInvite' }))).rejects.toThrow('host stopped');
    clock = new Date(CLAIMED_AT.getTime() + 11 * MINUTE);
    sendGrid.behaviour = { status: 429 };
    const { context, logs } = recordingContext();

    expect(await reconcile(undefined, context)).toEqual({
      markedUnknown: 1,
      reported: 0,
      deskMail: 'notSent',
    });
    expect(logs.map((line) => line.level)).toContain('warning');
    sendGrid.behaviour = 'accept';
    expect(await reconcile(undefined, recordingContext().context)).toEqual({
      markedUnknown: 0,
      reported: 1,
      deskMail: 'sent',
    });
    expect(sendGrid.received).toHaveLength(2);
  });

  it('does not touch a claim that is still young or already settled', async () => {
    const { keys, reconcile } = setUp();
    const young = { tenantId: TENANT, kind: 'handOff-0123456789abcdef', n: 0 };
    const sent = { tenantId: OTHER_TENANT, kind: 'accepted-0123456789abcdef', n: 0 };
    await keys.claim(sent);
    await keys.markSent(sent, 'msg-1');
    clock = new Date(CLAIMED_AT.getTime() + 20 * MINUTE);
    await keys.claim(young);

    expect(await reconcile(undefined, recordingContext().context)).toEqual({
      markedUnknown: 0,
      reported: 0,
      deskMail: 'none',
    });
    expect([keys.statusOf(young), keys.statusOf(sent)]).toEqual(['claimed', 'sent']);
  });
});

describe('send claim helpers', () => {
  it.each([
    ['reminder-0123456789abcdef', 'reminder'],
    ['directInvite-0123456789abcdef', 'directInvite'],
    ['invite', 'invite'],
  ])('the mail kind of %s is %s', (kind, expected) => {
    expect(mailKindOf({ kind })).toBe(expected);
  });

  it('gives one batch one desk report key, whatever the order', () => {
    const a = { tenantId: 'c0000000-0000-4000-8000-00000000000a', kind: 'reminder-x', n: 1, claimedAt: '' };
    const b = { tenantId: 'c0000000-0000-4000-8000-00000000000b', kind: 'handOff-x', n: 0, claimedAt: '' };
    expect(deskReportKey([a, b])).toEqual(deskReportKey([b, a]));
    expect(deskReportKey([a, b])).not.toEqual(deskReportKey([a]));
    expect(deskReportKey([a])).toMatchObject({ tenantId: PARTNER_DESK_TENANT, n: 0 });
  });
});
