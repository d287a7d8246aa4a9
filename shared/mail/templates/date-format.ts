import type { MailLanguage } from './language';

/** Where a reader of each language most likely is; the time zone is always printed with a time. */
export const DEFAULT_TIME_ZONE: Record<MailLanguage, string> = { ja: 'Asia/Tokyo', en: 'UTC' };

const LOCALE: Record<MailLanguage, string> = { ja: 'ja-JP', en: 'en-GB' };

export interface DateFormatter {
  /** `2026年3月31日(火)` / `Tuesday, 31 March 2026` */
  date(iso: string): string;
  /** `2026年3月31日(火) 18:00 JST` / `Tuesday, 31 March 2026 at 09:00 UTC` */
  dateTime(iso: string): string;
}

export function dateFormatter(language: MailLanguage, timeZone = DEFAULT_TIME_ZONE[language]): DateFormatter {
  const weekday = language === 'ja' ? 'short' : 'long';
  const dateOptions: Intl.DateTimeFormatOptions = {
    timeZone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday,
  };
  const date = new Intl.DateTimeFormat(LOCALE[language], dateOptions);
  const dateTime = new Intl.DateTimeFormat(LOCALE[language], {
    ...dateOptions,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  return {
    date: (iso) => date.format(new Date(iso)),
    dateTime: (iso) => dateTime.format(new Date(iso)),
  };
}
