/**
 * The MCA report (`GET /api/reports/mca.csv`) and the list items of `GET /api/customers`: one row per
 * customer, company data only (the store holds no signatory data).
 */
import type { CustomerState } from '../store';
import { csvRecord } from './csv';

/** The report's columns, in order; also the fields of a customer summary. */
export const MCA_REPORT_COLUMNS = [
  'tenantId',
  'companyName',
  'country',
  'state',
  'method',
  'purchaseAllowed',
  'purchaseBlocked',
  'acceptedAt',
  'reason',
  'nextReminderAt',
  'remindersSent',
  'updatedAt',
] as const;

export type CustomerSummary = Pick<CustomerState, (typeof MCA_REPORT_COLUMNS)[number]>;

export function customerSummary(customer: CustomerState): CustomerSummary {
  const { tenantId, companyName, country, state, method, purchaseAllowed, purchaseBlocked } = customer;
  const { acceptedAt, reason, nextReminderAt, remindersSent, updatedAt } = customer;
  return {
    tenantId,
    companyName,
    country,
    state,
    method,
    purchaseAllowed,
    purchaseBlocked,
    acceptedAt,
    reason,
    nextReminderAt,
    remindersSent,
    updatedAt,
  };
}

/** The header row, then one row per customer, in the order given. */
export async function mcaReportCsv(customers: AsyncIterable<CustomerState>): Promise<string> {
  let csv = csvRecord(MCA_REPORT_COLUMNS);
  for await (const customer of customers) {
    csv += csvRecord(MCA_REPORT_COLUMNS.map((column) => customer[column]));
  }
  return csv;
}
