/**
 * The customer commands, each one call of the app's HTTP API: `status`, `list`, `report`, `recheck`,
 * `remind`, `confirm`.
 */
import { apiClientOptions, createApiClient, type ApiClient } from '../api-client';
import { stringOption, UsageError, type CommandContext } from '../context';
import { formatFields, formatJson, formatTable, type Cell } from '../output';
import type { CommandSpec } from './command';

interface CustomerStatus {
  tenantId: string;
  state: string;
  method: string | null;
  acceptedAt: string | null;
  purchaseAllowed: boolean;
  purchaseBlocked?: boolean;
  reason: string | null;
  nextReminderAt: string | null;
  updatedAt: string;
  history: { at: string; actor: string; action: string; detail?: string | null }[];
}

type CustomerSummary = Record<string, Cell> & { tenantId: string; state: string };

interface CustomerPage {
  items: CustomerSummary[];
  continuationToken: string | null;
}

const LIST_COLUMNS = [
  'tenantId',
  'companyName',
  'country',
  'state',
  'method',
  'purchaseBlocked',
  'updatedAt',
];

const api = (ctx: CommandContext): ApiClient => createApiClient(apiClientOptions(ctx));

/** The tenant id as the one path segment it becomes. */
function customerPath(tenantId: string, action = ''): string {
  return `/api/customers/${encodeURIComponent(tenantId)}/mca${action}`;
}

function tenantOf(ctx: CommandContext): string {
  const [tenantId] = ctx.positionals;
  if (!tenantId) throw new UsageError('a tenant id is required');
  return tenantId;
}

async function status(ctx: CommandContext): Promise<void> {
  const body = await api(ctx).json<CustomerStatus>('GET', customerPath(tenantOf(ctx)));
  if (ctx.json) return ctx.deps.stdout(formatJson(body));
  const { history, ...fields } = body;
  ctx.deps.stdout(formatFields(fields));
  if (history.length > 0) {
    ctx.deps.stdout(
      `\n${formatTable(
        ['at', 'actor', 'action', 'detail'],
        history.map((h) => [h.at, h.actor, h.action, h.detail]),
      )}`,
    );
  }
}

async function list(ctx: CommandContext): Promise<void> {
  const client = api(ctx);
  const query = new URLSearchParams();
  const state = stringOption(ctx.options, 'state');
  if (state) query.set('state', state);
  if (ctx.options['purchase-blocked'] === true) query.set('purchaseBlocked', 'true');
  const pageSize = stringOption(ctx.options, 'page-size');
  if (pageSize) query.set('pageSize', pageSize);
  let token = stringOption(ctx.options, 'continuation-token');
  const items: CustomerSummary[] = [];
  for (;;) {
    if (token) query.set('continuationToken', token);
    const page = await client.json<CustomerPage>('GET', `/api/customers?${query.toString()}`);
    items.push(...page.items);
    token = page.continuationToken ?? undefined;
    if (!token || ctx.options.all !== true) break;
  }
  if (ctx.json) return ctx.deps.stdout(formatJson({ items, continuationToken: token ?? null }));
  ctx.deps.stdout(
    formatTable(
      LIST_COLUMNS,
      items.map((item) => LIST_COLUMNS.map((column) => item[column])),
    ),
  );
  if (token) ctx.deps.stderr(`More customers: --all, or --continuation-token ${token}\n`);
}

async function report(ctx: CommandContext): Promise<void> {
  ctx.deps.stdout(await api(ctx).text('/api/reports/mca.csv'));
}

/** recheck / remind: the answer as it came (202 raised on the running workflow, 200 a finding). */
function action(name: 'recheck' | 'remind') {
  return async (ctx: CommandContext): Promise<void> => {
    const body = await api(ctx).json<Record<string, Cell>>('POST', customerPath(tenantOf(ctx), `/${name}`));
    ctx.deps.stdout(ctx.json ? formatJson(body) : formatFields(body));
  };
}

async function confirm(ctx: CommandContext): Promise<void> {
  const required = (name: string): string => {
    const value = stringOption(ctx.options, name);
    if (!value) throw new UsageError(`--${name} is required`);
    return value;
  };
  const body = { method: required('method'), acceptedAt: required('date'), confirmedBy: required('by') };
  const answer = await api(ctx).json<Record<string, Cell>>(
    'POST',
    customerPath(tenantOf(ctx), '/confirm'),
    body,
  );
  ctx.deps.stdout(ctx.json ? formatJson(answer) : formatFields(answer));
}

export const customerCommands: CommandSpec[] = [
  {
    name: 'status',
    args: '<tenant>',
    summary: "one customer's state and recent history",
    positionals: 1,
    run: status,
  },
  {
    name: 'list',
    args: '[--state <state>] [--purchase-blocked] [--all] [--page-size <n>] [--continuation-token <t>]',
    summary: 'customers, a page at a time (--all: every page)',
    options: {
      state: { type: 'string' },
      'purchase-blocked': { type: 'boolean' },
      all: { type: 'boolean' },
      'page-size': { type: 'string' },
      'continuation-token': { type: 'string' },
    },
    run: list,
  },
  {
    name: 'report',
    args: '',
    summary: 'the MCA report as CSV on stdout (mca report > mca.csv)',
    run: report,
  },
  {
    name: 'recheck',
    args: '<tenant>',
    summary: 'check Partner Center now (heals a finished run that has accepted since)',
    positionals: 1,
    run: action('recheck'),
  },
  {
    name: 'remind',
    args: '<tenant>',
    summary: "send the running workflow's next reminder now",
    positionals: 1,
    run: action('remind'),
  },
  {
    name: 'confirm',
    args: '<tenant> --method <direct|attestation> --date <ISO date> --by <operator|indirectProvider>',
    summary: 'record an acceptance Partner Center cannot show (reseller deployments)',
    positionals: 1,
    options: { method: { type: 'string' }, date: { type: 'string' }, by: { type: 'string' } },
    run: confirm,
  },
];
