/**
 * What the sink keeps of every accepted Mail Send request. The schema is the single source of the type
 * and also decodes the JSON files a restart reads back.
 */
import { z } from 'zod';
import type { MailSendRequest } from './mail-send.validation';

const emailAddressSchema = z.object({ email: z.string(), name: z.string().optional() });

const stringMapSchema = z.record(z.string(), z.string());

const storedPersonalizationSchema = z.object({
  to: z.array(emailAddressSchema),
  cc: z.array(emailAddressSchema),
  bcc: z.array(emailAddressSchema),
  /** The personalization's own subject, when it overrides the message's. */
  subject: z.string().optional(),
  headers: stringMapSchema,
  customArgs: stringMapSchema,
  substitutions: stringMapSchema,
  dynamicTemplateData: z.record(z.string(), z.unknown()).optional(),
  sendAt: z.number().optional(),
});

const storedAttachmentSchema = z.object({
  filename: z.string(),
  type: z.string().optional(),
  disposition: z.string().optional(),
  contentId: z.string().optional(),
  /** Base64, as sent. */
  content: z.string(),
});

export const storedMessageSchema = z.object({
  /** The `X-Message-Id` the sink answered with. */
  id: z.string(),
  /** Arrival order, so messages received at the same (virtual) instant still list newest first. */
  sequence: z.number().int(),
  /** ISO-8601, from the sink's clock. */
  receivedAt: z.string(),
  from: emailAddressSchema,
  replyTo: emailAddressSchema.optional(),
  /** The message-level subject (a personalization may override it). */
  subject: z.string().optional(),
  personalizations: z.array(storedPersonalizationSchema),
  content: z.array(z.object({ type: z.string(), value: z.string() })),
  /** The text/plain and text/html parts, for convenience. */
  text: z.string().optional(),
  html: z.string().optional(),
  templateId: z.string().optional(),
  headers: stringMapSchema,
  customArgs: stringMapSchema,
  categories: z.array(z.string()),
  sendAt: z.number().optional(),
  attachments: z.array(storedAttachmentSchema),
});

export type EmailAddress = z.infer<typeof emailAddressSchema>;
export type StoredPersonalization = z.infer<typeof storedPersonalizationSchema>;
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export interface MessageFilter {
  /** A recipient address (to, cc or bcc), compared case-insensitively. */
  to?: string;
}

/** Every address the message goes to, across personalizations. */
export function recipientsOf(message: StoredMessage): string[] {
  return message.personalizations.flatMap((p) => [...p.to, ...p.cc, ...p.bcc].map((a) => a.email));
}

/** The subject the first recipient sees. */
export function effectiveSubject(message: StoredMessage): string | undefined {
  return message.personalizations[0]?.subject ?? message.subject;
}

export function matchesFilter(message: StoredMessage, filter: MessageFilter = {}): boolean {
  if (filter.to === undefined) return true;
  const wanted = filter.to.trim().toLowerCase();
  return recipientsOf(message).some((email) => email.toLowerCase() === wanted);
}

/** Turns a validated request into what the sink stores (camelCase, defaults filled in). */
export function toStoredMessage(
  request: MailSendRequest,
  meta: { id: string; sequence: number; receivedAt: string },
): StoredMessage {
  const content = (request.content ?? []).map((c) => ({ type: c.type ?? '', value: c.value ?? '' }));
  const part = (type: string): string | undefined =>
    content.find((c) => c.type.toLowerCase() === type)?.value;
  return {
    ...meta,
    from: address(request.from ?? {}),
    replyTo: request.reply_to && address(request.reply_to),
    subject: request.subject,
    personalizations: (request.personalizations ?? []).map((p) => ({
      to: (p.to ?? []).map(address),
      cc: (p.cc ?? []).map(address),
      bcc: (p.bcc ?? []).map(address),
      subject: p.subject,
      headers: p.headers ?? {},
      customArgs: p.custom_args ?? {},
      substitutions: p.substitutions ?? {},
      dynamicTemplateData: p.dynamic_template_data,
      sendAt: p.send_at,
    })),
    content,
    text: part('text/plain'),
    html: part('text/html'),
    templateId: request.template_id,
    headers: request.headers ?? {},
    customArgs: request.custom_args ?? {},
    categories: request.categories ?? [],
    sendAt: request.send_at,
    attachments: (request.attachments ?? []).map((a) => ({
      filename: a.filename,
      type: a.type,
      disposition: a.disposition,
      contentId: a.content_id,
      content: a.content,
    })),
  };
}

function address(a: { email?: string; name?: string }): EmailAddress {
  return a.name === undefined ? { email: a.email ?? '' } : { email: a.email ?? '', name: a.name };
}
