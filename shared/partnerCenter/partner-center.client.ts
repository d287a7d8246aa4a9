/**
 * The Partner Center REST client: exactly the calls listed in docs/partner-center.md, nothing more.
 */
import type { z } from 'zod';
import { UnexpectedResponse } from './errors';
import { tokenProviderFor, type PartnerCenterOperation, type TokenProviders } from './endpoint-auth';
import { defaultRateLimiter, realSleep, type RateLimiter } from './rate-limiter';
import { createRequestExecutor } from './request-executor';
import { newGuid, requestIdForKey } from './request-ids';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy';
import {
  acceptanceLinkFields,
  agreementMetadataSchema,
  attestationIdFields,
  auditRecordSchema,
  collectionSchema,
  createdAgreementSchema,
  customerAgreementSchema,
  customerSchema,
  directSignedStatusSchema,
  enhancedAttestationResponseSchema,
  mcaAgreementType,
  nextLinkSchema,
  type AgreementMetadata,
  type AuditRecord,
  type CreatedAgreement,
  type Customer,
  type CustomerAgreement,
  type DirectSignedStatus,
  type NextLink,
} from './schemas';

export interface PartnerCenterClientOptions {
  /** `https://api.partnercenter.microsoft.com` (default), or the local emulator. */
  baseUrl?: string;
  tokens: TokenProviders;
  /** Sent as X-Locale, e.g. `ja-JP`. */
  locale?: string;
  /** Shared by all clients of the process; the process-wide default when omitted. */
  rateLimiter?: RateLimiter;
  retry?: Partial<RetryPolicy>;
  /** Injectable for tests and the local host's virtual clock. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  requestTimeoutMs?: number;
  /** The `v{version}` of `POST /v{version}/attestations/enhanced` (unverified; default `v1`). */
  attestationApiVersion?: string;
}

export interface ReadOptions {
  /** MS-CorrelationId of the logical operation; a new GUID when omitted. */
  correlationId?: string;
}

export interface WriteOptions extends ReadOptions {
  /**
   * Makes MS-RequestId stable across process restarts (e.g. `${tenantId}:attestation:${n}`). Without
   * it a new GUID is used, still identical on every retry of this call.
   */
  idempotencyKey?: string;
}

export interface Signatory {
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber?: string;
}

export interface EnhancedAttestationInput {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** BCP 47, e.g. `ja-JP`. */
  language: string;
  companyName: string;
  signatory: Signatory;
  customerTenantId?: string;
}

export interface EnhancedAttestation {
  attestationId: string;
  /** Present when Partner Center returns it; otherwise the link is built from the id. */
  acceptanceLink?: string;
  /** Seen in tooling: `required`, `pending` (link opened), `accepted`, `expired` (unverified). */
  status?: string;
  /** When the acceptance link stops working, if Partner Center says. */
  expiresAt?: string;
  /** When the customer accepted, if the status read says (unverified field names, see attestationFrom). */
  acceptedAt?: string;
}

export interface CreateAgreementInput {
  attestationId?: string;
  templateId: string;
  /** `yyyy-mm-ddThh:mm:ss`; not in the future (600002). */
  dateAgreed: string;
  primaryContact: Signatory;
}

export interface AuditRecordQuery {
  /** `yyyy-mm-dd` */
  startDate: string;
  endDate?: string;
  filter?: {
    field: 'CompanyName' | 'CustomerId' | 'ResourceType';
    value: string;
    operator: 'equals' | 'substring';
  };
}

export interface PartnerCenterClient {
  getAgreementMetadata(options?: ReadOptions): Promise<AgreementMetadata[]>;
  getDirectSignedStatus(customerTenantId: string, options?: ReadOptions): Promise<DirectSignedStatus>;
  listCustomerAgreements(customerTenantId: string, options?: ReadOptions): Promise<CustomerAgreement[]>;
  createEnhancedAttestation(
    input: EnhancedAttestationInput,
    options?: WriteOptions,
  ): Promise<EnhancedAttestation>;
  /** The attestation's current state (unverified endpoint: `GET /v{version}/attestations/enhanced/{id}`). */
  getEnhancedAttestation(attestationId: string, options?: ReadOptions): Promise<EnhancedAttestation>;
  /** 201 on success; throws AgreementAlreadyExists on 600061. */
  createAgreement(
    customerTenantId: string,
    input: CreateAgreementInput,
    options?: WriteOptions,
  ): Promise<CreatedAgreement | undefined>;
  /** Every customer, following `links.next` and its MS-ContinuationToken until absent. */
  listCustomers(options?: ReadOptions & { pageSize?: number }): AsyncIterable<Customer>;
  /**
   * One page of customers: the first (no token) or the one a previous page's `continuationToken`
   * names. The token is opaque (the encoded `links.next`); none on the last page.
   */
  listCustomersPage(
    options?: ReadOptions & { pageSize?: number; continuationToken?: string },
  ): Promise<CustomerPage>;
  listAuditRecords(query: AuditRecordQuery, options?: ReadOptions): AsyncIterable<AuditRecord>;
}

