/**
 * To the partner desk, at once: a customer is not covered by the MCA and nobody to invite is on file
 * (a purchase block that named only the tenant, or a tenant the feed or the sweep found). Company data
 * only: the run waits in AwaitingContact until the CRM or the API sends the signatory's details.
 */
import { internalMail, type Template } from './common.blocks';
import { facts, paragraph, steps } from './mail-document';

export const contactMissingTemplate: Template<'contactMissing'> = (data, { language }) => {
  const ja = language === 'ja';
  const blocked = data.purchaseBlocked === true;
  const update = `POST /api/customers/${data.tenantId}/mca`;
  return internalMail(
    data.recipientName,
    language,
    ja
      ? `【要対応】MCA 未同意・署名者未登録のお客様：${data.companyName}`
      : `Action needed: no MCA and no signatory on file for ${data.companyName}`,
    [
      paragraph(
        ja
          ? `下記のお客様は Microsoft 顧客契約（MCA）への同意が確認できず、署名者（ご同意いただく方）の連絡先も登録されていないため、ワークフローはどなたにもご案内を送れません。${blocked ? 'Partner Center はこのお客様の購入を拒否しています。' : ''}`
          : `The customer below is not covered by the Microsoft Customer Agreement (MCA), and no signatory (the person who accepts it) is on file, so the workflow cannot invite anyone.${blocked ? ' Partner Center refuses purchases for this customer.' : ''}`,
      ),
      facts(
        [ja ? '会社名' : 'Company name', data.companyName],
        [ja ? 'テナント ID' : 'Tenant ID', data.tenantId],
      ),
      paragraph(ja ? '対応手順：' : 'What to do:'),
      steps(
        [
          ja
            ? 'CRM でお客様の署名者（氏名・メールアドレス）、国、言語を登録し、CustomerUpdated イベントを送信してください。'
            : "Record the customer's signatory (name and e-mail), country and language in the CRM, which sends a CustomerUpdated event.",
        ],
        [
          ja
            ? `または、お客様の情報を付けて ${update} を呼び出してください。`
            : `Or call ${update} with the customer's details.`,
        ],
      ),
      paragraph(
        ja
          ? '情報が届きしだい、ワークフローはご案内を開始します。それまでの状態は AwaitingContact です。'
          : 'The workflow starts as soon as the details arrive; until then the customer shows as AwaitingContact.',
      ),
    ],
  );
};
