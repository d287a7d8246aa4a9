/**
 * What partners write today: a plain script that lists the customers, then reads each one's MCA status,
 * one request at a time. Same client, same reads, same emulator limits as the sweep.
 */
import { loadConfig } from '../shared/config';
import { createPartnerCenterClientFromConfig, readMcaStatus } from '../shared/partnerCenter';
import { startBenchStack, type PartnerCenterLimits } from './bench-stack';

export interface NaiveRun {
  customers: number;
  seconds: number;
  calls: number;
}

export async function runNaive(customers: number, limits: PartnerCenterLimits): Promise<NaiveRun> {
  const stack = await startBenchStack(customers, limits);
  try {
    const client = createPartnerCenterClientFromConfig(loadConfig(stack.settings));
    const startedAt = performance.now();
    const tenantIds: string[] = [];
    for await (const customer of client.listCustomers()) tenantIds.push(customer.id);
    for (const tenantId of tenantIds) await readMcaStatus(client, tenantId, new Date());
    const seconds = (performance.now() - startedAt) / 1000;
    const requests = stack.partnerCenter.control.faults().find((f) => f.kind === 'latency')?.hits ?? 0;
    return { customers, seconds, calls: requests };
  } finally {
    await stack.close();
  }
}
