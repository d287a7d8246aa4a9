import {
  evaluateCustomer,
  type EvaluateCustomerDeps,
} from '../../../functions/activities/evaluate-customer.activity';
import { createListCustomersActivity } from '../../../functions/activities/list-customers.activity';
import { createSweepTimerHandler, SWEEP_SCHEDULE } from '../../../functions/compliance-sweep.function';
import { NotFound, Throttled, Transient, type Customer } from '../../../shared/partnerCenter';
import { ORCHESTRATORS } from '../../../shared/workflow/contracts';
import type { AuditEntry, CustomerState, CustomerStateInput, CustomerStateName } from '../../../shared/store';
import type { OutcomeEvent } from '../../../shared/workflow/contracts';
import { FakeDurableClient, recordingContext } from './fakes';

const NOW = new Date('2027-03-10T02:00:00.000Z');
const DAY = 86_400_000;
const T = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('evaluateCustomer activity', () => {
  type Evidence = { isSigned: boolean; agreements?: string[]; error?: Error };
  function deps(
    evidence: Evidence,
    calls: string[] = [],
    rows: Map<string, CustomerStateInput> = new Map(),
    published: OutcomeEvent[] = [],
  ): EvaluateCustomerDeps {
    return {
      store: {
        customerState: {
          get: (id) => Promise.resolve(rows.get(id) as CustomerState | undefined),
          upsert: (row) => {
            rows.set(row.tenantId, row);
            return Promise.resolve({ kind: 'written', state: row as CustomerState });
          },
        },
        auditTrail: {
          append: (entry) => {
            calls.push(`audit:${entry.action}`);
            return Promise.resolve(entry as AuditEntry);
          },
        },
      },
      partnerCenter: {
        getDirectSignedStatus: (id) => {
          calls.push(`direct:${id}`);
          return evidence.error
            ? Promise.reject(evidence.error)
            : Promise.resolve({ isSigned: evidence.isSigned });
        },
        listCustomerAgreements: (id) => {
          calls.push(`agreements:${id}`);
          return Promise.resolve((evidence.agreements ?? []).map((dateAgreed) => ({ dateAgreed })));
        },
      },
      outcomes: {
        publish: (event) => {
          calls.push(`publish:${event.type}`);
          published.push(event);
          return Promise.resolve();
        },
      },
      now: () => NOW,
      remediationRetryAfterMs: 30 * DAY,
    };
  }
  const input = { tenantId: T(1).toUpperCase(), companyName: 'Contoso KK', sweepDate: '2027-03-10' };

  const table: [string, Evidence, string | undefined, object, object | undefined][] = [
    ['signed directly', { isSigned: true }, undefined, { kind: 'accepted', method: 'direct' }, undefined],
    [
      'attested after 2023-04-01',
      { isSigned: false, agreements: ['2021-01-01T00:00:00', '2023-06-15T00:00:00'] },
      undefined,
      { kind: 'accepted', method: 'attestation' },
      undefined,
    ],
    ['no MCA', { isSigned: false }, undefined, { kind: 'started', reason: 'new' }, { reason: 'new' }],
    [
      'only a stale attestation',
      { isSigned: false, agreements: ['2021-03-10T00:00:00'] },
      undefined,
      { kind: 'started', reason: 'stale' },
      { reason: 'stale' },
    ],
    [
      'no MCA, finished instance',
      { isSigned: false },
      'Completed',
      { kind: 'skipped', reason: 'instance Completed' },
      undefined,
    ],
    [
      'no MCA, running instance',
      { isSigned: false },
      'Running',
      { kind: 'skipped', reason: 'instance Running' },
      undefined,
    ],
    [
      'customer gone (404)',
      { isSigned: false, error: new NotFound({ operation: 'getDirectSignedStatus', status: 404 }) },
      undefined,
      { kind: 'failed', reason: 'NotFound' },
      undefined,
    ],
    [
      // An unreadable dateAgreed skips that item, not the customer: the other items decide.
      'unreadable agreement date beside a stale one',
      { isSigned: false, agreements: ['10/03/2024', '2021-03-10T00:00:00'] },
      undefined,
      { kind: 'started', reason: 'stale' },
      { reason: 'stale' },
    ],
    [
      'only an unreadable agreement date: no MCA to go by',
      { isSigned: false, agreements: ['10/03/2021'] },
      undefined,
      { kind: 'started', reason: 'new' },
      { reason: 'new' },
    ],
  ];
  it.each(table)('%s', async (_name, evidence, existing, outcome, started) => {
    const durable = new FakeDurableClient();
    if (existing) durable.seed(`mca-${T(1)}`, existing);
    const result = await evaluateCustomer(deps(evidence), durable.client, input);
    expect(result).toEqual({ tenantId: T(1), ...outcome });
    expect(durable.raised).toEqual([]); // ifNew: never joins a known customer
    expect(durable.started).toEqual(
      started
        ? [
            {
              name: ORCHESTRATORS.onboarding,
              instanceId: `mca-${T(1)}`,
              input: {
                tenantId: T(1),
                companyName: 'Contoso KK',
                source: 'sweep',
                eventId: `sweep:2027-03-10:${T(1)}`,
                ...started,
              },
            },
          ]
        : [],
    );
  });

  it('records an accepted customer the workflow never saw, and leaves a known one alone', async () => {
    const rows = new Map<string, CustomerStateInput>();
    const attested = { isSigned: false, agreements: ['2023-06-15T00:00:00'] };
    await evaluateCustomer(deps(attested, [], rows), new FakeDurableClient().client, input);
    expect(rows.get(T(1))).toMatchObject({
      state: 'Accepted',
      method: 'attestation',
      acceptedAt: '2023-06-15T00:00:00.000Z',
      companyName: 'Contoso KK',
      country: 'ZZ',
    });
    const known = new Map<string, CustomerStateInput>([[T(1), { tenantId: T(1) } as CustomerStateInput]]);
    const calls: string[] = [];
    await evaluateCustomer(deps({ isSigned: true }, calls, known), new FakeDurableClient().client, input);
    expect(known.get(T(1))).toEqual({ tenantId: T(1) });
    expect(calls).not.toContain('audit:FoundAccepted');
  });

  function finishedRow(state: CustomerStateName, endedDaysAgo: number): CustomerStateInput {
    const ended = new Date(NOW.getTime() - endedDaysAgo * DAY).toISOString();
    return {
      tenantId: T(1),
      state,
      method: 'direct',
      reason: 'deadline passed; escalated',
      startedAt: '2026-12-01T00:00:00.000Z',
      updatedAt: ended,
      companyName: 'Contoso KK',
      language: 'ja-JP',
      country: 'JP',
      purchaseBlocked: true,
    };
  }

  it.each<CustomerStateName>(['Expired', 'Failed', 'HandedOff'])(
    'heals a %s customer who has accepted since: Accepted, McaAccepted published, audited',
    async (state) => {
      const rows = new Map([[T(1), finishedRow(state, 3)]]);
      const calls: string[] = [];
      const published: OutcomeEvent[] = [];
      const result = await evaluateCustomer(
        deps({ isSigned: true }, calls, rows, published),
        new FakeDurableClient().client,
        input,
      );
      expect(result).toEqual({ kind: 'accepted', tenantId: T(1), method: 'direct' });
      expect(rows.get(T(1))).toMatchObject({
        state: 'Accepted',
        method: 'direct',
        acceptedAt: NOW.toISOString(),
        reason: null,
        purchaseBlocked: false,
        companyName: 'Contoso KK',
      });
      expect(published).toEqual([
        {
          type: 'McaAccepted',
          tenantId: T(1),
          method: 'direct',
          at: NOW.toISOString(),
          eventId: `${T(1)}:healed-${finishedRow(state, 3).updatedAt}:McaAccepted`,
        },
      ]);
      // The outcome goes out before the row changes: a retry after a crash repeats the same event id.
      expect(calls).toEqual([`direct:${T(1)}`, 'publish:McaAccepted', 'audit:Healed']);
    },
  );

  it('leaves an accepted or a waiting customer alone when Partner Center shows acceptance', async () => {
    for (const state of ['Accepted', 'InviteSent'] as const) {
      const rows = new Map([[T(1), finishedRow(state, 3)]]);
      const calls: string[] = [];
      await evaluateCustomer(deps({ isSigned: true }, calls, rows), new FakeDurableClient().client, input);
      expect(rows.get(T(1))?.state).toBe(state);
      expect(calls).toEqual([`direct:${T(1)}`]);
    }
  });

  it.each<[string, CustomerStateName, number, string | undefined]>([
    ['Expired 30 days ago: a new run', 'Expired', 30, 'started'],
    ['HandedOff 45 days ago: a new run', 'HandedOff', 45, 'started'],
    ['Failed 29 days ago: not yet', 'Failed', 29, undefined],
    ['Expired 40 days ago but still running (a new run of its own)', 'Expired', 40, undefined],
  ])('restarts an uncovered finished customer: %s', async (name, state, days, expected) => {
    const durable = new FakeDurableClient().seed(
      `mca-${T(1)}`,
      name.includes('running') ? 'Running' : 'Completed',
    );
    const rows = new Map([[T(1), finishedRow(state, days)]]);
    const result = await evaluateCustomer(deps({ isSigned: false }, [], rows), durable.client, input);
    expect(result.kind).toBe(expected ?? 'skipped');
    expect(durable.started).toHaveLength(expected ? 1 : 0);
    expect(durable.raised).toEqual([]);
  });

  it('does not read agreements of a directly signed customer', async () => {
    const calls: string[] = [];
    await evaluateCustomer(deps({ isSigned: true }, calls), new FakeDurableClient().client, input);
    expect(calls).toEqual([`direct:${T(1)}`, 'audit:FoundAccepted']);
  });

  it.each([
    ['throttled', new Throttled({ operation: 'getDirectSignedStatus', status: 429 })],
    ['5xx', new Transient({ operation: 'getDirectSignedStatus', status: 503 })],
  ])('throws when a retry can help (%s)', async (_name, error) => {
    await expect(
      evaluateCustomer(deps({ isSigned: false, error }), new FakeDurableClient().client, input),
    ).rejects.toBe(error);
  });

  it('rejects a bad input', async () => {
    await expect(
      evaluateCustomer(deps({ isSigned: true }), new FakeDurableClient().client, {
        tenantId: 'x',
        sweepDate: 'today',
      }),
    ).rejects.toThrow();
  });
});

