/**
 * The customer's acceptance link. Microsoft has the partner build it: "construct the URL of the
 * embeddable component ... using the Microsoft-provided parameterized link" (docs/partner-center.md
 * "Attesting"). The create response is not documented to carry one, so a link found there is used,
 * and otherwise the partner's template (`PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE`) is filled in.
 */

export const ACCEPTANCE_URL_PLACEHOLDERS = ['attestationId', 'country', 'language'] as const;
export type AcceptanceUrlPlaceholder = (typeof ACCEPTANCE_URL_PLACEHOLDERS)[number];
export type AcceptanceUrlValues = Record<AcceptanceUrlPlaceholder, string>;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Why a template cannot be used, or undefined when it can. */
export function acceptanceUrlTemplateProblem(template: string): string | undefined {
  const names = [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
  const unknown = names.filter((name) => !(ACCEPTANCE_URL_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    return `unknown placeholder ${unknown.map((name) => `{${name}}`).join(', ')}; allowed: ${placeholderList()}`;
  }
  if (!names.includes('attestationId')) return 'expected the {attestationId} placeholder';
  const sample = fillAcceptanceUrl(template, { attestationId: 'id', country: 'US', language: 'en-US' });
  if (!URL.canParse(sample)) return 'expected an absolute URL once its placeholders are filled';
  const { protocol, hostname } = new URL(sample);
  const allowed = protocol === 'https:' || (protocol === 'http:' && LOOPBACK_HOSTS.has(hostname));
  return allowed ? undefined : 'expected an https URL (http only for localhost)';
}

/** The template with every placeholder replaced by its URL-encoded value. */
export function fillAcceptanceUrl(template: string, values: AcceptanceUrlValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? encodeURIComponent(values[name as AcceptanceUrlPlaceholder]) : whole,
  );
}

/** The link from Partner Center's response when there is one; otherwise the partner's template. */
export function acceptanceLink(
  fromResponse: string | undefined,
  template: string | undefined,
  values: AcceptanceUrlValues,
): { url: string; source: 'response' | 'template' } | undefined {
  if (fromResponse !== undefined && fromResponse.trim() !== '')
    return { url: fromResponse, source: 'response' };
  return template === undefined
    ? undefined
    : { url: fillAcceptanceUrl(template, values), source: 'template' };
}

function placeholderList(): string {
  return ACCEPTANCE_URL_PLACEHOLDERS.map((name) => `{${name}}`).join(', ');
}
