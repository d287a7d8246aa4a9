/** Registers every trigger that feeds the workflow: CRM queue, Partner Center feed, timers, HTTP API. */
import { registerApi } from './api.function';
import type { AppDeps } from './app-deps';
import { registerComplianceSweep } from './compliance-sweep.function';
import { registerCrmQueue } from './crm-queue.function';
import { registerPartnerCenterFeed } from './partner-center-feed.function';
import { registerReminders } from './reminders.function';

export function registerEntryPoints(deps: AppDeps): void {
  registerCrmQueue(deps);
  registerPartnerCenterFeed(deps);
  registerReminders(deps);
  registerComplianceSweep(deps);
  registerApi(deps);
}
