/**
 * `webhook show|register|test`: Partner Center's webhook registration for this app, with the app's
 * Partner Center settings and credentials (PARTNER_CENTER_*, from the environment or the settings file).
 */
import { loadConfigSection } from '../../shared/config';
import {
  createWebhookRegistrationClientFromConfig,
  type WebhookRegistration,
  type WebhookRegistrationClient,
  type WebhookValidationStatus,
} from '../../shared/partnerCenter';
import { CliError, numberOption, stringOption, UsageError, type CommandContext } from '../context';
import { formatFields, formatJson, formatTable } from '../output';
import type { CommandSpec } from './command';

/** What the app listens for (docs/operations.md "Partner Center webhook"), plus the test event. */
export const DEFAULT_WEBHOOK_EVENTS = [
  'reseller-relationship-accepted-by-customer',
  'indirect-reseller-relationship-accepted-by-customer',
  'test-created',
];
export const WEBHOOK_PATH = '/api/webhooks/partner-center';

function client(ctx: CommandContext): WebhookRegistrationClient {
  return createWebhookRegistrationClientFromConfig(loadConfigSection('partnerCenter', ctx.settings));
}

function printRegistration(ctx: CommandContext, registration: WebhookRegistration | undefined): void {
  if (ctx.json) return ctx.deps.stdout(formatJson(registration ?? null));
  if (!registration) return ctx.deps.stdout('No webhook registration.\n');
  const { subscriberId, webhookUrl, webhookEvents } = registration;
  ctx.deps.stdout(formatFields({ subscriberId, webhookUrl, webhookEvents: webhookEvents.join(', ') }));
}

async function show(ctx: CommandContext): Promise<void> {
  printRegistration(ctx, await client(ctx).get());
}

/** `--callback` as given, else the app's webhook route under `--url`/MCA_URL. */
function callbackUrl(ctx: CommandContext): string {
  const given = stringOption(ctx.options, 'callback');
  if (given) return given;
  const app = stringOption(ctx.options, 'url') ?? ctx.settings.MCA_URL;
  if (!app) throw new UsageError('webhook register needs --callback <https URL> (or --url of the app)');
  return `${app.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
}

async function register(ctx: CommandContext): Promise<void> {
  const webhookUrl = callbackUrl(ctx);
  const events = stringOption(ctx.options, 'events');
  const webhookEvents = events
    ? events
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)
    : DEFAULT_WEBHOOK_EVENTS;
  const pc = client(ctx);
  const existing = await pc.get();
  printRegistration(ctx, await pc.register({ webhookUrl, webhookEvents }, existing !== undefined));
}

/** Partner Center names the answer's status code (`OK`) where the emulator gives the number. */
export function deliveredOk(status: WebhookValidationStatus): boolean {
  const last = status.results.at(-1);
  return last !== undefined && /^(2\d\d|OK|Created|Accepted|NoContent)$/i.test(last.responseCode ?? '');
}

async function test(ctx: CommandContext): Promise<void> {
  const waitMs = numberOption(ctx.options, 'wait', 60) * 1000;
  const intervalMs = Math.max(numberOption(ctx.options, 'interval', 2) * 1000, 10);
  const pc = client(ctx);
  const correlationId = await pc.sendTestEvent();
  const deadline = Date.now() + waitMs;
  let status = await pc.testEventStatus(correlationId);
  while (!finished(status) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    status = await pc.testEventStatus(correlationId);
  }
  if (ctx.json) ctx.deps.stdout(formatJson(status));
  else {
    const { results, ...fields } = status;
    ctx.deps.stdout(formatFields(fields));
    const rows = results.map((r) => [r.dateTimeUtc, r.responseCode, r.systemError, r.responseMessage]);
    if (rows.length > 0)
      ctx.deps.stdout(`\n${formatTable(['at', 'responseCode', 'systemError', 'message'], rows)}`);
  }
  if (!deliveredOk(status)) {
    const hint =
      status.results.length === 0 ? ': nothing was sent (is test-created registered? mca webhook show)' : '';
    throw new CliError(
      `the test event (correlationId ${correlationId}) was not delivered with a 2xx answer${hint}`,
    );
  }
}

/** Delivered, or Partner Center is done trying (`completed`, the word of Microsoft's example). */
function finished(status: WebhookValidationStatus): boolean {
  return deliveredOk(status) || status.status?.toLowerCase() === 'completed';
}

export const webhookCommands: CommandSpec[] = [
  { name: 'webhook show', args: '', summary: "Partner Center's webhook registration", run: show },
  {
    name: 'webhook register',
    args: '[--callback <url>] [--events <a,b>]',
    summary: 'register (or update) the webhook; default: the app under --url, the events the app uses',
    options: { callback: { type: 'string' }, events: { type: 'string' } },
    run: register,
  },
  {
    name: 'webhook test',
    args: '[--wait <s>] [--interval <s>]',
    summary: 'have Partner Center send a test event and wait for its delivery result',
    options: { wait: { type: 'string' }, interval: { type: 'string' } },
    run: test,
  },
];
