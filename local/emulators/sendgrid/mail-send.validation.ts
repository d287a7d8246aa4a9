/**
 * Validation of a v3 Mail Send body as SendGrid does it: first the JSON types ("Invalid type. Expected:
 * string, given: integer."), then the rules, each reported with the `field` it concerns. Messages follow
 * SendGrid's published error list (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors).
 */
import { z } from 'zod';

export interface SendGridError {
  message: string;
  field: string | null;
  help: string | null;
}

export type MailSendValidation =
  { ok: true; request: MailSendRequest } | { ok: false; errors: SendGridError[] };

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';
const MAX_PERSONALIZATIONS = 1000;
const MAX_RECIPIENTS = 1000;
const MAX_CATEGORIES = 10;
const MAX_CATEGORY_LENGTH = 255;
const MAX_CUSTOM_ARGS_BYTES = 10000;

const addressSchema = z.object({ email: z.string().optional(), name: z.string().optional() });
const stringMapSchema = z.record(z.string(), z.string());

const personalizationSchema = z.object({
  to: z.array(addressSchema).optional(),
  cc: z.array(addressSchema).optional(),
  bcc: z.array(addressSchema).optional(),
  subject: z.string().optional(),
  headers: stringMapSchema.optional(),
  substitutions: stringMapSchema.optional(),
  custom_args: stringMapSchema.optional(),
  dynamic_template_data: z.record(z.string(), z.unknown()).optional(),
  send_at: z.int().optional(),
});

const mailSendSchema = z.object({
  personalizations: z.array(personalizationSchema).optional(),
  from: addressSchema.optional(),
  reply_to: addressSchema.optional(),
  subject: z.string().optional(),
  content: z.array(z.object({ type: z.string().optional(), value: z.string().optional() })).optional(),
  attachments: z
    .array(
      z.object({
        content: z.string(),
        filename: z.string(),
        type: z.string().optional(),
        disposition: z.string().optional(),
        content_id: z.string().optional(),
      }),
    )
    .optional(),
  template_id: z.string().optional(),
  headers: stringMapSchema.optional(),
  categories: z.array(z.string()).optional(),
  custom_args: stringMapSchema.optional(),
  send_at: z.int().optional(),
  mail_settings: z
    .looseObject({ sandbox_mode: z.looseObject({ enable: z.boolean().optional() }).optional() })
    .optional(),
});

export type MailSendRequest = z.infer<typeof mailSendSchema>;
type Address = z.infer<typeof addressSchema>;

export function validateMailSend(body: unknown): MailSendValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [badRequest()] };
  }
  const parsed = mailSendSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => typeError(i, body)) };
  const request = parsed.data;
  const errors = [
    ...checkFrom(request.from),
    ...checkReplyTo(request.reply_to),
    ...checkPersonalizations(request.personalizations),
    ...checkSubject(request),
    ...checkContent(request),
    ...checkCategories(request.categories),
    ...checkCustomArgs(request.custom_args),
  ];
  return errors.length === 0 ? { ok: true, request } : { ok: false, errors };
}

/** What SendGrid answers to a body it cannot read as a JSON object. */
export function badRequest(): SendGridError {
  return { message: 'Bad Request', field: null, help: null };
}

