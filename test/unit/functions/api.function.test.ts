import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import {
  createCustomerListHttp,
  createCustomerStatusHttp,
  createMcaReportHttp,
} from '../../../functions/api/customer-read.http';
import {
  createConfirmAcceptanceHttp,
  type ConfirmDeps,
} from '../../../functions/api/confirm-acceptance.http';
import {
  createOperatorActionHttp,
  type OperatorAudit,
  type RecheckDeps,
} from '../../../functions/api/operator-actions.http';
import { NotFound } from '../../../shared/partnerCenter';
import { canonicalJson, startOnboardingHttp } from '../../../functions/api/start-onboarding.http';
import {
  InvalidContinuationTokenError,
  StoreValidationError,
  type AuditEntry,
  type CustomerListQuery,
  type CustomerState,
  type CustomerStateName,
  type Page,
} from '../../../shared/store';
import { ONBOARDING_EVENTS, ORCHESTRATORS, type OutcomeEvent } from '../../../shared/workflow/contracts';
import { customer } from '../reports/fixtures';
import { FakeDurableClient, recordingContext } from './fakes';

const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const INSTANCE = `mca-${TENANT}`;
const BASE = 'http://localhost:7071/api';
const EMAIL = 'hanako.yamada@contoso.example';

const customerBody = {
  companyName: 'Contoso KK',
  country: 'JP',
  language: 'ja-JP',
  signatory: { firstName: 'Hanako', lastName: 'Yamada', email: EMAIL },
};

function post(path: string, body: unknown, options: { headers?: Record<string, string>; raw?: string } = {}) {
  const tenantId = /customers\/([^/]+)/.exec(path)?.[1];
  return new HttpRequest({
    method: 'POST',
    url: `${BASE}/${path}`,
    params: tenantId === undefined ? {} : { tenantId },
    headers: { 'content-type': 'application/json', ...options.headers },
    body: { string: options.raw ?? JSON.stringify(body) },
  });
}

function get(path: string, params: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({ method: 'GET', url: `${BASE}/${path}`, params });
}

