/**
 * The read routes the dashboard needs beyond the status API: `GET reports/customers` (search, sort and
 * page over every customer), `GET reports/overview` (state changes per day, time to acceptance, links
 * expiring soon) and `GET reports/dead-letters` (the CRM queue's dead-letter count). Company data only.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import type { DeadLetterCounter } from '../../shared/events/dead-letter-count';
import {
  CUSTOMER_SORT_KEYS,
  customerSummary,
  customerTablePage,
  expiringLinks,
  SORT_ORDERS,
  stateChangesPerDay,
  timeToAccepted,
  type CustomerSummary,
} from '../../shared/reports';
import { type AuditTrailRepository, type CustomerState, type Store } from '../../shared/store';
import { QUEUES } from '../../shared/workflow/contracts';
import { respond } from '../http-errors';
import { listQuerySchema } from './customer-read.http';
import { decodeOrThrow, queryObject } from './request-input';

const DAY_MS = 24 * 60 * 60_000;
export const MAX_TABLE_PAGE_SIZE = 200;
export const MAX_OVERVIEW_DAYS = 90;
/** Audit entries read for the per-day chart at most: a bound on the scan for a very busy book. */
export const OVERVIEW_AUDIT_LIMIT = 50_000;

/** State and purchase block as `GET customers` takes them; search, sort and page numbers on top. */
export const customerTableQuerySchema = listQuerySchema.pick({ state: true, purchaseBlocked: true }).extend({
  search: z.string().max(200).optional(),
  sort: z.enum(CUSTOMER_SORT_KEYS).default('companyName'),
  order: z.enum(SORT_ORDERS).default('asc'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_TABLE_PAGE_SIZE).default(50),
});

export const overviewQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(MAX_OVERVIEW_DAYS).default(14),
  expiringWithinHours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
});

export interface DashboardDataDeps {
  store: {
    customerState: Pick<Store['customerState'], 'listAll'>;
    auditTrail: Pick<AuditTrailRepository, 'listSince'>;
  };
  deadLetters: DeadLetterCounter;
  now: () => Date;
}

export function createCustomerTableHttp(deps: Pick<DashboardDataDeps, 'store'>) {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    respond(context, async () => {
      const { state, purchaseBlocked, ...table } = decodeOrThrow(
        customerTableQuerySchema,
        queryObject(request),
        'query',
      );
      const rows: CustomerSummary[] = [];
      for await (const customer of deps.store.customerState.listAll({ state, purchaseBlocked })) {
        rows.push(customerSummary(customer));
      }
      return {
        status: 200,
        headers: { 'Cache-Control': 'no-store' },
        jsonBody: customerTablePage(rows, table),
      };
    });
}

export function createOverviewHttp(deps: Omit<DashboardDataDeps, 'deadLetters'>) {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    respond(context, async () => {
      const { days, expiringWithinHours } = decodeOrThrow(overviewQuerySchema, queryObject(request), 'query');
      const now = deps.now();
      const customers: CustomerState[] = [];
      for await (const customer of deps.store.customerState.listAll()) customers.push(customer);
      const since = new Date((Math.floor(now.getTime() / DAY_MS) - days + 1) * DAY_MS).toISOString();
      const entries = await deps.store.auditTrail.listSince(since, OVERVIEW_AUDIT_LIMIT);
      return {
        status: 200,
        headers: { 'Cache-Control': 'no-store' },
        jsonBody: {
          generatedAt: now.toISOString(),
          stateChangesPerDay: stateChangesPerDay(entries, { now, days }),
          /** True when the audit scan hit its limit: the per-day counts are a lower bound. */
          stateChangesTruncated: entries.length >= OVERVIEW_AUDIT_LIMIT,
          timeToAccepted: timeToAccepted(customers),
          expiringLinks: expiringLinks(customers, { now, withinMs: expiringWithinHours * 60 * 60_000 }),
        },
      };
    });
}

export function createDeadLetterCountHttp(deps: Pick<DashboardDataDeps, 'deadLetters'>) {
  return (_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    respond(context, async () => ({
      status: 200,
      headers: { 'Cache-Control': 'no-store' },
      jsonBody: await deps.deadLetters.count(QUEUES.crmEvents),
    }));
}
