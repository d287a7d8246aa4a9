/**
 * Registers every trigger that feeds the workflow: CRM queue, timers, HTTP API and, where Partner Center
 * may be read, its audit feed, webhook and the compliance sweep.
 */
import { registerApi } from './api.function';
import { partnerCenterDeps, type AppDeps } from './app-deps';
import { registerComplianceSweep } from './compliance-sweep.function';
import { registerCrmQueue } from './crm-queue.function';
import { registerPartnerCenterFeed } from './partner-center-feed.function';
import { registerReminders } from './reminders.function';

export function registerEntryPoints(deps: AppDeps): void {
  registerCrmQueue(deps);
  registerReminders(deps);
  registerApi(deps);
  // An indirect reseller has no Partner Center API access: no audit feed, webhook or sweep.
  const partnerCenter = partnerCenterDeps(deps);
  if (partnerCenter) {
    registerPartnerCenterFeed(partnerCenter);
    registerComplianceSweep(partnerCenter);
  }
}
