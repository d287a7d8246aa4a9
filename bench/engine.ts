/**
 * The engine's overhead: onboarding workflows (mixed paths) through the local host and its durable
 * engine on a virtual clock, versus the same activity calls (recorded from that run) made directly, one
 * after another, against a fresh stack with the same book. Partner Center has no limit or latency here:
 * what is compared is the machinery around the activities.
 */
import type { FunctionInvoker } from '../local/host';
import { ACTIVITIES } from '../shared/workflow/contracts';
import { startAppStack, type AppStack } from '../test/helpers/app-stack';
import { benchTenantId, coverageOf, seedCustomer } from './book';

export interface EngineRun {
  workflows: number;
  engineSeconds: number;
  directSeconds: number;
  activityCalls: number;
  /** Workflows that did not reach a terminal state (should be 0). */
  unfinished: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DURABLE = '/runtime/webhooks/durabletask';

/** The workflow's own timers only; a fast app-side limiter (the emulator has none in this run). */
const ENGINE_SETTINGS = {
  ATTESTATION_POLL_INTERVAL: 'P1D',
  POLL_INITIAL_DELAY: 'PT1H',
  POLL_MAX_DELAY: 'P1D',
  PARTNER_CENTER_MAX_REQUESTS_PER_SECOND: '1000',
  PARTNER_CENTER_MAX_CONCURRENCY: '16',
  'AzureWebJobs.partnerCenterAuditFeed.Disabled': 'true',
  'AzureWebJobs.mcaReminders.Disabled': 'true',
  'AzureWebJobs.mcaSendClaims.Disabled': 'true',
  'AzureWebJobs.mcaComplianceSweepTimer.Disabled': 'true',
};

const ONBOARDING_ACTIVITIES = new Set<string>([
  ACTIVITIES.checkStatus,
  ACTIVITIES.createAttestation,
  ACTIVITIES.getAttestation,
  ACTIVITIES.createAgreement,
  ACTIVITIES.sendMail,
  ACTIVITIES.saveState,
  ACTIVITIES.publishOutcome,
]);

interface ActivityCall {
  name: string;
  input: unknown;
}

export async function runEngine(workflows: number): Promise<EngineRun> {
  const calls: ActivityCall[] = [];
  const engine = await withBook(workflows, (app) => driveWorkflows(app, workflows, calls));
  const directSeconds = await withBook(workflows, (app) => callDirectly(app.host.invoker, calls));
  return {
    workflows,
    engineSeconds: engine.seconds,
    directSeconds,
    activityCalls: calls.length,
    unfinished: engine.unfinished,
  };
}

async function withBook<T>(workflows: number, use: (app: AppStack) => Promise<T>): Promise<T> {
  const app = await startAppStack({ settings: ENGINE_SETTINGS });
  try {
    for (let i = 0; i < workflows; i++) {
      const { tenantId, companyName, directSigned, agreements } = seedCustomer(i);
      app.partnerCenter.addCustomer({ tenantId, companyName, directSigned, agreements });
    }
    return await use(app);
  } finally {
    await app.close();
  }
}

/** Half of the customers with nothing are asked to sign directly, the rest attest. */
function methodOf(index: number): 'direct' | 'attestation' {
  return coverageOf(index) === 'none' && index % 20 < 10 ? 'direct' : 'attestation';
}

async function driveWorkflows(
  app: AppStack,
  workflows: number,
  calls: ActivityCall[],
): Promise<{ seconds: number; unfinished: number }> {
  recordActivities(app.host.invoker, calls);
  const startedAt = performance.now();
  for (let i = 0; i < workflows; i++) {
    const tenantId = benchTenantId(i);
    const response = await app.api(`/api/customers/${tenantId}/mca`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...customerBody(i), method: methodOf(i) }),
    });
    if (response.status !== 202) throw new Error(`start ${i} answered ${response.status}`);
  }
  await app.settle();
  let waiting = await unfinishedRuns(app);
  for (let day = 0; day < 6 && waiting.length > 0; day++) {
    customersAct(app, waiting);
    await app.advance(DAY_MS);
    waiting = await unfinishedRuns(app);
  }
  const unfinished = waiting.length;
  const seconds = (performance.now() - startedAt) / 1000;
  return { seconds, unfinished };
}

function customerBody(index: number) {
  const { companyName } = seedCustomer(index);
  return {
    companyName,
    country: 'US',
    language: 'en-US',
    signatory: { firstName: 'Bench', lastName: 'Signer', email: `signer${index}@bench.example.com` },
  };
}

interface WaitingRun {
  instanceId: string;
  customStatus: { state?: string } | null;
}

async function unfinishedRuns(app: AppStack): Promise<WaitingRun[]> {
  return app.apiJson<WaitingRun[]>(
    `${DURABLE}/instances/?instanceIdPrefix=mca-&runtimeStatus=Pending,Running&top=100000`,
  );
}

/** What the customers do: accept the links they were sent, sign directly when invited. */
function customersAct(app: AppStack, waiting: readonly WaitingRun[]): void {
  for (const attestation of app.partnerCenter.attestations()) {
    if (attestation.state === 'required' || attestation.state === 'pending')
      app.partnerCenter.acceptAttestation(attestation.id);
  }
  for (const run of waiting) {
    if (run.customStatus?.state === 'InviteSent')
      app.partnerCenter.acceptDirectly(run.instanceId.replace(/^mca-/, ''));
  }
}

/** Every onboarding activity the engine runs, in order, with its input. */
function recordActivities(invoker: FunctionInvoker, calls: ActivityCall[]): void {
  const invoke = invoker.invoke.bind(invoker);
  invoker.invoke = (name, value, options) => {
    if (ONBOARDING_ACTIVITIES.has(name)) calls.push({ name, input: value });
    return invoke(name, value, options);
  };
}

async function callDirectly(invoker: FunctionInvoker, calls: readonly ActivityCall[]): Promise<number> {
  const startedAt = performance.now();
  for (const call of calls) {
    // Outcomes differ from the recorded run (the fresh book's customers have not acted): only the work counts.
    await invoker.invoke(call.name, call.input).catch(() => undefined);
  }
  return (performance.now() - startedAt) / 1000;
}