interface JsonResponse {
  status: number | undefined;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function json(response: HttpResponseInit): JsonResponse {
  return {
    status: response.status,
    headers: (response.headers ?? {}) as Record<string, string>,
    body: response.jsonBody as Record<string, unknown>,
  };
}

function fieldsOf(response: HttpResponseInit): string[] {
  const { body } = json(response);
  expect(body.error).toBe('ValidationFailed');
  return (body.fields as { field: string }[]).map((f) => f.field).sort();
}

describe('POST customers/{tenantId}/mca', () => {
  let client: FakeDurableClient;
  let run: ReturnType<typeof recordingContext>;
  beforeEach(() => {
    client = new FakeDurableClient();
    run = recordingContext();
  });
  const start = (request: HttpRequest) => startOnboardingHttp(request, client.client, run.context);

  it('starts the workflow: 202 with Location and the status URL', async () => {
    const response = json(
      await start(post(`customers/${TENANT}/mca`, { ...customerBody, method: 'direct' })),
    );

    const statusUrl = `${BASE}/customers/${TENANT}/mca`;
    expect(response.status).toBe(202);
    expect(response.headers).toEqual({ Location: statusUrl });
    expect(response.body).toEqual({ tenantId: TENANT, instanceId: INSTANCE, statusUrl, outcome: 'started' });
    expect(client.started).toEqual([
      {
        name: ORCHESTRATORS.onboarding,
        instanceId: INSTANCE,
        input: {
          tenantId: TENANT,
          companyName: 'Contoso KK',
          customer: { ...customerBody, tenantId: TENANT },
          method: 'direct',
          reason: 'new',
          source: 'http',
          eventId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as unknown,
        },
      },
    ]);
  });

  // An order system that hit a 403 knows only the tenant: the run checks it and asks for a contact.
  it('starts a purchase-blocked run from a body with only purchaseBlocked (and what else it knows)', async () => {
    await start(post(`customers/${TENANT}/mca`, { purchaseBlocked: true }));
    await start(post(`customers/${TENANT}/mca`, { purchaseBlocked: true, companyName: 'Contoso KK' }));
    await start(post(`customers/${TENANT}/mca`, { ...customerBody, purchaseBlocked: true }));

    // The first starts the run, the others join it.
    const inputs = [...client.started.map((s) => s.input), ...client.raised.map((r) => r.payload)] as Record<
      string,
      unknown
    >[];
    expect(inputs.map((input) => [input.reason, input.companyName, input.customer !== undefined])).toEqual([
      ['purchaseBlocked', undefined, false],
      ['purchaseBlocked', 'Contoso KK', false],
      ['purchaseBlocked', 'Contoso KK', true],
    ]);
    const bad = await start(post(`customers/${TENANT}/mca`, { purchaseBlocked: true, country: 'Japan' }));
    expect(fieldsOf(bad)).toEqual(['country']);
  });

  it('records who asked to start (the caller id) in the audit trail; a bad body records nothing', async () => {
    const { audit, entries } = operatorAudit();
    const startAudited = (request: HttpRequest) =>
      startOnboardingHttp(request, client.client, run.context, undefined, audit);

    await startAudited(post(`customers/${TENANT}/mca`, { purchaseBlocked: true, country: 'Japan' }));
    expect(entries).toEqual([]);
    expect((await startAudited(post(`customers/${TENANT}/mca`, customerBody))).status).toBe(202);
    expect(entries).toEqual([`operator/${CALLER_ID}:StartRequested`]);
  });

  it('joins a running workflow', async () => {
    client.seed(INSTANCE, 'Running');

    const response = json(await start(post(`customers/${TENANT}/mca`, customerBody)));

    expect(response.status).toBe(202);
    expect(response.body.outcome).toBe('joined');
    expect(client.started).toEqual([]);
    expect(client.raised.map((r) => r.eventName)).toEqual([ONBOARDING_EVENTS.customerUpdated]);
  });

  it('accepts a body tenant id equal to the route one in another case; the status URL is lower case', async () => {
    const upper = TENANT.toUpperCase();

    const response = json(await start(post(`customers/${upper}/mca`, { ...customerBody, tenantId: upper })));

    expect(response.status).toBe(202);
    expect(response.body.statusUrl).toBe(`${BASE}/customers/${TENANT}/mca`);
  });

  it('rejects a body naming another tenant with 400 and never starts', async () => {
    const other = '9f2504e0-4f89-41d3-9a0c-0305e82c3301';

    const response = await start(post(`customers/${TENANT}/mca`, { ...customerBody, tenantId: other }));

    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual(['tenantId']);
    expect(client.started).toEqual([]);
  });

  it('rejects a route tenant id that is not a GUID', async () => {
    const response = await start(post('customers/contoso/mca', customerBody));

    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual(['tenantId']);
  });

  it.each<[string, unknown, string[]]>([
    [
      'a bad e-mail',
      { ...customerBody, signatory: { ...customerBody.signatory, email: 'x' } },
      ['signatory.email'],
    ],
    ['a missing company name', { ...customerBody, companyName: undefined }, ['companyName']],
    ['an unknown method', { ...customerBody, method: 'fax' }, ['method']],
    [
      'several bad fields',
      { country: 'Japan', language: '', signatory: { firstName: 'H' } },
      ['companyName', 'country', 'language', 'signatory.email', 'signatory.lastName'],
    ],
    ['an array', [customerBody], ['body']],
    ['a string', 'hello', ['body']],
  ])('names every bad field for %s (400)', async (_name, body, fields) => {
    const response = await start(post(`customers/${TENANT}/mca`, body));

    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual([...fields].sort());
    expect(client.started).toEqual([]);
  });

  it.each([
    ['bad JSON', '{"companyName":'],
    ['an empty body', ''],
  ])('rejects %s as a 400 naming the body', async (_name, raw) => {
    const response = await start(post(`customers/${TENANT}/mca`, undefined, { raw }));

    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual(['body']);
  });

  it('never echoes the values sent', async () => {
    const response = await start(
      post(`customers/${TENANT}/mca`, {
        ...customerBody,
        signatory: { ...customerBody.signatory, email: 'hanako-at' },
      }),
    );

    expect(JSON.stringify(response.jsonBody)).not.toContain('hanako');
  });

  it('uses the Idempotency-Key as the event id', async () => {
    await start(post(`customers/${TENANT}/mca`, customerBody, { headers: { 'Idempotency-Key': 'op-42' } }));

    expect(client.started[0]?.input).toMatchObject({ eventId: 'op-42' });
  });

  it('rejects an Idempotency-Key that is blank or too long', async () => {
    for (const key of [' ', 'k'.repeat(201)]) {
      const response = await start(
        post(`customers/${TENANT}/mca`, customerBody, { headers: { 'Idempotency-Key': key } }),
      );
      expect(fieldsOf(response)).toEqual(['Idempotency-Key']);
    }
  });

  it('gives a retried identical POST (any key order, padding) the same event id, and a changed one another', async () => {
    const reordered = {
      signatory: { email: EMAIL, lastName: 'Yamada', firstName: ' Hanako ' },
      language: 'ja-JP',
      country: 'JP',
      companyName: 'Contoso KK',
    };
    await start(post(`customers/${TENANT}/mca`, customerBody));
    client.runtimeStatus.clear();
    await start(post(`customers/${TENANT}/mca`, reordered));
    client.runtimeStatus.clear();
    await start(post(`customers/${TENANT}/mca`, { ...customerBody, companyName: 'Contoso KK (new)' }));

    const ids = client.started.map((s) => (s.input as { eventId: string }).eventId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('maps a durable client failure to 500 with a correlation id and no details, logged without personal data', async () => {
    client.failWith = new Error(`backend refused ${EMAIL}`);

    const response = json(await start(post(`customers/${TENANT}/mca`, customerBody)));

    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: 'InternalError', correlationId: 'invocation-1' });
    expect(run.logs).toEqual([
      { level: 'error', text: expect.stringContaining('correlationId invocation-1') as unknown },
    ]);
    expect(run.logs[0]?.text).not.toContain(EMAIL);
  });
});

describe('canonicalJson', () => {
  it.each<[unknown, string]>([
    [{ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}'],
    [[3, 1], '[3,1]'],
    ['x', '"x"'],
  ])('%j -> %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});

// ---- reads -------------------------------------------------------------------------------------------

/** The store and outcome fakes a heal writes to, recording the rows, outcomes and audit lines. */
function healingFakes(now: Date, row: CustomerState | undefined, line: (entry: AuditEntry) => string) {
  const rows = new Map(row ? [[row.tenantId, row]] : []);
  const published: OutcomeEvent[] = [];
  const audit: string[] = [];
  const deps: Pick<ConfirmDeps, 'store' | 'outcomes' | 'now'> = {
    store: {
      customerState: {
        get: (id) => Promise.resolve(rows.get(id)),
        upsert: (input) => {
          const state = { ...(input as CustomerState), purchaseAllowed: input.state === 'Accepted' };
          rows.set(state.tenantId, state);
          return Promise.resolve({ kind: 'written', state });
        },
      },
      auditTrail: {
        append: (entry) => {
          audit.push(line(entry as AuditEntry));
          return Promise.resolve(entry as AuditEntry);
        },
      },
    },
    outcomes: {
      publish: (event) => {
        published.push(event);
        return Promise.resolve();
      },
    },
    now: () => now,
  };
  return { deps, rows, published, audit };
}

const CALLER_ID = '7d3e5c1a-1111-4222-8333-944455556666';

/** An operator audit that records `actor/actorId:action` and names every caller CALLER_ID. */
function operatorAudit(now = new Date('2027-03-10T10:00:00.000Z')) {
  const entries: string[] = [];
  const audit: OperatorAudit = {
    auditTrail: {
      append: (entry) => {
        entries.push(`${entry.actor}/${entry.actorId ?? '-'}:${entry.action}`);
        return Promise.resolve(entry as AuditEntry);
      },
    },
    now: () => now,
    actorIdOf: () => CALLER_ID,
  };
  return { audit, entries };
}

function customerState(overrides: Partial<CustomerState> = {}): CustomerState {
  return customer({ tenantId: TENANT, companyName: 'Contoso KK', ...overrides });
}

class FakeReadStore {
  readonly customers = new Map<string, CustomerState>();
  readonly audit: AuditEntry[] = [];
  readonly listCalls: CustomerListQuery[] = [];
  listError: Error | undefined;
  auditLimits: number[] = [];

  readonly customerState = {
    get: (tenantId: string) => Promise.resolve(this.customers.get(tenantId)),
    list: (query: CustomerListQuery): Promise<Page<CustomerState>> => {
      this.listCalls.push(query);
      if (this.listError) return Promise.reject(this.listError);
      return Promise.resolve({ items: [...this.customers.values()], continuationToken: 'next-1' });
    },
    listAll: () => this.iterate(),
    upsert: () => Promise.reject(new Error('read only')),
  };

  readonly auditTrail = {
    list: (tenantId: string, limit: number) => {
      this.auditLimits.push(limit);
      return Promise.resolve(this.audit.filter((e) => e.tenantId === tenantId));
    },
    append: () => Promise.reject(new Error('read only')),
  };

  private async *iterate(): AsyncIterable<CustomerState> {
    for (const customer of this.customers.values()) yield await Promise.resolve(customer);
  }
}

describe('GET customers/{tenantId}/mca', () => {
  let store: FakeReadStore;
  let run: ReturnType<typeof recordingContext>;
  beforeEach(() => {
    store = new FakeReadStore();
    run = recordingContext();
  });
  const status = (tenantId: string) =>
    createCustomerStatusHttp({ store })(get(`customers/${tenantId}/mca`, { tenantId }), run.context);

  it('returns the state, what follows from it and the latest 50 history entries', async () => {
    store.customers.set(TENANT, customerState({ reason: 'waiting' }));
    store.audit.push({
      tenantId: TENANT,
      at: '2026-03-02T09:00:00.000Z',
      actor: 'workflow',
      action: 'RunStarted',
      detail: 'reason new',
    });

    const response = json(await status(TENANT.toUpperCase()));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      tenantId: TENANT,
      state: 'AttestationPending',
      method: 'attestation',
      acceptedAt: null,
      purchaseAllowed: false,
      purchaseBlocked: false,
      reason: 'waiting',
      nextReminderAt: '2026-03-05T09:00:00.000Z',
      updatedAt: '2026-03-02T10:00:00.000Z',
      history: [
        {
          at: '2026-03-02T09:00:00.000Z',
          actor: 'workflow',
          actorId: null,
          action: 'RunStarted',
          detail: 'reason new',
        },
      ],
    });
    expect(store.auditLimits).toEqual([50]);
  });

  it('is 404 for an unknown tenant', async () => {
    const response = json(await status(TENANT));

    expect(response).toMatchObject({ status: 404, body: { error: 'NotFound' } });
  });

  it('is 400 for a tenant id that is not a GUID, without reading the store', async () => {
    const response = await status('not-a-guid');

    expect(fieldsOf(response)).toEqual(['tenantId']);
    expect(store.auditLimits).toEqual([]);
  });
});

describe('GET customers', () => {
  let store: FakeReadStore;
  let run: ReturnType<typeof recordingContext>;
  beforeEach(() => {
    store = new FakeReadStore();
    run = recordingContext();
  });
  const list = (query: string) => createCustomerListHttp({ store })(get(`customers${query}`), run.context);

  it('pages through the store with summaries and the next token', async () => {
    store.customers.set(TENANT, customerState());

    const response = json(await list('?state=AttestationPending&pageSize=20&continuationToken=abc'));

    expect(response.status).toBe(200);
    expect(store.listCalls).toEqual([
      { state: 'AttestationPending', pageSize: 20, continuationToken: 'abc' },
    ]);
    expect(response.body).toEqual({
      items: [
        {
          tenantId: TENANT,
          companyName: 'Contoso KK',
          country: 'JP',
          state: 'AttestationPending',
          method: 'attestation',
          purchaseAllowed: false,
          purchaseBlocked: false,
          acceptedAt: null,
          reason: null,
          nextReminderAt: '2026-03-05T09:00:00.000Z',
          remindersSent: 1,
          updatedAt: '2026-03-02T10:00:00.000Z',
        },
      ],
      continuationToken: 'next-1',
    });
  });

  it('defaults the page size and treats empty parameters as absent', async () => {
    await list('?state=&continuationToken=');

    expect(store.listCalls).toEqual([{ pageSize: 100 }]);
  });

  it.each([
    ['?state=Done', ['state']],
    ['?pageSize=0', ['pageSize']],
    ['?pageSize=1001', ['pageSize']],
    ['?pageSize=ten', ['pageSize']],
    ['?pageSize=2.5&state=accepted', ['pageSize', 'state']],
  ])('%s is a 400 naming %j', async (query, fields) => {
    const response = await list(query);

    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual(fields);
    expect(store.listCalls).toEqual([]);
  });

  it('maps a token the store did not issue to a 400 naming continuationToken', async () => {
    store.listError = new InvalidContinuationTokenError();

    const response = await list('?continuationToken=forged');

    expect(fieldsOf(response)).toEqual(['continuationToken']);
  });

  it('maps any other store validation error to 400', async () => {
    store.listError = new StoreValidationError('Invalid customer list query');

    const response = json(await list(''));

    expect(response).toMatchObject({ status: 400, body: { error: 'ValidationFailed' } });
  });
});

describe('GET reports/mca.csv', () => {
  it('answers text/csv with the header and one quoted, neutralised row per customer', async () => {
    const store = new FakeReadStore();
    store.customers.set(TENANT, customerState({ companyName: '=HYPERLINK("x"), Inc' }));

    const response = await createMcaReportHttp({ store })(get('reports/mca.csv'), recordingContext().context);

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ 'Content-Type': 'text/csv; charset=utf-8' });
    expect(typeof response.body).toBe('string');
    const lines = (response.body as string).split('\r\n');
    expect(lines[0]).toBe(
      'tenantId,companyName,country,state,method,purchaseAllowed,purchaseBlocked,acceptedAt,reason,nextReminderAt,remindersSent,updatedAt',
    );
    expect(lines[1]).toBe(
      `${TENANT},"'=HYPERLINK(""x""), Inc",JP,AttestationPending,attestation,false,false,,,2026-03-05T09:00:00.000Z,1,2026-03-02T10:00:00.000Z`,
    );
    expect(lines.slice(2)).toEqual(['']);
  });
});

describe('POST customers/{tenantId}/mca/recheck and /remind', () => {
  it.each([
    ['recheck', ONBOARDING_EVENTS.recheck],
    ['remind', ONBOARDING_EVENTS.reminderDue],
  ])('%s raises %s with {} on a running workflow: 202', async (action, eventName) => {
    const client = new FakeDurableClient().seed(INSTANCE, 'Running');

    const response = json(
      await createOperatorActionHttp(eventName)(
        post(`customers/${TENANT}/mca/${action}`, {}),
        client.client,
        recordingContext().context,
      ),
    );

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ tenantId: TENANT, instanceId: INSTANCE, event: eventName });
    expect(client.raised).toEqual([{ instanceId: INSTANCE, eventName, payload: {} }]);
  });

  it.each([
    ['recheck', ONBOARDING_EVENTS.recheck, 'RecheckRequested'],
    ['remind', ONBOARDING_EVENTS.reminderDue, 'ReminderRequested'],
  ])('%s records who asked (the caller id) before raising', async (action, eventName, audited) => {
    const client = new FakeDurableClient().seed(INSTANCE, 'Running');
    const { audit, entries } = operatorAudit();

    const response = await createOperatorActionHttp(eventName, undefined, audit)(
      post(`customers/${TENANT}/mca/${action}`, {}),
      client.client,
      recordingContext().context,
    );

    expect(response.status).toBe(202);
    expect(entries).toEqual([`operator/${CALLER_ID}:${audited}`]);
  });

  it.each([['Completed'], ['Failed'], ['absent']])(
    'is 409 NotRunning when the workflow is %s',
    async (runtimeStatus) => {
      const client = new FakeDurableClient();
      if (runtimeStatus !== 'absent') client.seed(INSTANCE, runtimeStatus);

      const response = json(
        await createOperatorActionHttp(ONBOARDING_EVENTS.recheck)(
          post(`customers/${TENANT}/mca/recheck`, {}),
          client.client,
          recordingContext().context,
        ),
      );

      expect(response).toMatchObject({ status: 409, body: { error: 'NotRunning' } });
      expect(client.raised).toEqual([]);
    },
  );

  describe('recheck of a finished run (no mail, one look at Partner Center)', () => {
    const NOW = new Date('2027-03-10T10:00:00.000Z');
    function recheckDeps(
      evidence: { isSigned: boolean; agreements?: string[] } | Error,
      row?: CustomerState,
    ) {
      const fakes = healingFakes(NOW, row, (entry) => `${entry.actor}:${entry.action}`);
      const deps: RecheckDeps = {
        ...fakes.deps,
        partnerCenter: {
          getDirectSignedStatus: () =>
            evidence instanceof Error
              ? Promise.reject(evidence)
              : Promise.resolve({ isSigned: evidence.isSigned }),
          listCustomerAgreements: () =>
            Promise.resolve(
              evidence instanceof Error
                ? []
                : (evidence.agreements ?? []).map((dateAgreed) => ({ dateAgreed })),
            ),
        },
      };
      return { ...fakes, deps };
    }
    async function recheck(deps: RecheckDeps) {
      const client = new FakeDurableClient().seed(INSTANCE, 'Completed');
      const response = json(
        await createOperatorActionHttp(ONBOARDING_EVENTS.recheck, deps)(
          post(`customers/${TENANT}/mca/recheck`, {}),
          client.client,
          recordingContext().context,
        ),
      );
      expect(client.raised).toEqual([]);
      expect(client.started).toEqual([]);
      return response;
    }

    it.each<CustomerStateName>(['Expired', 'Failed', 'HandedOff'])(
      'heals a %s customer who has accepted since: 200, Accepted, McaAccepted',
      async (state) => {
        const row = customerState({ state, purchaseBlocked: true });
        const { deps, rows, published, audit } = recheckDeps({ isSigned: true }, row);
        const response = await recheck(deps);
        expect(response).toMatchObject({
          status: 200,
          body: { tenantId: TENANT, found: 'accepted', method: 'direct', healed: true, state: 'Accepted' },
        });
        expect(rows.get(TENANT)).toMatchObject({
          state: 'Accepted',
          purchaseAllowed: true,
          purchaseBlocked: false,
        });
        expect(published.map((e) => [e.type, e.method])).toEqual([['McaAccepted', 'direct']]);
        expect(audit).toEqual(['operator:Healed']);
      },
    );

    it('says what it found when the customer is still not covered, and keeps the block visible', async () => {
      const row = customerState({ state: 'Expired', purchaseBlocked: false });
      const { deps, rows, published, audit } = recheckDeps(
        { isSigned: false, agreements: ['2021-05-01T00:00:00'] },
        row,
      );
      const response = await recheck(deps);
      expect(response).toMatchObject({
        status: 200,
        body: { tenantId: TENANT, found: 'reattestationRequired', purchaseBlocked: true, state: 'Expired' },
      });
      expect(rows.get(TENANT)).toMatchObject({
        state: 'Expired',
        purchaseBlocked: true,
        updatedAt: row.updatedAt,
      });
      expect(published).toEqual([]);
      expect(audit).toEqual(['operator:Rechecked']);
    });

    it('records the caller id on the request and on what the recheck found', async () => {
      const row = customerState({ state: 'Expired' });
      const { deps } = recheckDeps({ isSigned: true }, row);
      const { audit, entries } = operatorAudit();
      const lines: string[] = [];
      deps.store.auditTrail.append = (entry) => {
        lines.push(`${entry.actor}/${entry.actorId ?? '-'}:${entry.action}`);
        return Promise.resolve(entry as AuditEntry);
      };

      await createOperatorActionHttp(ONBOARDING_EVENTS.recheck, deps, audit)(
        post(`customers/${TENANT}/mca/recheck`, {}),
        new FakeDurableClient().seed(INSTANCE, 'Completed').client,
        recordingContext().context,
      );

      expect(entries).toEqual([`operator/${CALLER_ID}:RecheckRequested`]);
      expect(lines).toEqual([`operator/${CALLER_ID}:Healed`]);
    });

    it('answers notVisible when Partner Center does not show the customer, 404 for an unknown one', async () => {
      const row = customerState({ state: 'Failed' });
      const notFound = new NotFound({ operation: 'getDirectSignedStatus', status: 404 });
      expect(await recheck(recheckDeps(notFound, row).deps)).toMatchObject({
        status: 200,
        body: { tenantId: TENANT, found: 'notVisible', state: 'Failed' },
      });
      expect((await recheck(recheckDeps({ isSigned: true }).deps)).status).toBe(404);
    });
  });

  it('is 400 for a tenant id that is not a GUID', async () => {
    const client = new FakeDurableClient();

    const response = await createOperatorActionHttp(ONBOARDING_EVENTS.recheck)(
      post('customers/x/mca/recheck', {}),
      client.client,
      recordingContext().context,
    );

    expect(fieldsOf(response)).toEqual(['tenantId']);
  });
});

