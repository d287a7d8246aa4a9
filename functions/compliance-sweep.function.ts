import type { AppDeps } from './app-deps';

export function registerComplianceSweep(_deps: AppDeps): void {
  // Not built yet.
}
