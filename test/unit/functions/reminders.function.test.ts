import { createRemindersHandler, REMINDERS_SCHEDULE } from '../../../functions/reminders.function';
import type { CustomerState, CustomerStateName, CustomerStateRepository } from '../../../shared/store';
import { ONBOARDING_EVENTS } from '../../../shared/workflow/contracts';
import { FakeDurableClient, recordingContext } from './fakes';

const NOW = new Date('2027-03-10T10:00:00.000Z');
let n = 0;

function customer(state: CustomerStateName, nextReminderAt: string | null, remindersSent = 1): CustomerState {
  n++;
  return {
    tenantId: `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    state,
    method: null,
    acceptedAt: null,
    reason: null,
    nextReminderAt,
    remindersSent,
    attestationId: null,
    purchaseBlocked: false,
    startedAt: '2027-03-01T00:00:00.000Z',
    updatedAt: '2027-03-01T00:00:00.000Z',
    companyName: 'Contoso KK',
    language: 'ja-JP',
    country: 'JP',
    purchaseAllowed: false,
  };
}

function store(rows: CustomerState[]): Pick<CustomerStateRepository, 'listAll'> {
  return {
    async *listAll(query = {}) {
      for (const row of rows)
        if (query.state === undefined || row.state === query.state) yield await Promise.resolve(row);
    },
  };
}

describe('reminders safety net', () => {
  it('nudges only waiting customers whose reminder is more than 30 minutes overdue', async () => {
    const overdueInvite = customer('InviteSent', '2027-03-10T09:29:00.000Z', 2);
    const overdueAttest = customer('AttestationPending', '2027-03-09T10:00:00.000Z', 0);
    const rows = [
      overdueInvite,
      overdueAttest,
      customer('InviteSent', '2027-03-10T09:31:00.000Z'), // within the grace: the orchestrator's timer
      customer('AttestationPending', '2027-03-10T12:00:00.000Z'), // not due yet
      customer('AttestationPending', null), // no reminder planned
      customer('Confirming', '2027-03-01T00:00:00.000Z'), // not waiting for the customer
      customer('Expired', '2027-03-01T00:00:00.000Z'),
    ];
    const durable = new FakeDurableClient();
    for (const row of rows) durable.seed(`mca-${row.tenantId}`, 'Running');
    const { context } = recordingContext();
    await createRemindersHandler({
      store: { customerState: store(rows) as CustomerStateRepository },
      now: () => NOW,
    })({}, durable.client, context);
    expect(durable.raised).toEqual([
      {
        instanceId: `mca-${overdueInvite.tenantId}`,
        eventName: ONBOARDING_EVENTS.reminderDue,
        payload: { reminderNumber: 3 },
      },
      {
        instanceId: `mca-${overdueAttest.tenantId}`,
        eventName: ONBOARDING_EVENTS.reminderDue,
        payload: { reminderNumber: 1 },
      },
    ]);
  });

  it('skips instances that are not running and keeps going after a failure', async () => {
    const finished = customer('InviteSent', '2027-03-01T00:00:00.000Z');
    const broken = customer('InviteSent', '2027-03-01T00:00:00.000Z');
    const fine = customer('InviteSent', '2027-03-01T00:00:00.000Z');
    const durable = new FakeDurableClient()
      .seed(`mca-${finished.tenantId}`, 'Completed')
      .seed(`mca-${fine.tenantId}`, 'Running');
    durable.seed(`mca-${broken.tenantId}`, 'Running');
    const raise = durable.raiseEvent.bind(durable);
    durable.raiseEvent = (id, name, payload) =>
      id === `mca-${broken.tenantId}` ? Promise.reject(new Error('HTTP 500')) : raise(id, name, payload);
    const { context, lines } = recordingContext();
    await createRemindersHandler({
      store: { customerState: store([finished, broken, fine]) as CustomerStateRepository },
      now: () => NOW,
    })({}, durable.client, context);
    expect(durable.raised.map((r) => r.instanceId)).toEqual([`mca-${fine.tenantId}`]);
    expect(lines.join('\n')).toContain('"failed":1');
    expect(lines.join('\n')).toContain('"notRunning":1');
  });

  it('runs hourly (six-field NCRONTAB)', () => {
    expect(REMINDERS_SCHEDULE).toBe('0 0 * * * *');
  });
});
