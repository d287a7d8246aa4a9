/** Customers as the store gives them, for the report tests. */
import type { CustomerState } from '../../../shared/store';

export function customer(overrides: Partial<CustomerState> = {}): CustomerState {
  return {
    tenantId: '11111111-2222-4333-8444-555555555555',
    state: 'AttestationPending',
    method: 'attestation',
    acceptedAt: null,
    reason: null,
    nextReminderAt: '2026-03-05T09:00:00.000Z',
    remindersSent: 1,
    attestationId: 'att-1',
    purchaseBlocked: false,
    startedAt: '2026-03-02T09:00:00.000Z',
    updatedAt: '2026-03-02T10:00:00.000Z',
    companyName: 'Contoso',
    language: 'ja-JP',
    country: 'JP',
    purchaseAllowed: false,
    ...overrides,
  };
}

/** As the store's listAll gives them: one at a time, asynchronously. */
export async function* iterate<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield await Promise.resolve(item);
}
