import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import {
  createCustomerTableHttp,
  createDeadLetterCountHttp,
  createOverviewHttp,
} from '../../../functions/api/dashboard-data.http';
import { createDashboardHttp, DASHBOARD_ASSETS, webBuildDirs } from '../../../functions/api/dashboard.http';
import type Long from 'long';
import {
  createServiceBusDeadLetterCounter,
  DEAD_LETTER_PEEK_MAX,
} from '../../../shared/events/dead-letter-count';
import type { AuditEntry, CustomerState } from '../../../shared/store';
import { customer, iterate } from '../reports/fixtures';
import { recordingContext } from './fakes';

const BASE = 'http://localhost:7071/api';

function get(path: string, params: Record<string, string> = {}, headers: Record<string, string> = {}) {
  return new HttpRequest({ method: 'GET', url: `${BASE}/${path}`, params, headers });
}

const body = (response: HttpResponseInit) => response.jsonBody as Record<string, unknown>;
const fields = (response: HttpResponseInit) =>
  (body(response).fields as { field: string }[]).map((f) => f.field).sort();

describe('GET dashboard/{*asset}', () => {
  const files: Record<string, string> = {
    'index.html': '<!doctype html><title>x</title>',
    'dashboard.js': 'console.log(1)',
    'dashboard.css': 'body{}',
    'favicon.svg': '<svg/>',
    'secret.txt': 'must never be served',
  };
  const reads: string[] = [];
  const handler = createDashboardHttp({
    read: (file) => {
      reads.push(file);
      return file in files ? Buffer.from(files[file] ?? '') : undefined;
    },
  });
  const serve = (asset: string | undefined, headers: Record<string, string> = {}) =>
    handler(
      get(`dashboard/${asset ?? ''}`, asset === undefined ? {} : { asset }, headers),
      recordingContext().context,
    );

  it.each([
    [undefined, 'text/html; charset=utf-8', 'index.html'],
    ['', 'text/html; charset=utf-8', 'index.html'],
    ['dashboard.js', 'text/javascript; charset=utf-8', 'dashboard.js'],
    ['dashboard.css', 'text/css; charset=utf-8', 'dashboard.css'],
    ['favicon.svg', 'image/svg+xml', 'favicon.svg'],
  ])('serves %p as %s, revalidated by ETag, behind a same-origin CSP', async (asset, type, file) => {
    const response = await serve(asset);
    const headers = response.headers as Record<string, string>;

    expect(response.status).toBe(200);
    expect((response.body as Buffer).toString()).toBe(files[file]);
    expect(headers['Content-Type']).toBe(type);
    expect(headers['Cache-Control']).toBe('no-cache');
    expect(headers['Content-Security-Policy']).toContain("script-src 'self'");
    expect(headers['X-Content-Type-Options']).toBe('nosniff');

    const again = await serve(asset, { 'If-None-Match': headers.ETag ?? '' });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
  });

  it.each([
    'secret.txt',
    '../../local.settings.json',
    'dashboard.js/../secret.txt',
    'constructor',
    'Dashboard.JS',
  ])('answers 404 for %p, which is not on the allow-list, without reading it', async (asset) => {
    reads.length = 0;
    const response = await serve(asset);
    expect(response.status).toBe(404);
    expect(reads).toEqual([]);
  });

  it('answers 404 when the web build is missing', async () => {
    const empty = createDashboardHttp({ read: () => undefined });
    const response = await empty(get('dashboard', {}), recordingContext().context);
    expect(response.status).toBe(404);
  });

  it('allows exactly the page, its script, styles and icon', () => {
    expect(Object.keys(DASHBOARD_ASSETS).sort()).toEqual([
      '',
      'dashboard.css',
      'dashboard.js',
      'favicon.svg',
    ]);
  });

  it('looks for the build beside the deployment bundle first, then in dist/web', () => {
    expect(webBuildDirs('/app/dist/functions/api')).toEqual(['/app/dist/functions/api/web', '/app/dist/web']);
  });
});

const tenant = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const book: CustomerState[] = [
  customer({ tenantId: tenant(1), companyName: 'Contoso', state: 'Accepted' }),
  customer({ tenantId: tenant(2), companyName: 'Adatum', state: 'Failed' }),
  customer({ tenantId: tenant(3), companyName: 'Fabrikam', state: 'Accepted' }),
];

function readStore(customers = book, audit: AuditEntry[] = []) {
  const listAll = jest.fn((filter: { state?: string } = {}) =>
    iterate(customers.filter((c) => filter.state === undefined || c.state === filter.state)),
  );
  const listSince = jest.fn(() => Promise.resolve(audit));
  return { store: { customerState: { listAll }, auditTrail: { listSince } }, listAll, listSince };
}

