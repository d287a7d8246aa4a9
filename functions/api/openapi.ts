/**
 * `GET openapi.json`: an OpenAPI 3.1 document of every HTTP route of the app. Request bodies and query
 * parameters come from the zod schemas the handlers decode with, so the document follows the code; a test
 * checks that every route the app registers is in it.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { API_AUTH_MODES, APP_ROLES } from '../../shared/access';
import { CUSTOMER_STATE_NAMES, customerStateRecordSchema, tenantIdSchema } from '../../shared/store';
import { confirmationBodySchema } from '../../shared/workflow/contracts';
import { inputJsonSchema, type JsonSchema } from '../../shared/workflow/json-schemas';
import { webhookEventSchema } from '../partner-center-feed.function';
import { REMINDER_GRACE_MS } from '../reminders.function';
import { listQuerySchema } from './customer-read.http';
import { SWEEP_LOOKBACK_DAYS } from '../compliance-sweep.function';
import { customerTableQuerySchema, overviewQuerySchema } from './dashboard-data.http';
import {
  blockedBodySchema,
  IDEMPOTENCY_HEADER,
  idempotencyKeySchema,
  startBodySchema,
} from './start-onboarding.http';

export const OPENAPI_VERSION = '3.1.0';

type Method = 'get' | 'post';

/** One operation: its route as registered (without the `api/` prefix) and what it takes and answers. */
interface Operation {
  method: Method;
  route: string;
  operationId: string;
  summary: string;
  /** Partner Center's webhook cannot send a function key: its signature authenticates it. */
  anonymous?: boolean;
  query?: z.ZodObject;
  headers?: Record<string, { schema: z.ZodType; description: string }>;
  body?: JsonSchema;
  /** Status -> description and, for JSON answers, the component schema name. */
  responses: Record<string, { description: string; schema?: string; mediaType?: string }>;
}