describe('listCustomers activity', () => {
  it('returns one page: readable tenant ids once, in lower case, and the next page token', async () => {
    const customers: Customer[] = [
      { id: T(1), companyProfile: { tenantId: T(1).toUpperCase(), companyName: ' Contoso ' } },
      { id: T(2) },
      { id: 'not-a-guid', companyProfile: { companyName: 'Broken' } },
      { id: T(1), companyProfile: { tenantId: T(1) } },
    ];
    const asked: unknown[] = [];
    const list = createListCustomersActivity({
      partnerCenter: {
        listCustomersPage: (options) => {
          asked.push(options);
          return Promise.resolve({ customers, continuationToken: 'next-page' });
        },
      },
    });
    expect(await list({ pageSize: 50, continuationToken: 'this-page' })).toEqual({
      customers: [{ tenantId: T(1), companyName: 'Contoso' }, { tenantId: T(2) }],
      continuationToken: 'next-page',
    });
    expect(asked).toEqual([{ pageSize: 50, continuationToken: 'this-page' }]);
  });

  it('says nothing of a next page after the last one, and rejects a bad input', async () => {
    const list = createListCustomersActivity({
      partnerCenter: { listCustomersPage: () => Promise.resolve({ customers: [{ id: T(3) }] }) },
    });
    expect(await list({ pageSize: 1 })).toEqual({ customers: [{ tenantId: T(3) }] });
    await expect(list({ pageSize: 0 })).rejects.toThrow();
  });
});

