/** The n-th reminder: the original request of either path, led in by a reminder note with the deadline. */
import { attestationLinkBody, attestationLinkSubject } from './attestation-link.template';
import { customerMail, type Template, type TemplateContext } from './common.blocks';
import { directInviteBody, directInviteSubject } from './direct-invite.template';
import type { MailLanguage } from './language';
import { paragraph, strong, type Block } from './mail-document';

const ENGLISH_ORDINAL_SUFFIX: Record<Intl.LDMLPluralRule, string> = {
  zero: 'th',
  one: 'st',
  two: 'nd',
  few: 'rd',
  many: 'th',
  other: 'th',
};
const englishOrdinals = new Intl.PluralRules('en-US', { type: 'ordinal' });

function ordinal(n: number): string {
  return `${n}${ENGLISH_ORDINAL_SUFFIX[englishOrdinals.select(n)]}`;
}

function leadIn(
  {
    reminderNumber,
    deadline,
    reacceptance,
  }: { reminderNumber: number; deadline: string; reacceptance?: boolean },
  { language, dates }: TemplateContext,
): Block[] {
  const by = dates.date(deadline);
  const again = reacceptance === true;
  if (language === 'ja') {
    return [
      paragraph(
        `※本メールは${reminderNumber}回目の再送です。先日ご案内いたしました Microsoft 顧客契約への${again ? '再同意' : 'ご同意'}について、現時点でまだ確認ができておりません。お手数をおかけしますが、`,
        strong(by),
        'までにお手続きをお願いいたします。なお、本メールと行き違いでご同意いただいている場合は、何卒ご容赦ください。',
      ),
    ];
  }
  return [
    paragraph(
      `This is our ${ordinal(reminderNumber)} reminder: ${again ? 'we have not yet seen that you have accepted the Microsoft Customer Agreement again' : 'we have not yet seen your acceptance of the Microsoft Customer Agreement'}. Please complete it by `,
      strong(by),
      '. If you have accepted it in the meantime, please disregard this message.',
    ),
  ];
}

const SUBJECT_PREFIX: Record<MailLanguage, string> = { ja: '【再送】', en: 'Reminder: ' };

export const reminderTemplate: Template<'reminder'> = (data, context) => {
  const [subject, body] =
    data.path === 'direct'
      ? [directInviteSubject(data, context), directInviteBody(data, context)]
      : [attestationLinkSubject(data, context), attestationLinkBody(data, context)];
  return customerMail(data, context.language, `${SUBJECT_PREFIX[context.language]}${subject}`, [
    ...leadIn(data, context),
    ...body,
  ]);
};