const errorSchema = z.object({
  error: z.string(),
  message: z.string().optional(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  correlationId: z.string().optional(),
});

const customerSummarySchema = customerStateRecordSchema
  .pick({
    tenantId: true,
    companyName: true,
    country: true,
    state: true,
    method: true,
    purchaseBlocked: true,
    acceptedAt: true,
    reason: true,
    nextReminderAt: true,
    remindersSent: true,
    updatedAt: true,
  })
  .extend({ purchaseAllowed: z.boolean() });

const customerStatusSchema = customerSummarySchema
  .pick({
    tenantId: true,
    state: true,
    method: true,
    acceptedAt: true,
    purchaseAllowed: true,
    purchaseBlocked: true,
    reason: true,
    nextReminderAt: true,
    updatedAt: true,
  })
  .extend({
    history: z.array(
      z.object({
        at: z.string(),
        actor: z.string(),
        actorId: z.string().nullable().describe('The caller (Entra object id or app id; `local`) when known'),
        action: z.string(),
        detail: z.string(),
      }),
    ),
  });

const stateSummarySchema = z.object({
  states: z.object(Object.fromEntries(CUSTOMER_STATE_NAMES.map((name) => [name, z.int().min(0)]))),
  total: z.int().min(0),
  covered: z.int().min(0),
  coveredRatio: z.number().min(0).max(1),
  purchaseBlocked: z.int().min(0),
  overdue: z
    .int()
    .min(0)
    .describe(
      `Waiting customers whose next reminder is more than ${REMINDER_GRACE_MS / 60_000} minutes late`,
    ),
});

const sweepCountsSchema = z.object({
  customers: z.int(),
  accepted: z.int(),
  started: z.int(),
  skipped: z.int(),
  failed: z.int(),
  /** Absent from sweeps that ran before the sweep paged. */
  pages: z.int().optional().describe('Pages of the customer list taken so far'),
});

const latestSweepSchema = z.object({
  instanceId: z.string(),
  runtimeStatus: z.string(),
  customStatus: sweepCountsSchema.nullable(),
  output: sweepCountsSchema.nullable(),
  createdTime: z.string().nullable(),
  lastUpdatedTime: z.string().nullable(),
});

const customerTablePageSchema = z.object({
  items: z.array(customerSummarySchema),
  total: z.int().min(0),
  page: z.int().min(1),
  pageSize: z.int().min(1),
  pages: z.int().min(1),
});

const overviewSchema = z.object({
  generatedAt: z.string(),
  stateChangesPerDay: z.array(z.object({ day: z.string(), changes: z.int(), accepted: z.int() })),
  stateChangesTruncated: z.boolean(),
  timeToAccepted: z.object({
    count: z.int(),
    medianDays: z.number().nullable(),
    buckets: z.array(z.object({ label: z.string(), count: z.int() })),
  }),
  expiringLinks: z.array(
    z.object({ tenantId: z.string(), companyName: z.string(), linkExpiresAt: z.string() }),
  ),
});

const deadLetterCountSchema = z.object({
  queue: z.string(),
  count: z.int().min(0).nullable().describe('null: Service Bus did not answer in time'),
  capped: z.boolean().describe('The count reached the peek limit: there may be more'),
});

const meSchema = z.object({
  mode: z.enum(API_AUTH_MODES),
  authenticated: z.boolean(),
  principalId: z.string().nullable().describe('Entra object id (or app id) of the caller; no name'),
  roles: z.array(z.string()).describe(`App roles: ${APP_ROLES.read}, ${APP_ROLES.operate}; both when open`),
});

/** Answers of the calls that start or signal a workflow; the fields depend on the call. */
const accepted = z.object({ tenantId: z.string() }).catchall(z.unknown());

/** A schema inside the document: its dialect is the document's (OpenAPI 3.1 = JSON Schema 2020-12). */
function embedded(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = inputJsonSchema(schema);
  return rest;
}

const COMPONENT_SCHEMAS: Record<string, JsonSchema> = {
  Error: embedded(errorSchema),
  StartBody: embedded(startBodySchema),
  PurchaseBlockedStartBody: embedded(blockedBodySchema),
  ConfirmationBody: embedded(confirmationBodySchema),
  PartnerCenterWebhookEvent: embedded(webhookEventSchema),
  CustomerSummary: embedded(customerSummarySchema),
  CustomerStatus: embedded(customerStatusSchema),
  CustomerPage: embedded(
    z.object({ items: z.array(customerSummarySchema), continuationToken: z.string().nullable() }),
  ),
  StateSummary: embedded(stateSummarySchema),
  LatestSweep: embedded(latestSweepSchema),
  CustomerTablePage: embedded(customerTablePageSchema),
  Overview: embedded(overviewSchema),
  DeadLetterCount: embedded(deadLetterCountSchema),
  WorkflowAnswer: embedded(accepted),
  Me: embedded(meSchema),
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const failure = (description: string) => ({ description, schema: 'Error' });
const workflowAnswer = (description: string) => ({ description, schema: 'WorkflowAnswer' });
const badRequest = failure('Invalid input: every bad field is named');
const notFound = failure('No such customer');
const signalled = workflowAnswer('Signalled to the running workflow');

export const OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    route: 'customers/{tenantId}/mca',
    operationId: 'startOnboarding',
    summary: 'Start (or find) the MCA workflow of one customer',
    headers: {
      [IDEMPOTENCY_HEADER]: {
        schema: idempotencyKeySchema,
        description: 'Makes a retried call start nothing new',
      },
    },
    body: { oneOf: [ref('StartBody'), ref('PurchaseBlockedStartBody')] },
    responses: {
      '202': workflowAnswer('Started, already running or already covered'),
      '400': badRequest,
    },
  },
  {
    method: 'get',
    route: 'customers/{tenantId}/mca',
    operationId: 'customerStatus',
    summary: 'One customer: state, what follows from it and recent history',
    responses: { '200': { description: 'The customer', schema: 'CustomerStatus' }, '404': notFound },
  },
  {
    method: 'get',
    route: 'customers',
    operationId: 'listCustomers',
    summary: 'Customers, paged, by state or purchase block',
    query: listQuerySchema,
    responses: { '200': { description: 'One page', schema: 'CustomerPage' }, '400': badRequest },
  },
  {
    method: 'get',
    route: 'reports/mca.csv',
    operationId: 'mcaReport',
    summary: 'Every customer as CSV',
    responses: { '200': { description: 'The report', mediaType: 'text/csv' } },
  },
  {
    method: 'get',
    route: 'reports/summary',
    operationId: 'stateSummary',
    summary: 'Counts per state, coverage, purchase-blocked and overdue customers',
    responses: { '200': { description: 'The counts', schema: 'StateSummary' } },
  },
  {
    method: 'get',
    route: 'sweeps/latest',
    operationId: 'latestSweep',
    summary: `The newest nightly compliance sweep of the last ${SWEEP_LOOKBACK_DAYS} days`,
    responses: {
      '200': { description: 'The sweep and its counts', schema: 'LatestSweep' },
      '404': failure(`No sweep in the last ${SWEEP_LOOKBACK_DAYS} days`),
    },
  },
  {
    method: 'post',
    route: 'customers/{tenantId}/mca/recheck',
    operationId: 'recheck',
    summary: 'Check Partner Center again now (no mail)',
    responses: {
      '200': workflowAnswer('A finished run rechecked once'),
      '202': signalled,
      '404': notFound,
      '409': failure('Nothing to recheck in this deployment'),
    },
  },
  {
    method: 'post',
    route: 'customers/{tenantId}/mca/remind',
    operationId: 'remind',
    summary: 'Send the next reminder now',
    responses: {
      '202': signalled,
      '409': failure('No running workflow'),
    },
  },
  {
    method: 'post',
    route: 'customers/{tenantId}/mca/confirm',
    operationId: 'confirmAcceptance',
    summary: 'Record an acceptance Partner Center cannot show (reseller deployments)',
    body: ref('ConfirmationBody'),
    responses: {
      '200': workflowAnswer('Recorded'),
      '202': signalled,
      '400': badRequest,
      '404': notFound,
      '409': failure('Not a reseller deployment'),
    },
  },
  {
    method: 'post',
    route: 'webhooks/partner-center',
    operationId: 'partnerCenterWebhook',
    summary: "Partner Center's webhook events (signed; no function key)",
    anonymous: true,
    body: ref('PartnerCenterWebhookEvent'),
    responses: {
      '200': { description: 'Handled (or a duplicate)' },
      '400': failure('Not a Partner Center event'),
      '401': failure('Signature verification failed'),
      '413': failure('Body too large'),
      '503': failure('Try again later'),
    },
  },
  {
    method: 'get',
    route: 'reports/customers',
    operationId: 'customerTable',
    summary: 'Customers searched (company or tenant), sorted and paged, for the dashboard',
    query: customerTableQuerySchema,
    responses: { '200': { description: 'One page', schema: 'CustomerTablePage' }, '400': badRequest },
  },
  {
    method: 'get',
    route: 'reports/overview',
    operationId: 'overview',
    summary: 'State changes per day, time to acceptance and links expiring soon',
    query: overviewQuerySchema,
    responses: { '200': { description: 'The aggregates', schema: 'Overview' }, '400': badRequest },
  },
  {
    method: 'get',
    route: 'reports/dead-letters',
    operationId: 'deadLetterCount',
    summary: 'How many CRM messages were dead-lettered',
    responses: { '200': { description: 'The count', schema: 'DeadLetterCount' } },
  },
  {
    method: 'get',
    route: 'dashboard/{*asset}',
    operationId: 'dashboard',
    summary: "The operator's dashboard page (GET /api/dashboard) and its script and styles",
    anonymous: true,
    responses: {
      '200': { description: 'The page or asset', mediaType: 'text/html' },
      '304': { description: 'Not modified (ETag)' },
      '404': failure('Not a dashboard asset'),
    },
  },
  {
    method: 'get',
    route: 'me',
    operationId: 'me',
    summary: 'Who the API takes the caller for: access mode, principal id and app roles (no role needed)',
    anonymous: true,
    responses: { '200': { description: 'The caller', schema: 'Me' } },
  },
  {
    method: 'get',
    route: 'openapi.json',
    operationId: 'openApi',
    summary: 'This document',
    responses: { '200': { description: 'OpenAPI 3.1' } },
  },
];

