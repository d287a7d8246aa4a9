/**
 * The seed: the registered app and the book of customers the emulator starts with
 * (`seed.json` by default; a path or an object can be passed instead).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { assetPath } from './assets';
import {
  CLOUD_AGREEMENT,
  MCA,
  agreementTemplate,
  formatPartnerCenterDate,
  parsePartnerCenterDate,
  type AgreementRecord,
  type AuditRecord,
  type Contact,
  type CustomerRecord,
  type EmulatorState,
} from './emulator-state';

const isoDate = z.string().refine((value) => parsePartnerCenterDate(value) !== undefined, 'an ISO-8601 date');

const seedContact = z.object({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phoneNumber: z.string().optional(),
});

export const seedSchema = z.object({
  partner: z.object({ tenantId: z.string(), companyName: z.string() }),
  apps: z
    .array(
      z.object({
        clientId: z.string(),
        clientSecret: z.string(),
        certificatePem: z.string().optional(),
        refreshTokens: z
          .array(z.object({ token: z.string(), userId: z.string(), mfa: z.boolean().default(true) }))
          .default([]),
      }),
    )
    .min(1),
  customers: z.array(
    z.object({
      tenantId: z.string(),
      companyName: z.string(),
      domain: z.string(),
      country: z.string().default('US'),
      createdAt: isoDate,
      indirectResellerId: z.string().optional(),
      directSigned: z.boolean().default(false),
      agreements: z
        .array(
          z.object({
            dateAgreed: isoDate,
            primaryContact: seedContact,
            /** `MicrosoftCloudAgreement` for the older agreement some customers still have. */
            type: z.enum([MCA, CLOUD_AGREEMENT]).default(MCA),
          }),
        )
        .default([]),
    }),
  ),
});
export type Seed = z.input<typeof seedSchema>;

export const DEFAULT_SEED_PATH = assetPath('seed.json');

export function loadSeed(seed: string | Seed | undefined): z.output<typeof seedSchema> {
  const raw: unknown =
    typeof seed === 'object' ? seed : JSON.parse(readFileSync(seed ?? DEFAULT_SEED_PATH, 'utf8'));
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`Invalid Partner Center emulator seed: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function stateFromSeed(seed: z.output<typeof seedSchema>): EmulatorState {
  const customers: CustomerRecord[] = seed.customers.map((c) => ({
    tenantId: c.tenantId,
    companyName: c.companyName,
    domain: c.domain,
    country: c.country,
    relationshipToPartner: 'reseller',
    indirectResellerId: c.indirectResellerId,
    createdAt: parsePartnerCenterDate(c.createdAt) ?? 0,
    directSigned: c.directSigned,
    agreements: c.agreements.map(existingAgreement),
  }));
  return {
    partner: seed.partner,
    apps: seed.apps,
    customers,
    attestations: [],
    auditRecords: customers.map((c) => addCustomerAuditRecord(c)),
    tokens: {},
    replies: {},
  };
}

/** An agreement the customer already had before the scenario starts (visible from the outset). */
export function existingAgreement(input: {
  dateAgreed: string;
  primaryContact: Contact;
  type: string;
}): AgreementRecord {
  return {
    ...agreementTemplate(input.type),
    type: input.type,
    dateAgreed: formatPartnerCenterDate(parsePartnerCenterDate(input.dateAgreed) ?? 0),
    primaryContact: input.primaryContact,
    userId: crypto.randomUUID(),
    visibleAt: 0,
  };
}

/**
 * The `add_customer` audit record Partner Center writes when a customer is created. As in Microsoft's
 * records, it has an `id`, and `resourceNewValue` is the customer serialised in PascalCase.
 */
export function addCustomerAuditRecord(customer: CustomerRecord): AuditRecord {
  return {
    id: crypto.randomUUID(),
    operationType: 'add_customer',
    resourceType: 'customer',
    customerId: customer.tenantId,
    customerName: customer.companyName,
    operationDate: customer.createdAt,
    resourceNewValue: JSON.stringify({
      Id: customer.tenantId,
      CompanyProfile: {
        TenantId: customer.tenantId,
        Domain: customer.domain,
        CompanyName: customer.companyName,
      },
      AssociatedPartnerId: customer.indirectResellerId ?? null,
    }),
  };
}