describe('POST customers/{tenantId}/mca/confirm (reseller deployments)', () => {
  const NOW = new Date('2027-03-10T10:00:00.000Z');
  const body = { method: 'direct', acceptedAt: '2026-03-09T18:00:00+09:00', confirmedBy: 'indirectProvider' };

  function confirmDeps(partnerType: ConfirmDeps['config']['partnerType'], row?: CustomerState) {
    const fakes = healingFakes(NOW, row, (entry) => `${entry.actor}:${entry.action}:${entry.detail}`);
    const deps: ConfirmDeps = { ...fakes.deps, config: { partnerType } };
    return { ...fakes, deps };
  }

  async function confirm(deps: ConfirmDeps, client: FakeDurableClient, sent: unknown = body) {
    return json(
      await createConfirmAcceptanceHttp(deps)(
        post(`customers/${TENANT}/mca/confirm`, sent),
        client.client,
        recordingContext().context,
      ),
    );
  }

  it('raises Confirmed (acceptedAt in UTC) on a running workflow: 202', async () => {
    const client = new FakeDurableClient().seed(INSTANCE, 'Running');

    const response = await confirm(confirmDeps('IndirectReseller').deps, client);

    expect(response.status).toBe(202);
    expect(client.raised).toEqual([
      {
        instanceId: INSTANCE,
        eventName: ONBOARDING_EVENTS.confirmed,
        payload: { ...body, acceptedAt: '2026-03-09T09:00:00.000Z' },
      },
    ]);
  });

  it('heals a finished run at once, with who confirmed in the audit trail: 200', async () => {
    const row = customerState({ state: 'HandedOff', method: 'handOff', purchaseBlocked: true });
    const { deps, rows, published, audit } = confirmDeps('IndirectReseller', row);

    const response = await confirm(deps, new FakeDurableClient().seed(INSTANCE, 'Completed'));

    expect(response).toMatchObject({
      status: 200,
      body: { tenantId: TENANT, state: 'Accepted', healed: true },
    });
    expect(rows.get(TENANT)).toMatchObject({
      state: 'Accepted',
      method: 'direct',
      acceptedAt: '2026-03-09T09:00:00.000Z',
      purchaseBlocked: false,
    });
    expect(published.map((e) => [e.type, e.method])).toEqual([['McaAccepted', 'direct']]);
    expect(audit).toEqual([
      'operator:Healed:HandedOff -> Accepted (accepted (direct), confirmed by the indirect provider)',
    ]);
  });

  it('records the caller id on the request and on the healing', async () => {
    const row = customerState({ state: 'HandedOff', method: 'handOff' });
    const fakes = healingFakes(NOW, row, (entry) => `${entry.actor}/${entry.actorId ?? '-'}:${entry.action}`);
    const deps: ConfirmDeps = {
      ...fakes.deps,
      config: { partnerType: 'IndirectReseller' },
      actorIdOf: () => CALLER_ID,
    };

    await confirm(deps, new FakeDurableClient().seed(INSTANCE, 'Completed'));

    expect(fakes.audit).toEqual([
      `operator/${CALLER_ID}:ConfirmationRequested`,
      `operator/${CALLER_ID}:Healed`,
    ]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a future acceptedAt', { ...body, acceptedAt: '2999-01-01T00:00:00Z' }, ['acceptedAt']],
    ['a date without a time', { ...body, acceptedAt: '2026-03-09' }, ['acceptedAt']],
    [
      'an unknown confirmer and method',
      { ...body, confirmedBy: 'crm', method: 'fax' },
      ['confirmedBy', 'method'],
    ],
    ['nothing', {}, ['acceptedAt', 'confirmedBy', 'method']],
  ])('is 400 naming the field for %s', async (_name, sent, fields) => {
    const client = new FakeDurableClient().seed(INSTANCE, 'Running');
    const response = await createConfirmAcceptanceHttp(confirmDeps('IndirectReseller').deps)(
      post(`customers/${TENANT}/mca/confirm`, sent),
      client.client,
      recordingContext().context,
    );

    expect(fieldsOf(response)).toEqual(fields);
    expect(client.raised).toEqual([]);
  });

  it('is 409 where Partner Center is read (it is the record there), 404 for an unknown customer', async () => {
    const running = new FakeDurableClient().seed(INSTANCE, 'Running');
    expect(await confirm(confirmDeps('DirectBill').deps, running)).toMatchObject({
      status: 409,
      body: { error: 'Conflict' },
    });
    expect(running.raised).toEqual([]);
    expect((await confirm(confirmDeps('IndirectReseller').deps, new FakeDurableClient())).status).toBe(404);
  });
});
