/**
 * The HTTP admin/status API (docs/architecture.md "HTTP API"). Registration only: each route's handler
 * lives in `functions/api/`. Function keys are required in Azure; the local host skips them.
 */
import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ONBOARDING_EVENTS } from '../shared/workflow/contracts';
import {
  createCustomerListHttp,
  createCustomerStatusHttp,
  createMcaReportHttp,
} from './api/customer-read.http';
import { createConfirmAcceptanceHttp } from './api/confirm-acceptance.http';
import { createLatestSweepHttp, createStateSummaryHttp } from './api/operations-read.http';
import { openApiHttp } from './api/openapi';
import { registerDashboard } from './api/dashboard.routes';
import { createOperatorActionHttp } from './api/operator-actions.http';
import type { ClientHandler } from './api/request-input';
import { startOnboardingHttp } from './api/start-onboarding.http';
import { partnerCenterDeps, type AppDeps } from './app-deps';
import { onboardingPolicy } from './workflow';

export const API_FUNCTIONS = {
  start: 'apiStartOnboarding',
  status: 'apiCustomerStatus',
  list: 'apiListCustomers',
  report: 'apiMcaReport',
  recheck: 'apiRecheck',
  remind: 'apiRemind',
  confirm: 'apiConfirmAcceptance',
  summary: 'apiStateSummary',
  latestSweep: 'apiLatestSweep',
  openApi: 'apiOpenApi',
} as const;

export function registerApi(deps: AppDeps): void {
  const withClient = (handler: ClientHandler) => ({
    extraInputs: [df.input.durableClient()],
    handler: (request: HttpRequest, context: InvocationContext) =>
      handler(request, df.getClient(context), context),
  });
  const route = { authLevel: 'function' } as const;
  const policy = onboardingPolicy(deps.config);
  app.post(API_FUNCTIONS.start, {
    ...route,
    route: 'customers/{tenantId}/mca',
    ...withClient((request, client, context) => startOnboardingHttp(request, client, context, policy)),
  });
  app.get(API_FUNCTIONS.status, {
    ...route,
    route: 'customers/{tenantId}/mca',
    handler: createCustomerStatusHttp(deps),
  });
  app.get(API_FUNCTIONS.list, { ...route, route: 'customers', handler: createCustomerListHttp(deps) });
  app.get(API_FUNCTIONS.report, { ...route, route: 'reports/mca.csv', handler: createMcaReportHttp(deps) });
  app.get(API_FUNCTIONS.summary, {
    ...route,
    route: 'reports/summary',
    handler: createStateSummaryHttp(deps),
  });
  app.get(API_FUNCTIONS.latestSweep, {
    ...route,
    route: 'sweeps/latest',
    ...withClient(createLatestSweepHttp(deps)),
  });
  app.get(API_FUNCTIONS.openApi, { ...route, route: 'openapi.json', handler: openApiHttp });
  app.post(API_FUNCTIONS.recheck, {
    ...route,
    route: 'customers/{tenantId}/mca/recheck',
    // Without Partner Center (a reseller) a finished run cannot be rechecked: /confirm heals it.
    ...withClient(createOperatorActionHttp(ONBOARDING_EVENTS.recheck, partnerCenterDeps(deps))),
  });
  app.post(API_FUNCTIONS.remind, {
    ...route,
    route: 'customers/{tenantId}/mca/remind',
    ...withClient(createOperatorActionHttp(ONBOARDING_EVENTS.reminderDue)),
  });
  app.post(API_FUNCTIONS.confirm, {
    ...route,
    route: 'customers/{tenantId}/mca/confirm',
    ...withClient(createConfirmAcceptanceHttp(deps)),
  });
  registerDashboard(deps);
}
