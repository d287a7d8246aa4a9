/**
 * To the partner desk: workflow mails whose send outcome is unknown (SendGrid may or may not have taken
 * them). They are never sent again automatically, so a person checks whether each one arrived. Lists
 * tenant ids and mail kinds only: no names, addresses or other personal data.
 */
import { z } from 'zod';
import type { RenderedMail } from './render-mail';
import { internalMail } from './common.blocks';
import { pickLanguage, type MailLanguage } from './language';
import { paragraph, renderHtml, renderText, steps, type MailDocument } from './mail-document';

export const unknownSendsDataSchema = z.object({
  sends: z
    .array(
      z.object({
        tenantId: z.guid(),
        /** Which mail, e.g. `reminder`; `n` tells reminders apart (0 for one-off mails). */
        mailKind: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,49}$/),
        n: z.int().min(0),
      }),
    )
    .min(1)
    .max(1000),
  recipientName: z.string().trim().min(1).max(200).optional(),
});
export type UnknownSendsData = z.input<typeof unknownSendsDataSchema>;

const WORDS: Record<MailLanguage, { subject: (count: number) => string; intro: string; next: string[] }> = {
  ja: {
    subject: (count) => `【要確認】送信結果が不明な MCA ワークフローのメール：${count} 件`,
    intro:
      '次のメールは、SendGrid が受け付けたかどうか確認できませんでした。二重送信を避けるため、ワークフローは自動では再送しません。',
    next: [
      'SendGrid のアクティビティ（カスタム引数 sendKey）で、各メールが配信されたかご確認ください。',
      '届いていない場合は、お客様に個別にご連絡ください。',
    ],
  },
  en: {
    subject: (count) => `MCA workflow mails with an unknown send outcome: ${count}`,
    intro:
      'SendGrid may or may not have accepted the mails below. To avoid sending them twice, the workflow will not send them again.',
    next: [
      'Check in SendGrid’s activity (custom argument sendKey) whether each mail was delivered.',
      'Contact the customer yourself where it was not.',
    ],
  },
};

/** One line per send: the tenant id and which mail (`reminder #2` for numbered ones). */
function sendLine(send: { tenantId: string; mailKind: string; n: number }): string {
  return send.n > 0 ? `${send.tenantId}: ${send.mailKind} #${send.n}` : `${send.tenantId}: ${send.mailKind}`;
}

export function unknownSendsDocument(data: UnknownSendsData, language: MailLanguage): MailDocument {
  const valid = unknownSendsDataSchema.parse(data);
  const words = WORDS[language];
  return internalMail(valid.recipientName, language, words.subject(valid.sends.length), [
    paragraph(words.intro),
    steps(...valid.sends.map((send) => [sendLine(send)])),
    ...words.next.map((text) => paragraph(text)),
  ]);
}

/** The desk report as a mail in `language` (`ja-JP` -> Japanese, anything else English). */
export function renderUnknownSendsReport(data: UnknownSendsData, language: string): RenderedMail {
  const mailLanguage = pickLanguage(language);
  const document = unknownSendsDocument(data, mailLanguage);
  return {
    subject: document.subject,
    text: renderText(document, mailLanguage),
    html: renderHtml(document, mailLanguage),
    language: mailLanguage,
  };
}
