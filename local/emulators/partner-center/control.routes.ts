/** The control API over HTTP, under `/_control/...` (no token needed; loopback-only tool). */
import { ControlError, type AddCustomerInput, type PartnerCenterControl } from './control';
import type { FaultRule } from './faults';
import { json, noContent, type Reply } from './http-kit';
import type { RequestContext, Route } from './router';

type ControlHandler = (ctx: RequestContext, body: Record<string, unknown>) => Reply | Promise<Reply>;

/** Parses an optional JSON object body and turns ControlErrors into 400/404 answers. */
function controlRoute(method: string, pattern: string, handler: ControlHandler): Route {
  return {
    method,
    pattern: `/_control${pattern}`,
    auth: 'none',
    handler: async (ctx) => {
      let body: unknown = {};
      if (ctx.body.length > 0) {
        try {
          body = JSON.parse(ctx.body.toString('utf8'));
        } catch {
          return json(400, { error: 'The request body is not valid JSON.' });
        }
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return json(400, { error: 'The request body must be a JSON object.' });
      }
      try {
        return await handler(ctx, body as Record<string, unknown>);
      } catch (error) {
        if (error instanceof ControlError) return json(error.status, { error: error.message });
        throw error;
      }
    },
  };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function controlRoutes(control: PartnerCenterControl): Route[] {
  return [
    controlRoute('POST', '/customers', (_ctx, body) =>
      json(201, control.addCustomer(body as AddCustomerInput)),
    ),
    controlRoute('GET', '/customers/:tenantId', (ctx) =>
      json(200, control.customer(ctx.params.tenantId ?? '')),
    ),
    controlRoute('GET', '/customers/:tenantId/agreements', (ctx) =>
      json(200, control.agreements(ctx.params.tenantId ?? '')),
    ),
    controlRoute('POST', '/customers/:tenantId/accept-direct', (ctx) => {
      control.acceptDirectly(ctx.params.tenantId ?? '');
      return json(200, control.customer(ctx.params.tenantId ?? ''));
    }),
    controlRoute('GET', '/attestations', () => json(200, control.attestations())),
    controlRoute('POST', '/attestations/:attestationId/accept', (ctx) =>
      json(200, { state: control.acceptAttestation(ctx.params.attestationId ?? '') }),
    ),
    controlRoute('POST', '/attestations/link-in-response', (_ctx, body) => {
      control.setAttestationLinkInResponse(body.on === true);
      return noContent();
    }),
    controlRoute('POST', '/attestations/expire', (_ctx, body) =>
      json(200, { expired: control.expireLinks(optionalString(body.attestationId)) }),
    ),
    controlRoute('GET', '/settings', () => json(200, control.settings())),
    controlRoute('PATCH', '/settings', (_ctx, body) => json(200, control.configure(body))),
    controlRoute('GET', '/faults', () => json(200, control.faults())),
    controlRoute('POST', '/faults', (_ctx, body) => json(201, { id: control.setFault(body as FaultRule) })),
    controlRoute('DELETE', '/faults', () => {
      control.clearFaults();
      return noContent();
    }),
    controlRoute('DELETE', '/faults/:id', (ctx) => {
      control.clearFaults(ctx.params.id);
      return noContent();
    }),
    controlRoute('GET', '/requests', () => json(200, control.requestLog())),
    controlRoute('GET', '/webhooks/deliveries', async () => {
      await control.flushWebhooks();
      return json(200, control.webhookDeliveries());
    }),
    controlRoute('POST', '/reset', () => {
      control.reset();
      return noContent();
    }),
  ];
}
