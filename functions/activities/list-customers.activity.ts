/** Sweep activity: every Partner Center customer's tenant id and company name (follows all pages). */
import { z } from 'zod';
import type { PartnerCenterClient } from '../../shared/partnerCenter';

export interface ListedCustomer {
  tenantId: string;
  companyName?: string;
}

const guid = z.guid();

export function createListCustomersActivity(deps: {
  partnerCenter: Pick<PartnerCenterClient, 'listCustomers'>;
}) {
  return async (): Promise<ListedCustomer[]> => {
    const seen = new Set<string>();
    const customers: ListedCustomer[] = [];
    for await (const customer of deps.partnerCenter.listCustomers()) {
      const candidate = customer.companyProfile?.tenantId ?? customer.id;
      // A customer without a readable tenant id cannot be evaluated or started: leave it out.
      if (!guid.safeParse(candidate).success) continue;
      const tenantId = candidate.toLowerCase();
      if (seen.has(tenantId)) continue;
      seen.add(tenantId);
      const companyName = customer.companyProfile?.companyName?.trim().slice(0, 500);
      customers.push(companyName ? { tenantId, companyName } : { tenantId });
    }
    return customers;
  };
}
