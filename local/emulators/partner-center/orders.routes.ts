/**
 * Orders: the one purchase call, there to show the MCA purchase block as Microsoft documents it.
 * No MCA at all: 403 / 13605 (the REST error-code table). Only an attestation from before 2023-04-01,
 * from 2025-10-07 on: 403 / 900428 (the MCA page). Any other order is accepted as `pending`.
 */
import { z } from 'zod';
import type { Clock } from '../../clock';
import { mcaCoverage } from './agreements.routes';
import { customerNotFound } from './customers.routes';
import { ErrorCodes, NO_MCA_PURCHASE_DESCRIPTION, PURCHASE_BLOCKED_DESCRIPTION } from './error-codes';
import { PURCHASE_BLOCK_START, findCustomer, type StateStore } from './emulator-state';
import { json, pcError, type Reply } from './http-kit';
import { readJson } from './json-body';
import type { RequestContext, Route } from './router';

export interface OrdersDeps {
  store: StateStore;
  clock: Clock;
}

export function ordersRoutes(deps: OrdersDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/v1/customers/:customerId/orders',
      auth: 'any',
      idempotent: true,
      handler: (ctx) => createOrder(ctx, deps),
    },
  ];
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

/** Why Partner Center refuses a purchase for this customer now, if it does. */
export function purchaseRefusal(coverage: ReturnType<typeof mcaCoverage>, now: number): Reply | undefined {
  if (coverage === 'none') return pcError(403, ErrorCodes.mcaNotAccepted, NO_MCA_PURCHASE_DESCRIPTION);
  if (coverage === 'stale' && now >= PURCHASE_BLOCK_START) {
    return pcError(403, ErrorCodes.reattestationRequired, PURCHASE_BLOCKED_DESCRIPTION);
  }
  return undefined;
}

function createOrder(ctx: RequestContext, deps: OrdersDeps): Reply {
  const customerId = ctx.params.customerId ?? '';
  const customer = findCustomer(deps.store.state, customerId);
  if (!customer) return customerNotFound(customerId);
  const body = readJson(ctx, orderBody, (field, message) =>
    pcError(400, ErrorCodes.badRequest, `${field}: ${message}`),
  );
  if ('status' in body) return body;
  const now = deps.clock.now();
  const refusal = purchaseRefusal(mcaCoverage(customer, now), now);
  if (refusal) return refusal;
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
