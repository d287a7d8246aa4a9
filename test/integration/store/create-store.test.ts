import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { createStore, StoreValidationError, TABLE_NAMES, type Store } from '../../../shared/store';
import { createTableClient } from '../../../shared/store/tables';
import { newTenantId, startTestAzurite, type TestAzurite } from './store-azurite';

/** Forwards every request to Azurite's table port and remembers `METHOD path` of each. */
async function startRecordingProxy(
  tablePort: number,
): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((incoming, outgoing) => {
    seen.push(`${incoming.method} ${incoming.url}`);
    const forward = request(
      {
        host: '127.0.0.1',
        port: tablePort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

async function useEveryRepository(store: Store): Promise<void> {
  const tenantId = newTenantId();
  await store.customerState.get(tenantId);
  await store.auditTrail.list(tenantId, 1);
  await store.sendKeys.claim({ tenantId, kind: 'invite', n: 0 });
  await store.cursors.get('feed');
  await store.processedEvents.markProcessed('crm', tenantId);
}

const noToken: TokenCredential = {
  getToken: (): Promise<AccessToken | null> => Promise.resolve(null),
};

describe('createStore', () => {
  let azurite: TestAzurite;

  beforeAll(async () => {
    azurite = await startTestAzurite();
  });

  afterAll(async () => {
    await azurite.close();
  });

  it('creates each table on first use, once per process, however many stores share the account', async () => {
    const tablePort = Number(
      /TableEndpoint=http:\/\/127\.0\.0\.1:(\d+)\//.exec(azurite.connectionString)?.[1],
    );
    const proxy = await startRecordingProxy(tablePort);
    try {
      const connectionString = azurite.connectionString.replace(`:${tablePort}/`, `:${proxy.port}/`);
      const first = createStore({ connectionString });
      const second = createStore({ connectionString });
      expect(proxy.seen).toEqual([]);

      await Promise.all([useEveryRepository(first), useEveryRepository(second)]);
      await useEveryRepository(first);

      const tableCreations = proxy.seen.filter((line) => /^POST \/devstoreaccount1\/Tables(\?|$)/.test(line));
      expect(tableCreations).toHaveLength(Object.keys(TABLE_NAMES).length);
    } finally {
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });

  it('builds clients for a managed identity from the account name or an https endpoint', () => {
    const byName = createTableClient({ accountName: 'mcastore', credential: noToken }, TABLE_NAMES.cursors);
    const byEndpoint = createTableClient(
      { endpoint: 'https://mcastore.table.core.windows.net', credential: noToken },
      TABLE_NAMES.sendKeys,
    );

    expect(byName.url).toBe('https://mcastore.table.core.windows.net');
    expect(byName.tableName).toBe('McaCursors');
    expect(byEndpoint.url).toBe('https://mcastore.table.core.windows.net');
    expect(() => createStore({ accountName: 'mcastore', credential: noToken })).not.toThrow();
  });

  it('refuses a plain-http endpoint with a token credential (the SDK would not send the token)', () => {
    expect(() =>
      createStore({ endpoint: 'http://127.0.0.1:10002/devstoreaccount1', credential: noToken }),
    ).toThrow(StoreValidationError);
  });
});
