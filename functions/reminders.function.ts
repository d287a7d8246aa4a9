import type { AppDeps } from './app-deps';

export function registerReminders(_deps: AppDeps): void {
  // Not built yet.
}