export interface CustomerPage {
  customers: Customer[];
  continuationToken?: string;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

export function createPartnerCenterClient(options: PartnerCenterClientOptions): PartnerCenterClient {
  const base = new URL(options.baseUrl ?? 'https://api.partnercenter.microsoft.com');
  const execute = createRequestExecutor({
    limiter: options.rateLimiter ?? defaultRateLimiter(),
    retry: { ...defaultRetryPolicy, ...options.retry },
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    locale: options.locale,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  });
  const attestationVersion = options.attestationApiVersion ?? 'v1';

  function apiUrl(path: string, query: Record<string, string | undefined> = {}): URL {
    const url = new URL(`${base.href.replace(/\/+$/, '')}${path}`);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  function customerPath(customerTenantId: string, rest: string): string {
    return `/v1/customers/${encodeURIComponent(customerTenantId)}${rest}`;
  }

  // async so that a missing credential rejects the returned promise instead of throwing synchronously.
  async function read<T>(
    operation: PartnerCenterOperation,
    url: URL,
    schema: z.ZodType<T>,
    opts: ReadOptions = {},
  ): Promise<T> {
    const tokens = tokenProviderFor(operation, options.tokens);
    const correlationId = opts.correlationId ?? newGuid();
    return execute({ operation, method: 'GET', url, tokens, correlationId, requestId: newGuid(), schema });
  }

  async function write<T>(
    operation: PartnerCenterOperation,
    url: URL,
    body: unknown,
    schema: z.ZodType<T>,
    opts: WriteOptions = {},
  ): Promise<T> {
    const tokens = tokenProviderFor(operation, options.tokens);
    const correlationId = opts.correlationId ?? newGuid();
    const requestId = opts.idempotencyKey ? requestIdForKey(opts.idempotencyKey) : newGuid();
    return execute({ operation, method: 'POST', url, tokens, correlationId, requestId, schema, body });
  }

  /** One page of a collection; `next` is where the following page is, absent on the last one. */
  async function fetchPage<T>(
    operation: PartnerCenterOperation,
    url: URL,
    itemSchema: z.ZodType<T>,
    correlationId: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ items: T[]; next?: NextLink }> {
    const tokens = tokenProviderFor(operation, options.tokens);
    const page = await execute({
      operation,
      method: 'GET',
      url,
      tokens,
      correlationId,
      requestId: newGuid(),
      schema: collectionSchema(itemSchema),
      extraHeaders,
    });
    return { items: page.items, next: page.links?.next ?? undefined };
  }

  async function* paginate<T>(
    operation: PartnerCenterOperation,
    firstUrl: URL,
    itemSchema: z.ZodType<T>,
    opts: ReadOptions = {},
  ): AsyncGenerator<T> {
    const correlationId = opts.correlationId ?? newGuid();
    let url = firstUrl;
    let extraHeaders: Record<string, string> = {};
    const seen = new Set<string>();
    for (;;) {
      const page = await fetchPage(operation, url, itemSchema, correlationId, extraHeaders);
      yield* page.items;
      const next = page.next;
      if (!next) return;
      url = resolveNext(operation, next, correlationId);
      extraHeaders = nextHeaders(next);
      const pageKey = `${url.href} ${JSON.stringify(extraHeaders)}`;
      if (seen.has(pageKey))
        throw new UnexpectedResponse({ operation, correlationId }, false, 'paging loops');
      seen.add(pageKey);
    }
  }

  /** `links.next.uri` is relative to /v1 (e.g. `/customers?size=40&seekOperation=Next`). */
  function resolveNext(operation: string, next: NextLink, correlationId: string): URL {
    if (/^https?:\/\//i.test(next.uri)) {
      const url = new URL(next.uri);
      // Never send our token to another host.
      if (url.origin !== base.origin) {
        throw new UnexpectedResponse({ operation, correlationId }, false, 'next link points to another host');
      }
      return url;
    }
    const path = next.uri.startsWith('/') ? next.uri : `/${next.uri}`;
    return apiUrl(path.startsWith('/v1/') ? path : `/v1${path}`);
  }

  return {
    async getAgreementMetadata(opts) {
      const url = apiUrl('/v1/agreements', { agreementType: mcaAgreementType });
      return (await read('getAgreementMetadata', url, collectionSchema(agreementMetadataSchema), opts)).items;
    },

    getDirectSignedStatus(customerTenantId, opts) {
      const url = apiUrl(customerPath(customerTenantId, '/directSignedMicrosoftCustomerAgreementStatus'));
      return read('getDirectSignedStatus', url, directSignedStatusSchema, opts);
    },

    async listCustomerAgreements(customerTenantId, opts) {
      const url = apiUrl(customerPath(customerTenantId, '/agreements'), { agreementType: mcaAgreementType });
      return (await read('listCustomerAgreements', url, collectionSchema(customerAgreementSchema), opts))
        .items;
    },

    async createEnhancedAttestation(input, opts) {
      const url = apiUrl(`/${encodeURIComponent(attestationVersion)}/attestations/enhanced`);
      // Field names after docs/partner-center.md; unverified against a public reference.
      const body = {
        customerTenantId: input.customerTenantId,
        country: input.country,
        language: input.language,
        companyName: input.companyName,
        signatoryFirstName: input.signatory.firstName,
        signatoryLastName: input.signatory.lastName,
        signatoryEmail: input.signatory.email,
        signatoryPhoneNumber: input.signatory.phoneNumber,
      };
      const correlationId = opts?.correlationId ?? newGuid();
      const response = await write(
        'createEnhancedAttestation',
        url,
        body,
        enhancedAttestationResponseSchema,
        {
          ...opts,
          correlationId,
        },
      );
      const attestationId = firstString(response, attestationIdFields);
      if (!attestationId) {
        throw new UnexpectedResponse(
          { operation: 'createEnhancedAttestation', correlationId },
          false,
          `no attestation id in the response (looked for ${attestationIdFields.join(', ')})`,
        );
      }
      return attestationFrom(response, attestationId);
    },

    async getEnhancedAttestation(attestationId, opts) {
      const url = apiUrl(
        `/${encodeURIComponent(attestationVersion)}/attestations/enhanced/${encodeURIComponent(attestationId)}`,
      );
      const response = await read('getEnhancedAttestation', url, enhancedAttestationResponseSchema, opts);
      return attestationFrom(response, firstString(response, attestationIdFields) ?? attestationId);
    },

    createAgreement(customerTenantId, input, opts) {
      const url = apiUrl(customerPath(customerTenantId, '/agreements'));
      const { firstName, lastName, email, phoneNumber } = input.primaryContact;
      const body = {
        attestationId: input.attestationId,
        templateId: input.templateId,
        type: mcaAgreementType,
        primaryContact: { firstName, lastName, email, phoneNumber },
        dateAgreed: input.dateAgreed,
      };
      return write('createAgreement', url, body, createdAgreementSchema.optional(), opts);
    },

    listCustomers(opts = {}) {
      const size = String(opts.pageSize ?? 100);
      return paginate('listCustomers', apiUrl('/v1/customers', { size }), customerSchema, opts);
    },

    async listCustomersPage(opts = {}) {
      const operation = 'listCustomers';
      const correlationId = opts.correlationId ?? newGuid();
      const next =
        opts.continuationToken === undefined
          ? undefined
          : decodeContinuationToken(opts.continuationToken, { operation, correlationId });
      const url = next
        ? resolveNext(operation, next, correlationId)
        : apiUrl('/v1/customers', { size: String(opts.pageSize ?? 100) });
      const page = await fetchPage(operation, url, customerSchema, correlationId, next && nextHeaders(next));
      const continuationToken = page.next && encodeContinuationToken(page.next);
      if (continuationToken !== undefined && continuationToken === opts.continuationToken)
        throw new UnexpectedResponse({ operation, correlationId }, false, 'paging loops');
      return { customers: page.items, continuationToken };
    },

    listAuditRecords(query, opts) {
      for (const date of [query.startDate, query.endDate]) {
        if (date !== undefined && !datePattern.test(date))
          throw new RangeError('Audit record dates must be yyyy-mm-dd');
      }
      const filter = query.filter
        ? JSON.stringify({
            Field: query.filter.field,
            Value: query.filter.value,
            Operator: query.filter.operator,
          })
        : undefined;
      const url = apiUrl('/v1/auditrecords', { startDate: query.startDate, endDate: query.endDate, filter });
      return paginate('listAuditRecords', url, auditRecordSchema, opts);
    },
  };
}

function nextHeaders(next: NextLink): Record<string, string> {
  return Object.fromEntries((next.headers ?? []).map((h) => [h.key, h.value]));
}

/** The page token callers keep (e.g. in an orchestration's input): `links.next`, base64url JSON. */
function encodeContinuationToken(next: NextLink): string {
  return Buffer.from(JSON.stringify({ uri: next.uri, headers: next.headers ?? [] })).toString('base64url');
}

function decodeContinuationToken(token: string, ids: { operation: string; correlationId: string }): NextLink {
  try {
    return nextLinkSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw new UnexpectedResponse(ids, false, 'the continuation token is not one this client issued');
  }
}

function attestationFrom(response: Record<string, unknown>, attestationId: string): EnhancedAttestation {
  return {
    attestationId,
    acceptanceLink: firstString(response, acceptanceLinkFields),
    status: firstString(response, ['status', 'attestationStatus'])?.toLowerCase(),
    expiresAt: firstString(response, ['expiresAt', 'expirationDate', 'linkExpiresAt']),
    acceptedAt: firstString(response, ['acceptedAt', 'acceptanceDate', 'acceptedDate', 'dateAccepted']),
  };
}

function firstString(record: Record<string, unknown>, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}
