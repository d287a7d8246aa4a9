/**
 * Agreement metadata, a customer's agreements (read and partner attestation), the direct-acceptance
 * status, and orders (where the MCA purchase block shows).
 */
import { z } from 'zod';
import type { Clock } from '../../clock';
import { customerNotFound } from './customers.routes';
import { ErrorCodes, PURCHASE_BLOCKED_DESCRIPTION } from './error-codes';
import {
  ATTESTATION_CUTOFF,
  MCA_AGREEMENT_LINK,
  MCA_TEMPLATE_ID,
  PURCHASE_BLOCK_START,
  attestationState,
  findCustomer,
  formatPartnerCenterDate,
  parsePartnerCenterDate,
  type AgreementRecord,
  type CustomerRecord,
  type StateStore,
} from './emulator-state';
import { json, pcError, pcErrorV2, type Reply } from './http-kit';
import { readJson } from './json-body';
import type { RequestContext, Route } from './router';

const MCA = 'MicrosoftCustomerAgreement';
/** Emulator-chosen template id for the older Microsoft Cloud Agreement (the default agreementType). */
const CLOUD_AGREEMENT_TEMPLATE_ID = '5a9b5e5c-0000-4000-8000-00000000c1a0';
const CLOUD_AGREEMENT = 'MicrosoftCloudAgreement';

export interface AgreementsDeps {
  store: StateStore;
  clock: Clock;
  agreementVisibilityDelayMs: number;
}

export function agreementsRoutes(deps: AgreementsDeps): Route[] {
  return [
    { method: 'GET', pattern: '/v1/agreements', auth: 'user', handler: agreementMetadata },
    {
      method: 'GET',
      pattern: '/v1/customers/:customerId/agreements',
      auth: 'user',
      handler: (ctx) => listAgreements(ctx, deps),
    },
    {
      method: 'POST',
      pattern: '/v1/customers/:customerId/agreements',
      // Docs disagree (the older page says App+User, the attestation-id flow App-only): accept both.
      auth: 'any',
      idempotent: true,
      handler: (ctx) => createAgreement(ctx, deps),
    },
    {
      method: 'GET',
      pattern: '/v1/customers/:customerId/directSignedMicrosoftCustomerAgreementStatus',
      auth: 'user',
      handler: (ctx) => directSignedStatus(ctx, deps),
    },
    {
      method: 'POST',
      pattern: '/v1/customers/:customerId/orders',
      auth: 'any',
      idempotent: true,
      handler: (ctx) => createOrder(ctx, deps),
    },
  ];
}

/** `agreementType` selects MCA, `All`, or (when absent) the older Microsoft Cloud Agreement. */
function requestedType(ctx: RequestContext): string {
  return ctx.url.searchParams.get('agreementType') ?? CLOUD_AGREEMENT;
}

function typeMatches(wanted: string, type: string): boolean {
  return wanted.toLowerCase() === 'all' || wanted.toLowerCase() === type.toLowerCase();
}

function agreementMetadata(ctx: RequestContext): Reply {
  const all = [
    { templateId: MCA_TEMPLATE_ID, agreementType: MCA, agreementLink: MCA_AGREEMENT_LINK, versionRank: 0 },
    {
      templateId: CLOUD_AGREEMENT_TEMPLATE_ID,
      agreementType: CLOUD_AGREEMENT,
      agreementLink: 'https://aka.ms/microsoftcloudagreement',
      versionRank: 0,
    },
  ];
  const items = all.filter((a) => typeMatches(requestedType(ctx), a.agreementType));
  return json(200, { totalCount: items.length, items, attributes: { objectType: 'Collection' } });
}

export function visibleAgreements(customer: CustomerRecord, now: number): AgreementRecord[] {
  return customer.agreements.filter((a) => a.visibleAt <= now);
}

function agreementView(a: AgreementRecord): Record<string, unknown> {
  return {
    primaryContact: a.primaryContact,
    templateId: a.templateId,
    dateAgreed: a.dateAgreed,
    type: a.type,
    agreementLink: a.agreementLink,
    userId: a.userId,
    attributes: { objectType: 'Agreement' },
  };
}

function listAgreements(ctx: RequestContext, deps: AgreementsDeps): Reply {
  const customerId = ctx.params.customerId ?? '';
  const customer = findCustomer(deps.store.state, customerId);
  if (!customer) return customerNotFound(customerId);
  const wanted = requestedType(ctx);
  const items = visibleAgreements(customer, deps.clock.now())
    .filter((a) => typeMatches(wanted, a.type))
    .map(agreementView);
  return json(200, { totalCount: items.length, items, attributes: { objectType: 'Collection' } });
}

const agreementBody = z.object({
  templateId: z.string().min(1),
  type: z.string().min(1),
  attestationId: z.string().min(1),
  dateAgreed: z.string().min(1),
  primaryContact: z.object({
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    email: z.string().min(3).includes('@'),
    phoneNumber: z.string().optional(),
  }),
  userId: z.string().optional(),
});

function invalid(field: string, message: string): Reply {
  return pcErrorV2(400, ErrorCodes.validation, 'InvalidInput', message, { field });
}

