/** Registers every trigger that feeds the workflow: CRM queue, Partner Center feed, timers, HTTP API. */
import type { AppDeps } from './app-deps';

export function registerEntryPoints(_deps: AppDeps): void {
  // Filled in by the entry-points work (crm-queue, partner-center-feed, reminders, sweep, api).
}
