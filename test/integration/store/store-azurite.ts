/** One Azurite per test file, on free ports with a throw-away data folder. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { startAzurite } from '../../../local/emulators/azurite';
import { createStore, type Store, type StoreOptions, type TableName } from '../../../shared/store';

export interface TestAzurite {
  connectionString: string;
  close(): Promise<void>;
}

export async function startTestAzurite(): Promise<TestAzurite> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'store-azurite-'));
  const azurite = await startAzurite({ dataDir, blobPort: 0, queuePort: 0, tablePort: 0 }).catch(
    async (error: unknown) => {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    },
  );
  return {
    connectionString: azurite.connectionString,
    close: async () => {
      await azurite.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A store on a fresh Azurite for the enclosing `describe`: started before its tests, closed after. */
export class StoreOnAzurite {
  private azurite: TestAzurite | undefined;
  private started: Store | undefined;

  constructor(options: StoreOptions = {}) {
    beforeAll(async () => {
      this.azurite = await startTestAzurite();
      this.started = createStore({ connectionString: this.azurite.connectionString }, options);
    });
    afterAll(async () => {
      await this.azurite?.close();
    });
  }

  get store(): Store {
    if (!this.started) throw new Error('The store is ready only inside tests');
    return this.started;
  }

  get connectionString(): string {
    if (!this.azurite) throw new Error('Azurite is running only inside tests');
    return this.azurite.connectionString;
  }

  /** The table itself, to check what was stored, bypassing the repositories. */
  rawTable(name: TableName): TableClient {
    return TableClient.fromConnectionString(this.connectionString, name, { allowInsecureConnection: true });
  }
}

/** A fresh random tenant id (GUID v4 shape). */
export function newTenantId(): string {
  return randomUUID();
}
