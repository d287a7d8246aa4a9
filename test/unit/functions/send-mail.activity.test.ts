import { createSendMailActivity } from '../../../functions/activities/send-mail.activity';
import type { AppDeps } from '../../../functions/app-deps';
import {
  RetryableMailError,
  type MailSender,
  type OutgoingMail,
  type SendResult,
} from '../../../shared/mail';
import type { ClaimResult, SendKey } from '../../../shared/store';
import type { MailRequest } from '../../../shared/workflow/mail-requests';
import { runWithLogScope, type LogRecord } from '../../../shared/observability';
import { startFakeSendGrid, type FakeSendGrid } from '../../helpers/fake-sendgrid';
import { InMemoryAuditTrail, InMemorySendKeys } from './send-keys.fake';

const TENANT = 'c0000000-0000-4000-8000-000000000004';
const request: MailRequest = {
  tenantId: TENANT,
  runKey: 'evt-1@2026-03-02T09:00:00.000Z',
  companyName: 'Northwind',
  language: 'en-US',
  deadline: '2026-04-01T09:00:00.000Z',
  customer: {
    tenantId: TENANT,
    companyName: 'Northwind',
    country: 'US',
    language: 'en-US',
    signatory: { firstName: 'Alex', lastName: 'Signer', email: 'alex@northwind.example' },
  },
  mail: { kind: 'directInvite' },
};

class FakeSendKeys {
  readonly calls: string[] = [];
  existing: ClaimResult | undefined;
  claim(key: SendKey): Promise<ClaimResult> {
    this.calls.push(`claim ${key.kind}:${key.n}`);
    return Promise.resolve(this.existing ?? { kind: 'claimed' });
  }
  markSent(_key: SendKey, messageId: string): Promise<void> {
    this.calls.push(`sent ${messageId}`);
    return Promise.resolve();
  }
  markFailed(): Promise<void> {
    this.calls.push('failed');
    return Promise.resolve();
  }
  release(): Promise<void> {
    this.calls.push('release');
    return Promise.resolve();
  }
}

const NOW = new Date('2026-03-02T09:05:00.000Z');

function configFor() {
  return {
    mail: {
      partnerCompanyName: 'Contoso Cloud Partner',
      partnerContact: 'desk@partner.example',
      partnerContactName: undefined,
      indirectProviderContact: undefined,
      indirectProviderName: undefined,
    },
  } as unknown as AppDeps['config'];
}

function activity(send: (mail: OutgoingMail) => Promise<SendResult>) {
  const sendKeys = new FakeSendKeys();
  const sent: OutgoingMail[] = [];
  const mail: MailSender = {
    send: (outgoing) => {
      sent.push(outgoing);
      return send(outgoing);
    },
  };
  const store = { sendKeys } as unknown as AppDeps['store'];
  return {
    run: createSendMailActivity({ config: configFor(), store, mail, now: () => NOW }),
    sendKeys,
    sent,
  };
}

describe('mcaSendMail', () => {
  it('claims the key, sends once to the signatory and marks it sent', async () => {
    const { run, sendKeys, sent } = activity(() => Promise.resolve({ kind: 'sent', messageId: 'm-1' }));
    expect(await run(request)).toEqual({ kind: 'sent' });
    expect(sent.map((m) => m.to.email)).toEqual(['alex@northwind.example']);
    expect(sendKeys.calls).toEqual([
      expect.stringMatching(/^claim directInvite-[0-9a-f]{16}:0$/),
      'sent m-1',
    ]);
  });

  it('logs `Mail sent` with the tenant and mail kind (no address) only when a mail went out', async () => {
    const records: LogRecord[] = [];
    const { run, sendKeys } = activity(() => Promise.resolve({ kind: 'sent', messageId: 'm-1' }));
    await runWithLogScope(
      (r) => records.push(r),
      {},
      () => run(request),
    );
    sendKeys.existing = { kind: 'exists', status: 'sent', messageId: 'm-1' };
    await runWithLogScope(
      (r) => records.push(r),
      {},
      () => run(request),
    );
    expect(records).toEqual([
      {
        level: 'information',
        message: 'Mail sent',
        dimensions: { tenantId: TENANT, mailKind: 'directInvite', n: 0 },
      },
    ]);
  });

  it.each<[string, ClaimResult, string]>([
    ['already sent', { kind: 'exists', status: 'sent', messageId: 'm-0' }, 'duplicate'],
    ['claimed by a send that may have gone out', { kind: 'exists', status: 'claimed' }, 'duplicate'],
    ['refused for good earlier', { kind: 'exists', status: 'failed' }, 'rejected'],
    ['of a send whose outcome is unknown', { kind: 'exists', status: 'unknown' }, 'duplicate'],
  ])('does not send when the key is %s', async (_name, existing, kind) => {
    const { run, sendKeys, sent } = activity(() => Promise.resolve({ kind: 'sent', messageId: 'm-1' }));
    sendKeys.existing = existing;
    expect(await run(request)).toEqual(expect.objectContaining({ kind }));
    expect(sent).toEqual([]);
  });

  it('releases the key when SendGrid could not take the mail, so the retry may send', async () => {
    const { run, sendKeys } = activity(() =>
      Promise.reject(new RetryableMailError('503 from SendGrid', 503)),
    );
    await expect(run(request)).rejects.toBeInstanceOf(RetryableMailError);
    expect(sendKeys.calls.slice(1)).toEqual(['release']);
  });

  it('keeps the key as failed when SendGrid refuses the mail for good', async () => {
    const { run, sendKeys } = activity(() =>
      Promise.resolve({ kind: 'rejected', status: 400, reason: 'bad from' }),
    );
    expect(await run(request)).toEqual({
      kind: 'rejected',
      reason: expect.stringContaining('bad from') as string,
    });
    expect(sendKeys.calls.slice(1)).toEqual(['failed']);
  });
});

