/** Registers the onboarding orchestrator and its activities. */
import type { AppDeps } from './app-deps';

export function registerWorkflow(_deps: AppDeps): void {
  // Filled in by the workflow work.
}