const tenantIdParameter = {
  name: 'tenantId',
  in: 'path',
  required: true,
  description: "The customer's Microsoft Entra tenant id",
  schema: embedded(tenantIdSchema),
};

function parametersOf(operation: Operation): unknown[] {
  const parameters: unknown[] = operation.route.includes('{tenantId}') ? [tenantIdParameter] : [];
  const query = operation.query ? inputJsonSchema(operation.query) : undefined;
  const required = new Set((query?.required ?? []) as string[]);
  for (const [name, schema] of Object.entries((query?.properties ?? {}) as Record<string, JsonSchema>)) {
    parameters.push({ name, in: 'query', required: required.has(name), schema });
  }
  for (const [name, header] of Object.entries(operation.headers ?? {})) {
    parameters.push({
      name,
      in: 'header',
      description: header.description,
      schema: embedded(header.schema),
    });
  }
  return parameters;
}

function responsesOf(operation: Operation) {
  return Object.fromEntries(
    Object.entries(operation.responses).map(([status, { description, schema, mediaType }]) => {
      if (mediaType)
        return [status, { description, content: { [mediaType]: { schema: { type: 'string' } } } }];
      if (!schema) return [status, { description }];
      return [status, { description, content: { 'application/json': { schema: ref(schema) } } }];
    }),
  );
}

function operationObject(operation: Operation) {
  const parameters = parametersOf(operation);
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.anonymous ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: operation.body } } } }
      : {}),
    responses: responsesOf(operation),
  };
}

/** The document; paths are relative to the `api` route prefix (the one server). */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) {
    (paths[`/${operation.route}`] ??= {})[operation.method] = operationObject(operation);
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'mca-workflow API',
      version: '0.1.0',
      description: 'Gets every customer of a Microsoft CSP partner onto the Microsoft Customer Agreement.',
    },
    servers: [{ url: '/api' }],
    security: [{ functionKey: [] }, { entraId: [] }],
    paths,
    components: {
      schemas: COMPONENT_SCHEMAS,
      securitySchemes: {
        functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
        entraId: {
          type: 'http',
          scheme: 'bearer',
          description: `API_AUTH=appService: an Entra ID token with the app role ${APP_ROLES.read} (reads) or ${APP_ROLES.operate} (actions); 401 without one, 403 naming the missing role`,
        },
      },
    },
  };
}

export function openApiHttp(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return Promise.resolve({ status: 200, jsonBody: openApiDocument() });
}
