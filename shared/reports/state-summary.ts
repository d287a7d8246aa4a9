/**
 * The counts behind `GET /api/reports/summary`: how many customers are in each state, how many are
 * covered, how many Partner Center refuses purchases for, and how many waiting customers are overdue
 * for a reminder. Built in one pass over the store's `listAll()`.
 */
import { CUSTOMER_STATE_NAMES, type CustomerState, type CustomerStateName } from '../store';

/** States in which the customer is waiting to act and reminders are due at `nextReminderAt`. */
export const REMINDER_WAITING_STATES: readonly CustomerStateName[] = ['InviteSent', 'AttestationPending'];

export interface StateSummary {
  /** Every state name, zero included. */
  states: Record<CustomerStateName, number>;
  total: number;
  /** Customers in Accepted: purchases are allowed. */
  covered: number;
  /** covered / total, 0 when there are no customers. */
  coveredRatio: number;
  purchaseBlocked: number;
  /** Waiting customers whose `nextReminderAt` is more than `graceMs` in the past. */
  overdue: number;
}

export interface SummaryOptions {
  now: Date;
  /** How late a reminder must be to count as overdue (the reminder safety net's grace). */
  graceMs: number;
}

export async function summariseStates(
  customers: AsyncIterable<CustomerState> | Iterable<CustomerState>,
  { now, graceMs }: SummaryOptions,
): Promise<StateSummary> {
  const states = Object.fromEntries(CUSTOMER_STATE_NAMES.map((name) => [name, 0])) as Record<
    CustomerStateName,
    number
  >;
  const cutoff = now.getTime() - graceMs;
  let total = 0;
  let purchaseBlocked = 0;
  let overdue = 0;
  for await (const customer of customers) {
    total++;
    states[customer.state]++;
    if (customer.purchaseBlocked) purchaseBlocked++;
    if (isOverdue(customer, cutoff)) overdue++;
  }
  const covered = states.Accepted;
  return {
    states,
    total,
    covered,
    coveredRatio: total === 0 ? 0 : covered / total,
    purchaseBlocked,
    overdue,
  };
}

function isOverdue(customer: CustomerState, cutoff: number): boolean {
  return (
    REMINDER_WAITING_STATES.includes(customer.state) &&
    customer.nextReminderAt !== null &&
    Date.parse(customer.nextReminderAt) < cutoff
  );
}
