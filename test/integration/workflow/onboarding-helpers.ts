/**
 * Drives one customer's onboarding orchestration through the real app on the app stack: start it as an
 * entry point would (durable HTTP API), read its status, and find the mails it sent.
 */
import { randomUUID } from 'node:crypto';
import type { AppStack } from '../../helpers/app-stack';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Timing that keeps a 30-day run to a few dozen polls, and Partner Center's pacing out of the way. */
export const TEST_SETTINGS = {
  REMINDER_SCHEDULE: 'P3D,P7D,P14D',
  ACCEPTANCE_DEADLINE: 'P30D',
  POLL_INITIAL_DELAY: 'PT1H',
  POLL_MAX_DELAY: 'P1D',
  // Every waiting attestation wakes on this interval for as long as a test file runs: a day keeps a
  // file to a few dozen wakes per customer (attestation.test.ts checks the short interval itself).
  ATTESTATION_POLL_INTERVAL: 'P1D',
  PARTNER_CENTER_MAX_REQUESTS_PER_SECOND: '200',
  PARTNER_CENTER_MAX_CONCURRENCY: '8',
  // The workflow's own timers only: the feed and safety-net timers have tests of their own.
  'AzureWebJobs.partnerCenterAuditFeed.Disabled': 'true',
  'AzureWebJobs.mcaReminders.Disabled': 'true',
  'AzureWebJobs.mcaSendClaims.Disabled': 'true',
  'AzureWebJobs.mcaComplianceSweepTimer.Disabled': 'true',
};

/** An e-mail address, a phone number, or the test signatories' names: never in a log line. */
export const PERSONAL_DATA =
  /[^\s@<>"']+@[^\s@<>"']+\.[a-z]{2,}|\+\d[\d\s-]{7,}|\bAlex\b|\bSigner\b|\bSuccessor\b/i;

export interface TestCustomer {
  tenantId: string;
  companyName: string;
  country: string;
  language: string;
  signatory: { firstName: string; lastName: string; email: string; phoneNumber?: string };
}

export function testCustomer(tenantId: string, companyName: string, language = 'en-US'): TestCustomer {
  const local = companyName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    tenantId,
    companyName,
    country: language === 'ja-JP' ? 'JP' : 'US',
    language,
    signatory: {
      firstName: 'Alex',
      lastName: 'Signer',
      email: `signer@${local}.example.com`,
      phoneNumber: '+1 425 555 0100',
    },
  };
}

export interface InstanceStatus {
  runtimeStatus: string;
  customStatus: { state?: string; nextReminderAt?: string | null; remindersSent?: number } | null;
  output: { state?: string; reason?: string | null } | null;
}

const DURABLE = '/runtime/webhooks/durabletask';

export function instanceId(tenantId: string): string {
  return `mca-${tenantId}`;
}

/** Starts the onboarding orchestration the way every entry point does (instance `mca-{tenantId}`). */
export async function startOnboarding(
  app: AppStack,
  request: {
    tenantId: string;
    customer?: TestCustomer;
    method?: string;
    reason?: string;
    source?: string;
    eventId?: string;
  },
): Promise<void> {
  const body = {
    reason: 'new',
    source: 'crm',
    eventId: randomUUID(),
    companyName: request.customer?.companyName,
    ...request,
  };
  const response = await app.api(`${DURABLE}/orchestrators/mcaOnboarding/${instanceId(request.tenantId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`start answered ${response.status}: ${await response.text()}`);
  await app.settle();
}

export async function raiseEvent(
  app: AppStack,
  tenantId: string,
  name: string,
  payload: unknown,
): Promise<void> {
  const response = await app.api(`${DURABLE}/instances/${instanceId(tenantId)}/raiseEvent/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  if (response.status !== 202) throw new Error(`raiseEvent answered ${response.status}`);
  await app.settle();
}

/** The CRM's details for a customer whose workflow is already running (a joined CustomerUpdated). */
export async function supplyDetails(app: AppStack, customer: TestCustomer, eventId: string): Promise<void> {
  const { tenantId } = customer;
  await raiseEvent(app, tenantId, 'CustomerUpdated', {
    tenantId,
    customer,
    reason: 'new',
    source: 'crm',
    eventId,
  });
}

export async function status(app: AppStack, tenantId: string): Promise<InstanceStatus> {
  return app.apiJson<InstanceStatus>(`${DURABLE}/instances/${instanceId(tenantId)}`);
}

/** The state the orchestration reports (custom status while running, output once finished). */
export async function stateOf(app: AppStack, tenantId: string): Promise<string | undefined> {
  const current = await status(app, tenantId);
  return current.output?.state ?? current.customStatus?.state;
}

/** Advances the clock in steps until the customer reaches `state` (or `limitMs` of virtual time passes). */
export async function advanceUntilState(
  app: AppStack,
  tenantId: string,
  state: string,
  limitMs: number,
  stepMs = HOUR,
): Promise<number> {
  let elapsed = 0;
  while ((await stateOf(app, tenantId)) !== state) {
    if (elapsed >= limitMs) throw new Error(`${tenantId} is ${await stateOf(app, tenantId)}, not ${state}`);
    await app.advance(stepMs);
    elapsed += stepMs;
  }
  return elapsed;
}

/** Mails to `email`, oldest first, with the categories the workflow tags them with. */
export function mailsTo(app: AppStack, email: string): { subject: string; text: string; kind: string }[] {
  return app
    .mails(email)
    .reverse()
    .map((m) => ({ subject: m.subject ?? '', text: m.text ?? '', kind: m.categories[1] ?? '' }));
}
