/**
 * Partner Center refused the App+User refresh token (expired, revoked): an operator's job, never a
 * customer's failure. Each refusal logs one line (error code only: no token, no user name); the partner
 * desk gets at most one mail per UTC day, claimed by a send key like every other mail.
 */
import { renderMail } from '../../shared/mail';
import type { RefreshTokenRejected } from '../../shared/partnerCenter';
import { PARTNER_DESK_TENANT, type SendKey } from '../../shared/store';
import type { AppDeps } from '../app-deps';
import { keyedMail, sendOnce } from './send-mail.activity';

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
      const { partnerContact, partnerContactName, partnerCompanyName } = config.mail;
      const data = {
        companyName: partnerCompanyName,
        refusedAt: at.toISOString(),
        error: error.message,
        recipientName: partnerContactName,
      };
      const rendered = renderMail('refreshTokenAlert', data, config.mail.partnerLanguage);
      // An unknown outcome keeps the key: better no second alert today than two.
      await sendOnce(
        store.sendKeys,
        key,
        () =>
          mail.send(
            keyedMail(
              key,
              'refreshTokenAlert',
              { email: partnerContact, name: partnerContactName },
              rendered,
            ),
          ),
        () => Promise.resolve(),
      );
    } catch (mailError) {
      // The alert must never change what the status check answers.
      log(
        `The refresh-token alert mail could not be sent: ${mailError instanceof Error ? mailError.name : 'error'}`,
      );
    }
  };
}
