/** Optional confirmation to the partner's contact: the customer is on the MCA. */
import { internalMail, METHOD_LABEL, type Template } from './common.blocks';
import { facts, paragraph } from './mail-document';

export const acceptedTemplate: Template<'accepted'> = (data, { language, dates }) => {
  const ja = language === 'ja';
  return internalMail(
    data.recipientName,
    language,
    ja
      ? `MCA への同意を確認しました：${data.companyName}（${data.tenantId}）`
      : `MCA accepted: ${data.companyName} (${data.tenantId})`,
    [
      paragraph(
        ja
          ? `${data.companyName} 様の Microsoft 顧客契約（MCA）への同意を Partner Center で確認しました。今後、MCA 未同意を理由に購入が拒否されることはありません。`
          : `Partner Center now shows that ${data.companyName} has accepted the Microsoft Customer Agreement (MCA). Purchases for this customer are no longer blocked by the MCA.`,
      ),
      facts(
        [ja ? '会社名' : 'Company name', data.companyName],
        [ja ? 'テナント ID' : 'Tenant ID', data.tenantId],
        [ja ? '同意の方法' : 'Method', METHOD_LABEL[language][data.method]],
        [ja ? '同意日時' : 'Accepted at', dates.dateTime(data.acceptedAt)],
      ),
    ],
  );
};
