/** Customers (paged), one customer, and the audit records (`add_customer` and friends). */
import type { Clock } from '../../clock';
import { ErrorCodes } from './error-codes';
import {
  findCustomer,
  parsePartnerCenterDate,
  type AuditRecord,
  type CustomerRecord,
  type StateStore,
} from './emulator-state';
import { json, pcError, type Reply } from './http-kit';
import { pageLinks, readPaging, slicePage } from './paging';
import type { RequestContext, Route } from './router';

export interface CustomersDeps {
  store: StateStore;
  clock: Clock;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const AUDIT_RETENTION_DAYS = 90;

export function customersRoutes(deps: CustomersDeps): Route[] {
  return [
    { method: 'GET', pattern: '/v1/customers', auth: 'any', handler: (ctx) => listCustomers(ctx, deps) },
    {
      method: 'GET',
      pattern: '/v1/customers/:customerId',
      auth: 'any',
      handler: (ctx) => getCustomer(ctx, deps),
    },
    {
      method: 'GET',
      pattern: '/v1/auditrecords',
      auth: 'any',
      handler: (ctx) => listAuditRecords(ctx, deps),
    },
  ];
}

export function customerView(customer: CustomerRecord): Record<string, unknown> {
  return {
    id: customer.tenantId,
    companyProfile: {
      tenantId: customer.tenantId,
      domain: customer.domain,
      companyName: customer.companyName,
      attributes: { objectType: 'CustomerCompanyProfile' },
    },
    relationshipToPartner: customer.relationshipToPartner,
    ...(customer.indirectResellerId === undefined
      ? {}
      : { associatedPartnerId: customer.indirectResellerId }),
    attributes: { objectType: 'Customer' },
  };
}

export function customerNotFound(customerId: string): Reply {
  return pcError(404, ErrorCodes.notFound, `Customer ${customerId} was not found.`);
}

function listCustomers(ctx: RequestContext, deps: CustomersDeps): Reply {
  const paging = readPaging(ctx, 100, 500);
  if ('status' in paging) return paging;
  const page = slicePage(deps.store.state.customers, paging.size, paging.offset);
  return json(200, {
    totalCount: page.totalCount,
    items: page.items.map(customerView),
    links: pageLinks(ctx, paging.size, page.nextOffset),
    attributes: { objectType: 'Collection' },
  });
}

function getCustomer(ctx: RequestContext, deps: CustomersDeps): Reply {
  const customerId = ctx.params.customerId ?? '';
  const customer = findCustomer(deps.store.state, customerId);
  return customer ? json(200, customerView(customer)) : customerNotFound(customerId);
}

function listAuditRecords(ctx: RequestContext, deps: CustomersDeps): Reply {
  const now = deps.clock.now();
  const range = readDateRange(ctx, now);
  if ('status' in range) return range;
  const filter = readFilter(ctx);
  if (filter !== undefined && 'status' in filter) return filter;
  const paging = readPaging(ctx, 500, 500);
  if ('status' in paging) return paging;
  const matching = deps.store.state.auditRecords
    .filter((r) => r.operationDate >= range.start && r.operationDate < range.end)
    .filter((r) => filter === undefined || filter.matches(r))
    .sort((a, b) => a.operationDate - b.operationDate);
  const page = slicePage(matching, paging.size, paging.offset);
  const partnerId = deps.store.state.partner.tenantId;
  return json(200, {
    totalCount: page.totalCount,
    items: page.items.map((r) => auditRecordView(r, partnerId)),
    links: pageLinks(ctx, paging.size, page.nextOffset),
    attributes: { objectType: 'Collection' },
  });
}

function auditRecordView(record: AuditRecord, partnerId: string): Record<string, unknown> {
  return {
    id: record.id,
    partnerId,
    customerId: record.customerId,
    customerName: record.customerName,
    userPrincipalName: 'partner-center-emulator',
    resourceType: record.resourceType,
    resourceNewValue: record.resourceNewValue,
    operationType: record.operationType,
    operationStatus: 'succeeded',
    operationDate: new Date(record.operationDate).toISOString(),
    customizedData: [
      { key: 'CustomerId', value: record.customerId },
      { key: 'CustomerName', value: record.customerName },
    ],
    attributes: { objectType: 'AuditRecord' },
  };
}

/** startDate (default: 30 days ago, at most 90 days back) to endDate (default: now; a bare date covers that day). */
function readDateRange(ctx: RequestContext, now: number): { start: number; end: number } | Reply {
  const rawStart = ctx.url.searchParams.get('startDate');
  const rawEnd = ctx.url.searchParams.get('endDate');
  const start = rawStart === null ? now - 30 * DAY_MS : parsePartnerCenterDate(rawStart);
  if (start === undefined) return pcError(400, ErrorCodes.badRequest, 'The startDate is not a valid date.');
  let end = rawEnd === null ? now + 1 : parsePartnerCenterDate(rawEnd);
  if (end === undefined) return pcError(400, ErrorCodes.badRequest, 'The endDate is not a valid date.');
  if (rawEnd !== null && !rawEnd.includes('T')) end += DAY_MS;
  if (start < startOfUtcDay(now) - AUDIT_RETENTION_DAYS * DAY_MS) {
    return pcError(
      400,
      ErrorCodes.badRequest,
      'The startDate cannot be more than 90 days before the current date.',
    );
  }
  if (end <= start) return pcError(400, ErrorCodes.badRequest, 'The endDate must be after the startDate.');
  return { start, end };
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

const FILTER_FIELDS: Record<string, (r: AuditRecord) => string> = {
  companyname: (r) => r.customerName,
  customerid: (r) => r.customerId,
  resourcetype: (r) => r.resourceType,
};

/** The optional `filter={"Field":..,"Value":..,"Operator":"equals|substring"}` parameter. */
function readFilter(ctx: RequestContext): { matches: (r: AuditRecord) => boolean } | Reply | undefined {
  const raw = ctx.url.searchParams.get('filter');
  if (raw === null) return undefined;
  const bad = pcError(400, ErrorCodes.badRequest, 'The filter is not valid.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return bad;
  }
  if (typeof parsed !== 'object' || parsed === null) return bad;
  const { Field: field, Value: value, Operator: operator } = parsed as Record<string, unknown>;
  const read = typeof field === 'string' ? FILTER_FIELDS[field.toLowerCase()] : undefined;
  if (read === undefined || typeof value !== 'string') return bad;
  const wanted = value.toLowerCase();
  if (operator === 'equals') return { matches: (r) => read(r).toLowerCase() === wanted };
  if (operator === 'substring') return { matches: (r) => read(r).toLowerCase().includes(wanted) };
  return bad;
}
