/**
 * To the indirect provider's contact: an indirect reseller cannot attest the MCA, so it asks its provider
 * to attest (through the Partner Center API, the only way since 2026-01-05), or to have the customer
 * accept directly.
 */
import {
  ADMIN_CENTER_AGREEMENT_URL,
  BLOCKED_CHANGES,
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
  const again = data.reacceptance === true;
  const body = ja
    ? [
        paragraph(
          again
            ? `当社が間接リセラーとして Microsoft 製品をご提供している下記のお客様は、2023 年 4 月 1 日より前に Microsoft 顧客契約（MCA）へ同意し、その後改めて同意されていないため、Microsoft 社により同意の再確認が求められています。2025 年 10 月 7 日以降、再確認が済むまで、${BLOCKED_CHANGES.ja}が停止されています。間接リセラーはお客様に代わって MCA の同意を証明することができないため、貴社にご対応をお願いしたく、ご連絡いたしました。`
            : '当社が間接リセラーとして Microsoft 製品をご提供している下記のお客様について、Microsoft 顧客契約（MCA）へのご同意が確認できておりません。間接リセラーはお客様に代わって MCA の同意を証明することができないため、貴社にご対応をお願いしたく、ご連絡いたしました。',
        ),
        facts(...customerFacts(data, ja)),
        paragraph(
          `お手数ですが、貴社にてお客様の同意を${again ? '改めて' : ''}証明（パートナーによる証明）いただくか、お客様ご自身に下記の Microsoft 365 管理センターにて直接ご同意いただくよう、お取り計らいのほどお願い申し上げます。なお、2026 年 1 月 5 日以降、パートナーによる証明は Partner Center API でのみ行えます（拡張証明の作成、Microsoft 社の同意ページでのお客様のご同意、契約の作成）。`,
        ),
        paragraph(link(ADMIN_CENTER_AGREEMENT_URL)),
        ...deadlineRequest(data.deadline, context),
        paragraph('完了しましたら、下記担当までご一報いただけますと幸いです。'),
      ]
    : [
        paragraph(
          again
            ? `${data.partner.companyName} resells Microsoft products through ${data.provider.companyName} as an indirect reseller. The customer below accepted the Microsoft Customer Agreement (MCA) before 1 April 2023 and has not confirmed it since, so Microsoft asks for the acceptance to be confirmed again: since 7 October 2025, ${BLOCKED_CHANGES.en} are blocked for this customer until it is. Indirect resellers cannot attest the MCA on their customers' behalf, so we ask for your help.`
            : `${data.partner.companyName} resells Microsoft products through ${data.provider.companyName} as an indirect reseller. The customer below has not yet accepted the Microsoft Customer Agreement (MCA). Indirect resellers cannot attest the MCA on their customers' behalf, so we ask for your help.`,
        ),
        facts(...customerFacts(data, ja)),
        paragraph(
          `Please either ${again ? 're-attest' : 'attest'} the customer's acceptance (partner attestation), or have the customer accept the agreement directly in the Microsoft 365 admin center. Since 5 January 2026, partner attestation is done only through the Partner Center API: you create an enhanced attestation, the customer accepts on Microsoft's acceptance page, and you then create the agreement. The admin center page:`,
        ),
        paragraph(link(ADMIN_CENTER_AGREEMENT_URL)),
        ...deadlineRequest(data.deadline, context),
        paragraph('Please let us know once this is done.'),
      ];
  const subject = ja
    ? `【ご依頼】Microsoft 顧客契約の${again ? '再同意' : '同意'}手続きについて（${data.companyName}）`
    : `MCA ${again ? 're-acceptance' : 'acceptance'} needed for ${data.companyName}, a customer of ${data.partner.companyName}`;
  const reminder = data.reminderNumber !== undefined;
  const reminderNote = ja
    ? '先日ご依頼した下記のお客様について、まだ同意を確認できておりません。改めてご対応をお願い申し上げます。'
    : 'We wrote to you earlier about the customer below and have not yet been told that the agreement is accepted. We would be grateful for your help.';
  return {
    subject: reminder ? (ja ? `【再送】${subject}` : `Reminder: ${subject}`) : subject,
    blocks: [
      ...greeting,
      ...(reminder ? [paragraph(reminderNote)] : []),
      ...body,
      ...partnerContactAndSignOff(data.partner, language),
    ],
  };
};
