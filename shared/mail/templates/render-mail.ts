import type { z } from 'zod';
import { acceptedTemplate } from './accepted.template';
import { attestationLinkTemplate } from './attestation-link.template';
import type { Template } from './common.blocks';
import { dateFormatter } from './date-format';
import { directInviteTemplate } from './direct-invite.template';
import { contactMissingTemplate } from './contact-missing.template';
import { escalationTemplate } from './escalation.template';
import { handOffTemplate } from './hand-off.template';
import { pickLanguage, type MailLanguage } from './language';
import { mailDataSchemas, type MailData, type MailKind, type ValidMailData } from './mail-data.schema';
import { renderHtml, renderText } from './mail-document';
import { refreshTokenAlertTemplate } from './refresh-token-alert.template';
import { reminderTemplate } from './reminder.template';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** The language the mail was written in (after the fallback). */
  language: MailLanguage;
}

export interface RenderOptions {
  /** IANA time zone for dates and times; default Asia/Tokyo for Japanese, UTC for English. */
  timeZone?: string;
}

/** Bad template data: a bug or a bad activity input, never worth retrying. Names fields, never values. */
export class InvalidMailDataError extends Error {
  override readonly name = 'InvalidMailDataError';
  readonly retryable = false;

  constructor(
    readonly kind: MailKind,
    readonly issues: string[],
  ) {
    super(`invalid ${kind} mail data: ${issues.join('; ')}`);
  }
}

const TEMPLATES: { [K in MailKind]: Template<K> } = {
  directInvite: directInviteTemplate,
  attestationLink: attestationLinkTemplate,
  reminder: reminderTemplate,
  handOff: handOffTemplate,
  escalation: escalationTemplate,
  accepted: acceptedTemplate,
  refreshTokenAlert: refreshTokenAlertTemplate,
  contactMissing: contactMissingTemplate,
};

const SCHEMAS: { [K in MailKind]: z.ZodType<ValidMailData<K>, MailData<K>> } = mailDataSchemas;

/**
 * Renders one mail in the customer's language (`ja-JP`, `ja` -> Japanese; `en-*` and anything else ->
 * English). Throws InvalidMailDataError when `data` does not match the kind's schema.
 */
export function renderMail<K extends MailKind>(
  kind: K,
  data: MailData<K>,
  language: string | undefined,
  options: RenderOptions = {},
): RenderedMail {
  const parsed = SCHEMAS[kind].safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new InvalidMailDataError(kind, issues);
  }
  const mailLanguage = pickLanguage(language);
  const template: Template<K> = TEMPLATES[kind];
  const document = template(parsed.data, {
    language: mailLanguage,
    dates: dateFormatter(mailLanguage, options.timeZone),
  });
  return {
    subject: document.subject,
    text: renderText(document, mailLanguage),
    html: renderHtml(document, mailLanguage),
    language: mailLanguage,
  };
}
