/**
 * Settles mails whose send outcome nobody knows, every few minutes. A send key still `claimed` after
 * SEND_CLAIM_RECONCILE_AFTER belongs to a send that crashed or hung between claim and answer: it becomes
 * `unknown` (never sent again) and is audited. Then every unknown send not yet reported goes to the
 * partner desk in one mail listing tenant ids and mail kinds only. That desk mail has a send key of its
 * own, derived from the batch, so a crash after it went out does not mail the desk twice.
 */
import { createHash } from 'node:crypto';
import { app, type InvocationContext } from '@azure/functions';
import { renderUnknownSendsReport, RetryableMailError, type MailSender } from '../shared/mail';
import { PARTNER_DESK_TENANT, type SendKey, type SendKeyRecord, type Store } from '../shared/store';
import { auditUnknownSend, keyedMail, sendOnce } from './activities/send-mail.activity';
import type { AppDeps } from './app-deps';

export const SEND_CLAIMS_FUNCTION = 'mcaSendClaims';
export const SEND_CLAIMS_SCHEDULE = '0 */5 * * * *';
/** Sends per desk report; more wait for the next run. */
const DESK_REPORT_MAX_SENDS = 500;
const STALE_CLAIM_REASON = 'the send was claimed but never finished (the sender stopped mid-send)';

export interface SendClaimsDeps {
  config: {
    mail: Pick<AppDeps['config']['mail'], 'partnerContact' | 'partnerContactName' | 'partnerLanguage'>;
    timing: Pick<AppDeps['config']['timing'], 'sendClaimReconcileAfterMs'>;
  };
  store: Pick<Store, 'sendKeys' | 'auditTrail'>;
  mail: MailSender;
  now: () => Date;
}

export interface SendClaimsCounts {
  markedUnknown: number;
  reported: number;
  deskMail: 'none' | 'sent' | 'alreadySent' | 'unknown' | 'rejected' | 'notSent';
}

/** The mail kind of a send key (`reminder-<run tag>` -> `reminder`). */
export function mailKindOf(key: Pick<SendKey, 'kind'>): string {
  return key.kind.split('-')[0] ?? key.kind;
}

/** One key per batch of unknown sends: the same batch always gets the same key. */
export function deskReportKey(sends: readonly SendKeyRecord[]): SendKey {
  const ids = sends.map((send) => `${send.tenantId}/${send.kind}/${send.n}`).sort();
  const digest = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
  return { tenantId: PARTNER_DESK_TENANT, kind: `unknownSends-${digest}`, n: 0 };
}

export function createSendClaimsHandler(deps: SendClaimsDeps) {
  const { store } = deps;

  async function collect(rows: AsyncIterable<SendKeyRecord>): Promise<SendKeyRecord[]> {
    const all: SendKeyRecord[] = [];
    for await (const row of rows) all.push(row);
    return all;
  }

  /** Stale claims become unknown, each with an audit entry for its tenant. */
  async function settleStaleClaims(): Promise<number> {
    const before = new Date(deps.now().getTime() - deps.config.timing.sendClaimReconcileAfterMs);
    let marked = 0;
    for (const claim of await collect(store.sendKeys.listStaleClaims(before))) {
      if (!(await store.sendKeys.markUnknown(claim, STALE_CLAIM_REASON))) continue; // settled meanwhile
      marked++;
      if (claim.tenantId === PARTNER_DESK_TENANT) continue;
      await auditUnknownSend(store.auditTrail, {
        tenantId: claim.tenantId,
        at: deps.now(),
        mailKind: mailKindOf(claim),
        reason: STALE_CLAIM_REASON,
      });
    }
    return marked;
  }

  /** Sends the desk report once per batch; whether it needs sending again is the key's business. */
  async function mailDesk(sends: readonly SendKeyRecord[]): Promise<SendClaimsCounts['deskMail']> {
    const key = deskReportKey(sends);
    const { partnerContact, partnerContactName, partnerLanguage } = deps.config.mail;
    const report = renderUnknownSendsReport(
      {
        sends: sends.map((send) => ({ tenantId: send.tenantId, mailKind: mailKindOf(send), n: send.n })),
        ...(partnerContactName ? { recipientName: partnerContactName } : {}),
      },
      partnerLanguage,
    );
    const outcome = await sendOnce(
      store.sendKeys,
      key,
      () =>
        deps.mail.send(
          keyedMail(
            key,
            'unknownSends',
            { email: partnerContact, ...(partnerContactName ? { name: partnerContactName } : {}) },
            report,
          ),
        ),
      // The report's own unknown outcome shows in the next report (under the nil tenant id).
      () => Promise.resolve(),
    );
    return outcome.kind === 'exists' ? 'alreadySent' : outcome.kind;
  }

  return async (_timer: unknown, context: InvocationContext): Promise<SendClaimsCounts> => {
    const counts: SendClaimsCounts = {
      markedUnknown: await settleStaleClaims(),
      reported: 0,
      deskMail: 'none',
    };
    const unreported = (await collect(store.sendKeys.listUnreportedUnknown())).slice(
      0,
      DESK_REPORT_MAX_SENDS,
    );
    if (unreported.length > 0) {
      try {
        counts.deskMail = await mailDesk(unreported);
      } catch (error) {
        // Definitely not sent: the sends stay unreported and the next run tries again.
        if (!(error instanceof RetryableMailError)) throw error;
        counts.deskMail = 'notSent';
        context.warn('Unknown-sends report to the partner desk not sent; retrying next run', error.message);
      }
      if (counts.deskMail === 'rejected') {
        context.error(
          'SendGrid refused the unknown-sends report to the partner desk (PARTNER_CONTACT_EMAIL)',
        );
      }
      if (counts.deskMail !== 'notSent') {
        for (const send of unreported) await store.sendKeys.markReported(send);
        counts.reported = unreported.length;
      }
    }
    context.log('Send claims reconciled', counts);
    return counts;
  };
}

export function registerSendClaims(deps: AppDeps): void {
  const handler = createSendClaimsHandler(deps);
  app.timer(SEND_CLAIMS_FUNCTION, {
    schedule: SEND_CLAIMS_SCHEDULE,
    handler: async (timer, context) => {
      await handler(timer, context);
    },
  });
}
