/**
 * Sends one workflow mail at most once: the send key is claimed before SendGrid is called, so a replay,
 * a retry after a crash or a duplicate event finds the key and does not send again. When SendGrid may
 * have taken the mail without saying so (a timeout after the request went out), the key is kept as
 * `unknown` and the send is audited; the send-claims timer reports it to the partner desk.
 */
import {
  renderMail,
  RetryableMailError,
  type MailAddress,
  type OutgoingMail,
  type RenderedMail,
  type SendResult,
} from '../../shared/mail';
import type { AuditTrailRepository, SendKey, SendKeysRepository, SendStatus } from '../../shared/store';
import { composeMail, type PartnerDirectory } from '../../shared/workflow/mail-requests';
import { readsPartnerCenter } from '../../shared/mca';
import { logEvent } from '../../shared/observability';
import type { AppDeps } from '../app-deps';

export type SendMailResult =
  | { kind: 'sent' }
  /**
   * Already sent, or claimed by a send that may have gone out (its outcome unknown): never sent twice.
   * The orchestrator carries on as after a send; an unknown one is audited and reported to the desk.
   */
  | { kind: 'duplicate' }
  | { kind: 'rejected'; reason: string };

export function partnerDirectory({ mail, partnerType }: AppDeps['config']): PartnerDirectory {
  return {
    companyName: mail.partnerCompanyName,
    contactEmail: mail.partnerContact,
    contactName: mail.partnerContactName,
    contactPhone: mail.partnerContactPhone,
    partnerLanguage: mail.partnerLanguage,
    providerEmail: mail.indirectProviderContact,
    providerName: mail.indirectProviderName,
    providerLanguage: mail.indirectProviderLanguage,
    confirmsByHand: !readsPartnerCenter(partnerType),
  };
}

/** A rendered mail as SendGrid gets it under its send key (the sink and SendGrid's events read the key). */
export function keyedMail(
  key: SendKey,
  category: string,
  to: MailAddress,
  rendered: Pick<RenderedMail, 'subject' | 'text' | 'html'>,
): OutgoingMail {
  return {
    to,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    sendKey: `${key.tenantId}/${key.kind}/${key.n}`,
    categories: ['mca-workflow', category],
  };
}

/** How a send under a key came out: `exists` when the key was taken before (nothing was sent). */
export type SendOnceOutcome = { kind: 'exists'; status: SendStatus } | SendResult;

/**
 * Runs `send` under `key` at most once: claims the key, sends, and settles the key by the outcome.
 * A send that definitely did not happen frees the key and throws, so the caller's retry may send. An
 * unknown outcome keeps the key; `beforeUnknown` (the audit) runs first, so if it fails the key stays
 * claimed and the send-claims timer settles it later.
 */
export async function sendOnce(
  sendKeys: SendKeysRepository,
  key: SendKey,
  send: () => Promise<SendResult>,
  beforeUnknown: (reason: string) => Promise<void>,
): Promise<SendOnceOutcome> {
  const claim = await sendKeys.claim(key);
  if (claim.kind === 'exists') return { kind: 'exists', status: claim.status };
  let result: SendResult;
  try {
    result = await send();
  } catch (error) {
    // Definitely not sent: free the key so the retry may send.
    if (error instanceof RetryableMailError) await sendKeys.release(key);
    throw error;
  }
  if (result.kind === 'sent') await sendKeys.markSent(key, result.messageId ?? 'sandbox');
  if (result.kind === 'rejected') await sendKeys.markFailed(key, result.reason);
  if (result.kind === 'unknown') {
    await beforeUnknown(result.reason);
    await sendKeys.markUnknown(key, result.reason);
  }
  return result;
}

/** The tenant's audit entry for a mail that may or may not have gone out (no personal data). */
export async function auditUnknownSend(
  auditTrail: AuditTrailRepository,
  entry: { tenantId: string; at: Date; mailKind: string; reason: string },
): Promise<void> {
  await auditTrail.append({
    tenantId: entry.tenantId,
    at: entry.at.toISOString(),
    actor: 'workflow',
    action: 'MailSendUnknown',
    detail: `send outcome unknown: the ${entry.mailKind} mail (${entry.reason})`,
  });
}

export function createSendMailActivity({
  config,
  store,
  mail,
  now,
}: Pick<AppDeps, 'config' | 'store' | 'mail' | 'now'>) {
  const partner = partnerDirectory(config);
  return async (input: unknown): Promise<SendMailResult> => {
    const composed = composeMail(input as Parameters<typeof composeMail>[0], partner);
    const rendered = renderMail(composed.template, composed.data, composed.language);
    const { tenantId, n } = composed.sendKey;
    const outcome = await sendOnce(
      store.sendKeys,
      composed.sendKey,
      () =>
        mail.send({
          ...keyedMail(composed.sendKey, composed.template, composed.to, rendered),
          replyTo: { email: partner.contactEmail, name: partner.contactName ?? partner.companyName },
        }),
      (reason) =>
        auditUnknownSend(store.auditTrail, { tenantId, at: now(), mailKind: composed.template, reason }),
    );
    switch (outcome.kind) {
      case 'exists':
        // Refused for good earlier: say so again rather than pretend it went out.
        return outcome.status === 'failed'
          ? { kind: 'rejected', reason: `the ${composed.template} mail was refused earlier` }
          : { kind: 'duplicate' };
      case 'rejected':
        return {
          kind: 'rejected',
          reason: `SendGrid refused the ${composed.template} mail: ${outcome.reason}`,
        };
      case 'unknown':
        return { kind: 'duplicate' };
      case 'sent':
        // The count the operations guide's "mails sent per day" query reads (no address: kind only).
        logEvent('information', 'Mail sent', { tenantId, mailKind: composed.template, n });
        return { kind: 'sent' };
    }
  };
}
