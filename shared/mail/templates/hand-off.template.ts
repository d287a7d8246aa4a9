/**
 * To the indirect provider's contact: an indirect reseller cannot attest the MCA, so it asks its provider
 * to attest, or to have the customer accept directly.
 */
import {
  ADMIN_CENTER_AGREEMENT_URL,
  deadlineRequest,
  fullName,
  partnerContactAndSignOff,
  partnerGreeting,
  type Template,
} from './common.blocks';
import type { ValidMailData } from './mail-data.schema';
import { facts, link, paragraph, type Inline } from './mail-document';

function customerFacts(data: ValidMailData<'handOff'>, ja: boolean): [string, Inline][] {
  const { signatory } = data;
  const rows: [string, Inline][] = [
    [ja ? '会社名' : 'Company name', data.companyName],
    [ja ? 'テナント ID' : 'Tenant ID', data.tenantId],
    [ja ? 'ご署名者' : 'Signatory', fullName(signatory, ja ? 'ja' : 'en')],
    [ja ? 'ご署名者のメール' : 'Signatory e-mail', signatory.email],
  ];
  if (signatory.phone !== undefined) rows.push([ja ? 'ご署名者の電話' : 'Signatory phone', signatory.phone]);
  return rows;
}

export const handOffTemplate: Template<'handOff'> = (data, context) => {
  const { language } = context;
  const ja = language === 'ja';
  const greeting = partnerGreeting(
    { companyName: data.provider.companyName, personName: data.provider.contactName },
    data.partner,
    language,
  );
  const body = ja
    ? [
        paragraph(
          '当社が間接リセラーとして Microsoft 製品をご提供している下記のお客様について、Microsoft 顧客契約（MCA）へのご同意が確認できておりません。間接リセラーはお客様に代わって MCA の同意を証明することができないため、貴社にご対応をお願いしたく、ご連絡いたしました。',
        ),
        facts(...customerFacts(data, ja)),
        paragraph(
          'お手数ですが、貴社の Partner Center からお客様の同意を証明（パートナーによる証明）いただくか、お客様ご自身に下記の Microsoft 365 管理センターにて直接ご同意いただくよう、お取り計らいのほどお願い申し上げます。',
        ),
        paragraph(link(ADMIN_CENTER_AGREEMENT_URL)),
        ...deadlineRequest(data.deadline, context),
        paragraph('完了しましたら、下記担当までご一報いただけますと幸いです。'),
      ]
    : [
        paragraph(
          `${data.partner.companyName} resells Microsoft products through ${data.provider.companyName} as an indirect reseller. The customer below has not yet accepted the Microsoft Customer Agreement (MCA). Indirect resellers cannot attest the MCA on their customers' behalf, so we ask for your help.`,
        ),
        facts(...customerFacts(data, ja)),
        paragraph(
          "Please either attest the customer's acceptance in your Partner Center account (partner attestation), or have the customer accept the agreement directly in the Microsoft 365 admin center:",
        ),
        paragraph(link(ADMIN_CENTER_AGREEMENT_URL)),
        ...deadlineRequest(data.deadline, context),
        paragraph('Please let us know once this is done.'),
      ];
  return {
    subject: ja
      ? `【ご依頼】Microsoft 顧客契約の同意手続きについて（${data.companyName}）`
      : `MCA acceptance needed for ${data.companyName}, a customer of ${data.partner.companyName}`,
    blocks: [...greeting, ...body, ...partnerContactAndSignOff(data.partner, language)],
  };
};