/** SendGrid's rule is looser than RFC 5322 but needs a local part, an @ and a dotted domain. */
export function isValidEmail(email: string): boolean {
  return /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(\.[^\s@<>()[\]\\,;:".]+)+$/.test(email.trim());
}

function error(field: string, message: string, anchor: string): SendGridError {
  return { message, field, help: `${HELP}#${anchor}` };
}

function typeError(issue: z.core.$ZodIssue, body: unknown): SendGridError {
  const field = issue.path.map(String).join('.');
  if (issue.code !== 'invalid_type') return error(field, issue.message, 'message');
  const expected = issue.expected === 'int' ? 'integer' : issue.expected;
  const given = jsonTypeOf(valueAt(body, issue.path));
  return error(field, `Invalid type. Expected: ${expected}, given: ${given}.`, 'message');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function checkFrom(from: Address | undefined): SendGridError[] {
  if (from?.email === undefined || from.email.trim() === '') {
    return [
      error(
        'from.email',
        'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
        'message.from',
      ),
    ];
  }
  if (!isValidEmail(from.email)) {
    return [error('from.email', 'The from email does not contain a valid address.', 'message.from')];
  }
  return [];
}

function checkReplyTo(replyTo: Address | undefined): SendGridError[] {
  if (replyTo === undefined || (replyTo.email !== undefined && isValidEmail(replyTo.email))) return [];
  return [
    error('reply_to.email', 'The reply_to email does not contain a valid address.', 'message.reply_to'),
  ];
}

function checkPersonalizations(personalizations: MailSendRequest['personalizations']): SendGridError[] {
  const anchor = '-Personalizations-Errors';
  if (personalizations === undefined || personalizations.length === 0) {
    return [
      error(
        'personalizations',
        'The personalizations field is required and must have at least one personalization.',
        anchor,
      ),
    ];
  }
  if (personalizations.length > MAX_PERSONALIZATIONS) {
    return [
      error(
        'personalizations',
        `The personalization block is limited to ${MAX_PERSONALIZATIONS} personalizations per API request. You have provided ${personalizations.length} personalizations. Please consider splitting this into multiple requests and resending your request.`,
        anchor,
      ),
    ];
  }
  const errors = personalizations.flatMap((p, i) => checkPersonalization(p, `personalizations.${i}`));
  const recipients = personalizations.reduce(
    (n, p) => n + (p.to?.length ?? 0) + (p.cc?.length ?? 0) + (p.bcc?.length ?? 0),
    0,
  );
  if (recipients > MAX_RECIPIENTS) {
    errors.push(
      error(
        'personalizations',
        `There is a limit of ${MAX_RECIPIENTS} total recipients (to + cc + bcc) per request.`,
        anchor,
      ),
    );
  }
  return errors;
}

function checkPersonalization(p: z.infer<typeof personalizationSchema>, field: string): SendGridError[] {
  const errors: SendGridError[] = [];
  if (p.to === undefined || p.to.length === 0) {
    errors.push(
      error(
        `${field}.to`,
        'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
        'message.personalizations.to',
      ),
    );
  }
  for (const kind of ['to', 'cc', 'bcc'] as const) {
    (p[kind] ?? []).forEach((address, j) => {
      const at = `${field}.${kind}.${j}.email`;
      const anchor = `message.personalizations.${kind}`;
      if (address.email === undefined || address.email.trim() === '') {
        errors.push(error(at, `The ${kind} email parameter is required.`, anchor));
      } else if (!isValidEmail(address.email)) {
        errors.push(error(at, 'Does not contain a valid address.', anchor));
      }
    });
  }
  const duplicate = firstDuplicate(p);
  if (duplicate) {
    errors.push(
      error(
        field,
        `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${duplicate.email}] in the ${field}.${duplicate.kind} field.`,
        'message.recipient.duplicates',
      ),
    );
  }
  return errors;
}

function firstDuplicate(
  p: z.infer<typeof personalizationSchema>,
): { email: string; kind: string } | undefined {
  const seen = new Set<string>();
  for (const kind of ['to', 'cc', 'bcc'] as const) {
    for (const { email } of p[kind] ?? []) {
      if (email === undefined) continue;
      const key = email.trim().toLowerCase();
      if (seen.has(key)) return { email, kind };
      seen.add(key);
    }
  }
  return undefined;
}

function checkSubject(request: MailSendRequest): SendGridError[] {
  if (request.template_id !== undefined) return [];
  const hasSubject = (s: string | undefined): boolean => s !== undefined && s.trim() !== '';
  const everyPersonalizationHasOne =
    (request.personalizations ?? []).length > 0 &&
    (request.personalizations ?? []).every((p) => hasSubject(p.subject));
  if (hasSubject(request.subject) || everyPersonalizationHasOne) return [];
  return [
    error(
      'subject',
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      'message.subject',
    ),
  ];
}

function checkContent(request: MailSendRequest): SendGridError[] {
  const content = request.content ?? [];
  if (content.length === 0) {
    if (request.template_id !== undefined) return [];
    return [
      error(
        'content',
        'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
        'message.content',
      ),
    ];
  }
  const errors: SendGridError[] = [];
  content.forEach((block, i) => {
    if (block.type === undefined || block.type.trim() === '') {
      errors.push(error(`content.${i}.type`, 'The content type must be provided.', 'message.content.type'));
    } else if (/[;\r\n]/.test(block.type)) {
      errors.push(
        error(
          `content.${i}.type`,
          "The content type cannot contain ';', or CRLF characters.",
          'message.content.type',
        ),
      );
    }
    if (block.value === undefined || block.value === '') {
      errors.push(
        error(
          `content.${i}.value`,
          'The content value must be a string at least one character in length.',
          'message.content.value',
        ),
      );
    }
  });
  if (errors.length === 0 && !inSendGridOrder(content.map((c) => (c.type ?? '').toLowerCase()))) {
    errors.push(
      error(
        'content',
        'If present, text/plain and text/html may only be provided in this order: text/plain, text/html, followed by any other content.',
        'message.content',
      ),
    );
  }
  return errors;
}

/** text/plain first (if present), then text/html (if present), then anything else. */
function inSendGridOrder(types: string[]): boolean {
  const rank = (type: string): number => (type === 'text/plain' ? 0 : type === 'text/html' ? 1 : 2);
  return types.every((type, i) => i === 0 || rank(types[i - 1] ?? '') <= rank(type));
}

function checkCategories(categories: string[] | undefined): SendGridError[] {
  if (categories === undefined) return [];
  const errors: SendGridError[] = [];
  if (categories.length > MAX_CATEGORIES) {
    errors.push(
      error(
        'categories',
        `You may not have more than ${MAX_CATEGORIES} categories per request.`,
        'message.categories',
      ),
    );
  }
  categories.forEach((category, i) => {
    if (category.length > MAX_CATEGORY_LENGTH) {
      errors.push(
        error(
          `categories.${i}`,
          `A category cannot be more than ${MAX_CATEGORY_LENGTH} characters.`,
          'message.categories',
        ),
      );
    }
  });
  return errors;
}

function checkCustomArgs(customArgs: Record<string, string> | undefined): SendGridError[] {
  if (customArgs === undefined) return [];
  if (Buffer.byteLength(JSON.stringify(customArgs)) < MAX_CUSTOM_ARGS_BYTES) return [];
  return [
    error(
      'custom_args',
      `The total size of custom arguments must be less than ${MAX_CUSTOM_ARGS_BYTES} bytes.`,
      'message.custom_args',
    ),
  ];
}
