/**
 * Collects what the leak scan reads from a running stack: the host's log lines, every durable instance
 * as the management API shows it (input, history with inputs and results), the outcome events waiting
 * on `mca-outcomes` (peeked, not taken) and every row of every table of the store.
 */
import { TableClient } from '@azure/data-tables';
import { ServiceBusClient } from '@azure/service-bus';
import { TABLE_NAMES } from '../shared/store';
import { QUEUES } from '../shared/workflow/contracts';
import { listInstanceIds, peekAll } from './fuzz';
import type { PiiSources } from './pii-scan';
import type { ChaosTarget } from './target';

const PARALLEL_STATUS_READS = 8;

export async function collectPiiSources(target: ChaosTarget): Promise<PiiSources> {
  const [durable, outcomes, stateRows] = await Promise.all([
    durableInstances(target.hostUrl),
    outcomeEvents(target.serviceBusConnectionString),
    tableRows(target.storageConnectionString),
  ]);
  return { logs: [...target.logs()], durable, outcomes, stateRows };
}

async function durableInstances(hostUrl: string): Promise<unknown[]> {
  const ids = [...(await listInstanceIds(hostUrl))];
  const statuses: unknown[] = [];
  for (let i = 0; i < ids.length; i += PARALLEL_STATUS_READS) {
    const page = ids.slice(i, i + PARALLEL_STATUS_READS).map(async (id) => {
      const query = 'showInput=true&showHistory=true&showHistoryOutput=true';
      const response = await fetch(
        `${hostUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?${query}`,
      );
      return response.status === 404 ? undefined : await response.json();
    });
    for (const status of await Promise.all(page)) if (status !== undefined) statuses.push(status);
  }
  return statuses;
}

async function outcomeEvents(connectionString: string): Promise<unknown[]> {
  const serviceBus = new ServiceBusClient(connectionString);
  try {
    return (await peekAll(serviceBus, QUEUES.outcomes, 'active')).map((m) => m.body as unknown);
  } finally {
    await serviceBus.close();
  }
}

async function tableRows(connectionString: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const table of Object.values(TABLE_NAMES)) {
    const client = TableClient.fromConnectionString(connectionString, table, {
      allowInsecureConnection: true,
    });
    try {
      for await (const entity of client.listEntities()) rows.push({ table, ...entity });
    } catch (error) {
      // A table the run never wrote to does not exist yet.
      if (!(typeof error === 'object' && error !== null && 'statusCode' in error && error.statusCode === 404))
        throw error;
    }
  }
  return rows;
}
