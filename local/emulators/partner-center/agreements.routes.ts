/**
 * Agreement metadata, a customer's agreements (read and partner attestation) and the
 * direct-acceptance status. Orders, where the purchase block shows, are in orders.routes.ts.
 */
import { z } from 'zod';
import type { Clock } from '../../clock';
import { customerNotFound } from './customers.routes';
import { ErrorCodes } from './error-codes';
import {
  ATTESTATION_CUTOFF,
  CLOUD_AGREEMENT,
  CLOUD_AGREEMENT_LINK,
  CLOUD_AGREEMENT_TEMPLATE_ID,
  MCA,
  MCA_AGREEMENT_LINK,
  MCA_TEMPLATE_ID,
  attestationState,
  findCustomer,
  formatPartnerCenterDate,
  parsePartnerCenterDate,
  type AgreementRecord,
  type Contact,
  type CustomerRecord,
  type EmulatorSettings,
  type StateStore,
} from './emulator-state';
import { json, pcErrorV2, type Reply } from './http-kit';
import { readJson } from './json-body';
import type { RequestContext, Route } from './router';

export interface AgreementsDeps {
  store: StateStore;
  clock: Clock;
  /** Read on every create: the control API may change the visibility delay while running. */
  settings: EmulatorSettings;
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
  ];
}

/**
 * `agreementType`: one type, `*` for every type (the REST reference; `All` as the PowerShell module
 * spells it), and, when absent, the older Microsoft Cloud Agreement: so a reader that leaves it out
 * sees none of an MCA-only customer's agreements.
 */
function requestedType(ctx: RequestContext): string {
  return ctx.url.searchParams.get('agreementType') ?? CLOUD_AGREEMENT;
}

function typeMatches(wanted: string, type: string): boolean {
  const w = wanted.toLowerCase();
  return w === '*' || w === 'all' || w === type.toLowerCase();
}

function agreementMetadata(ctx: RequestContext): Reply {
  const all = [
    { templateId: MCA_TEMPLATE_ID, agreementType: MCA, agreementLink: MCA_AGREEMENT_LINK, versionRank: 0 },
    {
      templateId: CLOUD_AGREEMENT_TEMPLATE_ID,
      agreementType: CLOUD_AGREEMENT,
      agreementLink: CLOUD_AGREEMENT_LINK,
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
    visibleAt: now + deps.settings.agreementVisibilityDelayMs,
  };
  if (customer.agreements.some((existing) => blocksNewAgreement(existing, agreement))) {
    return agreementAlreadyExists();
  }
  deps.store.update(() => customer.agreements.push(agreement));
  return json(201, agreementView(agreement));
}

/** Microsoft's documented 600061 body (the newer error form); the HTTP status is an emulator choice. */
function agreementAlreadyExists(): Reply {
  const message = 'A partner confirmed agreement already exists for the customer.';
  return json(400, {
    code: ErrorCodes.agreementAlreadyExists,
    message,
    description: message,
    errorName: 'PartnerConfirmedAgreementAlreadyExists',
    isRetryable: false,
    parameters: {},
    errorMessageExtended: `InternalErrorCode=${ErrorCodes.agreementAlreadyExists}`,
  });
}

/**
 * Partner Center creates another MCA agreement for a customer only when "the first name, last name,
 * email address and phone number must be different" (the integration-sandbox article) from an
 * existing one: any shared field is a duplicate (600061), as is a second use of one attestation.
 * Names and e-mail compare without case; a phone number counts only when both sides give one.
 */
export function blocksNewAgreement(existing: AgreementRecord, candidate: AgreementRecord): boolean {
  if (existing.type !== MCA) return false;
  if (existing.attestationId !== undefined && existing.attestationId === candidate.attestationId) return true;
  return sharesContactField(existing.primaryContact, candidate.primaryContact);
}

function sharesContactField(a: Contact, b: Contact): boolean {
  const text = (value: string): string => value.trim().toLowerCase();
  const digits = (value: string | undefined): string => (value ?? '').replace(/\D/g, '');
  return (
    text(a.firstName) === text(b.firstName) ||
    text(a.lastName) === text(b.lastName) ||
    text(a.email) === text(b.email) ||
    (digits(a.phoneNumber) !== '' && digits(a.phoneNumber) === digits(b.phoneNumber))
  );
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
