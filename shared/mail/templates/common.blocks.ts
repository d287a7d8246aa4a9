/** Openings, contact blocks and sign-offs the templates share, per language. */
import type { DateFormatter } from './date-format';
import type { MailLanguage } from './language';
import type { MailKind, ValidMailData } from './mail-data.schema';
import { facts, lines, paragraph, type Block, type Inline, type MailDocument } from './mail-document';

/** Microsoft 365 admin center, straight to the page where a customer accepts the MCA. */
export const ADMIN_CENTER_AGREEMENT_URL =
  'https://admin.microsoft.com/AdminPortal/Home?ref=/BillingAccounts/agreement';

/**
 * What Partner Center refuses, since 2025-10-07, for a customer whose only MCA attestation predates
 * 2023-04-01 (renewals are not on Microsoft's list, so no mail may say they are).
 */
export const BLOCKED_CHANGES: Record<MailLanguage, string> = {
  ja: '新規購入、ライセンス数の変更、契約期間・請求プランの変更、アップグレード',
  en: 'new purchases, quantity changes, changes of term or billing plan, and upgrades',
};

export interface TemplateContext {
  language: MailLanguage;
  dates: DateFormatter;
}

export type Template<K extends MailKind> = (data: ValidMailData<K>, context: TemplateContext) => MailDocument;

type Partner = ValidMailData<'directInvite'>['partner'];
type Person = { firstName: string; lastName: string };

/** Japanese puts the family name first. */
export function fullName(person: Person, language: MailLanguage): string {
  return language === 'ja'
    ? `${person.lastName} ${person.firstName}`
    : `${person.firstName} ${person.lastName}`;
}

/** The opening of a mail from the partner to a person at a company. */
export function partnerGreeting(
  to: { companyName: string; personName?: string },
  partner: Partner,
  language: MailLanguage,
): Block[] {
  if (language === 'ja') {
    const address: Inline[][] =
      to.personName === undefined
        ? [[`${to.companyName} 御中`]]
        : [[to.companyName], [`${to.personName} 様`]];
    return [
      lines(...address),
      paragraph(`いつも大変お世話になっております。${partner.companyName}でございます。`),
    ];
  }
  return [paragraph(to.personName === undefined ? `Dear ${to.companyName} team,` : `Dear ${to.personName},`)];
}

/** Whom to ask, then the partner's sign-off. */
export function partnerContactAndSignOff(partner: Partner, language: MailLanguage): Block[] {
  const { name, email, phone } = partner.contact;
  const ja = language === 'ja';
  const rows: [string, Inline][] = [
    [ja ? '担当' : 'Contact', name],
    [ja ? 'メール' : 'E-mail', email],
  ];
  if (phone !== undefined) rows.push([ja ? '電話' : 'Phone', phone]);
  return ja
    ? [
        paragraph('ご不明な点がございましたら、下記担当までお気軽にお問い合わせください。'),
        facts(...rows),
        paragraph('何卒よろしくお願い申し上げます。'),
        lines([partner.companyName]),
      ]
    : [
        paragraph('If you have any questions, please contact:'),
        facts(...rows),
        lines(['Kind regards,'], [partner.companyName]),
      ];
}

/** A mail from the partner to the customer's signatory. */
export function customerMail(
  data: { companyName: string; signatory: Person; partner: Partner },
  language: MailLanguage,
  subject: string,
  body: Block[],
): MailDocument {
  const greeting = partnerGreeting(
    { companyName: data.companyName, personName: fullName(data.signatory, language) },
    data.partner,
    language,
  );
  return { subject, blocks: [...greeting, ...body, ...partnerContactAndSignOff(data.partner, language)] };
}

/** Why a customer who accepted before must confirm the MCA again, and what is blocked until then. */
export function reacceptanceReason(companyName: string, language: MailLanguage): Block {
  return language === 'ja'
    ? paragraph(
        `Microsoft 社は、2023 年 4 月 1 日より前に Microsoft 顧客契約（MCA）へ同意し、その後改めて同意されていないお客様に、同意の再確認を求めています。2025 年 10 月 7 日以降、再確認が済むまで、${companyName} 様の${BLOCKED_CHANGES.ja}は Microsoft 社により停止されています。つきましては、改めて契約内容をご確認のうえ、再度ご同意いただきたく、ご連絡いたしました。`,
      )
    : paragraph(
        `Microsoft asks customers who accepted the Microsoft Customer Agreement (MCA) before 1 April 2023, and have not confirmed it since, to confirm it again. Since 7 October 2025, Microsoft blocks ${BLOCKED_CHANGES.en} for ${companyName} until it does. We therefore kindly ask you to review the agreement and confirm it again.`,
      );
}

/** A subject's words for a first acceptance and for a re-acceptance, per language. */
export type AcceptanceSubjects = Record<
  'first' | 'again',
  Record<MailLanguage, (companyName: string) => string>
>;

/** The subject for this customer: the re-acceptance words when the MCA must be confirmed again. */
export function acceptanceSubject(
  subjects: AcceptanceSubjects,
  data: { companyName: string; reacceptance?: boolean },
  language: MailLanguage,
): string {
  return subjects[data.reacceptance === true ? 'again' : 'first'][language](data.companyName);
}

/** "Please complete this by ..." */
export function deadlineRequest(deadline: string | undefined, { language, dates }: TemplateContext): Block[] {
  if (deadline === undefined) return [];
  return language === 'ja'
    ? [paragraph('お手数ですが、', dates.date(deadline), 'までにお手続きをお願いいたします。')]
    : [paragraph('Please complete this by ', dates.date(deadline), '.')];
}

/** A workflow notice to the partner's own staff. */
export function internalMail(
  recipientName: string | undefined,
  language: MailLanguage,
  subject: string,
  body: Block[],
): MailDocument {
  const ja = language === 'ja';
  const greeting = ja
    ? recipientName === undefined
      ? 'ご担当者様'
      : `${recipientName} 様`
    : recipientName === undefined
      ? 'Hello,'
      : `Hello ${recipientName},`;
  const signOff = ja
    ? '本メールは MCA 同意管理ワークフローから自動送信されています。'
    : 'This message was sent automatically by the MCA workflow.';
  return { subject, blocks: [paragraph(greeting), ...body, paragraph(signOff)] };
}

export const METHOD_LABEL: Record<MailLanguage, Record<'direct' | 'attestation' | 'handOff', string>> = {
  ja: {
    direct: 'お客様による直接同意（Microsoft 365 管理センター）',
    attestation: 'パートナーによる証明（同意リンク）',
    handOff: '間接プロバイダーへの引き継ぎ',
  },
  en: {
    direct: 'Direct acceptance by the customer (Microsoft 365 admin center)',
    attestation: 'Partner attestation (acceptance link)',
    handOff: 'Hand-off to the indirect provider',
  },
};