function createAgreement(ctx: RequestContext, deps: AgreementsDeps): Reply {
  const customerId = ctx.params.customerId ?? '';
  const customer = findCustomer(deps.store.state, customerId);
  if (!customer) return customerNotFound(customerId);
  const body = readJson(ctx, agreementBody, invalid);
  if ('status' in body) return body;
  const now = deps.clock.now();
  if (body.templateId !== MCA_TEMPLATE_ID) {
    return invalid(
      'templateId',
      `The templateId must be the Microsoft Customer Agreement template ${MCA_TEMPLATE_ID}.`,
    );
  }
  if (body.type !== MCA) return invalid('type', `The type must be ${MCA}.`);
  const dateAgreed = parsePartnerCenterDate(body.dateAgreed);
  if (dateAgreed === undefined) return invalid('dateAgreed', 'The dateAgreed is not a valid date.');
  if (dateAgreed > now) return invalid('dateAgreed', 'The dateAgreed cannot be in the future.');
  const attestation = deps.store.state.attestations.find((a) => a.id === body.attestationId);
  if (!attestation) return invalid('attestationId', `Attestation ${body.attestationId} was not found.`);
  if (
    attestation.customerTenantId !== undefined &&
    attestation.customerTenantId.toLowerCase() !== customerId.toLowerCase()
  ) {
    return invalid('attestationId', `Attestation ${body.attestationId} belongs to another customer.`);
  }
  const state = attestationState(attestation, now);
  if (state !== 'accepted') {
    return invalid(
      'attestationId',
      `Attestation ${body.attestationId} has not been accepted by the customer (${state}).`,
    );
  }
  const agreement: AgreementRecord = {
    templateId: body.templateId,
    type: MCA,
    dateAgreed: formatPartnerCenterDate(dateAgreed),
    primaryContact: body.primaryContact,
    agreementLink: MCA_AGREEMENT_LINK,
    userId: body.userId ?? crypto.randomUUID(),
    attestationId: body.attestationId,
    visibleAt: now + deps.agreementVisibilityDelayMs,
  };
  if (customer.agreements.some((existing) => isSameAgreement(existing, agreement))) {
    return pcErrorV2(
      400,
      ErrorCodes.agreementAlreadyExists,
      'PartnerConfirmedAgreementAlreadyExists',
      'A partner confirmed agreement already exists for the customer.',
    );
  }
  deps.store.update(() => customer.agreements.push(agreement));
  return json(201, agreementView(agreement));
}

/** Identical: the same attestation, or the same template, date and primary contact. */
function isSameAgreement(a: AgreementRecord, b: AgreementRecord): boolean {
  if (a.attestationId !== undefined && a.attestationId === b.attestationId) return true;
  const contact = (x: AgreementRecord): string =>
    [
      x.primaryContact.firstName,
      x.primaryContact.lastName,
      x.primaryContact.email,
      x.primaryContact.phoneNumber ?? '',
    ]
      .join('\n')
      .toLowerCase();
  return a.templateId === b.templateId && a.dateAgreed === b.dateAgreed && contact(a) === contact(b);
}

function directSignedStatus(ctx: RequestContext, deps: AgreementsDeps): Reply {
  const customerId = ctx.params.customerId ?? '';
  const customer = findCustomer(deps.store.state, customerId);
  if (!customer) return customerNotFound(customerId);
  return json(200, { isSigned: customer.directSigned });
}

export type McaCoverage = 'direct' | 'attested' | 'stale' | 'none';

/** What Partner Center reads show about a customer's MCA acceptance right now. */
export function mcaCoverage(customer: CustomerRecord, now: number): McaCoverage {
  if (customer.directSigned) return 'direct';
  const dates = visibleAgreements(customer, now)
    .filter((a) => a.type === MCA)
    .map((a) => parsePartnerCenterDate(a.dateAgreed) ?? 0);
  if (dates.length === 0) return 'none';
  return Math.max(...dates) >= ATTESTATION_CUTOFF ? 'attested' : 'stale';
}

const orderBody = z.object({
  referenceCustomerId: z.string().optional(),
  billingCycle: z.string().optional(),
  lineItems: z
    .array(
      z.object({
        lineItemNumber: z.number().int().min(0).optional(),
        offerId: z.string().min(1),
        quantity: z.number().int().min(1),
      }),
    )
    .min(1),
});

function createOrder(ctx: RequestContext, deps: AgreementsDeps): Reply {
  const customerId = ctx.params.customerId ?? '';
  const customer = findCustomer(deps.store.state, customerId);
  if (!customer) return customerNotFound(customerId);
  const body = readJson(ctx, orderBody, (field, message) =>
    pcError(400, ErrorCodes.badRequest, `${field}: ${message}`),
  );
  if ('status' in body) return body;
  const now = deps.clock.now();
  const coverage = mcaCoverage(customer, now);
  if (coverage === 'stale' && now >= PURCHASE_BLOCK_START) {
    return pcError(403, ErrorCodes.reattestationRequired, PURCHASE_BLOCKED_DESCRIPTION);
  }
  if (coverage === 'none') {
    return pcError(
      403,
      ErrorCodes.mcaNotAccepted,
      'The customer has not accepted the Microsoft Customer Agreement. Attest acceptance or invite the customer to accept it in the Microsoft 365 admin center.',
    );
  }
  return json(201, {
    id: crypto.randomUUID(),
    referenceCustomerId: customer.tenantId,
    billingCycle: body.billingCycle ?? 'monthly',
    lineItems: body.lineItems.map((item, i) => ({ lineItemNumber: item.lineItemNumber ?? i, ...item })),
    creationDate: new Date(now).toISOString(),
    status: 'pending',
    attributes: { objectType: 'Order' },
  });
}
