import {
  defaultAuditFeedPolicy,
  newCustomerFromAuditRecord,
  planAuditWindows,
  runAuditFeed,
  type AuditFeedPorts,
  type NewCustomer,
} from '../../../shared/partnerCenter/audit-feed';
import type { AuditRecord } from '../../../shared/partnerCenter';

const NOW = new Date('2027-03-10T10:00:00.000Z');
const policy = defaultAuditFeedPolicy; // 2 h overlap, 90 days, 7 days a run, first run from yesterday

describe('planAuditWindows', () => {
  const table: [string, string | undefined, Date, string[], string, string][] = [
    // name, cursor, now, days, last cursorAfter, start
    [
      'first run: yesterday and today',
      undefined,
      NOW,
      ['2027-03-09', '2027-03-10'],
      NOW.toISOString(),
      'firstRun',
    ],
    [
      'corrupt cursor: like a first run',
      'yesterday',
      NOW,
      ['2027-03-09', '2027-03-10'],
      NOW.toISOString(),
      'corruptCursor',
    ],
    [
      'cursor this morning: today only',
      '2027-03-10T09:45:00.000Z',
      NOW,
      ['2027-03-10'],
      NOW.toISOString(),
      'cursor',
    ],
    [
      'cursor just after midnight: the overlap re-reads yesterday',
      '2027-03-10T00:30:00.000Z',
      NOW,
      ['2027-03-09', '2027-03-10'],
      NOW.toISOString(),
      'cursor',
    ],
    [
      'three days behind',
      '2027-03-07T12:00:00.000Z',
      NOW,
      ['2027-03-07', '2027-03-08', '2027-03-09', '2027-03-10'],
      NOW.toISOString(),
      'cursor',
    ],
    [
      'thirty days behind: seven days this run, cursor at the end of the seventh',
      '2027-02-08T12:00:00.000Z',
      NOW,
      ['2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-13', '2027-02-14'],
      '2027-02-15T00:00:00.000Z',
      'cursor',
    ],
    [
      'cursor in the future (clock skew): today, cursor kept',
      '2027-03-11T00:00:00.000Z',
      NOW,
      ['2027-03-10'],
      '2027-03-11T00:00:00.000Z',
      'cursor',
    ],
  ];
  it.each(table)('%s', (_name, cursor, now, days, lastCursor, start) => {
    const plan = planAuditWindows(cursor, now, policy);
    expect(plan.windows.map((w) => w.day)).toEqual(days);
    expect(plan.windows.at(-1)?.cursorAfter).toBe(lastCursor);
    expect(plan.start).toBe(start);
  });

  it('past days move the cursor to the next midnight, never backwards', () => {
    const plan = planAuditWindows('2027-03-10T00:30:00.000Z', NOW, policy);
    expect(plan.windows).toEqual([
      // Midnight is before the stored cursor (00:30): the cursor stays.
      { day: '2027-03-09', cursorAfter: '2027-03-10T00:30:00.000Z' },
      { day: '2027-03-10', cursorAfter: NOW.toISOString() },
    ]);
  });

  it('never reads more than 90 days back', () => {
    const plan = planAuditWindows('2026-01-01T00:00:00.000Z', NOW, { ...policy, maxDaysPerRun: 200 });
    expect(plan.clamped).toBe(true);
    expect(plan.windows[0].day).toBe('2026-12-11'); // today and the 89 days before it
    expect(plan.windows).toHaveLength(90);
    const earliest = Date.parse(`${plan.windows[0].day}T00:00:00Z`);
    expect(NOW.getTime() - earliest).toBeLessThanOrEqual(90 * 24 * 3600_000);
  });

  it('is not clamped inside the retention period', () => {
    expect(planAuditWindows('2027-03-01T00:00:00.000Z', NOW, policy).clamped).toBe(false);
  });
});

const TENANT = 'C0000000-0000-4000-8000-00000000AB01';
const record = (overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  id: 'r-1',
  operationType: 'add_customer',
  operationStatus: 'succeeded',
  operationDate: '2027-03-10T09:00:00.000Z',
  customerId: TENANT,
  customerName: 'Contoso KK',
  ...overrides,
});

