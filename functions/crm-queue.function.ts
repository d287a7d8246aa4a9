import type { AppDeps } from './app-deps';

export function registerCrmQueue(_deps: AppDeps): void {
  // Not built yet.
}
