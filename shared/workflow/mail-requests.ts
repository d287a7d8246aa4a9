/**
 * Every mail the onboarding workflow sends, described by what happened (`MailRequest`), turned into a
 * recipient, a template with its data and a send key by `composeMail`. Pure: the partner's names and
 * addresses come in as `PartnerDirectory` (from the settings), so orchestrators never see settings.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { languageTagSchema, type MailData, type MailKind } from '../mail/templates';
import { tenantIdSchema, utcTimestamp } from '../store/customer-state';
import type { SendKey } from '../store/send-keys.repository';
import { customerSchema } from './contracts';

const attestationLink = { acceptanceUrl: z.url(), linkExpiresAt: utcTimestamp.nullable() };

// A plain union: two reminder shapes share the kind, told apart by their path.
const mailSpecSchema = z.union([
  z.object({ kind: z.literal('directInvite') }),
  z.object({
    kind: z.literal('attestationLink'),
    ...attestationLink,
    /** Which attestation of the run (0 first): a new signatory's link is a new mail, not a duplicate. */
    n: z.int().min(0).optional(),
  }),
  z.object({ kind: z.literal('reminder'), n: z.int().min(1), path: z.literal('direct') }),
  z.object({
    kind: z.literal('reminder'),
    n: z.int().min(1),
    path: z.literal('attestation'),
    ...attestationLink,
  }),
  /** To the indirect provider; `n` numbers its reminders (none: the hand-off itself). */
  z.object({ kind: z.literal('handOff'), n: z.int().min(1).optional() }),
  /** To the partner desk: not covered and no signatory on file. */
  z.object({ kind: z.literal('contactMissing'), purchaseBlocked: z.boolean().optional() }),
  z.object({
    kind: z.literal('escalation'),
    path: z.enum(['direct', 'attestation', 'handOff']),
    invitationsSent: z.int().min(0),
    /** Partner Center never showed the customer (404 until the deadline): nobody was invited. */
    notVisible: z.boolean().optional(),
  }),
]);

export const mailRequestSchema = z.object({
  tenantId: tenantIdSchema,
  /** The event that started this run: part of every send key, so a later run may mail again. */
  runKey: z.string().min(1).max(300),
  companyName: z.string().min(1).max(500),
  /** The customer's language: customer mails only (the desk and the provider have their own). */
  language: languageTagSchema,
  deadline: utcTimestamp,
  /** Absent only for the escalation of a customer whose signatory was never supplied. */
  customer: customerSchema.optional(),
  /** The customer accepted before (stale attestation, purchase blocked): mails ask to confirm again. */
  reacceptance: z.boolean().optional(),
  mail: mailSpecSchema,
});
export type MailRequest = z.input<typeof mailRequestSchema>;

export interface PartnerDirectory {
  companyName: string;
  contactEmail: string;
  contactName: string | undefined;
  /** Shown with the partner contact in customer and provider mails. */
  contactPhone: string | undefined;
  /** BCP 47: the language of mails to the partner's desk (escalations). */
  partnerLanguage: string;
  providerEmail: string | undefined;
  providerName: string | undefined;
  /** BCP 47: the language of hand-off mails to the indirect provider. */
  providerLanguage: string;
  /** An indirect reseller's deployment reads nothing from Partner Center: people confirm acceptance. */
  confirmsByHand: boolean;
}

export type ComposedMail = {
  [K in MailKind]: {
    template: K;
    data: MailData<K>;
    to: { email: string; name?: string };
    language: string;
    sendKey: SendKey;
  };
}[MailKind];

export class MailNotComposable extends Error {
  override readonly name = 'MailNotComposable';
}

