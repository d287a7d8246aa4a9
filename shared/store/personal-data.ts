/**
 * A guard for free text that must hold no personal data (the audit trail): it finds things that look
 * like an e-mail address or a phone number. Deliberately eager: ten or more digits in one run count as
 * a phone number, so write times as ISO-8601, not as epoch milliseconds.
 */

/** Something@something: eager on purpose (no top-level domain needed). */
const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+/;

/** Digit-heavy things that are not phone numbers: GUIDs (tenant ids) and ISO dates and times. */
const NOT_PHONE_NUMBERS = [
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
  /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g,
];

/**
 * A run of digits, optionally led by `+` or `(`, joined by up to two spaces, dots, dashes or parentheses,
 * not glued to letters or digits on either side (so hex ids are not runs).
 */
const DIGIT_RUN = /(?<!\w)[+(]?\d(?:[ .()-]{0,2}\d)*(?!\w)/g;
const MIN_PHONE_DIGITS = 10;

export type PersonalDataKind = 'email' | 'phone';

export function findPersonalData(text: string): PersonalDataKind | undefined {
  if (EMAIL.test(text)) return 'email';
  const rest = NOT_PHONE_NUMBERS.reduce((remaining, pattern) => remaining.replace(pattern, ' '), text);
  for (const [run] of rest.matchAll(DIGIT_RUN)) {
    if (run.replace(/\D/g, '').length >= MIN_PHONE_DIGITS) return 'phone';
  }
  return undefined;
}

/** For messages: names the kind of data found, never the data. */
export const PERSONAL_DATA_NAMES: Record<PersonalDataKind, string> = {
  email: 'an e-mail address',
  phone: 'a phone number',
};

/**
 * For free text that is worth keeping but may quote someone (an error message from a provider): the text
 * itself when it looks clean, otherwise a note saying what was withheld.
 */
export function withholdPersonalData(text: string): string {
  const found = findPersonalData(text);
  return found ? `(withheld: the text contained ${PERSONAL_DATA_NAMES[found]})` : text;
}
