/**
 * What each kind of mail needs, as zod schemas: the single source of the TypeScript types, and what
 * `renderMail` checks at run time (activity inputs arrive as JSON, so the types alone prove nothing).
 * Dates are ISO-8601 strings, as they travel through durable activity inputs.
 */
import { z } from 'zod';

const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/** A single line of text a person typed: trimmed, bounded, no line breaks or other control characters. */
const text = (max = 200) =>
  z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');

const instant = z.iso.datetime({ offset: true });
const tenantId = z.guid();

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isHttpsOrLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || LOOPBACK_HOSTS.has(hostname);
}

/**
 * The fields a person or company supplies, as the templates accept them. The workflow's entry schemas
 * (shared/workflow/contracts.ts) build on these, so whatever enters can be mailed.
 */
export const mailFields = {
  companyName: text(),
  personName: text(),
  email: z.email(),
  phone: text(40),
} as const;

const person = z.object({ firstName: mailFields.personName, lastName: mailFields.personName });

/** Someone to write to with questions. */
const contact = z.object({ name: text(), email: mailFields.email, phone: mailFields.phone.optional() });

/** The CSP partner the mail comes from, and whom the reader can ask. */
const partner = z.object({ companyName: text(), contact });

/**
 * The customer accepted the MCA before (an attestation dated before 2023-04-01, never renewed) and
 * must confirm it again: the mail says why and what is blocked instead of the first-time invitation.
 */
const reacceptance = z.boolean().optional();

const directInvite = z.object({
  companyName: mailFields.companyName,
  signatory: person,
  partner,
  /** When given, the mail asks to accept by this date. */
  deadline: instant.optional(),
  reacceptance,
});

const attestationLink = z.object({
  companyName: mailFields.companyName,
  signatory: person,
  partner,
  /** Microsoft's acceptance page for this attestation (plain http only from the local emulator). */
  acceptanceUrl: z.url({ protocol: /^https?$/ }).refine(isHttpsOrLoopback, 'expected an https URL'),
  linkExpiresAt: instant.optional(),
  deadline: instant.optional(),
  reacceptance,
});

const reminderFields = { reminderNumber: z.int().min(1), deadline: instant };

const reminder = z.discriminatedUnion('path', [
  directInvite.extend({ path: z.literal('direct'), ...reminderFields }),
  attestationLink.extend({ path: z.literal('attestation'), ...reminderFields }),
]);

const signatoryContact = person.extend({ email: mailFields.email, phone: mailFields.phone.optional() });

const handOff = z.object({
  companyName: mailFields.companyName,
  tenantId,
  signatory: signatoryContact,
  /** The indirect provider the reseller buys through. */
  provider: z.object({ companyName: text(), contactName: text().optional() }),
  /** The indirect reseller sending the mail. */
  partner,
  deadline: instant.optional(),
  reacceptance,
  /** A reminder of an earlier hand-off (1 = the first reminder). */
  reminderNumber: z.int().min(1).optional(),
});

export const WORKFLOW_PATHS = ['direct', 'attestation', 'handOff'] as const;
export type WorkflowPath = (typeof WORKFLOW_PATHS)[number];

const escalation = z.object({
  companyName: mailFields.companyName,
  tenantId,
  path: z.enum(WORKFLOW_PATHS),
  /** Every mail sent to the customer or provider, reminders included. */
  invitationsSent: z.int().min(0),
  /** Partner Center answered 404 for the customer until the deadline (nobody could be invited). */
  notVisible: z.literal(true).optional(),
  /** An indirect reseller's deployment: acceptance is confirmed by people, Partner Center is not read. */
  confirmsByHand: z.literal(true).optional(),
  deadline: instant,
  signatory: signatoryContact.optional(),
  /** Greets the partner's contact by name when given. */
  recipientName: text().optional(),
  /** Where an operator sees this customer's status (the admin API or dashboard). */
  statusUrl: z.url({ protocol: /^https?$/ }).optional(),
});

const accepted = z.object({
  companyName: mailFields.companyName,
  tenantId,
  method: z.enum(['direct', 'attestation']),
  acceptedAt: instant,
  recipientName: text().optional(),
});

/** To the partner desk: the App+User refresh token was refused (refresh-token-alert.template.ts). */
const refreshTokenAlert = z.object({
  /** The partner whose Partner Center account the token signs in to. */
  companyName: text(),
  refusedAt: instant,
  /** The Entra error code, e.g. `invalid_grant AADSTS700082`: never a message (it may name a user). */
  error: text(),
  recipientName: text().optional(),
});

/** To the partner desk: not covered and no signatory on file (contact-missing.template.ts). */
const contactMissing = z.object({
  companyName: text(),
  tenantId,
  /** Partner Center refuses this customer's purchases (the run started from a purchase block). */
  purchaseBlocked: z.literal(true).optional(),
  recipientName: text().optional(),
});

export const mailDataSchemas = {
  directInvite,
  attestationLink,
  reminder,
  handOff,
  escalation,
  accepted,
  refreshTokenAlert,
  contactMissing,
} as const;

export type MailKind = keyof typeof mailDataSchemas;
export const MAIL_KINDS = Object.keys(mailDataSchemas) as MailKind[];

/** What a caller passes to `renderMail` for a kind. */
export type MailData<K extends MailKind> = z.input<(typeof mailDataSchemas)[K]>;
/** The same after validation (trimmed), what templates read. */
export type ValidMailData<K extends MailKind> = z.output<(typeof mailDataSchemas)[K]>;

export type DirectInviteData = MailData<'directInvite'>;
export type AttestationLinkData = MailData<'attestationLink'>;
export type ReminderData = MailData<'reminder'>;
export type HandOffData = MailData<'handOff'>;
export type EscalationData = MailData<'escalation'>;
export type AcceptedData = MailData<'accepted'>;
export type RefreshTokenAlertData = MailData<'refreshTokenAlert'>;
export type ContactMissingData = MailData<'contactMissing'>;