/** The recipient, template data and send key of one workflow mail. */
export function composeMail(input: MailRequest, partner: PartnerDirectory): ComposedMail {
  const request = mailRequestSchema.parse(input);
  const { mail, customer, companyName, deadline, language } = request;
  const again = request.reacceptance === true ? { reacceptance: true } : {};
  const sendKey = (n: number): SendKey => ({
    tenantId: request.tenantId,
    kind: `${mail.kind}-${runTag(request.runKey)}`,
    n,
  });
  const partnerBlock = {
    companyName: partner.companyName,
    contact: {
      name: partner.contactName ?? partner.companyName,
      email: partner.contactEmail,
      ...(partner.contactPhone ? { phone: partner.contactPhone } : {}),
    },
  };
  const signatoryOf = () => {
    if (!customer) throw new MailNotComposable(`a ${mail.kind} mail needs the customer's signatory`);
    return customer.signatory;
  };
  const toSignatory = () => {
    const { email, firstName, lastName } = signatoryOf();
    return { email, name: `${firstName} ${lastName}` };
  };
  const person = () => ({ firstName: signatoryOf().firstName, lastName: signatoryOf().lastName });
  const contactOf = () => {
    const { firstName, lastName, email, phoneNumber } = signatoryOf();
    return { firstName, lastName, email, ...(phoneNumber ? { phone: phoneNumber } : {}) };
  };
  const link = (spec: { acceptanceUrl: string; linkExpiresAt: string | null }) => ({
    acceptanceUrl: spec.acceptanceUrl,
    ...(spec.linkExpiresAt ? { linkExpiresAt: spec.linkExpiresAt } : {}),
  });
  const common = { companyName, partner: partnerBlock, deadline, ...again };

  switch (mail.kind) {
    case 'directInvite':
      return {
        template: 'directInvite',
        data: { ...common, signatory: person() },
        to: toSignatory(),
        language,
        sendKey: sendKey(0),
      };
    case 'attestationLink':
      return {
        template: 'attestationLink',
        data: { ...common, signatory: person(), ...link(mail) },
        to: toSignatory(),
        language,
        sendKey: sendKey(mail.n ?? 0),
      };
    case 'reminder':
      return {
        template: 'reminder',
        data:
          mail.path === 'attestation'
            ? { ...common, signatory: person(), path: 'attestation', reminderNumber: mail.n, ...link(mail) }
            : { ...common, signatory: person(), path: 'direct', reminderNumber: mail.n },
        to: toSignatory(),
        language,
        sendKey: sendKey(mail.n),
      };
    case 'handOff': {
      if (!partner.providerEmail) throw new MailNotComposable('no INDIRECT_PROVIDER_CONTACT is configured');
      const providerName = partner.providerName ?? partner.providerEmail.split('@')[1] ?? 'provider';
      return {
        template: 'handOff',
        data: {
          ...common,
          tenantId: request.tenantId,
          signatory: contactOf(),
          provider: { companyName: providerName },
          ...(mail.n !== undefined ? { reminderNumber: mail.n } : {}),
        },
        to: { email: partner.providerEmail, name: providerName },
        language: partner.providerLanguage,
        sendKey: sendKey(mail.n ?? 0),
      };
    }
    case 'contactMissing':
      return {
        template: 'contactMissing',
        data: {
          companyName,
          tenantId: request.tenantId,
          ...(mail.purchaseBlocked ? { purchaseBlocked: true } : {}),
          ...(partner.contactName ? { recipientName: partner.contactName } : {}),
        },
        to: deskAddress(partner),
        language: partner.partnerLanguage,
        sendKey: sendKey(0),
      };
    case 'escalation':
      return {
        template: 'escalation',
        data: {
          companyName,
          tenantId: request.tenantId,
          path: mail.path,
          invitationsSent: mail.invitationsSent,
          ...(mail.notVisible ? { notVisible: true } : {}),
          ...(partner.confirmsByHand ? { confirmsByHand: true } : {}),
          deadline,
          ...(customer ? { signatory: contactOf() } : {}),
          ...(partner.contactName ? { recipientName: partner.contactName } : {}),
        },
        to: deskAddress(partner),
        language: partner.partnerLanguage,
        sendKey: sendKey(0),
      };
  }
}

function deskAddress(partner: PartnerDirectory): { email: string; name?: string } {
  return { email: partner.contactEmail, ...(partner.contactName ? { name: partner.contactName } : {}) };
}

/** A short, key-safe tag of the run's event id (send-key kinds allow letters, digits and '-'). */
export function runTag(runKey: string): string {
  return createHash('sha256').update(runKey).digest('hex').slice(0, 16);
}
