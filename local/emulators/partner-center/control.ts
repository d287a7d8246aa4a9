/**
 * The control API: what a developer or a test does "as Microsoft or as the customer" (add a
 * customer, accept, expire links, inject faults, read the request log, reset). Used in-process
 * through `PartnerCenterControl` and over HTTP under `/_control/...` (see control.routes.ts).
 */
import { z } from 'zod';
import type { Clock } from '../../clock';
import { acceptDirectly } from './admin-center.routes';
import { mcaCoverage, type McaCoverage } from './agreements.routes';
import { acceptAttestation, type AttestationOptions } from './attestations.routes';
import {
  CLOUD_AGREEMENT,
  MCA,
  attestationState,
  findCustomer,
  parsePartnerCenterDate,
  settingsSchema,
  type AttestationState,
  type CustomerRecord,
  type EmulatorSettings,
  type EmulatorState,
  type StateStore,
} from './emulator-state';
import type { FaultInjector, FaultRule } from './faults';
import { addCustomerAuditRecord, existingAgreement } from './seed';
import type { WebhookDelivery, WebhookDispatcher } from './webhooks';

export class ControlError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export const addCustomerSchema = z.object({
  tenantId: z.uuid().optional(),
  companyName: z.string().trim().min(1),
  domain: z.string().trim().min(1).optional(),
  country: z.string().length(2).default('US'),
  indirectResellerId: z.string().optional(),
  directSigned: z.boolean().default(false),
  /**
   * Existing agreements, e.g. `[{ dateAgreed: '2021-03-10', primaryContact: {...} }]`: MCA attestations,
   * or with `type: 'MicrosoftCloudAgreement'` the older agreement.
   */
  agreements: z
    .array(
      z.object({
        type: z.enum([MCA, CLOUD_AGREEMENT]).default(MCA),
        dateAgreed: z.string().refine((v) => parsePartnerCenterDate(v) !== undefined, 'an ISO-8601 date'),
        primaryContact: z.object({
          firstName: z.string(),
          lastName: z.string(),
          email: z.string(),
          phoneNumber: z.string().optional(),
        }),
      }),
    )
    .default([]),
});
export type AddCustomerInput = z.input<typeof addCustomerSchema>;

/** One request as the log keeps it: no bodies, no query strings (they may hold personal data). */
export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  status: number;
  requestId?: string;
  correlationId?: string;
  /** Set when an injected fault answered, or when the reply was an MS-RequestId replay. */
  note?: 'fault' | 'replay';
}

export interface CustomerSummary {
  tenantId: string;
  companyName: string;
  directSigned: boolean;
  /** What reads show right now: direct, attested (on/after 2023-04-01), stale (only before), none. */
  coverage: McaCoverage;
  /** Agreements of every type, visible or not yet. */
  agreementCount: number;
}

export interface AgreementSummary {
  dateAgreed: string;
  primaryContact: { firstName: string; lastName: string; email: string; phoneNumber?: string };
  attestationId?: string;
}

export interface AttestationSummary {
  id: string;
  customerTenantId?: string;
  state: AttestationState;
  expiresAt: string;
}

const MAX_LOG_ENTRIES = 5000;

export interface ControlDeps {
  store: StateStore;
  clock: Clock;
  faults: FaultInjector;
  webhooks: WebhookDispatcher;
  initialState: () => EmulatorState;
  baseUrl: () => string;
  /** The running settings, shared with the routes; `reset` puts back `initialSettings`. */
  settings: EmulatorSettings;
  initialSettings: EmulatorSettings;
  attestationOptions: AttestationOptions;
}

export class PartnerCenterControl {
  private readonly log: RequestLogEntry[] = [];

  constructor(private readonly deps: ControlDeps) {}

  /** Adds a customer as if it had just accepted the reseller relationship: audit record + webhook event. */
  addCustomer(input: AddCustomerInput): CustomerSummary {
    const parsed = addCustomerSchema.safeParse(input);
    if (!parsed.success) throw new ControlError(400, z.prettifyError(parsed.error));
    const value = parsed.data;
    const tenantId = value.tenantId ?? crypto.randomUUID();
    if (findCustomer(this.deps.store.state, tenantId))
      throw new ControlError(400, `Customer ${tenantId} already exists.`);
    const now = this.deps.clock.now();
    const customer: CustomerRecord = {
      tenantId,
      companyName: value.companyName,
      domain: value.domain ?? `${value.companyName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example.com`,
      country: value.country.toUpperCase(),
      relationshipToPartner: 'reseller',
      indirectResellerId: value.indirectResellerId,
      createdAt: now,
      directSigned: value.directSigned,
      agreements: value.agreements.map(existingAgreement),
    };
    this.deps.store.update((state) => {
      state.customers.push(customer);
      state.auditRecords.push(addCustomerAuditRecord(customer));
    });
    const base = this.deps.baseUrl();
    const day = new Date(now).toISOString().slice(0, 10);
    this.deps.webhooks.emit(
      customer.indirectResellerId === undefined
        ? 'reseller-relationship-accepted-by-customer'
        : 'indirect-reseller-relationship-accepted-by-customer',
      `${base}/v1/customers/${tenantId}`,
      'customer',
      `${base}/v1/auditrecords?startDate=${day}&endDate=${day}`,
    );
    return this.customer(tenantId);
  }

