import type { AppDeps } from './app-deps';

export function registerApi(_deps: AppDeps): void {
  // Not built yet.
}
