import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { AzuriteStartError, startAzurite, type Azurite } from '../../../local/emulators/azurite';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tableClient(azurite: Azurite, table: string): TableClient {
  return TableClient.fromConnectionString(azurite.connectionString, table, { allowInsecureConnection: true });
}

async function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

describe('Azurite launcher', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'azurite-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves Table storage on free ports, keeps data across a restart, and leaves no process behind', async () => {
    const first = await startAzurite({ dataDir, blobPort: 0, queuePort: 0, tablePort: 0 });
    try {
      expect(first.connectionString).toBe(
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
          'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
          `BlobEndpoint=http://127.0.0.1:${first.ports.blob}/devstoreaccount1;` +
          `QueueEndpoint=http://127.0.0.1:${first.ports.queue}/devstoreaccount1;` +
          `TableEndpoint=http://127.0.0.1:${first.ports.table}/devstoreaccount1`,
      );
      expect(new Set(Object.values(first.ports)).size).toBe(3);
      const customers = tableClient(first, 'customers');
      await customers.createTable();
      await customers.upsertEntity({
        partitionKey: 'tenant',
        rowKey: 'state',
        state: 'InviteSent',
        reminders: 2,
      });

      const entity = await customers.getEntity<{ state: string; reminders: number }>('tenant', 'state');
      expect(entity).toMatchObject({ state: 'InviteSent', reminders: 2 });
    } finally {
      await first.close();
    }
    expect(isRunning(first.pid)).toBe(false);

    const second = await startAzurite({ dataDir, blobPort: 0, queuePort: 0, tablePort: 0 });
    try {
      const entity = await tableClient(second, 'customers').getEntity<{ state: string }>('tenant', 'state');
      expect(entity.state).toBe('InviteSent');
    } finally {
      await second.close();
    }
    expect(isRunning(second.pid)).toBe(false);
  });

  it('fails with the busy port named, and stops the child', async () => {
    const { server, port } = await listenOnFreePort();
    try {
      const failure: unknown = await startAzurite({
        dataDir,
        blobPort: 0,
        queuePort: 0,
        tablePort: port,
      }).catch((err: unknown) => err);

      expect(failure).toBeInstanceOf(AzuriteStartError);
      expect((failure as AzuriteStartError).message).toBe(
        `Azurite could not start: the table port ${port} is already in use`,
      );
      const pid = (failure as AzuriteStartError).pid;
      expect(pid).toBeDefined();
      expect(isRunning(pid ?? 0)).toBe(false);
    } finally {
      server.close();
    }
  });
});