describe('GET reports/customers', () => {
  it('narrows by state in storage, then searches, sorts and pages', async () => {
    const { store, listAll } = readStore();
    const response = await createCustomerTableHttp({ store })(
      get('reports/customers?state=Accepted&search=-4000-&sort=companyName&order=desc&pageSize=1&page=2'),
      recordingContext().context,
    );

    expect(response.status).toBe(200);
    expect(listAll).toHaveBeenCalledWith({ state: 'Accepted', purchaseBlocked: undefined });
    expect(body(response)).toMatchObject({ total: 2, page: 2, pageSize: 1, pages: 2 });
    expect((body(response).items as { companyName: string }[]).map((c) => c.companyName)).toEqual([
      'Contoso',
    ]);
  });

  it('answers 400 naming each bad query field', async () => {
    const { store } = readStore();
    const response = await createCustomerTableHttp({ store })(
      get('reports/customers?state=Happy&sort=email&order=up&page=0&pageSize=1000'),
      recordingContext().context,
    );

    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['order', 'page', 'pageSize', 'sort', 'state']);
  });
});

describe('GET reports/overview', () => {
  const now = () => new Date('2026-03-10T12:00:00.000Z');

  it('reads the audit trail from the first day of the window and aggregates', async () => {
    const { store, listSince } = readStore(
      [customer({ state: 'AttestationPending', linkExpiresAt: '2026-03-11T00:00:00.000Z' })],
      [
        {
          tenantId: tenant(1),
          at: '2026-03-09T08:00:00.000Z',
          actor: 'workflow',
          action: 'Accepted',
          detail: '',
        },
      ],
    );
    const response = await createOverviewHttp({ store, now })(
      get('reports/overview?days=2&expiringWithinHours=24'),
      recordingContext().context,
    );

    expect(response.status).toBe(200);
    expect(listSince).toHaveBeenCalledWith('2026-03-09T00:00:00.000Z', expect.any(Number));
    expect(body(response)).toMatchObject({
      stateChangesPerDay: [
        { day: '2026-03-09', changes: 1, accepted: 1 },
        { day: '2026-03-10', changes: 0, accepted: 0 },
      ],
      stateChangesTruncated: false,
      expiringLinks: [{ linkExpiresAt: '2026-03-11T00:00:00.000Z' }],
    });
  });

  it('answers 400 naming each bad query field', async () => {
    const { store } = readStore();
    const response = await createOverviewHttp({ store, now })(
      get('reports/overview?days=365&expiringWithinHours=x'),
      recordingContext().context,
    );

    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['days', 'expiringWithinHours']);
  });
});

describe('GET reports/dead-letters', () => {
  function fakeClient(peek: () => Promise<unknown[]>) {
    const closed = jest.fn(() => Promise.resolve());
    const peekMessages = jest.fn(peek);
    const createReceiver = jest.fn(() => ({ peekMessages, close: closed }));
    return { client: { createReceiver } as never, createReceiver, peekMessages, closed };
  }

  it("counts the CRM queue's dead letters with one bounded peek", async () => {
    const { client, createReceiver, peekMessages, closed } = fakeClient(() => Promise.resolve([{}, {}]));
    const deadLetters = createServiceBusDeadLetterCounter(client);
    const response = await createDeadLetterCountHttp({ deadLetters })(
      get('reports/dead-letters'),
      recordingContext().context,
    );

    expect(body(response)).toEqual({ queue: 'crm-customer-events', count: 2, capped: false });
    expect(createReceiver).toHaveBeenCalledWith('crm-customer-events', { subQueueType: 'deadLetter' });
    // From the first message: the SDK would otherwise go on after the previous peek on this client.
    const [max, options] = peekMessages.mock.calls[0] as unknown as [number, { fromSequenceNumber: Long }];
    expect(max).toBe(DEAD_LETTER_PEEK_MAX);
    expect(options.fromSequenceNumber.toNumber()).toBe(0);
    expect(closed).toHaveBeenCalled();
  });

  it('says "at least" when the peek limit is reached, and unknown (null) when the broker fails', async () => {
    const full = createServiceBusDeadLetterCounter(fakeClient(() => Promise.resolve([{}, {}, {}])).client, {
      max: 3,
    });
    expect(await full.count('q')).toEqual({ queue: 'q', count: 3, capped: true });

    const failing = fakeClient(() => Promise.reject(new Error('boom')));
    const broken = createServiceBusDeadLetterCounter(failing.client);
    expect(await broken.count('q')).toEqual({ queue: 'q', count: null, capped: false });
    expect(failing.closed).toHaveBeenCalled();
  });
});
