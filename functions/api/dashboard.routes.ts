/** Registers the dashboard page and the read routes only it needs (see dashboard*.http.ts). */
import { app, type HttpFunctionOptions } from '@azure/functions';
import type { AppDeps } from '../app-deps';
import type { ApiAccess } from './access';
import {
  createCustomerTableHttp,
  createDeadLetterCountHttp,
  createOverviewHttp,
} from './dashboard-data.http';
import { createDashboardHttp, fileSystemAssets, webBuildDirs } from './dashboard.http';

export const DASHBOARD_FUNCTIONS = {
  page: 'apiDashboard',
  customerTable: 'apiCustomerTable',
  overview: 'apiOverview',
  deadLetters: 'apiDeadLetters',
} as const;

/** How the API's other read routes are guarded (functions/api.function.ts): the same holds here. */
export interface DashboardGuard {
  authLevel: HttpFunctionOptions['authLevel'];
  read: ApiAccess['read'];
}

export function registerDashboard(deps: AppDeps, guard: DashboardGuard): void {
  app.get(DASHBOARD_FUNCTIONS.page, {
    // The page and its script hold no data (the API routes it calls keep their keys and roles), and a
    // browser cannot send a function key when it opens a URL.
    authLevel: 'anonymous',
    route: 'dashboard/{*asset}',
    handler: createDashboardHttp(fileSystemAssets(webBuildDirs(__dirname))),
  });
  const { authLevel, read } = guard;
  app.get(DASHBOARD_FUNCTIONS.customerTable, {
    authLevel,
    route: 'reports/customers',
    handler: read(createCustomerTableHttp(deps)),
  });
  app.get(DASHBOARD_FUNCTIONS.overview, {
    authLevel,
    route: 'reports/overview',
    handler: read(createOverviewHttp(deps)),
  });
  app.get(DASHBOARD_FUNCTIONS.deadLetters, {
    authLevel,
    route: 'reports/dead-letters',
    handler: read(createDeadLetterCountHttp(deps)),
  });
}
