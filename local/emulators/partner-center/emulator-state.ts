/**
 * Everything the emulator remembers, as one JSON-serialisable object, and its persistence: with a
 * dataDir the state is written to `state.json` after every change, so a restart keeps it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const MCA = 'MicrosoftCustomerAgreement';
export const MCA_TEMPLATE_ID = '117a77b0-9360-443b-8795-c6dedc750cf9';
export const MCA_AGREEMENT_LINK = 'https://aka.ms/customeragreement';
/** The older Microsoft Cloud Agreement: what `agreementType` means when it is left out. */
export const CLOUD_AGREEMENT = 'MicrosoftCloudAgreement';
/** Emulator-chosen template id of the Microsoft Cloud Agreement (the public docs name none). */
export const CLOUD_AGREEMENT_TEMPLATE_ID = '5a9b5e5c-0000-4000-8000-00000000c1a0';
export const CLOUD_AGREEMENT_LINK = 'https://aka.ms/microsoftcloudagreement';

/** Template and link of an agreement type (the MCA's for anything else). */
export function agreementTemplate(type: string): { templateId: string; agreementLink: string } {
  return type === CLOUD_AGREEMENT
    ? { templateId: CLOUD_AGREEMENT_TEMPLATE_ID, agreementLink: CLOUD_AGREEMENT_LINK }
    : { templateId: MCA_TEMPLATE_ID, agreementLink: MCA_AGREEMENT_LINK };
}

/** Microsoft: attestations show in Partner Center reads "within four hours". */
export const MAX_AGREEMENT_VISIBILITY_DELAY_MS = 4 * 60 * 60 * 1000;
export const DEFAULT_AGREEMENT_VISIBILITY_DELAY_MS = 5 * 60 * 1000;

/** Behaviour a test can change while the emulator runs (kept in memory, like faults). */
export const settingsSchema = z.strictObject({
  /** How long a created agreement stays out of reads (0 to 4 hours of the scenario clock). */
  agreementVisibilityDelayMs: z.number().int().min(0).max(MAX_AGREEMENT_VISIBILITY_DELAY_MS),
});
export type EmulatorSettings = z.infer<typeof settingsSchema>;
/** Cut-off for attestations that still count, and the date the purchase block started. */
export const ATTESTATION_CUTOFF = Date.UTC(2023, 3, 1);
export const PURCHASE_BLOCK_START = Date.UTC(2025, 9, 7);

const contactSchema = z.object({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phoneNumber: z.string().optional(),
});
export type Contact = z.infer<typeof contactSchema>;

const agreementSchema = z.object({
  templateId: z.string(),
  type: z.string(),
  /** As Partner Center writes it: `2023-05-01T00:00:00` (UTC, no zone). */
  dateAgreed: z.string(),
  primaryContact: contactSchema,
  agreementLink: z.string(),
  userId: z.string(),
  attestationId: z.string().optional(),
  /** Reads show the agreement only from this moment (ms since the epoch). */
  visibleAt: z.number(),
});
export type AgreementRecord = z.infer<typeof agreementSchema>;

const customerSchema = z.object({
  tenantId: z.string(),
  companyName: z.string(),
  domain: z.string(),
  country: z.string(),
  relationshipToPartner: z.string(),
  /** Set when the customer was sold through an indirect reseller. */
  indirectResellerId: z.string().optional(),
  createdAt: z.number(),
  directSigned: z.boolean(),
  agreements: z.array(agreementSchema),
});
export type CustomerRecord = z.infer<typeof customerSchema>;

const attestationSchema = z.object({
  id: z.string(),
  customerTenantId: z.string().optional(),
  companyName: z.string(),
  country: z.string(),
  language: z.string(),
  signatory: contactSchema,
  createdAt: z.number(),
  expiresAt: z.number(),
  viewedAt: z.number().optional(),
  acceptedAt: z.number().optional(),
});
export type AttestationRecord = z.infer<typeof attestationSchema>;
export type AttestationState = 'required' | 'pending' | 'accepted' | 'expired';

