/** Registers the dashboard page and the read routes only it needs (see dashboard*.http.ts). */
import { app } from '@azure/functions';
import type { AppDeps } from '../app-deps';
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

export function registerDashboard(deps: AppDeps): void {
  app.get(DASHBOARD_FUNCTIONS.page, {
    // The page and its script hold no data (the API routes it calls keep their keys and roles), and a
    // browser cannot send a function key when it opens a URL.
    authLevel: 'anonymous',
    route: 'dashboard/{*asset}',
    handler: createDashboardHttp(fileSystemAssets(webBuildDirs(__dirname))),
  });
  const route = { authLevel: 'function' } as const;
  app.get(DASHBOARD_FUNCTIONS.customerTable, {
    ...route,
    route: 'reports/customers',
    handler: createCustomerTableHttp(deps),
  });
  app.get(DASHBOARD_FUNCTIONS.overview, {
    ...route,
    route: 'reports/overview',
    handler: createOverviewHttp(deps),
  });
  app.get(DASHBOARD_FUNCTIONS.deadLetters, {
    ...route,
    route: 'reports/dead-letters',
    handler: createDeadLetterCountHttp(deps),
  });
}