describe('mcaSendMail when SendGrid may have taken the mail without saying so', () => {
  let sendGrid: FakeSendGrid;

  beforeEach(async () => {
    sendGrid = await startFakeSendGrid();
  });

  afterEach(async () => {
    await sendGrid.close();
  });

  function realActivity() {
    const sendKeys = new InMemorySendKeys(() => NOW);
    const auditTrail = new InMemoryAuditTrail();
    const store = { sendKeys, auditTrail } as unknown as AppDeps['store'];
    const run = createSendMailActivity({
      config: configFor(),
      store,
      mail: sendGrid.sender(),
      now: () => NOW,
    });
    return { run, sendKeys, auditTrail };
  }

  it.each<[string, FakeSendGrid['behaviour']]>([
    ['times out after reading the mail', 'hang'],
    ['drops the connection after reading the mail', 'reset'],
    ['answers 500 after reading the mail', { status: 500 }],
    ['answers 504 after reading the mail', { status: 504 }],
  ])('keeps the key as unknown and never sends again when SendGrid %s', async (_name, behaviour) => {
    sendGrid.behaviour = behaviour;
    const { run, sendKeys, auditTrail } = realActivity();

    const first = await run(request);
    sendGrid.behaviour = 'accept'; // the retry would get through: it must not try
    const retry = await run(request);

    expect([first, retry]).toEqual([{ kind: 'duplicate' }, { kind: 'duplicate' }]);
    expect(sendGrid.received).toHaveLength(1);
    expect([...sendKeys.rows.values()].map((row) => row.status)).toEqual(['unknown']);
    expect(auditTrail.entries).toEqual([
      expect.objectContaining({
        tenantId: TENANT,
        actor: 'workflow',
        action: 'MailSendUnknown',
        detail: expect.stringContaining('send outcome unknown: the directInvite mail') as string,
      }),
    ]);
    expect(JSON.stringify(auditTrail.entries)).not.toContain('alex@northwind.example');
  });

  it.each<[string, FakeSendGrid['behaviour']]>([
    ['rate-limits (429)', { status: 429 }],
    ['is not available (503)', { status: 503 }],
  ])('releases the key when SendGrid %s, and the retry sends once', async (_name, behaviour) => {
    sendGrid.behaviour = behaviour;
    const { run, sendKeys } = realActivity();

    await expect(run(request)).rejects.toBeInstanceOf(RetryableMailError);
    sendGrid.behaviour = 'accept';

    expect(await run(request)).toEqual({ kind: 'sent' });
    expect(sendGrid.received).toHaveLength(2);
    expect([...sendKeys.rows.values()].map((row) => row.status)).toEqual(['sent']);
  });

  it('leaves the claim claimed when the sender dies between claim and send, and the retry does not send', async () => {
    const { run, sendKeys } = realActivity();
    const crashed = createSendMailActivity({
      config: configFor(),
      store: { sendKeys } as unknown as AppDeps['store'],
      mail: { send: () => Promise.reject(new Error('host stopped')) },
      now: () => NOW,
    });

    await expect(crashed(request)).rejects.toThrow('host stopped');

    expect([...sendKeys.rows.values()].map((row) => row.status)).toEqual(['claimed']);
    expect(await run(request)).toEqual({ kind: 'duplicate' });
    expect(sendGrid.received).toHaveLength(0);
  });
});
