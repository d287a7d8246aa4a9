/**
 * The HTTP admin/status API (docs/architecture.md "HTTP API"). Registration only: each route's handler
 * lives in `functions/api/`. Access (functions/api/access.ts): with `API_AUTH=appService` App Service
 * Authentication gates the routes (function keys are then not asked for) and each route checks its app
 * role, `Mca.Read` for reads and `Mca.Operate` for actions; with `open` (local runs) function keys are
 * required in Azure as before and the local host skips them.
 */
import { app, type HttpHandler, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ONBOARDING_EVENTS } from '../shared/workflow/contracts';
import { createApiAccess, createMeHttp } from './api/access';
import {
  createCustomerListHttp,
  createCustomerStatusHttp,
  createMcaReportHttp,
} from './api/customer-read.http';
import { createConfirmAcceptanceHttp } from './api/confirm-acceptance.http';
import { createLatestSweepHttp, createStateSummaryHttp } from './api/operations-read.http';
import { openApiHttp } from './api/openapi';
import { registerDashboard } from './api/dashboard.routes';
import { createOperatorActionHttp, type OperatorAudit } from './api/operator-actions.http';
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
  me: 'apiMe',
} as const;

export function registerApi(deps: AppDeps): void {
  const access = createApiAccess(deps.config.apiAuth);
  const withClient = (handler: ClientHandler) => ({
    extraInputs: [df.input.durableClient()],
    handler: (request: HttpRequest, context: InvocationContext) =>
      handler(request, df.getClient(context), context),
  });
  const read = <T extends { handler: HttpHandler }>(options: T): T => ({
    ...options,
    handler: access.read(options.handler),
  });
  const operate = <T extends { handler: HttpHandler }>(options: T): T => ({
    ...options,
    handler: access.operate(options.handler),
  });
  const route = { authLevel: access.mode === 'appService' ? 'anonymous' : 'function' } as const;
  const policy = onboardingPolicy(deps.config);
  const audit: OperatorAudit = {
    auditTrail: deps.store.auditTrail,
    now: deps.now,
    actorIdOf: access.actorIdOf,
  };
  app.post(
    API_FUNCTIONS.start,
    operate({
      ...route,
      route: 'customers/{tenantId}/mca',
      ...withClient((request, client, context) =>
        startOnboardingHttp(request, client, context, policy, audit),
      ),
    }),
  );
  app.get(
    API_FUNCTIONS.status,
    read({ ...route, route: 'customers/{tenantId}/mca', handler: createCustomerStatusHttp(deps) }),
  );
  app.get(API_FUNCTIONS.list, read({ ...route, route: 'customers', handler: createCustomerListHttp(deps) }));
  app.get(
    API_FUNCTIONS.report,
    read({ ...route, route: 'reports/mca.csv', handler: createMcaReportHttp(deps) }),
  );
  app.get(
    API_FUNCTIONS.summary,
    read({ ...route, route: 'reports/summary', handler: createStateSummaryHttp(deps) }),
  );
  app.get(
    API_FUNCTIONS.latestSweep,
    read({ ...route, route: 'sweeps/latest', ...withClient(createLatestSweepHttp(deps)) }),
  );
  app.get(API_FUNCTIONS.openApi, read({ ...route, route: 'openapi.json', handler: openApiHttp }));
  // Any caller may ask who it is: the dashboard learns from it whether to offer sign-in and actions.
  app.get(API_FUNCTIONS.me, { ...route, route: 'me', handler: createMeHttp(access) });
  app.post(
    API_FUNCTIONS.recheck,
    operate({
      ...route,
      route: 'customers/{tenantId}/mca/recheck',
      // Without Partner Center (a reseller) a finished run cannot be rechecked: /confirm heals it.
      ...withClient(createOperatorActionHttp(ONBOARDING_EVENTS.recheck, partnerCenterDeps(deps), audit)),
    }),
  );
  app.post(
    API_FUNCTIONS.remind,
    operate({
      ...route,
      route: 'customers/{tenantId}/mca/remind',
      ...withClient(createOperatorActionHttp(ONBOARDING_EVENTS.reminderDue, undefined, audit)),
    }),
  );
  app.post(
    API_FUNCTIONS.confirm,
    operate({
      ...route,
      route: 'customers/{tenantId}/mca/confirm',
      ...withClient(createConfirmAcceptanceHttp({ ...deps, actorIdOf: access.actorIdOf })),
    }),
  );
  registerDashboard(deps, { authLevel: route.authLevel, read: access.read });
}
