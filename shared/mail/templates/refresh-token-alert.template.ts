/**
 * To the partner desk: Partner Center refused the App+User refresh token, so status checks cannot
 * read agreements until a partner admin consents again. Sent at most once a UTC day.
 */
import { internalMail, type Template } from './common.blocks';
import { facts, paragraph, steps } from './mail-document';

export const refreshTokenAlertTemplate: Template<'refreshTokenAlert'> = (data, { language, dates }) => {
  const ja = language === 'ja';
  return internalMail(
    data.recipientName,
    language,
    ja
      ? `【要対応】Partner Center の App+User 認証の再同意が必要です：${data.companyName}`
      : `Action needed: Partner Center App+User sign-in must be renewed for ${data.companyName}`,
    [
      paragraph(
        ja
          ? 'Partner Center がリフレッシュ トークンを受け付けなくなりました（期限切れまたは取り消し）。MCA への同意状況の確認は継続していますが、再同意が完了するまで同意を検知できません。お客様のワークフローは失敗扱いになりません。'
          : 'Partner Center no longer accepts the refresh token (expired or revoked). Status checks keep running, but they cannot see any acceptance until a partner admin consents again. No customer is marked as failed because of this.',
      ),
      facts(
        [ja ? 'パートナー' : 'Partner', data.companyName],
        [ja ? '検知日時' : 'Refused at', dates.dateTime(data.refusedAt)],
        [ja ? 'エラー' : 'Error', data.error],
      ),
      paragraph(ja ? '対応手順：' : 'What to do:'),
      steps(
        [
          ja
            ? '管理エージェントのアカウントで MFA を使ってアプリに再同意し、新しいリフレッシュ トークンを取得します（docs/operations.md の「Prerequisites in Partner Center」手順 5）。'
            : 'Consent to the app again as an admin agent, with MFA, and obtain a new refresh token (docs/operations.md, "Prerequisites in Partner Center", step 5).',
        ],
        [
          ja
            ? '新しいトークンを Key Vault のシークレット PARTNER-CENTER-REFRESH-TOKEN に保存します。アプリは次の確認時に読み込みます。'
            : 'Store it as a new version of the Key Vault secret PARTNER-CENTER-REFRESH-TOKEN; the app picks it up at the next check.',
        ],
      ),
    ],
  );
};
