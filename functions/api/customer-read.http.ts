/**
 * Reads for operators: `GET customers/{tenantId}/mca` (state + recent history), `GET customers`
 * (paged list) and `GET reports/mca.csv` (every customer). Company data only: the store holds no
 * signatory data.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { customerSummary, mcaReportCsv } from '../../shared/reports';
import {
  CUSTOMER_STATE_NAMES,
  InvalidContinuationTokenError,
  MAX_PAGE_SIZE,
  type AuditEntry,
  type AuditTrailRepository,
  type CustomerState,
  type Store,
} from '../../shared/store';
import { NotFoundError, respond, ValidationError } from '../http-errors';
import { decodeOrThrow, queryObject, routeTenantId } from './request-input';

export interface CustomerReadDeps {
  store: Pick<Store, 'customerState'> & { auditTrail: Pick<AuditTrailRepository, 'list'> };
}

export const HISTORY_LIMIT = 50;
export const DEFAULT_PAGE_SIZE = 100;

export const listQuerySchema = z.object({
  state: z.enum(CUSTOMER_STATE_NAMES).optional(),
  purchaseBlocked: z
    .enum(['true', 'false'])
    .transform((text) => text === 'true')
    .optional(),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  continuationToken: z.string().max(4000).optional(),
});

export function createCustomerStatusHttp(deps: CustomerReadDeps) {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    respond(context, async () => {
      const tenantId = routeTenantId(request);
      const state = await deps.store.customerState.get(tenantId);
      if (!state) throw new NotFoundError(`No customer ${tenantId}`);
      const history = await deps.store.auditTrail.list(tenantId, HISTORY_LIMIT);
      return { status: 200, jsonBody: customerStatus(state, history) };
    });
}

export function customerStatus(state: CustomerState, history: AuditEntry[]) {
  const { tenantId, method, acceptedAt, purchaseAllowed, purchaseBlocked } = state;
  const { reason, nextReminderAt, updatedAt } = state;
  return {
    ...{ tenantId, state: state.state, method, acceptedAt, purchaseAllowed, purchaseBlocked },
    ...{ reason, nextReminderAt, updatedAt },
    history: history.map(({ at, actor, actorId, action, detail }) => ({
      at,
      actor,
      // Who asked, when a caller is known (an Entra object id or `local`); null for the workflow's own steps.
      actorId: actorId ?? null,
      action,
      detail,
    })),
  };
}

export function createCustomerListHttp(deps: CustomerReadDeps) {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    respond(context, async () => {
      const query = decodeOrThrow(listQuerySchema, queryObject(request), 'query');
      const page = await deps.store.customerState.list(query).catch((error: unknown) => {
        if (error instanceof InvalidContinuationTokenError) {
          throw ValidationError.of('continuationToken', 'expected a token from a previous page');
        }
        throw error;
      });
      const items = page.items.map(customerSummary);
      return { status: 200, jsonBody: { items, continuationToken: page.continuationToken ?? null } };
    });
}

export function createMcaReportHttp(deps: CustomerReadDeps) {
  return (_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    respond(context, async () => ({
      status: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': 'attachment; filename="mca.csv"',
        'Cache-Control': 'no-store',
      },
      body: await mcaReportCsv(deps.store.customerState.listAll()),
    }));
}
