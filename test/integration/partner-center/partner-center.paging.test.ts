import { UnexpectedResponse } from '../../../shared/partnerCenter';
import { FakePartnerCenter, type Reply } from './fake-partner-center.server';
import { collect, createTestClient } from './test-client';

const customersRoute = 'GET /v1/customers';

function customer(n: number) {
  return {
    id: `0000000${n}-0000-4000-8000-000000000000`,
    companyProfile: {
      tenantId: `0000000${n}-0000-4000-8000-000000000000`,
      domain: `c${n}.onmicrosoft.com`,
      companyName: `C${n}`,
    },
    relationshipToPartner: 'reseller',
    billingProfile: { ignored: true },
  };
}

function page(items: number[], continuation?: string, uri = '/customers?size=2&seekOperation=Next'): Reply {
  return {
    status: 200,
    body: {
      totalCount: items.length,
      items: items.map(customer),
      links: continuation
        ? {
            self: { uri: '/customers?size=2', method: 'GET', headers: [] },
            next: { uri, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: continuation }] },
          }
        : { self: { uri: '/customers?size=2', method: 'GET', headers: [] } },
    },
  };
}

describe('Partner Center client: paging customers', () => {
  let fake: FakePartnerCenter;
  beforeEach(async () => {
    fake = await FakePartnerCenter.start();
  });
  afterEach(() => fake.close());

  it('follows links.next with its MS-ContinuationToken until it is absent', async () => {
    fake.on(
      customersRoute,
      page([1, 2], 'token-a'),
      page([3, 4], 'token-b', '/v1/customers?size=2&seekOperation=Next'),
      page([5]),
    );
    const { client } = createTestClient(fake);

    const customers = await collect(client.listCustomers({ pageSize: 2 }));

    expect(customers.map((c) => c.companyProfile?.companyName)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5']);
    expect(customers[0]).not.toHaveProperty('billingProfile');
    const requests = fake.requestsTo(customersRoute);
    expect(requests.map((r) => r.headers['ms-continuationtoken'])).toEqual([undefined, 'token-a', 'token-b']);
    expect(requests.map((r) => r.query.get('seekOperation'))).toEqual([null, 'Next', 'Next']);
    expect(requests[0]?.query.get('size')).toBe('2');
    // One logical operation: one correlation id, a request id per page.
    expect(new Set(requests.map((r) => r.headers['ms-correlationid'])).size).toBe(1);
    expect(new Set(requests.map((r) => r.headers['ms-requestid'])).size).toBe(3);
  });

  it('fetches lazily: stopping early makes no further requests', async () => {
    fake.on(customersRoute, page([1, 2], 'token-a'), page([3, 4], 'token-b'), page([5]));
    const { client } = createTestClient(fake);

    for await (const c of client.listCustomers({ pageSize: 2 })) {
      if (c.companyProfile?.companyName === 'C1') break;
    }

    expect(fake.requestsTo(customersRoute)).toHaveLength(1);
  });

  it('retries a throttled page and carries on', async () => {
    fake.on(
      customersRoute,
      page([1, 2], 'token-a'),
      { status: 429, headers: { 'Retry-After': '2' } },
      page([3]),
    );
    const { client, sleeps } = createTestClient(fake);

    const customers = await collect(client.listCustomers({ pageSize: 2 }));

    expect(customers).toHaveLength(3);
    expect(sleeps).toEqual([2000]);
    const tokens = fake.requestsTo(customersRoute).map((r) => r.headers['ms-continuationtoken']);
    expect(tokens).toEqual([undefined, 'token-a', 'token-a']);
  });

  it('refuses a next link to another host (the bearer token must not leave)', async () => {
    fake.on(customersRoute, page([1], 'token-a', 'https://elsewhere.example/v1/customers'));
    const { client } = createTestClient(fake);

    await expect(collect(client.listCustomers())).rejects.toBeInstanceOf(UnexpectedResponse);
  });

  it('stops a next link that loops', async () => {
    fake.on(customersRoute, page([1], 'same-token'));
    const { client } = createTestClient(fake);

    await expect(collect(client.listCustomers())).rejects.toThrow(/paging loops/);
    expect(fake.requestsTo(customersRoute)).toHaveLength(2); // the repeat is caught before it is fetched
  });

  it('lists one page at a time; the opaque token of a page leads to the next', async () => {
    fake.on(customersRoute, page([1, 2], 'token-a'), page([3]));
    const { client } = createTestClient(fake);

    const first = await client.listCustomersPage({ pageSize: 2 });
    expect(first.customers.map((c) => c.companyProfile?.companyName)).toEqual(['C1', 'C2']);
    expect(first.continuationToken).toEqual(expect.any(String));
    const second = await client.listCustomersPage({
      pageSize: 2,
      continuationToken: first.continuationToken,
    });
    expect(second).toEqual({
      customers: [expect.objectContaining({ id: customer(3).id })],
      continuationToken: undefined,
    });

    const requests = fake.requestsTo(customersRoute);
    expect(requests.map((r) => r.headers['ms-continuationtoken'])).toEqual([undefined, 'token-a']);
    expect(requests.map((r) => r.query.get('seekOperation'))).toEqual([null, 'Next']);
  });

  it('refuses a page token it did not issue, or one naming another host', async () => {
    const { client } = createTestClient(fake);
    await expect(client.listCustomersPage({ continuationToken: 'not-a-token' })).rejects.toThrow(
      /continuation token/,
    );
    const elsewhere = Buffer.from(JSON.stringify({ uri: 'https://elsewhere.example/v1/customers' })).toString(
      'base64url',
    );
    await expect(client.listCustomersPage({ continuationToken: elsewhere })).rejects.toBeInstanceOf(
      UnexpectedResponse,
    );
    expect(fake.requestsTo(customersRoute)).toHaveLength(0);
  });
});
