/**
 * Hourly safety net for reminders: the onboarding orchestrator sends them on its own durable timers;
 * this only nudges customers whose reminder is well overdue (e.g. a timer lost in an outage). The
 * orchestrator ignores a reminder number it already sent, so a nudge can never send twice.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { CustomerStateName, Store } from '../shared/store';
import { ONBOARDING_EVENTS } from '../shared/workflow/contracts';
import type { AppDeps } from './app-deps';
import { signalOnboarding } from './onboarding-starter';

export const REMINDERS_FUNCTION = 'mcaReminders';
export const REMINDERS_SCHEDULE = '0 0 * * * *';
/** How late a reminder must be before the safety net steps in (the orchestrator's own timer may be due). */
export const REMINDER_GRACE_MS = 30 * 60_000;
const WAITING_STATES: readonly CustomerStateName[] = ['InviteSent', 'AttestationPending'];

export interface RemindersDeps {
  store: Pick<Store, 'customerState'>;
  now: () => Date;
}

export function createRemindersHandler(deps: RemindersDeps) {
  return async (_timer: unknown, client: df.DurableClient, context: InvocationContext): Promise<void> => {
    const cutoff = deps.now().getTime() - REMINDER_GRACE_MS;
    const counts = { overdue: 0, signalled: 0, notRunning: 0, failed: 0 };
    for (const state of WAITING_STATES) {
      for await (const customer of deps.store.customerState.listAll({ state })) {
        if (customer.nextReminderAt === null || Date.parse(customer.nextReminderAt) >= cutoff) continue;
        counts.overdue++;
        const payload = { reminderNumber: customer.remindersSent + 1 };
        try {
          const raised = await signalOnboarding(
            client,
            customer.tenantId,
            ONBOARDING_EVENTS.reminderDue,
            payload,
          );
          counts[raised ? 'signalled' : 'notRunning']++;
        } catch (error) {
          // One customer's failure must not hold back the others; the next hour tries again.
          counts.failed++;
          context.warn(
            `Reminder nudge for ${customer.tenantId} failed`,
            error instanceof Error ? error.message : error,
          );
        }
      }
    }
    context.log('Reminder safety net', counts);
  };
}

export function registerReminders(deps: AppDeps): void {
  df.app.client.timer(REMINDERS_FUNCTION, {
    schedule: REMINDERS_SCHEDULE,
    handler: createRemindersHandler(deps),
  });
}