describe('newCustomerFromAuditRecord', () => {
  const table: [string, AuditRecord, NewCustomer | undefined][] = [
    [
      'add_customer, succeeded',
      record(),
      { tenantId: TENANT.toLowerCase(), companyName: 'Contoso KK', eventId: 'audit:r-1' },
    ],
    ['other operation', record({ operationType: 'update_customer_qualification' }), undefined],
    ['failed', record({ operationStatus: 'failed' }), undefined],
    ['in progress', record({ operationStatus: 'progress' }), undefined],
    ['no status', record({ operationStatus: undefined }), undefined],
    ['customer id not a GUID', record({ customerId: 'contoso' }), undefined],
    [
      'no record id: customer and time identify it',
      record({ id: undefined }),
      {
        tenantId: TENANT.toLowerCase(),
        companyName: 'Contoso KK',
        eventId: `audit:add_customer:${TENANT.toLowerCase()}:2027-03-10T09:00:00.000Z`,
      },
    ],
    [
      'ids from customizedData and resourceNewValue (the emulator shape)',
      record({
        customerId: undefined,
        customerName: undefined,
        customizedData: [{ key: 'CustomerId', value: 'not-a-guid' }],
        resourceNewValue: JSON.stringify({ id: TENANT, companyProfile: { companyName: 'Fabrikam' } }),
      }),
      { tenantId: TENANT.toLowerCase(), companyName: 'Fabrikam', eventId: 'audit:r-1' },
    ],
    [
      "Microsoft's PascalCase resourceNewValue, nothing else",
      record({
        customerId: undefined,
        customerName: undefined,
        resourceNewValue: JSON.stringify({
          Id: TENANT,
          CommerceId: null,
          CompanyProfile: {
            TenantId: TENANT,
            Domain: 'contoso.example.com',
            CompanyName: 'Contoso PascalCase',
          },
        }),
      }),
      { tenantId: TENANT.toLowerCase(), companyName: 'Contoso PascalCase', eventId: 'audit:r-1' },
    ],
    [
      'PascalCase: the profile tenant id before the top-level Id',
      record({
        customerId: '',
        customerName: '',
        resourceNewValue: JSON.stringify({ Id: 'not-a-guid', CompanyProfile: { TenantId: TENANT } }),
      }),
      { tenantId: TENANT.toLowerCase(), companyName: undefined, eventId: 'audit:r-1' },
    ],
    [
      'PascalCase: only the top-level Id',
      record({
        customerId: undefined,
        resourceNewValue: JSON.stringify({ Id: TENANT, CompanyProfile: null }),
      }),
      { tenantId: TENANT.toLowerCase(), companyName: 'Contoso KK', eventId: 'audit:r-1' },
    ],
    [
      'the record id decides the event id, whatever its case',
      record({ id: 'A1B2-C3' }),
      { tenantId: TENANT.toLowerCase(), companyName: 'Contoso KK', eventId: 'audit:a1b2-c3' },
    ],
    ['resourceNewValue not JSON', record({ customerId: undefined, resourceNewValue: '{' }), undefined],
    [
      'resourceNewValue JSON but not an object',
      record({ customerId: undefined, resourceNewValue: '[1]' }),
      undefined,
    ],
    [
      'Id of the wrong type',
      record({
        customerId: undefined,
        resourceNewValue: JSON.stringify({ Id: 42, CompanyProfile: { TenantId: true } }),
      }),
      undefined,
    ],
  ];
  it.each(table)('%s', (_name, input, expected) => {
    expect(newCustomerFromAuditRecord(input)).toEqual(expected);
  });
});

/** In-memory ports: a cursor with ETags, a processed-events set, a day -> records map. */
function fakePorts(records: Record<string, AuditRecord[]>, cursor?: string) {
  let stored = cursor === undefined ? undefined : { value: cursor, etag: 'e0' };
  let version = 0;
  const processed = new Set<string>();
  const started: NewCustomer[] = [];
  const queried: string[] = [];
  const ports: AuditFeedPorts & { otherWriter: () => void } = {
    readCursor: () => Promise.resolve(stored && { ...stored }),
    writeCursor: (value, etag) => {
      if (stored?.etag !== etag) return Promise.resolve(undefined);
      stored = { value, etag: `e${++version}` };
      return Promise.resolve({ etag: stored.etag });
    },
    async *listAuditRecords(day) {
      queried.push(day);
      for (const r of records[day] ?? []) yield await Promise.resolve(r);
    },
    isProcessed: (id) => Promise.resolve(processed.has(id)),
    markProcessed: (id) => Promise.resolve(processed.add(id)),
    startCustomer: (c) => {
      started.push(c);
      return Promise.resolve();
    },
    now: () => NOW,
    otherWriter: () => {
      stored = { value: '2027-03-10T09:59:00.000Z', etag: 'other' };
    },
  };
  return { ports, started, queried, cursor: () => stored?.value };
}

