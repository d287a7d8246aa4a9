/** One Azurite per test file, on free ports with a throw-away data folder. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzurite } from '../../../local/emulators/azurite';

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

/** A fresh random tenant id (GUID v4 shape). */
export function newTenantId(): string {
  return randomUUID();
}
