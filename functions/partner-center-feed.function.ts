import type { AppDeps } from './app-deps';

export function registerPartnerCenterFeed(_deps: AppDeps): void {
  // Not built yet.
}
