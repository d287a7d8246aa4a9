/**
 * Sweep activity: one page of Partner Center customers (tenant id and company name) and the token of
 * the next page, so the sweep holds one page at a time whatever the size of the book.
 */
import { z } from 'zod';
import type { Customer, PartnerCenterClient } from '../../shared/partnerCenter';

export interface ListedCustomer {
  tenantId: string;
  companyName?: string;
}

export const listCustomersInputSchema = z.object({
  pageSize: z.number().int().min(1).max(500),
  /** From the previous page; absent for the first. */
  continuationToken: z.string().min(1).optional(),
});
export type ListCustomersInput = z.input<typeof listCustomersInputSchema>;

export interface CustomerPageResult {
  customers: ListedCustomer[];
  /** Absent on the last page. */
  continuationToken?: string;
}

const guid = z.guid();

export function createListCustomersActivity(deps: {
  partnerCenter: Pick<PartnerCenterClient, 'listCustomersPage'>;
}) {
  return async (rawInput: unknown): Promise<CustomerPageResult> => {
    const { pageSize, continuationToken } = listCustomersInputSchema.parse(rawInput);
    const page = await deps.partnerCenter.listCustomersPage({ pageSize, continuationToken });
    const customers = listedCustomers(page.customers);
    return page.continuationToken === undefined
      ? { customers }
      : { customers, continuationToken: page.continuationToken };
  };
}

/** Readable tenant ids, once each within the page, in lower case. */
export function listedCustomers(page: readonly Customer[]): ListedCustomer[] {
  const seen = new Set<string>();
  const customers: ListedCustomer[] = [];
  for (const customer of page) {
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
}
