/**
 * Sends one workflow mail at most once: the send key is claimed before SendGrid is called, so a replay,
 * a retry after a crash or a duplicate event finds the key and does not send again.
 */
import { renderMail, RetryableMailError } from '../../shared/mail';
import { composeMail, type PartnerDirectory } from '../../shared/workflow/mail-requests';
import type { AppDeps } from '../app-deps';

export type SendMailResult =
  | { kind: 'sent' }
  /** Already sent (or claimed by a send that may have gone out): never sent twice. */
  | { kind: 'duplicate' }
  | { kind: 'rejected'; reason: string };

export function partnerDirectory({ mail }: AppDeps['config']): PartnerDirectory {
  return {
    companyName: mail.partnerCompanyName,
    contactEmail: mail.partnerContact,
    contactName: mail.partnerContactName,
    contactPhone: mail.partnerContactPhone,
    partnerLanguage: mail.partnerLanguage,
    providerEmail: mail.indirectProviderContact,
    providerName: mail.indirectProviderName,
    providerLanguage: mail.indirectProviderLanguage,
  };
}

export function createSendMailActivity({ config, store, mail }: Pick<AppDeps, 'config' | 'store' | 'mail'>) {
  const partner = partnerDirectory(config);
  return async (input: unknown): Promise<SendMailResult> => {
    const composed = composeMail(input as Parameters<typeof composeMail>[0], partner);
    const rendered = renderMail(composed.template, composed.data, composed.language);
    const claim = await store.sendKeys.claim(composed.sendKey);
    if (claim.kind === 'exists') {
      // Refused for good earlier: say so again rather than pretend it went out.
      if (claim.status === 'failed')
        return { kind: 'rejected', reason: `the ${composed.template} mail was refused earlier` };
      return { kind: 'duplicate' };
    }
    const { tenantId, kind, n } = composed.sendKey;
    let result;
    try {
      result = await mail.send({
        to: composed.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        sendKey: `${tenantId}/${kind}/${n}`,
        categories: ['mca-workflow', composed.template],
        replyTo: { email: partner.contactEmail, name: partner.contactName ?? partner.companyName },
      });
    } catch (error) {
      // Definitely not sent: free the key so the retry may send.
      if (error instanceof RetryableMailError) await store.sendKeys.release(composed.sendKey);
      throw error;
    }
    if (result.kind === 'rejected') {
      await store.sendKeys.markFailed(composed.sendKey, result.reason);
      return { kind: 'rejected', reason: `SendGrid refused the ${composed.template} mail: ${result.reason}` };
    }
    await store.sendKeys.markSent(composed.sendKey, result.messageId ?? 'sandbox');
    return { kind: 'sent' };
  };
}
