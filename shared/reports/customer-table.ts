/**
 * The dashboard's customer table (`GET /api/reports/customers`): search by company or tenant, sort and
 * page over every customer. The state table has no secondary indexes, so the search runs over the rows
 * of one scan (narrowed by state in the query); a book of thousands stays well under a second.
 */
import type { CustomerSummary } from './mca-report';

export const CUSTOMER_SORT_KEYS = ['companyName', 'tenantId', 'country', 'state', 'updatedAt'] as const;
export type CustomerSortKey = (typeof CUSTOMER_SORT_KEYS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export interface CustomerTableQuery {
  /** Part of the company name (any case) or of the tenant id. */
  search?: string;
  sort: CustomerSortKey;
  order: SortOrder;
  /** 1-based. A page past the end answers no items (and the real page count). */
  page: number;
  pageSize: number;
}

export interface CustomerTablePage {
  items: CustomerSummary[];
  /** Customers matching the search (all pages). */
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

export function customerTablePage(
  customers: readonly CustomerSummary[],
  { search, sort, order, page, pageSize }: CustomerTableQuery,
): CustomerTablePage {
  const needle = search?.trim().toLowerCase() ?? '';
  const matching = needle === '' ? [...customers] : customers.filter((c) => matches(c, needle));
  const direction = order === 'asc' ? 1 : -1;
  // Ties fall back to the tenant id so the order (and so the paging) is stable between refreshes.
  matching.sort((a, b) => direction * compareText(a[sort], b[sort]) || compareText(a.tenantId, b.tenantId));
  const start = (page - 1) * pageSize;
  return {
    items: matching.slice(start, start + pageSize),
    total: matching.length,
    page,
    pageSize,
    pages: Math.max(1, Math.ceil(matching.length / pageSize)),
  };
}

function matches(customer: CustomerSummary, needle: string): boolean {
  return customer.companyName.toLowerCase().includes(needle) || customer.tenantId.includes(needle);
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

function compareText(a: string, b: string): number {
  return collator.compare(a, b);
}
