import { call, emulatorPerTest, jsonOf, seed, userToken } from './partner-center.helpers';

interface CustomerPage {
  totalCount: number;
  items: Array<{ id: string; companyProfile: { tenantId: string; domain: string; companyName: string } }>;
  links: { next?: { uri: string; headers: Array<{ key: string; value: string }> } };
}

interface AuditPage {
  items: Array<{ operationType: string; customerId: string; customerName: string; operationDate: string }>;
  links: { next?: { uri: string; headers?: Array<{ key: string; value: string }> } };
}

describe('Partner Center emulator: customers and audit records', () => {
  const h = emulatorPerTest();

  it('pages through every customer following links.next and MS-ContinuationToken', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/v1/customers?size=5';
    let headers: Record<string, string> = {};
    let pages = 0;
    while (path !== undefined) {
      const res = await call(h.url, h.appToken, 'GET', path, undefined, headers);
      expect(res.status).toBe(200);
      const page = await jsonOf<CustomerPage>(res);
      expect(page.totalCount).toBe(page.items.length);
      seen.push(...page.items.map((c) => c.companyProfile.tenantId));
      pages += 1;
      path = page.links.next?.uri;
      headers = Object.fromEntries((page.links.next?.headers ?? []).map((x) => [x.key, x.value]));
    }
    expect(pages).toBe(Math.ceil(seed.customers.length / 5));
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(seed.customers.map((c) => c.tenantId));
  });

  it('rejects bad paging input and unknown customers in the Partner Center error format', async () => {
    const badToken = await call(h.url, h.appToken, 'GET', '/v1/customers?size=5', undefined, {
      'MS-ContinuationToken': 'garbage',
    });
    expect(badToken.status).toBe(400);
    expect(await jsonOf(badToken)).toEqual(
      expect.objectContaining({
        code: expect.any(Number) as unknown,
        description: expect.any(String) as unknown,
      }),
    );
    expect((await call(h.url, h.appToken, 'GET', '/v1/customers?size=0')).status).toBe(400);
    expect((await call(h.url, h.appToken, 'GET', '/v1/customers?size=abc')).status).toBe(400);
    expect((await call(h.url, h.appToken, 'GET', `/v1/customers/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await call(h.url, h.appToken, 'GET', '/v1/nothing-here')).status).toBe(404);
  });

  it('reports add_customer audit records inside the date window only', async () => {
    const res = await call(
      h.url,
      h.appToken,
      'GET',
      '/v1/auditrecords?startDate=2025-11-01&endDate=2025-11-30',
    );
    expect(res.status).toBe(200);
    const page = await jsonOf<AuditPage>(res);
    const expected = seed.customers.filter((c) => c.createdAt.startsWith('2025-11')).map((c) => c.tenantId);
    expect(expected.length).toBeGreaterThan(0);
    expect(page.items.map((r) => r.customerId)).toEqual(expected);
    expect(page.items.every((r) => r.operationType === 'add_customer')).toBe(true);

    // Paged like customers: the same records, two at a time.
    const paged: string[] = [];
    let next: AuditPage['links']['next'] = {
      uri: '/v1/auditrecords?startDate=2025-11-01&endDate=2025-11-30&size=2',
    };
    while (next) {
      const headers = Object.fromEntries((next.headers ?? []).map((x) => [x.key, x.value]));
      const auditPage: AuditPage = await jsonOf<AuditPage>(
        await call(h.url, h.appToken, 'GET', next.uri, undefined, headers),
      );
      paged.push(...auditPage.items.map((r) => r.customerId));
      next = auditPage.links.next;
    }
    expect(paged).toEqual(expected);

    // A single day: a bare endDate covers that whole day.
    const oneDay = await jsonOf<AuditPage>(
      await call(h.url, h.appToken, 'GET', '/v1/auditrecords?startDate=2025-11-06&endDate=2025-11-06'),
    );
    expect(oneDay.items.map((r) => r.customerId)).toEqual(['c0000000-0000-4000-8000-000000000006']);
  });

  it('records a customer added through the control API, and filters by company name', async () => {
    await h.clock.advanceTo(Date.UTC(2026, 0, 20, 12));
    const added = h.emulator.control.addCustomer({ companyName: 'Brand New Example Ltd' });
    const user = await userToken(h.url);
    const page = await jsonOf<AuditPage>(
      await call(h.url, user, 'GET', '/v1/auditrecords?startDate=2026-01-20'),
    );
    expect(page.items).toEqual([
      expect.objectContaining({
        customerId: added.tenantId,
        customerName: 'Brand New Example Ltd',
        operationType: 'add_customer',
        operationDate: '2026-01-20T12:00:00.000Z',
      }),
    ]);
    const filter = encodeURIComponent(
      JSON.stringify({ Field: 'CompanyName', Value: 'brand new', Operator: 'substring' }),
    );
    const filtered = await jsonOf<AuditPage>(
      await call(h.url, h.appToken, 'GET', `/v1/auditrecords?startDate=2025-11-01&filter=${filter}`),
    );
    expect(filtered.items.map((r) => r.customerId)).toEqual([added.tenantId]);
    expect(
      (await call(h.url, h.appToken, 'GET', '/v1/auditrecords?startDate=2025-11-01&filter=%7Bbad')).status,
    ).toBe(400);
    const customer = await call(h.url, h.appToken, 'GET', `/v1/customers/${added.tenantId}`);
    expect(await jsonOf(customer)).toEqual(expect.objectContaining({ id: added.tenantId }));

    // The same over the HTTP control API, with an existing pre-2023 attestation.
    const overHttp = await fetch(`${h.url}/_control/customers`, {
      method: 'POST',
      body: JSON.stringify({
        companyName: 'Http Example Ltd',
        agreements: [
          {
            dateAgreed: '2020-05-01',
            primaryContact: { firstName: 'A', lastName: 'B', email: 'a@http.example.com' },
          },
        ],
      }),
    });
    expect(overHttp.status).toBe(201);
    const httpCustomer = await jsonOf<{ tenantId: string }>(overHttp);
    expect(httpCustomer).toEqual(expect.objectContaining({ coverage: 'stale', agreementCount: 1 }));
    // Its stored agreements, as a chaos run counts them.
    const agreements = await fetch(`${h.url}/_control/customers/${httpCustomer.tenantId}/agreements`);
    expect(await jsonOf(agreements)).toEqual([
      expect.objectContaining({ dateAgreed: expect.stringMatching(/^2020-05-01/) as unknown }),
    ]);
    expect((await fetch(`${h.url}/_control/customers/${crypto.randomUUID()}/agreements`)).status).toBe(404);
    const invalid = await fetch(`${h.url}/_control/customers`, {
      method: 'POST',
      body: '{"companyName": ""}',
    });
    expect(invalid.status).toBe(400);
  });

  it('shows people an overview page with each customer and its admin-center link', async () => {
    const res = await fetch(`${h.url}/`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const overview = await res.text();
    for (const customer of seed.customers) {
      expect(overview).toContain(`href="/admin-center/${customer.tenantId}"`);
    }
  });

  it('refuses audit queries starting more than 90 days back', async () => {
    const res = await call(h.url, h.appToken, 'GET', '/v1/auditrecords?startDate=2025-09-01');
    expect(res.status).toBe(400);
    expect((await call(h.url, h.appToken, 'GET', '/v1/auditrecords?startDate=yesterday')).status).toBe(400);
  });
});