describe('sweep timer', () => {
  it('starts one mca-sweep-<date> instance a day; a second trigger the same day is skipped', async () => {
    const durable = new FakeDurableClient();
    const { context } = recordingContext();
    const handler = createSweepTimerHandler({ now: () => NOW });
    await handler({}, durable.client, context);
    await handler({}, durable.client, context);
    expect(durable.started).toEqual([
      { name: ORCHESTRATORS.sweep, instanceId: 'mca-sweep-2027-03-10', input: undefined },
    ]);
    durable.seed('mca-sweep-2027-03-10', 'Completed');
    await createSweepTimerHandler({ now: () => new Date('2027-03-11T02:00:00Z') })(
      {},
      durable.client,
      context,
    );
    expect(durable.started.map((s) => s.instanceId)).toEqual([
      'mca-sweep-2027-03-10',
      'mca-sweep-2027-03-11',
    ]);
    expect(SWEEP_SCHEDULE).toBe('0 0 2 * * *');
  });

  it.each(['Running', 'Pending'])(
    'does not start while an earlier sweep is still %s, and logs that it skipped',
    async (status) => {
      const durable = new FakeDurableClient()
        .seed('mca-sweep-2027-03-08', 'Completed')
        .seed('mca-sweep-2027-03-09', status);
      const { context, lines } = recordingContext();
      await createSweepTimerHandler({ now: () => NOW })({}, durable.client, context);
      expect(durable.started).toEqual([]);
      expect(lines.join('\n')).toContain(
        'mca-sweep-2027-03-10 skipped: mca-sweep-2027-03-09 is still running',
      );
    },
  );

  it('starts when the earlier sweeps have all finished (or failed)', async () => {
    const durable = new FakeDurableClient()
      .seed('mca-sweep-2027-03-08', 'Failed')
      .seed('mca-sweep-2027-03-09', 'Completed');
    const { context } = recordingContext();
    await createSweepTimerHandler({ now: () => NOW })({}, durable.client, context);
    expect(durable.started.map((s) => s.instanceId)).toEqual(['mca-sweep-2027-03-10']);
  });
});