describe('runAuditFeed', () => {
  const second = 'D0000000-0000-4000-8000-000000000002';
  const records = {
    '2027-03-09': [record({ id: 'a' }), record({ id: 'b', operationType: 'add_order' })],
    '2027-03-10': [record({ id: 'c', customerId: second }), record({ id: 'a' })],
  };

  it('first run: reads yesterday and today, starts each new customer once, stores the cursor', async () => {
    const { ports, started, queried, cursor } = fakePorts(records);
    const summary = await runAuditFeed(ports);
    expect(queried).toEqual(['2027-03-09', '2027-03-10']);
    expect(started.map((c) => c.eventId)).toEqual(['audit:a', 'audit:c']);
    expect(summary).toMatchObject({ started: 2, duplicates: 1, lostRace: false, start: 'firstRun' });
    expect(cursor()).toBe(NOW.toISOString());
  });

  it('de-duplicates by record id within a run without asking the store again', async () => {
    const { ports, started } = fakePorts({
      '2027-03-10': [
        record({ id: 'same' }),
        record({ id: 'SAME' }),
        record({ id: 'other', customerId: second }),
      ],
    });
    const asked: string[] = [];
    const isProcessed = ports.isProcessed.bind(ports);
    ports.isProcessed = (id) => {
      asked.push(id);
      return isProcessed(id);
    };
    const summary = await runAuditFeed(ports);
    expect(started.map((c) => c.eventId)).toEqual(['audit:same', 'audit:other']);
    expect(summary).toMatchObject({ started: 2, duplicates: 1 });
    expect(asked).toEqual(['audit:same', 'audit:other']);
  });

  it('a second run over the same records starts nobody again', async () => {
    const { ports, started } = fakePorts(records);
    await runAuditFeed(ports);
    const again = await runAuditFeed(ports);
    expect(started).toHaveLength(2);
    expect(again.started).toBe(0);
  });

  it('a failed start is not marked: the next run starts that customer again', async () => {
    const { ports, started } = fakePorts(records);
    const start = ports.startCustomer.bind(ports);
    let failures = 1;
    ports.startCustomer = (c) => (failures-- > 0 ? Promise.reject(new Error('durable 503')) : start(c));
    await expect(runAuditFeed(ports)).rejects.toThrow('durable 503');
    const summary = await runAuditFeed(ports);
    expect(started.map((c) => c.eventId)).toEqual(['audit:a', 'audit:c']);
    expect(summary.started).toBe(2);
  });

  it('stops without moving the cursor when another instance moved it first', async () => {
    const { ports, cursor, queried } = fakePorts(records, '2027-03-08T12:00:00.000Z');
    const list = ports.listAuditRecords.bind(ports);
    ports.listAuditRecords = (day) => {
      if (day === '2027-03-08') ports.otherWriter();
      return list(day);
    };
    const summary = await runAuditFeed(ports);
    expect(summary.lostRace).toBe(true);
    expect(queried).toEqual(['2027-03-08']);
    expect(cursor()).toBe('2027-03-10T09:59:00.000Z');
  });

  it('keeps the days it finished when a later day fails', async () => {
    const { ports, cursor } = fakePorts(records, '2027-03-08T12:00:00.000Z');
    const list = ports.listAuditRecords.bind(ports);
    ports.listAuditRecords = (day) => {
      if (day === '2027-03-10') throw new Error('Partner Center 503');
      return list(day);
    };
    await expect(runAuditFeed(ports)).rejects.toThrow('503');
    expect(cursor()).toBe('2027-03-10T00:00:00.000Z');
  });
});
