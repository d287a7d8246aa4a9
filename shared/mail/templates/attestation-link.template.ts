/** To the customer's signatory: the partner attests the MCA; please review and accept on Microsoft's page. */
import { customerMail, deadlineRequest, type Template, type TemplateContext } from './common.blocks';
import type { ValidMailData } from './mail-data.schema';
import { link, paragraph, type Block } from './mail-document';

type Data = Omit<ValidMailData<'attestationLink'>, 'deadline'>;

export function attestationLinkSubject(data: Data, { language }: TemplateContext): string {
  return language === 'ja'
    ? `【ご確認のお願い】Microsoft 顧客契約の内容確認とご同意について（${data.companyName}）`
    : `Please review and accept the Microsoft Customer Agreement for ${data.companyName}`;
}

/** The request, the link and what happens next, without greeting, deadline or sign-off. */
export function attestationLinkBody(data: Data, { language, dates }: TemplateContext): Block[] {
  const expires = data.linkExpiresAt;
  if (language === 'ja') {
    return [
      paragraph(
        '当社は貴社の Microsoft クラウド ソリューション プロバイダー（CSP）パートナーです。Microsoft 社の規定により、当社が貴社向けに Microsoft 製品をご提供するには、貴社による Microsoft 顧客契約（MCA）へのご同意が必要です。このたび当社が貴社に代わって Microsoft 社へ同意の証明（パートナーによる証明）を行うにあたり、契約内容をご確認のうえご同意いただきたく、ご連絡いたしました。',
      ),
      paragraph('下記の Microsoft 社の同意ページを開き、契約内容をご確認のうえご同意ください。'),
      paragraph(link(data.acceptanceUrl)),
      expires === undefined
        ? paragraph(
            'このリンクには有効期限があります。開けない場合は新しいリンクをお送りしますので、下記担当までご連絡ください。',
          )
        : paragraph(
            `このリンクの有効期限は${dates.dateTime(expires)}です。期限が切れた場合は新しいリンクをお送りしますので、下記担当までご連絡ください。`,
          ),
      paragraph('ご同意後 30 分以内に、Microsoft 社から確認のメールが届きます。'),
    ];
  }
  return [
    paragraph(
      `${data.partner.companyName} is your Microsoft Cloud Solution Provider (CSP) partner. Microsoft requires ${data.companyName} to accept the Microsoft Customer Agreement (MCA) before we can provide Microsoft products to you. We will confirm your acceptance to Microsoft on your behalf (partner attestation); for this, Microsoft asks you to review and accept the agreement first.`,
    ),
    paragraph("Please open Microsoft's acceptance page below, review the agreement and accept it:"),
    paragraph(link(data.acceptanceUrl)),
    expires === undefined
      ? paragraph(
          'This link is valid for a limited time. If it no longer works, please contact us for a new one.',
        )
      : paragraph(
          `This link is valid until ${dates.dateTime(expires)}. If it has expired, please contact us for a new one.`,
        ),
    paragraph('After you accept, Microsoft will send you a confirmation e-mail within 30 minutes.'),
  ];
}

export const attestationLinkTemplate: Template<'attestationLink'> = (data, context) =>
  customerMail(data, context.language, attestationLinkSubject(data, context), [
    ...attestationLinkBody(data, context),
    ...deadlineRequest(data.deadline, context),
  ]);
