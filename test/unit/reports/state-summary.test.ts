import { summariseStates } from '../../../shared/reports';
import { CUSTOMER_STATE_NAMES } from '../../../shared/store';
import { customer, iterate } from './fixtures';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const GRACE_MS = 30 * 60_000;
const summarise = (customers: ReturnType<typeof customer>[]) =>
  summariseStates(iterate(customers), { now: NOW, graceMs: GRACE_MS });

describe('summariseStates', () => {
  it('counts every state, zero included, and a ratio of 0 for no customers', async () => {
    const summary = await summarise([]);

    expect(Object.keys(summary.states)).toEqual([...CUSTOMER_STATE_NAMES]);
    expect(Object.values(summary.states).every((count) => count === 0)).toBe(true);
    expect(summary).toMatchObject({ total: 0, covered: 0, coveredRatio: 0, purchaseBlocked: 0, overdue: 0 });
  });

  it('counts states, covered (Accepted), its ratio and purchase-blocked customers in one pass', async () => {
    const summary = await summarise([
      customer({ state: 'Accepted', nextReminderAt: null }),
      customer({ state: 'Accepted', nextReminderAt: null }),
      customer({ state: 'Failed', purchaseBlocked: true }),
      customer({ state: 'HandedOff', purchaseBlocked: true, nextReminderAt: null }),
    ]);

    expect(summary.states).toMatchObject({ Accepted: 2, Failed: 1, HandedOff: 1, Checking: 0 });
    expect(summary).toMatchObject({ total: 4, covered: 2, coveredRatio: 0.5, purchaseBlocked: 2 });
  });

  it.each([
    ['InviteSent, reminder due 31 minutes ago', 'InviteSent', '2026-03-10T11:29:00.000Z', 1],
    ['AttestationPending, reminder due 31 minutes ago', 'AttestationPending', '2026-03-10T11:29:00.000Z', 1],
    ['a reminder due exactly the grace ago', 'AttestationPending', '2026-03-10T11:30:00.000Z', 0],
    ['a reminder due within the grace', 'InviteSent', '2026-03-10T11:45:00.000Z', 0],
    ['a reminder due in the future', 'InviteSent', '2026-03-11T09:00:00.000Z', 0],
    ['no reminder planned', 'AttestationPending', null, 0],
    ['a state that is not waiting on the customer', 'Failed', '2026-03-01T09:00:00.000Z', 0],
  ] as const)('overdue: %s counts %i', async (_case, state, nextReminderAt, expected) => {
    const summary = await summarise([customer({ state, nextReminderAt })]);

    expect(summary.overdue).toBe(expected);
  });
});
