/**
 * To the customer's signatory: the partner attests the MCA (again); please review and accept on
 * Microsoft's page. Microsoft mails the signatory once the partner has confirmed the acceptance.
 */
import {
  acceptanceSubject,
  customerMail,
  deadlineRequest,
  reacceptanceReason,
  type AcceptanceSubjects,
  type Template,
  type TemplateContext,
} from './common.blocks';
import type { ValidMailData } from './mail-data.schema';
import { link, paragraph, type Block } from './mail-document';

type Data = Omit<ValidMailData<'attestationLink'>, 'deadline'>;

const SUBJECTS: AcceptanceSubjects = {
  first: {
    ja: (company) => `【ご確認のお願い】Microsoft 顧客契約の内容確認とご同意について（${company}）`,
    en: (company) => `Please review and accept the Microsoft Customer Agreement for ${company}`,
  },
  again: {
    ja: (company) => `【ご確認のお願い】Microsoft 顧客契約への再同意について（${company}）`,
    en: (company) => `Please confirm the Microsoft Customer Agreement again for ${company}`,
  },
};

export function attestationLinkSubject(data: Data, { language }: TemplateContext): string {
  return acceptanceSubject(SUBJECTS, data, language);
}

function introduction(data: Data, { language }: TemplateContext): Block[] {
  if (data.reacceptance === true) {
    return [
      reacceptanceReason(data.companyName, language),
      paragraph(
        language === 'ja'
          ? '当社が貴社に代わって Microsoft 社へ同意を改めて証明（パートナーによる再証明）するにあたり、Microsoft 社の規定により、まず貴社に契約内容をご確認のうえ再度ご同意いただく必要があります。'
          : 'We will confirm your new acceptance to Microsoft on your behalf (partner re-attestation); for this, Microsoft asks you to review and accept the agreement again first.',
      ),
    ];
  }
  return [
    language === 'ja'
      ? paragraph(
          '当社は貴社の Microsoft クラウド ソリューション プロバイダー（CSP）パートナーです。Microsoft 社の規定により、当社が貴社向けに Microsoft 製品をご提供するには、貴社による Microsoft 顧客契約（MCA）へのご同意が必要です。このたび当社が貴社に代わって Microsoft 社へ同意の証明（パートナーによる証明）を行うにあたり、契約内容をご確認のうえご同意いただきたく、ご連絡いたしました。',
        )
      : paragraph(
          `${data.partner.companyName} is your Microsoft Cloud Solution Provider (CSP) partner. Microsoft requires ${data.companyName} to accept the Microsoft Customer Agreement (MCA) before we can provide Microsoft products to you. We will confirm your acceptance to Microsoft on your behalf (partner attestation); for this, Microsoft asks you to review and accept the agreement first.`,
        ),
  ];
}

/** Microsoft's confirmation comes after we confirm the acceptance, and it is genuine. */
function afterAcceptance(data: Data, { language }: TemplateContext): Block {
  const contact = data.partner.contact.name;
  return language === 'ja'
    ? paragraph(
        `ご同意いただいた後、当社から Microsoft 社へ貴社のご同意を確認いたします。その後、Microsoft 社からご署名者様宛てに確認のメールが届きます。このメールは Microsoft 社からの正規のメールです。ご不明な点がございましたら、下記担当（${contact}）までお問い合わせください。`,
      )
    : paragraph(
        `After you accept, we confirm your acceptance to Microsoft. Microsoft then sends you a confirmation e-mail: that e-mail is genuine. If you have any doubts about it, please ask ${contact} (details below).`,
      );
}

/** The request, the link and what happens next, without greeting, deadline or sign-off. */
export function attestationLinkBody(data: Data, context: TemplateContext): Block[] {
  const { language, dates } = context;
  const expires = data.linkExpiresAt;
  if (language === 'ja') {
    return [
      ...introduction(data, context),
      paragraph(
        data.reacceptance === true
          ? '下記の Microsoft 社の同意ページを開き、契約内容をご確認のうえ改めてご同意ください。'
          : '下記の Microsoft 社の同意ページを開き、契約内容をご確認のうえご同意ください。',
      ),
      paragraph(link(data.acceptanceUrl)),
      expires === undefined
        ? paragraph(
            'このリンクには有効期限があります。開けない場合は新しいリンクをお送りしますので、下記担当までご連絡ください。',
          )
        : paragraph(
            `このリンクの有効期限は${dates.dateTime(expires)}です。期限が切れた場合は新しいリンクをお送りしますので、下記担当までご連絡ください。`,
          ),
      afterAcceptance(data, context),
    ];
  }
  return [
    ...introduction(data, context),
    paragraph(
      data.reacceptance === true
        ? "Please open Microsoft's acceptance page below, review the agreement and accept it again:"
        : "Please open Microsoft's acceptance page below, review the agreement and accept it:",
    ),
    paragraph(link(data.acceptanceUrl)),
    expires === undefined
      ? paragraph(
          'This link is valid for a limited time. If it no longer works, please contact us for a new one.',
        )
      : paragraph(
          `This link is valid until ${dates.dateTime(expires)}. If it has expired, please contact us for a new one.`,
        ),
    afterAcceptance(data, context),
  ];
}

export const attestationLinkTemplate: Template<'attestationLink'> = (data, context) =>
  customerMail(data, context.language, attestationLinkSubject(data, context), [
    ...attestationLinkBody(data, context),
    ...deadlineRequest(data.deadline, context),
  ]);
