/**
 * The workflow's contracts with the outside (docs/architecture.md "Entry points and contracts") and between
 * its own parts (orchestration names, input, events). Pure data: no Functions or Durable imports, so
 * triggers, orchestrators, activities and tests all share one definition.
 */
import { z } from 'zod';
import { languageTagSchema, mailFields } from '../mail/templates';
import { MCA_METHODS, tenantIdSchema } from '../store/customer-state';

/**
 * The customer object of a CRM message and of `POST /api/customers/{tenantId}/mca`. Its texts use the
 * mail templates' own field schemas, so every customer that enters can be mailed.
 */
export const customerSchema = z.object({
  tenantId: tenantIdSchema,
  companyName: mailFields.companyName,
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code, e.g. JP'),
  language: languageTagSchema,
  signatory: z.object({
    firstName: mailFields.personName,
    lastName: mailFields.personName,
    email: mailFields.email,
    phoneNumber: mailFields.phone.min(5).optional(),
  }),
  resellerTenantId: tenantIdSchema.optional(),
});
export type Customer = z.output<typeof customerSchema>;

export const methodSchema = z.enum(MCA_METHODS);

export const CRM_EVENT_TYPES = ['CustomerCreated', 'CustomerUpdated', 'PurchaseBlocked'] as const;
export type CrmEventType = (typeof CRM_EVENT_TYPES)[number];

/**
 * What an order system that hit a purchase refusal (403) knows: the tenant id, perhaps more. Fields it
 * does send are checked as strictly as a full customer's; the run uses them only when complete.
 */
export const blockedCustomerSchema = customerSchema.partial().required({ tenantId: true });

/** An acceptance confirmed outside Partner Center: never in the future (a typo must not look accepted). */
export const confirmedAtSchema = z.iso
  .datetime({ offset: true })
  .refine((at) => Date.parse(at) <= Date.now(), 'must not be in the future');

const REQUIRED_CUSTOMER_FIELDS = ['companyName', 'country', 'language', 'signatory'] as const;
const MISSING_CUSTOMER_FIELD = 'required (only a PurchaseBlocked event may name just the tenant)';

/**
 * A message on the `crm-customer-events` queue. `PurchaseBlocked` needs only `customer.tenantId`; the
 * other types need the whole customer (checked even when other fields are wrong, so one dead-letter
 * reason names every bad field).
 */
export const crmEventSchema = z
  .object({
    type: z.enum(CRM_EVENT_TYPES),
    eventId: z.string().trim().min(1).max(200),
    occurredAt: z.iso.datetime({ offset: true }),
    customer: blockedCustomerSchema,
    method: methodSchema.optional(),
    /** `CustomerUpdated` of a reseller deployment: the provider or the customer says the MCA is accepted. */
    mcaAccepted: z.literal(true).optional(),
    acceptedAt: confirmedAtSchema.optional(),
  })
  .check(
    z.superRefine(
      (event, ctx) => {
        const { type, customer } = (event ?? {}) as { type?: unknown; customer?: unknown };
        if (type === 'PurchaseBlocked' || typeof customer !== 'object' || customer === null) return;
        // Fields present were checked by the partial schema; the missing ones are named here.
        for (const field of REQUIRED_CUSTOMER_FIELDS) {
          if ((customer as Record<string, unknown>)[field] !== undefined) continue;
          ctx.addIssue({ code: 'custom', message: MISSING_CUSTOMER_FIELD, path: ['customer', field] });
        }
      },
      { when: () => true },
    ),
  );
export type CrmEvent = z.output<typeof crmEventSchema>;

/** The whole customer when the sender gave every field; otherwise none (the run asks for it). */
export function completeCustomer(customer: z.output<typeof blockedCustomerSchema>): Customer | undefined {
  const parsed = customerSchema.safeParse(customer);
  return parsed.success ? parsed.data : undefined;
}

/** Who confirmed an acceptance Partner Center cannot show us (reseller deployments). */
export const CONFIRMERS = ['operator', 'indirectProvider'] as const;

/** Payload of the `Confirmed` event: checked by the API already (the orchestrator reads no clock). */
export const confirmationSchema = z.object({
  method: methodSchema,
  acceptedAt: z.iso.datetime({ offset: true }),
  confirmedBy: z.enum(CONFIRMERS),
});
export type Confirmation = z.output<typeof confirmationSchema>;

