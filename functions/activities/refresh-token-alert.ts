/**
 * Partner Center refused the App+User refresh token (expired, revoked): an operator's job, never a
 * customer's failure. Each refusal logs one line (error code only: no token, no user name); the partner
 * desk gets at most one mail per UTC day, claimed by a send key like every other mail.
 */
import { renderMail, RetryableMailError } from '../../shared/mail';
import type { RefreshTokenRejected } from '../../shared/partnerCenter';
import type { SendKey } from '../../shared/store';
import type { AppDeps } from '../app-deps';

/** The partner's own alerts have no customer: their send keys use the nil tenant id. */
export const PARTNER_DESK_TENANT = '00000000-0000-0000-0000-000000000000';
const DAY_MS = 24 * 60 * 60 * 1000;

/** One key per UTC day: day numbers since the epoch. */
export function refreshTokenAlertKey(at: Date): SendKey {
  return { tenantId: PARTNER_DESK_TENANT, kind: 'refresh-token-alert', n: Math.floor(at.getTime() / DAY_MS) };
}

export type RefreshTokenAlert = (
  error: RefreshTokenRejected,
  log: (message: string) => void,
) => Promise<void>;

export function createRefreshTokenAlert({
  config,
  store,
  mail,
  now,
}: Pick<AppDeps, 'config' | 'store' | 'mail' | 'now'>): RefreshTokenAlert {
  return async (error, log) => {
    log(
      `ALERT Partner Center refused the App+User refresh token (${error.message}): a partner admin must ` +
        'consent again with MFA and store the new token (docs/operations.md, "Refresh token"). ' +
        'Status checks keep polling.',
    );
    const at = now();
    const key = refreshTokenAlertKey(at);
    try {
      if ((await store.sendKeys.claim(key)).kind === 'exists') return;
      const { partnerContact, partnerContactName, partnerCompanyName } = config.mail;
      const data = {
        companyName: partnerCompanyName,
        refusedAt: at.toISOString(),
        error: error.message,
        recipientName: partnerContactName,
      };
      const rendered = renderMail('refreshTokenAlert', data, 'en');
      const sent = await mail
        .send({
          to: { email: partnerContact, name: partnerContactName },
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          sendKey: `${key.tenantId}/${key.kind}/${key.n}`,
          categories: ['mca-workflow', 'refreshTokenAlert'],
        })
        .catch(async (sendError: unknown) => {
          // Definitely not sent: a later check today may try again.
          if (sendError instanceof RetryableMailError) await store.sendKeys.release(key);
          throw sendError;
        });
      if (sent.kind === 'rejected') await store.sendKeys.markFailed(key, sent.reason);
      else await store.sendKeys.markSent(key, sent.messageId ?? 'sandbox');
    } catch (mailError) {
      // The alert must never change what the status check answers.
      log(
        `The refresh-token alert mail could not be sent: ${mailError instanceof Error ? mailError.name : 'error'}`,
      );
    }
  };
}
