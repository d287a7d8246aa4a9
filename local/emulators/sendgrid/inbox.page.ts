/**
 * The inbox a developer opens in a browser: a list of messages and one message's view. Everything
 * rendered is escaped; the HTML part is shown in a sandboxed iframe (no scripts, no same origin).
 */
import { escapeHtml } from '../escape-html';
import {
  effectiveSubject,
  recipientsOf,
  type EmailAddress,
  type StoredMessage,
  type StoredPersonalization,
} from './stored-message';

/** Sent with every page: no scripts anywhere, images only inline, nothing submitted anywhere. */
export const INBOX_PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; img-src data:",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function renderInboxList(messages: StoredMessage[]): string {
  const rows = messages
    .map(
      (m) => `<tr>
  <td>${escapeHtml(m.receivedAt)}</td>
  <td>${escapeHtml(recipientsOf(m).join(', '))}</td>
  <td><a href="/inbox/${encodeURIComponent(m.id)}">${escapeHtml(effectiveSubject(m) ?? '(no subject)')}</a></td>
</tr>`,
    )
    .join('\n');
  const body =
    messages.length === 0
      ? '<p>No messages yet.</p>'
      : `<table>
<thead><tr><th>Received (UTC)</th><th>To</th><th>Subject</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  // Refreshes itself so the demo shows mail as the workflows send it.
  return page('Inbox', `<h1>SendGrid sink: inbox (${messages.length})</h1>\n${body}`, 5);
}

export function renderMessage(m: StoredMessage): string {
  const details: [string, string][] = [
    ['Received (UTC)', m.receivedAt],
    ['Message id', m.id],
    ['From', formatAddress(m.from)],
    ...(m.replyTo ? ([['Reply-To', formatAddress(m.replyTo)]] as [string, string][]) : []),
    ['Subject', m.subject ?? ''],
    ['Template', m.templateId ?? ''],
    ['Categories', m.categories.join(', ')],
    ['Custom args', formatMap(m.customArgs)],
    ['Headers', formatMap(m.headers)],
    ['Attachments', m.attachments.map((a) => `${a.filename} (${a.type ?? 'unknown type'})`).join(', ')],
  ];
  const sections = [
    `<p><a href="/">&larr; Inbox</a></p>`,
    `<h1>${escapeHtml(effectiveSubject(m) ?? '(no subject)')}</h1>`,
    definitionList(details.filter(([, value]) => value !== '')),
    ...m.personalizations.map(renderPersonalization),
    m.html === undefined
      ? ''
      : `<h2>HTML part</h2>\n<iframe sandbox title="HTML part" srcdoc="${escapeHtml(m.html)}"></iframe>`,
    m.text === undefined ? '' : `<h2>Text part</h2>\n<pre>${escapeHtml(m.text)}</pre>`,
  ];
  return page(effectiveSubject(m) ?? 'Message', sections.filter((s) => s !== '').join('\n'));
}

export function renderNotFound(): string {
  return page('Not found', '<p><a href="/">&larr; Inbox</a></p>\n<h1>No such message</h1>');
}

function renderPersonalization(p: StoredPersonalization, index: number): string {
  const details: [string, string][] = [
    ['To', p.to.map(formatAddress).join(', ')],
    ['Cc', p.cc.map(formatAddress).join(', ')],
    ['Bcc', p.bcc.map(formatAddress).join(', ')],
    ['Subject', p.subject ?? ''],
    ['Custom args', formatMap(p.customArgs)],
    ['Headers', formatMap(p.headers)],
  ];
  return `<h2>Personalization ${index + 1}</h2>\n${definitionList(details.filter(([, value]) => value !== ''))}`;
}

function definitionList(entries: [string, string][]): string {
  const items = entries.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`);
  return `<dl>\n${items.join('\n')}\n</dl>`;
}

function formatAddress(a: EmailAddress): string {
  return a.name === undefined ? a.email : `${a.name} <${a.email}>`;
}

function formatMap(map: Record<string, string>): string {
  return Object.entries(map)
    .map(([key, value]) => `${key}: ${value}`)
    .join('; ');
}

function page(title: string, body: string, refreshSeconds?: number): string {
  const refresh =
    refreshSeconds === undefined ? '' : `\n<meta http-equiv="refresh" content="${refreshSeconds}">`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">${refresh}
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
iframe { width: 100%; height: 32rem; border: 1px solid #ccc; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 1rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
