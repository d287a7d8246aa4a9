/**
 * The leak scan: finds known personal data (signatories' e-mail addresses, phone numbers and names)
 * in what the stack shows outside the places that must hold it.
 *
 * Where personal data may be, and why (everything else is a leak):
 * - logs: nowhere. Log lines go to Application Insights, kept 30 days and read by operators.
 * - durable instances (management API): the orchestration `input` and the history's
 *   `ExecutionStarted` / `EventRaised` inputs, which carry the signatory into the run by design
 *   (shared/store/customer-state.ts: "the signatory's personal data lives in the orchestration input");
 *   and the inputs of the activities that write the mail or make the Partner Center request (the mail
 *   itself, the attestation's primary contact). Never `customStatus`, `output`, activity results or
 *   failure reasons: those are shown to operators and copied into the status API.
 * - outcome events (`mca-outcomes`): nowhere; the contract is tenant id, method, time, event id.
 * - state rows (every table of the store): nowhere; state rows hold company data only.
 * The mails (SendGrid) and the Partner Center requests are not scanned: they must hold it.
 *
 * Matching is exact and fast enough for 10,000 messages' worth: e-mail-like and phone-like runs and
 * words are pulled out of each text and looked up. A name glued to other letters without a separator
 * is found only when it contains a character outside a-z (those are searched as substrings).
 */
import { ACTIVITIES } from '../shared/workflow/contracts';

export interface PiiSources {
  logs: readonly string[];
  /** Instance status objects as the durable management API returns them (with input and history). */
  durable: readonly unknown[];
  /** Outcome event bodies. */
  outcomes: readonly unknown[];
  /** Raw table entities, each with its `table` name. */
  stateRows: readonly unknown[];
}

export interface KnownPii {
  emails: readonly string[];
  phones: readonly string[];
  names: readonly string[];
}

export interface PiiHit {
  /** e.g. `logs[12]`, `durable[mca-...].customStatus.email`, `stateRows[3](McaAuditTrail).detail`. */
  where: string;
  value: string;
  kind: 'email' | 'phone' | 'name';
}

/** Activities whose input is the mail or the Partner Center request itself. */
const ACTIVITIES_THAT_MUST_HOLD_PII = new Set<string>([
  ACTIVITIES.sendMail,
  ACTIVITIES.createAttestation,
  ACTIVITIES.createAgreement,
]);
const INPUT_EVENTS = new Set(['ExecutionStarted', 'EventRaised']);

/** Address-like runs; `?`, `=` and `&` end one, so an address in a query string is found on its own. */
const EMAIL_LIKE = /[^\s@<>()[\]"',;:\\/?=&]+@[^\s@<>()[\]"',;:\\/?=&]+/g;
const PHONE_LIKE = /\+?\d[\d\s().-]{5,}\d/g;
const WORD = /[\p{L}\p{N}]+/gu;
const MIN_PHONE_DIGITS = 7;

export function scanForPii(sources: PiiSources, known: KnownPii): { hits: PiiHit[] } {
  const matcher = createMatcher(known);
  const hits: PiiHit[] = [];
  sources.logs.forEach((line, i) => hits.push(...matcher(line, `logs[${i}]`)));
  sources.durable.forEach((instance, i) => {
    const id = instanceIdOf(instance) ?? String(i);
    walk(withoutAllowedPii(instance), `durable[${id}]`, (text, where) => hits.push(...matcher(text, where)));
  });
  sources.outcomes.forEach((event, i) =>
    walk(event, `outcomes[${i}]`, (text, where) => hits.push(...matcher(text, where))),
  );
  sources.stateRows.forEach((row, i) => {
    const table = isRecord(row) && typeof row.table === 'string' ? `(${row.table})` : '';
    walk(row, `stateRows[${i}]${table}`, (text, where) => hits.push(...matcher(text, where)));
  });
  return { hits };
}

type Matcher = (text: string, where: string) => PiiHit[];

export function createMatcher(known: KnownPii): Matcher {
  const emails = new Set(known.emails.map((e) => e.toLowerCase()));
  const phones = new Map(
    known.phones.map((p) => [digitsOf(p), p] as const).filter(([d]) => d.length >= MIN_PHONE_DIGITS),
  );
  const words = new Map<string, string>();
  const phrases: string[] = [];
  for (const name of known.names) {
    const lower = name.trim().toLowerCase();
    if (!lower) continue;
    if (/^[a-z0-9]+$/.test(lower)) words.set(lower, name);
    else phrases.push(lower);
  }
  return (text, where) => {
    const hits: PiiHit[] = [];
    const lower = text.toLowerCase();
    const decoded = lower.includes('%40') ? lower.replace(/%40/g, '@') : lower;
    for (const [match] of decoded.matchAll(EMAIL_LIKE)) {
      const email = match.replace(/[.]+$/, '');
      if (emails.has(email)) hits.push({ where, value: email, kind: 'email' });
    }
    for (const [match] of text.matchAll(PHONE_LIKE)) {
      const phone = phones.get(digitsOf(match));
      if (phone) hits.push({ where, value: phone, kind: 'phone' });
    }
    for (const [word] of lower.matchAll(WORD)) {
      const name = words.get(word);
      if (name) hits.push({ where, value: name, kind: 'name' });
    }
    for (const phrase of phrases)
      if (lower.includes(phrase)) hits.push({ where, value: phrase, kind: 'name' });
    return hits;
  };
}

function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

/** A copy of an instance status without the parts that must hold personal data (see the header). */
export function withoutAllowedPii(instance: unknown): unknown {
  if (!isRecord(instance)) return instance;
  const { input: _input, historyEvents, ...rest } = instance;
  if (!Array.isArray(historyEvents)) return rest;
  return {
    ...rest,
    historyEvents: historyEvents.map((event: unknown) => {
      if (!isRecord(event)) return event;
      const type = String(event.EventType);
      const mustHold =
        INPUT_EVENTS.has(type) ||
        (type === 'TaskScheduled' && ACTIVITIES_THAT_MUST_HOLD_PII.has(String(event.Name)));
      if (!mustHold) return event;
      const { Input: _held, ...kept } = event;
      return kept;
    }),
  };
}

function instanceIdOf(instance: unknown): string | undefined {
  return isRecord(instance) && typeof instance.instanceId === 'string' ? instance.instanceId : undefined;
}

/** Calls `visit` for every string (values and keys) with its path. */
function walk(value: unknown, where: string, visit: (text: string, where: string) => void): void {
  if (typeof value === 'string') return visit(value, where);
  if (Array.isArray(value)) return value.forEach((item, i) => walk(item, `${where}[${i}]`, visit));
  if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      visit(key, `${where}.${key}(key)`);
      walk(item, `${where}.${key}`, visit);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
