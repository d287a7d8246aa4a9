import { z } from 'zod';

/** The languages the templates are written in; anything else falls back to English. */
export const MAIL_LANGUAGES = ['ja', 'en'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

export const FALLBACK_LANGUAGE: MailLanguage = 'en';

/** Picks the template language from a BCP 47 tag by its primary language subtag (`ja-JP` -> `ja`). */
export function pickLanguage(bcp47: string | undefined): MailLanguage {
  const primary = (bcp47 ?? '').trim().split(/[-_]/)[0]?.toLowerCase();
  return MAIL_LANGUAGES.find((language) => language === primary) ?? FALLBACK_LANGUAGE;
}

/**
 * A BCP 47 language tag as the workflow accepts it (customers' `language`, the partner's and the
 * provider's language settings); `pickLanguage` turns any of them into a template language.
 */
export const languageTagSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a BCP 47 tag, e.g. ja-JP');
