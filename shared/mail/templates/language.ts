/** The languages the templates are written in; anything else falls back to English. */
export const MAIL_LANGUAGES = ['ja', 'en'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

export const FALLBACK_LANGUAGE: MailLanguage = 'en';

/** Picks the template language from a BCP 47 tag by its primary language subtag (`ja-JP` -> `ja`). */
export function pickLanguage(bcp47: string | undefined): MailLanguage {
  const primary = (bcp47 ?? '').trim().split(/[-_]/)[0]?.toLowerCase();
  return MAIL_LANGUAGES.find((language) => language === primary) ?? FALLBACK_LANGUAGE;
}
