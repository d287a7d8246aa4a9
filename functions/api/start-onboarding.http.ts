/**
 * `POST customers/{tenantId}/mca`: the customer object (+ optional method) starts or joins the
 * customer's workflow. With `purchaseBlocked: true` (an order system that hit a 403) every customer
 * field is optional: the run checks the tenant and asks the desk for a contact when it needs one.
 * The event id is the `Idempotency-Key`, else a hash of the canonical body, so a retried identical
 * POST is the same event.
 */
import { createHash } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { z } from 'zod';
import {
  blockedCustomerSchema,
  completeCustomer,
  customerSchema,
  methodSchema,
  type OnboardingRequest,
} from '../../shared/workflow/contracts';
import { respond, ValidationError } from '../http-errors';
import type { OnboardingPolicy } from '../../shared/workflow/run-policy';
import { startOnboarding } from '../onboarding-starter';
import { auditOperatorRequest, type OperatorAudit } from './operator-actions.http';
import { decodeOrThrow, isPlainObject, readJson, routeTenantId } from './request-input';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const startBodySchema = customerSchema.extend({
  method: methodSchema.optional(),
  purchaseBlocked: z.literal(false).optional(),
});
export const blockedBodySchema = blockedCustomerSchema.extend({
  method: methodSchema.optional(),
  purchaseBlocked: z.literal(true),
});
type StartBody = z.output<typeof startBodySchema> | z.output<typeof blockedBodySchema>;
export const idempotencyKeySchema = z.string().trim().min(1).max(200);

export async function startOnboardingHttp(
  request: HttpRequest,
  client: df.DurableClient,
  context: InvocationContext,
  /** Pinned in the run it starts. */
  policy?: OnboardingPolicy,
  /** Records the caller's request (`StartRequested`) before starting. */
  audit?: OperatorAudit,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const tenantId = routeTenantId(request);
    const body = decodeStartBody(await readJson(request), tenantId);
    const started = toOnboardingRequest(body, eventIdOf(request, body));
    await auditOperatorRequest(audit, request, tenantId, 'StartRequested', `(${started.reason})`);
    const outcome = await startOnboarding(client, started, { policy });
    const statusUrl = statusUrlOf(request, tenantId);
    context.log(`API start for ${tenantId}: ${outcome.kind} (${outcome.instanceId})`);
    return {
      status: 202,
      headers: { Location: statusUrl },
      jsonBody: { tenantId, instanceId: outcome.instanceId, statusUrl, outcome: outcome.kind },
    };
  });
}

/** The route names the tenant: the body may leave it out, but may not name another one. */
export function decodeStartBody(json: unknown, tenantId: string): StartBody {
  const blocked = isPlainObject(json) && json.purchaseBlocked === true;
  const withTenant = isPlainObject(json) ? { tenantId, ...json } : json;
  const body = blocked
    ? decodeOrThrow(blockedBodySchema, withTenant)
    : decodeOrThrow(startBodySchema, withTenant);
  if (body.tenantId !== tenantId) throw ValidationError.of('tenantId', 'must match the tenant id in the URL');
  return body;
}

export function eventIdOf(request: HttpRequest, body: StartBody): string {
  const header = request.headers.get(IDEMPOTENCY_HEADER);
  if (header !== null) {
    const key = idempotencyKeySchema.safeParse(header);
    if (!key.success) throw ValidationError.of(IDEMPOTENCY_HEADER, 'expected 1 to 200 characters');
    return key.data;
  }
  return `sha256:${createHash('sha256').update(canonicalJson(body)).digest('hex')}`;
}

/** JSON with object keys sorted at every level: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

function toOnboardingRequest(body: StartBody, eventId: string): OnboardingRequest {
  const { method, purchaseBlocked, ...fields } = body;
  const customer = completeCustomer(fields);
  return {
    tenantId: fields.tenantId,
    ...(fields.companyName ? { companyName: fields.companyName } : {}),
    ...(customer ? { customer } : {}),
    ...(method ? { method } : {}),
    reason: purchaseBlocked ? 'purchaseBlocked' : 'new',
    source: 'http',
    eventId,
  };
}

/** `GET customers/{tenantId}/mca` on this host: the same path as the POST, without the query. */
function statusUrlOf(request: HttpRequest, tenantId: string): string {
  const url = new URL(request.url);
  url.search = '';
  url.pathname = url.pathname.replace(/[^/]+\/mca\/?$/i, `${tenantId}/mca`);
  return url.toString();
}
