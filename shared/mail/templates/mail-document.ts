/**
 * A tiny document model every template writes to, rendered twice: as plain text and as self-contained
 * HTML. Templates never build markup themselves, so every interpolated value is escaped exactly once,
 * here, and the two parts cannot drift apart.
 */
import type { MailLanguage } from './language';

/** A run of text, a link (shown with its own address, so the reader sees where it goes) or emphasis. */
export type Inline = string | { href: string } | { strong: string };

export type Block =
  /** One paragraph of running text. */
  | { type: 'paragraph'; content: Inline[] }
  /** Short lines kept apart (an address block, a signature). */
  | { type: 'lines'; lines: Inline[][] }
  /** Numbered steps. */
  | { type: 'steps'; steps: Inline[][] }
  /** Label/value pairs (company name, tenant id, ...). */
  | { type: 'facts'; facts: [label: string, value: Inline][] };

export interface MailDocument {
  subject: string;
  blocks: Block[];
}

export const paragraph = (...content: Inline[]): Block => ({ type: 'paragraph', content });
export const lines = (...rows: Inline[][]): Block => ({ type: 'lines', lines: rows });
export const steps = (...items: Inline[][]): Block => ({ type: 'steps', steps: items });
export const facts = (...rows: [string, Inline][]): Block => ({ type: 'facts', facts: rows });
export const link = (href: string): Inline => ({ href });
export const strong = (text: string): Inline => ({ strong: text });

const FACT_SEPARATOR: Record<MailLanguage, string> = { ja: '：', en: ': ' };

export function renderText(document: MailDocument, language: MailLanguage): string {
  const inlineText = (inline: Inline): string =>
    typeof inline === 'string' ? inline : 'href' in inline ? inline.href : inline.strong;
  const join = (content: Inline[]): string => content.map(inlineText).join('');
  const block = (b: Block): string => {
    switch (b.type) {
      case 'paragraph':
        return join(b.content);
      case 'lines':
        return b.lines.map(join).join('\n');
      case 'steps':
        return b.steps.map((step, i) => `${i + 1}. ${join(step)}`).join('\n');
      case 'facts':
        return b.facts
          .map(([label, value]) => `${label}${FACT_SEPARATOR[language]}${inlineText(value)}`)
          .join('\n');
    }
  };
  return `${document.blocks.map(block).join('\n\n')}\n`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const FONT_FAMILY: Record<MailLanguage, string> = {
  ja: "'Hiragino Sans','Yu Gothic','Meiryo',sans-serif",
  en: "'Segoe UI',Arial,sans-serif",
};

/** A complete HTML document: inline styles only, no images, scripts or external resources. */
export function renderHtml(document: MailDocument, language: MailLanguage): string {
  const inlineHtml = (inline: Inline): string => {
    if (typeof inline === 'string') return escapeHtml(inline);
    if ('href' in inline) {
      const href = escapeHtml(inline.href);
      return `<a href="${href}" style="color:#0f5ea8;word-break:break-all">${href}</a>`;
    }
    return `<strong>${escapeHtml(inline.strong)}</strong>`;
  };
  const join = (content: Inline[]): string => content.map(inlineHtml).join('');
  const block = (b: Block): string => {
    switch (b.type) {
      case 'paragraph':
        return `<p style="margin:0 0 16px">${join(b.content)}</p>`;
      case 'lines':
        return `<p style="margin:0 0 16px">${b.lines.map(join).join('<br>')}</p>`;
      case 'steps':
        return `<ol style="margin:0 0 16px;padding-left:24px">${b.steps.map((s) => `<li style="margin:0 0 8px">${join(s)}</li>`).join('')}</ol>`;
      case 'facts':
        return `<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">${b.facts
          .map(
            ([label, value]) =>
              `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:2px 16px 2px 0;font-weight:600">${escapeHtml(label)}</th><td style="padding:2px 0">${inlineHtml(value)}</td></tr>`,
          )
          .join('')}</table>`;
    }
  };
  return [
    '<!DOCTYPE html>',
    `<html lang="${language}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(document.subject)}</title></head>`,
    `<body style="margin:0;padding:24px;background:#ffffff;color:#1b1b1b;font-family:${FONT_FAMILY[language]};font-size:15px;line-height:1.7">`,
    '<div style="max-width:640px">',
    ...document.blocks.map(block),
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
