/**
 * The CRM queue trigger and the HTTP API through the real app on the app stack: Service Bus emulator,
 * local host, durable engine, Azurite and the Partner Center emulator.
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';

jest.setTimeout(180_000);

let app: AppStack;
let tenantSeq = 0x200;

/** A customer Partner Center knows, with no MCA yet. */
function newTenant(companyName: string): string {
  const tenantId = `e0000000-0000-4000-8000-${(tenantSeq++).toString(16).padStart(12, '0')}`;
  app.partnerCenter.addCustomer({ tenantId, companyName, agreements: [] });
  return tenantId;
}

function customer(tenantId: string, companyName: string) {
  return {
    tenantId,
    companyName,
    country: 'JP',
    language: 'ja-JP',
    signatory: { firstName: 'Hanako', lastName: 'Yamada', email: 'hanako@api-stack.example.com' },
  };
}

function crmEvent(tenantId: string, eventId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'CustomerCreated',
    eventId,
    occurredAt: '2026-03-02T09:00:00Z',
    customer: customer(tenantId, `Company ${tenantId.slice(-4)}`),
    method: 'attestation',
    ...overrides,
  };
}

async function statusOf(tenantId: string): Promise<Response> {
  await app.settle();
  return app.api(`/api/customers/${tenantId}/mca`);
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  app = await startAppStack();
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('CRM queue through the app stack', () => {
  it('starts the workflow for a valid event and completes a duplicate without a second run', async () => {
    const tenantId = newTenant('Queue Co');
    await app.sendCrmEvent(crmEvent(tenantId, 'api-stack-evt-1'));

    const response = await app.waitFor(
      async () => {
        const r = await statusOf(tenantId);
        return r.status === 200 ? r : undefined;
      },
      { what: 'the customer state' },
    );
    const body = (await response.json()) as { state: string; purchaseAllowed: boolean; history: unknown[] };
    expect(body).toMatchObject({ state: 'AttestationPending', purchaseAllowed: false });
    expect(body.history.length).toBeGreaterThan(0);

    await app.sendCrmEvent(crmEvent(tenantId, 'api-stack-evt-1'));
    await app.waitFor(
      () => app.logs.some((line) => line.includes('api-stack-evt-1') && line.includes('already processed')),
      {
        what: 'the duplicate to be completed',
      },
    );
    expect(app.partnerCenter.attestations().filter((a) => a.customerTenantId === tenantId)).toHaveLength(1);
    expect(app.emulators.serviceBus.queue('crm-customer-events').deadLetterCount).toBe(0);
  });

  it('dead-letters an invalid message at once with the field named, never the value', async () => {
    const tenantId = newTenant('Invalid Co');
    const event = crmEvent(tenantId, 'api-stack-evt-bad');
    await app.sendCrmEvent({ ...event, customer: { ...event.customer, country: 'Japan' } });

    const [deadLetter] = await app.waitFor(
      async () => {
        await app.settle();
        const letters = await app.peekDeadLetters();
        return letters.length > 0 ? letters : undefined;
      },
      { what: 'a dead letter' },
    );
    expect(deadLetter).toMatchObject({
      reason: 'InvalidMessage',
      description: expect.stringMatching(/^customer\.country: /) as unknown,
    });
    expect(deadLetter?.description).not.toContain('Japan');
    expect((await statusOf(tenantId)).status).toBe(404);
  });
});

describe('HTTP API through the app stack', () => {
  it('starts with 202 + Location, and the Location answers with the state', async () => {
    const tenantId = newTenant('Http Co');

    const started = await post(`/api/customers/${tenantId}/mca`, {
      ...customer(tenantId, 'Http Co'),
      method: 'attestation',
    });

    expect(started.status).toBe(202);
    const body = (await started.json()) as { statusUrl: string; outcome: string; instanceId: string };
    expect(body).toMatchObject({ outcome: 'started', instanceId: `mca-${tenantId}` });
    expect(started.headers.get('location')).toBe(body.statusUrl);
    await app.settle();
    const status = await fetch(body.statusUrl);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ tenantId, state: 'AttestationPending' });

    expect((await post(`/api/customers/${tenantId}/mca/recheck`, {})).status).toBe(202);
    expect((await post(`/api/customers/${tenantId}/mca/remind`, {})).status).toBe(202);
  });

  it('answers 400 naming the field, and 404 for an unknown tenant (also to a recheck)', async () => {
    const tenantId = newTenant('Unknown Co');

    const bad = await post(`/api/customers/${tenantId}/mca`, { ...customer(tenantId, 'X'), language: '' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'ValidationFailed', fields: [{ field: 'language' }] });
    expect((await statusOf(tenantId)).status).toBe(404);
    expect((await post(`/api/customers/${tenantId}/mca/recheck`, {})).status).toBe(404);
    expect((await post(`/api/customers/${tenantId}/mca/remind`, {})).status).toBe(409);
    expect((await app.api('/api/customers/not-a-guid/mca')).status).toBe(400);
  });

  it('lists customers page by page and reports them all as CSV', async () => {
    const tenants = [newTenant('List One'), newTenant('List Two')];
    for (const tenantId of tenants) {
      expect((await post(`/api/customers/${tenantId}/mca`, customer(tenantId, 'Listed'))).status).toBe(202);
    }
    await app.settle();

    const first = await app.apiJson<{ items: { tenantId: string }[]; continuationToken: string | null }>(
      '/api/customers?pageSize=1',
    );
    expect(first.items).toHaveLength(1);
    expect(first.continuationToken).toEqual(expect.any(String));
    const second = await app.apiJson<{ items: { tenantId: string }[] }>(
      `/api/customers?pageSize=1&continuationToken=${first.continuationToken ?? ''}`,
    );
    expect(second.items[0]?.tenantId).not.toBe(first.items[0]?.tenantId);
    expect((await app.api('/api/customers?pageSize=0')).status).toBe(400);
    expect((await app.api('/api/customers?continuationToken=bm90LW91cnM')).status).toBe(400);

    const report = await app.api('/api/reports/mca.csv');
    expect(report.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await report.text()).split('\r\n');
    expect(lines[0]).toMatch(/^tenantId,companyName,country,state,/);
    for (const tenantId of tenants) expect(lines.some((line) => line.startsWith(`${tenantId},`))).toBe(true);
  });

  it('answers the state summary, the latest sweep and an OpenAPI document of every registered HTTP route', async () => {
    const summary = await app.apiJson<{ states: Record<string, number>; total: number }>(
      '/api/reports/summary',
    );
    expect(summary.total).toBeGreaterThan(0);
    expect(Object.values(summary.states).reduce((sum, count) => sum + count, 0)).toBe(summary.total);

    // No sweep has to have run yet: either the newest one or a 404, never anything else.
    const sweep = await app.api('/api/sweeps/latest');
    const sweepBody = (await sweep.json()) as { instanceId?: string; error?: string };
    if (sweep.status === 200) expect(sweepBody.instanceId).toMatch(/^mca-sweep-\d{4}-\d{2}-\d{2}$/);
    else expect([sweep.status, sweepBody]).toEqual([404, { error: 'NotFound' }]);

    const document = await app.apiJson<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      '/api/openapi.json',
    );
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const registered = app.host.functions
      .filter((fn) => fn.triggerType === 'httpTrigger')
      .flatMap((fn) => {
        const trigger = Object.values(fn.bindings).find((binding) => binding.type === 'httpTrigger');
        const methods = (trigger?.methods ?? []) as string[];
        return methods.map((method) => `${method.toUpperCase()} /${String(trigger?.route)}`);
      });
    expect(registered.length).toBeGreaterThan(0);
    expect(documented.sort()).toEqual(registered.sort());
  });

  it('logs no personal data from the queue trigger or the API', () => {
    const ours = app.logs.filter((line) => /crmCustomerEvents|api[A-Z]/.test(line));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.join('\n')).not.toMatch(/hanako|Yamada|api-stack\.example/i);
  });
});