/** Body of `POST customers/{tenantId}/mca/confirm`. */
export const confirmationBodySchema = confirmationSchema.extend({ acceptedAt: confirmedAtSchema });

export const QUEUES = {
  crmEvents: 'crm-customer-events',
  outcomes: 'mca-outcomes',
} as const;

export const OUTCOME_TYPES = ['McaAccepted', 'McaExpired', 'McaHandedOff', 'McaFailed'] as const;
export type OutcomeType = (typeof OUTCOME_TYPES)[number];

/** A message on the `mca-outcomes` queue, for the CRM. */
export const outcomeEventSchema = z.object({
  type: z.enum(OUTCOME_TYPES),
  tenantId: tenantIdSchema,
  method: z.enum([...MCA_METHODS, 'handOff']).nullable(),
  at: z.iso.datetime(),
  eventId: z.string().min(1),
});
export type OutcomeEvent = z.output<typeof outcomeEventSchema>;

/** Why a workflow runs: a new customer, a stale attestation found by a check, or a blocked purchase. */
export const ONBOARDING_REASONS = ['new', 'stale', 'purchaseBlocked'] as const;
export type OnboardingReason = (typeof ONBOARDING_REASONS)[number];

export const EVENT_SOURCES = ['crm', 'partner-center', 'http', 'sweep', 'operator'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/**
 * What starts (or joins) one customer's orchestration. `customer` is absent when only Partner Center
 * told us about the tenant (audit record, webhook, sweep): the workflow can check the status but needs
 * the signatory's details (from the CRM or the HTTP API) before it can invite anyone.
 */
export const onboardingRequestSchema = z.object({
  tenantId: tenantIdSchema,
  companyName: z.string().min(1).max(500).optional(),
  customer: customerSchema.optional(),
  method: methodSchema.optional(),
  reason: z.enum(ONBOARDING_REASONS),
  source: z.enum(EVENT_SOURCES),
  /** Unique per triggering event: de-duplication, and part of every send key of the run it starts. */
  eventId: z.string().min(1).max(200),
  /** When the CRM says the change happened: a running workflow ignores updates older than the last applied. */
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  /** The CRM says the MCA is accepted (reseller deployments take its word; others check). */
  mcaAccepted: z.literal(true).optional(),
  acceptedAt: z.iso.datetime({ offset: true }).optional(),
});
export type OnboardingRequest = z.output<typeof onboardingRequestSchema>;

/** One customer = one orchestration instance, whatever the entry point. */
export function onboardingInstanceId(tenantId: string): string {
  return `mca-${tenantId.toLowerCase()}`;
}

export const ORCHESTRATORS = {
  onboarding: 'mcaOnboarding',
  sweep: 'mcaComplianceSweep',
  /** One lane of a sweep page: its customers evaluated one after another. */
  sweepLane: 'mcaComplianceSweepLane',
} as const;

/** External events a running onboarding orchestration listens to. */
export const ONBOARDING_EVENTS = {
  /** Payload: OnboardingRequest (new data from the CRM or the API, or a purchase block). */
  customerUpdated: 'CustomerUpdated',
  /**
   * Payload: `{ reminderNumber }` from the reminders safety net (honoured only once that reminder is
   * due and unsent), or `{}` from the operator's /remind (sent now, as the next reminder).
   */
  reminderDue: 'ReminderDue',
  /** No payload: check Partner Center now (operator's /recheck). */
  recheck: 'Recheck',
  /** Payload: `Confirmation` (reseller deployments: acceptance confirmed by an operator or the provider). */
  confirmed: 'Confirmed',
} as const;

/** Activity function names: one side effect each (docs/architecture.md "Layout"). */
export const ACTIVITIES = {
  checkStatus: 'mcaCheckStatus',
  createAttestation: 'mcaCreateAttestation',
  getAttestation: 'mcaGetAttestation',
  createAgreement: 'mcaCreateAgreement',
  sendMail: 'mcaSendMail',
  saveState: 'mcaSaveState',
  publishOutcome: 'mcaPublishOutcome',
  /** Sweep: one page of Partner Center customers (tenant id, company name) and the next page's token. */
  listCustomers: 'mcaListCustomers',
  /** Sweep: one customer's status recorded, remediation started when it needs it. */
  evaluateCustomer: 'mcaEvaluateCustomer',
} as const;