const auditRecordSchema = z.object({
  id: z.string(),
  operationType: z.string(),
  resourceType: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  operationDate: z.number(),
  resourceNewValue: z.string(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

const tokenSchema = z.object({
  kind: z.enum(['app', 'user']),
  clientId: z.string(),
  userId: z.string().optional(),
  mfa: z.boolean(),
  expiresAt: z.number(),
});
export type TokenRecord = z.infer<typeof tokenSchema>;

const replySchema = z.object({
  status: z.number(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});

const webhookSchema = z.object({ callbackUrl: z.string(), eventNames: z.array(z.string()) });
export type WebhookRegistration = z.infer<typeof webhookSchema>;

const appSchema = z.object({
  clientId: z.string(),
  clientSecret: z.string(),
  /** PEM of the certificate the app signs client assertions with; without it assertions are not verified. */
  certificatePem: z.string().optional(),
  refreshTokens: z.array(
    z.object({
      token: z.string(),
      userId: z.string(),
      mfa: z.boolean(),
      /** Scenario time; unset for a seeded token until its first use (see auth.routes.ts). */
      expiresAt: z.number().optional(),
      /** Issued by a refresh (rotation), as opposed to seeded: forgotten once expired. */
      rotated: z.boolean().optional(),
    }),
  ),
});
export type RegisteredApp = z.infer<typeof appSchema>;

export const stateSchema = z.object({
  partner: z.object({ tenantId: z.string(), companyName: z.string() }),
  apps: z.array(appSchema),
  customers: z.array(customerSchema),
  attestations: z.array(attestationSchema),
  auditRecords: z.array(auditRecordSchema),
  /** Keyed by SHA-256 of the access token: the tokens themselves are never stored. */
  tokens: z.record(z.string(), tokenSchema),
  /** First reply per write request id (`MS-RequestId`), for replays. */
  replies: z.record(z.string(), replySchema),
  webhook: webhookSchema.optional(),
});
export type EmulatorState = z.infer<typeof stateSchema>;

const MAX_STORED_REPLIES = 2000;

/** Holds the state and writes it to disk (when persistent) after each change. */
export class StateStore {
  private readonly file: string | undefined;

  constructor(
    public state: EmulatorState,
    dataDir: string | undefined,
  ) {
    this.file = dataDir === undefined ? undefined : join(dataDir, 'state.json');
  }

  /** The persisted state if dataDir holds one, else the given initial state. */
  static open(dataDir: string | undefined, initial: () => EmulatorState): StateStore {
    if (dataDir !== undefined) {
      mkdirSync(dataDir, { recursive: true });
      const file = join(dataDir, 'state.json');
      if (existsSync(file)) {
        return new StateStore(readStateFile(file), dataDir);
      }
    }
    const store = new StateStore(initial(), dataDir);
    store.save();
    return store;
  }

  /** Applies a change and persists it. */
  update<T>(change: (state: EmulatorState) => T): T {
    const result = change(this.state);
    this.trimReplies();
    this.save();
    return result;
  }

  replace(state: EmulatorState): void {
    this.state = state;
    this.save();
  }

  private trimReplies(): void {
    const keys = Object.keys(this.state.replies);
    for (const key of keys.slice(0, Math.max(0, keys.length - MAX_STORED_REPLIES)))
      delete this.state.replies[key];
  }

  private save(): void {
    if (this.file === undefined) return;
    // Write then rename, so a crash never leaves half a file behind.
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.state, null, 2));
    renameSync(temporary, this.file);
  }
}

function readStateFile(file: string): EmulatorState {
  try {
    return stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    const reason = error instanceof z.ZodError ? z.prettifyError(error) : String(error);
    throw new Error(
      `Cannot load the Partner Center emulator state from ${file} (delete it to start afresh): ${reason}`,
    );
  }
}

export function findCustomer(state: EmulatorState, tenantId: string): CustomerRecord | undefined {
  const wanted = tenantId.toLowerCase();
  return state.customers.find((c) => c.tenantId.toLowerCase() === wanted);
}

export function attestationState(attestation: AttestationRecord, now: number): AttestationState {
  if (attestation.acceptedAt !== undefined) return 'accepted';
  if (now >= attestation.expiresAt) return 'expired';
  return attestation.viewedAt === undefined ? 'required' : 'pending';
}

/** `2023-05-01T00:00:00`: the form Partner Center uses for dateAgreed. */
export function formatPartnerCenterDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');
}

/** Parses an ISO date; a value without a zone is UTC, as in Partner Center. */
export function parsePartnerCenterDate(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const withZone = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) || !value.includes('T') ? value : `${value}Z`;
  const ms = Date.parse(value.includes('T') ? withZone : `${value}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
