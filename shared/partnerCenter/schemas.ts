/**
 * zod schemas for Partner Center responses (docs/partner-center.md). Unknown fields are dropped, never
 * rejected; only what the workflow depends on is required.
 */
import { z } from 'zod';
import { MCA_AGREEMENT_TYPE } from '../mca';

export const mcaAgreementType = MCA_AGREEMENT_TYPE;

export const agreementMetadataSchema = z.object({
  templateId: z.string(),
  agreementType: z.string(),
  agreementLink: z.string().optional(),
  versionRank: z.number().optional(),
});
export type AgreementMetadata = z.infer<typeof agreementMetadataSchema>;

export const directSignedStatusSchema = z.object({ isSigned: z.boolean() });
export type DirectSignedStatus = z.infer<typeof directSignedStatusSchema>;

export const contactSchema = z.object({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  phoneNumber: z.string().nullish(),
});

/**
 * One item of GET .../agreements. Only `type` MicrosoftCustomerAgreement items count (shared/mca); an
 * item whose dateAgreed is missing or not a string is kept with none, so the status check skips that
 * item rather than failing the whole read.
 */
export const customerAgreementSchema = z.object({
  primaryContact: contactSchema.optional().catch(undefined),
  templateId: z.string().nullish(),
  /** e.g. `2023-05-01T00:00:00` (no zone): what decides which attestation counts. */
  dateAgreed: z.string().optional().catch(undefined),
  /** `MicrosoftCustomerAgreement`; other types (e.g. `MicrosoftCloudAgreement`) may come back too. */
  type: z.string().nullish(),
  agreementLink: z.string().optional(),
  userId: z.string().optional(),
});
export type CustomerAgreement = z.infer<typeof customerAgreementSchema>;

/** What POST .../agreements answers: an echo of the agreement; nothing in it is relied upon. */
export const createdAgreementSchema = customerAgreementSchema.partial();
export type CreatedAgreement = z.infer<typeof createdAgreementSchema>;

export const customerSchema = z.object({
  id: z.string(),
  companyProfile: z
    .object({
      tenantId: z.string().optional(),
      domain: z.string().optional(),
      companyName: z.string().optional(),
    })
    .optional(),
  relationshipToPartner: z.string().optional(),
});
export type Customer = z.infer<typeof customerSchema>;

export const auditRecordSchema = z.object({
  id: z.string().optional(),
  partnerId: z.string().optional(),
  customerId: z.string().optional(),
  customerName: z.string().optional(),
  resourceType: z.string().optional(),
  resourceNewValue: z.string().nullish(),
  operationType: z.string(),
  operationStatus: z.string().optional(),
  operationDate: z.string(),
  customizedData: z.array(z.object({ key: z.string(), value: z.string().nullish() })).optional(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const nextLinkSchema = z.object({
  uri: z.string(),
  headers: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
});
export type NextLink = z.infer<typeof nextLinkSchema>;

/** `{ totalCount, items, links: { next? } }`, the collection shape of every list call. */
export function collectionSchema<T extends z.ZodType>(item: T) {
  return z.object({
    totalCount: z.number().optional(),
    items: z.array(item),
    links: z.object({ next: nextLinkSchema.nullish() }).nullish(),
  });
}

/**
 * Enhanced attestation response (field names unverified in public docs): the id and the acceptance
 * link are looked for under the plausible names, in this order.
 */
export const attestationIdFields = ['attestationId', 'id'] as const;
export const acceptanceLinkFields = [
  'acceptanceLink',
  'acceptanceUrl',
  'attestationLink',
  'attestationUrl',
  'embedUrl',
  'link',
  'url',
] as const;
export const enhancedAttestationResponseSchema = z.record(z.string(), z.unknown());
