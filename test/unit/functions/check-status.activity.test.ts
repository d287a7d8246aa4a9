import { createCheckStatusActivity } from '../../../functions/activities/check-status.activity';
import { PARTNER_DESK_TENANT } from '../../../shared/store';
import type { PartnerCenterDeps } from '../../../functions/app-deps';
import { RetryableMailError, type OutgoingMail, type SendResult } from '../../../shared/mail';
import { RefreshTokenRejected, Unauthorized } from '../../../shared/partnerCenter';
import type { ClaimResult, SendKey } from '../../../shared/store';

const TENANT = 'c0000000-0000-4000-8000-000000000004';
const DESK = 'mca-desk@contoso.example';

/** Claims with insert-if-absent semantics, like the table. */
class MemorySendKeys {
  readonly rows = new Map<string, string>();
  claim(key: SendKey): Promise<ClaimResult> {
    const id = `${key.tenantId}/${key.kind}/${key.n}`;
    const existing = this.rows.get(id);
    if (existing !== undefined) return Promise.resolve({ kind: 'exists', status: existing as 'sent' });
    this.rows.set(id, 'claimed');
    return Promise.resolve({ kind: 'claimed' });
  }
  markSent(key: SendKey): Promise<void> {
    this.rows.set(`${key.tenantId}/${key.kind}/${key.n}`, 'sent');
    return Promise.resolve();
  }
  markFailed(key: SendKey): Promise<void> {
    this.rows.set(`${key.tenantId}/${key.kind}/${key.n}`, 'failed');
    return Promise.resolve();
  }
  release(key: SendKey): Promise<void> {
    this.rows.delete(`${key.tenantId}/${key.kind}/${key.n}`);
    return Promise.resolve();
  }
}

function setUp(readError: Error) {
  let now = new Date('2026-06-01T08:00:00Z');
  const sent: OutgoingMail[] = [];
  const logs: string[] = [];
  let send = (mail: OutgoingMail): Promise<SendResult> => {
    sent.push(mail);
    return Promise.resolve({ kind: 'sent', messageId: `m${sent.length}` });
  };
  const sendKeys = new MemorySendKeys();
  const deps = {
    partnerCenter: {
      getDirectSignedStatus: () => Promise.reject(readError),
      listCustomerAgreements: () => Promise.reject(readError),
    },
    config: {
      mail: { partnerContact: DESK, partnerContactName: 'Desk', partnerCompanyName: 'Contoso Cloud' },
    },
    store: { sendKeys },
    mail: { send: (mail: OutgoingMail) => send(mail) },
    now: () => now,
  } as unknown as PartnerCenterDeps;
  const activity = createCheckStatusActivity(deps);
  return {
    sent,
    logs,
    sendKeys,
    check: () =>
      activity(
        { tenantId: TENANT, at: now.toISOString() },
        { error: (line: unknown) => logs.push(String(line)) },
      ),
    at: (iso: string) => (now = new Date(iso)),
    failSends: (error: Error) => (send = () => Promise.reject(error)),
  };
}

const refused = () =>
  new RefreshTokenRejected({ operation: 'acquireAppUserToken' }, false, 'invalid_grant AADSTS700082');

describe('check-status activity: a refused refresh token', () => {
  it('answers a failed read (the waiting customer keeps being polled) and alerts the desk at most once a UTC day', async () => {
    const t = setUp(refused());

    await expect(t.check()).resolves.toEqual({
      kind: 'failed',
      reason: expect.stringContaining('operator alerted') as unknown,
    });
    t.at('2026-06-01T23:59:00Z');
    await t.check();
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.to.email).toBe(DESK);
    expect(t.sent[0]?.subject).toContain('Contoso Cloud');
    expect(t.sent[0]?.text).toContain('invalid_grant AADSTS700082');
    expect(
      t.sendKeys.rows.get(
        `${PARTNER_DESK_TENANT}/refresh-token-alert/${Math.floor(Date.UTC(2026, 5, 1) / 86_400_000)}`,
      ),
    ).toBe('sent');

    t.at('2026-06-02T00:01:00Z');
    await t.check();
    expect(t.sent).toHaveLength(2);
    // Every refusal is logged, with the error code and no personal data.
    expect(t.logs.filter((line) => line.startsWith('ALERT'))).toHaveLength(3);
    for (const line of t.logs) expect(line).not.toContain(DESK);
  });

  it('never lets the alert mail change the answer, and frees the day for a retry when the send did not happen', async () => {
    const t = setUp(refused());
    t.failSends(new RetryableMailError('SendGrid 503'));

    await expect(t.check()).resolves.toEqual(expect.objectContaining({ kind: 'failed' }));
    expect(t.sendKeys.rows.size).toBe(0);
    expect(t.logs.some((line) => line.includes('could not be sent'))).toBe(true);
  });

  it('keeps other Unauthorized answers as before (no alert)', async () => {
    const t = setUp(new Unauthorized({ operation: 'getDirectSignedStatus', status: 401 }));
    await expect(t.check()).resolves.toEqual(expect.objectContaining({ kind: 'failed' }));
    expect(t.sent).toHaveLength(0);
  });
});