  customer(tenantId: string): CustomerSummary {
    const customer = this.requireCustomer(tenantId);
    return {
      tenantId: customer.tenantId,
      companyName: customer.companyName,
      directSigned: customer.directSigned,
      coverage: mcaCoverage(customer, this.deps.clock.now()),
      agreementCount: customer.agreements.length,
    };
  }

  /** Accepts as the customer would from the link; returns the resulting state (`expired` if too late). */
  acceptAttestation(attestationId: string): AttestationState {
    const attestation = this.deps.store.state.attestations.find((a) => a.id === attestationId);
    if (!attestation) throw new ControlError(404, `Attestation ${attestationId} was not found.`);
    acceptAttestation(this.deps.store, attestation, this.deps.clock.now());
    return attestationState(attestation, this.deps.clock.now());
  }

  /** Accepts as the customer would in the admin center: direct-signed becomes true. */
  acceptDirectly(tenantId: string): void {
    acceptDirectly(this.deps.store, this.requireCustomer(tenantId));
  }

  /** Whether attestation responses carry an `acceptanceLink` (default off, as Microsoft documents). */
  setAttestationLinkInResponse(on: boolean): void {
    this.deps.attestationOptions.linkInResponse = on;
  }

  /** Makes reads report `word` as the attestation's status (undefined: its real state again). */
  reportAttestationStatus(attestationId: string, word: string | undefined): void {
    if (word === undefined) this.deps.attestationOptions.reportedStatus.delete(attestationId);
    else this.deps.attestationOptions.reportedStatus.set(attestationId, word);
  }

  /** The customer's agreements as stored (visible to reads or not yet). */
  agreements(tenantId: string): AgreementSummary[] {
    return this.requireCustomer(tenantId).agreements.map((a) => ({
      dateAgreed: a.dateAgreed,
      primaryContact: { ...a.primaryContact },
      ...(a.attestationId === undefined ? {} : { attestationId: a.attestationId }),
    }));
  }

  /** Expires one attestation link, or every link not yet accepted; returns how many expired. */
  expireLinks(attestationId?: string): number {
    const { attestations } = this.deps.store.state;
    if (attestationId !== undefined && !attestations.some((a) => a.id === attestationId)) {
      throw new ControlError(404, `Attestation ${attestationId} was not found.`);
    }
    const now = this.deps.clock.now();
    const targets = attestations.filter(
      (a) =>
        (attestationId === undefined || a.id === attestationId) &&
        a.acceptedAt === undefined &&
        a.expiresAt > now,
    );
    this.deps.store.update(() => targets.forEach((a) => (a.expiresAt = now)));
    return targets.length;
  }

  attestations(): AttestationSummary[] {
    const now = this.deps.clock.now();
    return this.deps.store.state.attestations.map((a) => ({
      id: a.id,
      customerTenantId: a.customerTenantId,
      state: attestationState(a, now),
      expiresAt: new Date(a.expiresAt).toISOString(),
    }));
  }

  settings(): EmulatorSettings {
    return { ...this.deps.settings };
  }

  /** Changes settings while running, e.g. `{ agreementVisibilityDelayMs: 4 * 3600_000 }`; returns them all. */
  configure(changes: Partial<EmulatorSettings>): EmulatorSettings {
    const parsed = settingsSchema.partial().safeParse(changes);
    if (!parsed.success) throw new ControlError(400, z.prettifyError(parsed.error));
    Object.assign(this.deps.settings, parsed.data);
    return this.settings();
  }

  setFault(rule: FaultRule): string {
    try {
      return this.deps.faults.add(rule);
    } catch (error) {
      throw new ControlError(400, error instanceof z.ZodError ? z.prettifyError(error) : String(error));
    }
  }

  clearFaults(id?: string): void {
    this.deps.faults.clear(id);
  }

  faults(): ReturnType<FaultInjector['list']> {
    return this.deps.faults.list();
  }

  requestLog(): RequestLogEntry[] {
    return [...this.log];
  }

  /** Called by the server for every Partner Center request. */
  record(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
  }

  webhookDeliveries(): WebhookDelivery[] {
    return [...this.deps.webhooks.deliveries];
  }

  /** Resolves once no webhook attempt is in flight (retries wait for the clock). */
  flushWebhooks(): Promise<void> {
    return this.deps.webhooks.flush();
  }

  /**
   * Back to the seeded book and the start-up settings: drops attestations, new agreements,
   * registrations, faults, the log. Issued tokens stay valid.
   */
  reset(): void {
    const tokens = this.deps.store.state.tokens;
    this.deps.store.replace({ ...this.deps.initialState(), tokens });
    Object.assign(this.deps.settings, this.deps.initialSettings);
    this.deps.faults.clear();
    this.deps.attestationOptions.reportedStatus.clear();
    this.log.length = 0;
    this.deps.webhooks.reset();
  }

  private requireCustomer(tenantId: string): CustomerRecord {
    const customer = findCustomer(this.deps.store.state, tenantId);
    if (!customer) throw new ControlError(404, `Customer ${tenantId} was not found.`);
    return customer;
  }
}
