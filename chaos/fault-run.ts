/**
 * The fault run: N customers through `crm-customer-events` while Partner Center and SendGrid misbehave
 * and the Functions host is killed with `kill -9` (once while the emulators, Service Bus among them,
 * restart). The emulators and the host run as child processes on one data folder; the host restarts
 * on the same port and data, so durable instances resume. A customer actor answers the mails as
 * people would. Afterwards the emulators' records are judged by fault-run-verify.ts.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { readCustomerStates } from '../local/demo/customer-states';
import { APP_DIR, localAppSettings } from '../local/stack';
import { seededRandom } from '../local/emulators/partner-center/faults';
import { planFaultRun, type FaultRunPlan, type PlannedCustomer } from './fault-run-plan';
import {
  acceptedInTime,
  expectedState,
  parseSendKey,
  TERMINAL_STATES,
  verifyFaultRun,
  lastStatusReads,
  type AcceptedBy,
  type LoggedRequest,
  type Truth,
  type Verdict,
} from './fault-run-verify';
import { freePort, startChild, waitFor, type RunningChild } from './processes';
import { BYTES_PER_MB, rssOfProcess, type ChaosTarget } from './target';

const CRM_QUEUE = 'crm-customer-events';
const OUTCOMES_QUEUE = 'mca-outcomes';

export interface FaultRunOptions {
  customers: number;
  seed: number;
  /** `kill -9` of the host; the last one also restarts the emulators (Service Bus included). */
  kills: number;
  /** Everything the run keeps (emulator state, durable history, logs). */
  workDir: string;
  /** The workflow's durations, short so every path ends in minutes. */
  timing: RunTiming;
  /** Bursts of 429 from Partner Center (an activity that fails on them is retried a minute later). */
  throttleBursts: boolean;
  /** Give up waiting for the customers to settle after this long (then judge what is there). */
  settleTimeoutMs: number;
  log: (line: string) => void;
  /** Runs once the fault run is judged, on the same stack with the host started again (hostile input). */
  afterwards?: (target: ChaosTarget) => Promise<void>;
}

export interface RunTiming {
  reminderSchedule: string;
  acceptanceDeadline: string;
  /** Deadline in ms, to place kills and customer reactions inside it. */
  deadlineMs: number;
}

export interface FaultRunResult extends Verdict {
  kills: number;
  hostCrashes: number;
  hostPeakRssMb: number;
  seconds: number;
}

interface Endpoints {
  partnerCenterUrl: string;
  sendGridUrl: string;
  serviceBusConnectionString: string;
  storageConnectionString: string;
}

export async function runFaultRun(options: FaultRunOptions): Promise<FaultRunResult> {
  const started = Date.now();
  const { log } = options;
  mkdirSync(options.workDir, { recursive: true });
  const plan = planFaultRun({
    seed: options.seed,
    customers: options.customers,
    maxActAfterMs: Math.round(options.timing.deadlineMs / 5),
    now: new Date(),
  });
  const run = new FaultRun(options, plan);
  try {
    await run.start();
    log(
      `Seeded ${plan.customers.length} customers in Partner Center; sending ${plan.messages.length} CRM messages.`,
    );
    await run.sendMessages();
    await run.drive();
    const truth = await run.collectTruth();
    const verdict = verifyFaultRun(plan, truth);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (options.afterwards) {
      // The hostile stages test input handling on a sound stack; the injected faults were this run's.
      await run.endFaults();
      await options.afterwards(await run.target());
    }
    return {
      ...verdict,
      kills: run.killsDone,
      hostCrashes: run.hostCrashes,
      hostPeakRssMb: run.peakRssMb,
      seconds,
    };
  } finally {
    await run.stop();
  }
}

class FaultRun {
  killsDone = 0;
  hostCrashes = 0;
  peakRssMb = 0;
  private emulators: RunningChild | undefined;
  private host: RunningChild | undefined;
  private endpoints: Endpoints | undefined;
  private ports: Record<string, number> = {};
  private hostStarts = 0;
  /** When the runner first read Expired for a customer (the app's own time is read at the end). */
  private readonly firstSeenExpired = new Map<string, number>();
  private readonly random: () => number;
  private readonly actor: CustomerActor;
  private readonly log: (line: string) => void;

  constructor(
    private readonly options: FaultRunOptions,
    private readonly plan: FaultRunPlan,
  ) {
    this.random = seededRandom(options.seed ^ 0x5eed);
    this.log = options.log;
    this.actor = new CustomerActor(plan.customers, () => this.urls(), this.log);
  }

  private urls(): Endpoints {
    if (!this.endpoints) throw new Error('the emulators are not running');
    return this.endpoints;
  }

  async start(): Promise<void> {
    for (const name of ['partnerCenter', 'sendGrid', 'serviceBus', 'blob', 'queue', 'table', 'host']) {
      this.ports[name] = await freePort();
    }
    await this.startEmulators();
    const pc = this.urls().partnerCenterUrl;
    await forEachLimited(this.plan.customers, 8, (c) =>
      postJson(`${pc}/_control/customers`, c.partnerCenterRecord),
    );
    await this.startHost();
  }

  private async startEmulators(): Promise<void> {
    const p = this.ports;
    const args = [
      path.join(APP_DIR, 'dist/local/stack/emulators.main.js'),
      '--data-dir',
      path.join(this.options.workDir, 'emulators'),
      ...Object.entries({
        'partner-center-port': p.partnerCenter,
        'sendgrid-port': p.sendGrid,
        'service-bus-port': p.serviceBus,
        'blob-port': p.blob,
        'queue-port': p.queue,
        'table-port': p.table,
      }).flatMap(([flag, port]) => [`--${flag}`, String(port)]),
    ];
    this.emulators = await startChild({
      name: 'emulators',
      args,
      env: process.env,
      ready: /AzureWebJobsStorage=\S+/,
      logFile: path.join(this.options.workDir, 'emulators.log'),
    });
    const out = this.emulators.startOutput;
    const after = (label: string): string => new RegExp(`${label}=(\\S+)`).exec(out)?.[1] ?? '';
    this.endpoints = {
      partnerCenterUrl: `http://127.0.0.1:${p.partnerCenter}`,
      sendGridUrl: `http://127.0.0.1:${p.sendGrid}`,
      serviceBusConnectionString: after('ServiceBusConnection'),
      storageConnectionString: after('AzureWebJobsStorage'),
    };
    await this.applyFaults();
  }

  /**
   * Partner Center: 10% 5xx, slow answers; bursts of 429 come from `throttleBurst`. SendGrid: 5% 5xx
   * (503 retried, 500 of unknown outcome), 1% timeouts. Fault rules live in memory: set again after a restart.
   */
  private async applyFaults(): Promise<void> {
    const { partnerCenterUrl: pc, sendGridUrl: sg } = this.urls();
    const seed = this.options.seed + this.hostStarts;
    await patchJson(`${pc}/_control/settings`, { agreementVisibilityDelayMs: 3000 });
    await postJson(`${pc}/_control/faults`, {
      path: '/v1/**',
      kind: 'error',
      status: 503,
      probability: 0.06,
      seed,
    });
    await postJson(`${pc}/_control/faults`, {
      path: '/v1/**',
      kind: 'error',
      status: 500,
      probability: 0.04,
      seed: seed + 1,
    });
    await postJson(`${pc}/_control/faults`, {
      path: '/v1/**',
      kind: 'latency',
      latencyMs: 1500,
      probability: 0.1,
      seed: seed + 2,
    });
    await postJson(`${sg}/_control/faults`, { kind: 'error', status: 503, probability: 0.03, seed });
    await postJson(`${sg}/_control/faults`, {
      kind: 'error',
      status: 500,
      probability: 0.02,
      seed: seed + 1,
    });
    await postJson(`${sg}/_control/faults`, {
      kind: 'timeout',
      holdMs: 35_000,
      probability: 0.01,
      seed: seed + 2,
    });
  }

  /** Clears every injected fault rule in Partner Center and SendGrid. */
  async endFaults(): Promise<void> {
    const { partnerCenterUrl: pc, sendGridUrl: sg } = this.urls();
    for (const url of [`${pc}/_control/faults`, `${sg}/_control/faults`]) await requestJson('DELETE', url);
  }

  /** The next 15 Partner Center calls answer 429 with Retry-After. */
  private async throttleBurst(): Promise<void> {
    const pc = this.urls().partnerCenterUrl;
    await postJson(`${pc}/_control/faults`, {
      path: '/v1/**',
      kind: 'throttle',
      retryAfterSeconds: 2,
      times: 25,
    });
  }

  private hostUrl(): string {
    return `http://127.0.0.1:${this.ports.host}`;
  }

  /** The running stack for the chaos drivers (the host started again). */
  async target(): Promise<ChaosTarget> {
    if (!this.host) await this.startHost();
    const logFile = path.join(this.options.workDir, 'host.log');
    const endpoints = this.urls();
    return {
      hostUrl: this.hostUrl(),
      serviceBusConnectionString: endpoints.serviceBusConnectionString,
      storageConnectionString: endpoints.storageConnectionString,
      partnerCenterUrl: endpoints.partnerCenterUrl,
      logs: () => readFileSync(logFile, 'utf8').split('\n'),
      hostRssBytes: () => rssOfProcess(this.host?.process.pid ?? -1),
    };
  }

  private async startHost(): Promise<void> {
    const settings = localAppSettings(this.urls(), {
      POLL_INITIAL_DELAY: 'PT10S',
      POLL_MAX_DELAY: 'PT30S',
      ATTESTATION_POLL_INTERVAL: 'PT15S',
      CONFIRMATION_TIMEOUT: 'PT5M',
      REMINDER_SCHEDULE: this.options.timing.reminderSchedule,
      ACCEPTANCE_DEADLINE: this.options.timing.acceptanceDeadline,
      PARTNER_CENTER_MAX_REQUESTS_PER_SECOND: '40',
      PARTNER_CENTER_MAX_CONCURRENCY: '8',
      // Other entry points (their own tests cover them) would start runs for the seeded customers.
      'AzureWebJobs.partnerCenterAuditFeed.Disabled': 'true',
      'AzureWebJobs.mcaComplianceSweepTimer.Disabled': 'true',
    });
    const args = [
      path.join(APP_DIR, 'dist/local/host/main.js'),
      '--app',
      APP_DIR,
      '--port',
      String(this.ports.host),
      '--data-dir',
      path.join(this.options.workDir, 'host'),
    ];
    this.hostStarts += 1;
    const host = await startChild({
      name: 'host',
      args,
      env: { ...process.env, ...settings },
      ready: /Host listening/,
      logFile: path.join(this.options.workDir, 'host.log'),
    });
    host.process.once('exit', (code, signal) => {
      if (this.host === host && signal !== 'SIGKILL' && signal !== 'SIGTERM') {
        this.hostCrashes += 1;
        this.log(`The host exited by itself (${String(code ?? signal)}): see host.log`);
      }
    });
    this.host = host;
  }

  async sendMessages(): Promise<void> {
    const client = new ServiceBusClient(this.urls().serviceBusConnectionString);
    try {
      const sender = client.createSender(CRM_QUEUE);
      for (let i = 0; i < this.plan.messages.length; i += 50) {
        await sender.sendMessages(
          this.plan.messages.slice(i, i + 50).map((m) => ({
            body: m.body,
            messageId: m.messageId,
            contentType: 'application/json',
          })),
        );
      }
      await sender.close();
    } finally {
      await client.close();
    }
  }

  /** Plays the customers, injects bursts and kills, reports progress, until everyone settled. */
  async drive(): Promise<void> {
    const { deadlineMs } = this.options.timing;
    const begin = Date.now();
    // Kills fall in the busiest stretch: while mails go out and customers answer.
    const killAt = Array.from({ length: this.options.kills }, (_, i) => {
      const slot = (deadlineMs * 0.8) / this.options.kills;
      return begin + 10_000 + slot * i + this.random() * slot * 0.8;
    });
    let nextBurst = begin + 15_000;
    let nextProgress = begin;
    // Reading 500 states is work for the host too: every 5 s is enough.
    let nextReading = begin;
    let states = new Map<string, string>();
    while (Date.now() - begin < this.options.settleTimeoutMs) {
      await this.sampleRss();
      const next = killAt[this.killsDone];
      if (next !== undefined && Date.now() >= next) {
        await this.kill(this.killsDone === this.options.kills - 1);
        continue;
      }
      // Bursts while the book is busy; later they would fall on the few runs left and starve them.
      const busy = Date.now() - begin < deadlineMs * 1.5;
      if (this.options.throttleBursts && busy && Date.now() >= nextBurst) {
        await this.throttleBurst().catch(() => undefined);
        nextBurst = Date.now() + 20_000 + this.random() * 20_000;
      }
      if (Date.now() >= nextReading) {
        const reading = await readCustomerStates(this.hostUrl());
        if (reading.kind === 'states') states = reading.states;
        nextReading = Date.now() + 5000;
      }
      await this.actor.tick(states).catch((error: unknown) => this.log(`actor: ${(error as Error).message}`));
      if (Date.now() >= nextProgress) {
        this.log(this.progressLine(states, begin));
        nextProgress = Date.now() + 15_000;
      }
      if (this.killsDone >= this.options.kills && this.settled(states)) {
        this.log(this.progressLine(states, begin));
        this.log('Every customer has settled.');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    this.log(
      `Gave up waiting after ${Math.round(this.options.settleTimeoutMs / 1000)} s; judging what is there.`,
    );
  }

  /** Each customer in the state its evidence so far calls for, and nothing left for the actor to do. */
  private settled(states: ReadonlyMap<string, string>): boolean {
    for (const [tenantId, state] of states) {
      if (state === 'Expired' && !this.firstSeenExpired.has(tenantId))
        this.firstSeenExpired.set(tenantId, Date.now());
    }
    return this.plan.customers.every((c) => {
      const state = states.get(c.tenantId);
      const accepted = acceptedInTime(
        this.actor.acceptedBy.get(c.tenantId),
        this.firstSeenExpired.get(c.tenantId),
      );
      const expected = expectedState(c, accepted);
      // A finished run moves no more: the verdict afterwards says whether it ended right.
      const finished = state === expected || TERMINAL_STATES.has(state ?? '');
      return finished && !this.actor.hasPendingAction(c.tenantId);
    });
  }

  private progressLine(states: ReadonlyMap<string, string>, begin: number): string {
    const counts = new Map<string, number>();
    for (const c of this.plan.customers) {
      const state = states.get(c.tenantId) ?? '(none yet)';
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    const summary = [...counts]
      .sort()
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    const elapsed = Math.round((Date.now() - begin) / 1000);
    return `[${String(elapsed).padStart(4)} s] ${summary} | mails ${this.actor.mailsSeen} | kills ${this.killsDone}/${this.options.kills}`;
  }

  /** `kill -9` of the host; with `restartEmulators`, the emulators (Service Bus too) restart meanwhile. */
  private async kill(restartEmulators: boolean): Promise<void> {
    const host = this.host;
    this.host = undefined;
    await host?.kill();
    this.killsDone += 1;
    this.log(
      `kill -9 of the host (${this.killsDone}/${this.options.kills})${restartEmulators ? '; the emulators restart' : ''}`,
    );
    if (restartEmulators) {
      await this.emulators?.stop();
      this.emulators = undefined;
      await this.startEmulators();
    }
    await this.startHost();
    this.log('The host is back on the same port and data.');
  }

  private async sampleRss(): Promise<void> {
    const pid = this.host?.process.pid;
    if (pid === undefined) return;
    const bytes = await rssOfProcess(pid).catch(() => 0);
    this.peakRssMb = Math.max(this.peakRssMb, Math.round(bytes / BYTES_PER_MB));
  }

  /** The emulators' records and the app's states; the host is stopped first so nothing moves. */
  async collectTruth(): Promise<Truth> {
    const reading = await waitFor(
      'the customer list',
      async () => {
        const r = await readCustomerStates(this.hostUrl());
        return r.kind === 'states' ? r.states : undefined;
      },
      { timeoutMs: 60_000 },
    );
    // When the app recorded Expired, for each customer who had accepted: its own history says.
    const expiredAt = new Map<string, number>();
    const raced = this.plan.customers.filter(
      (c) => reading.get(c.tenantId) === 'Expired' && this.actor.acceptedBy.has(c.tenantId),
    );
    await forEachLimited(raced, 4, async (c) => {
      const status = (await getJson(`${this.hostUrl()}/api/customers/${c.tenantId}/mca`)) as {
        history?: Array<{ at: string; action: string }>;
      };
      const expired = status.history?.find((h) => h.action === 'Expired');
      if (expired) expiredAt.set(c.tenantId, Date.parse(expired.at));
    });
    const host = this.host;
    this.host = undefined;
    await host?.stop();
    const { partnerCenterUrl: pc, sendGridUrl: sg } = this.urls();
    const mails = (await getJson(`${sg}/messages`)) as Array<{
      customArgs?: Record<string, string>;
      personalizations?: Array<{ to?: Array<{ email: string }> }>;
    }>;
    const attestations = (await getJson(`${pc}/_control/attestations`)) as Truth['attestations'];
    const requests = (await getJson(`${pc}/_control/requests`)) as LoggedRequest[];
    const partnerCenter = new Map<string, { coverage: string; agreements: Array<{ dateAgreed: string }> }>();
    await forEachLimited(this.plan.customers, 8, async (c) => {
      const summary = (await getJson(`${pc}/_control/customers/${c.tenantId}`)) as { coverage: string };
      const agreements = (await getJson(`${pc}/_control/customers/${c.tenantId}/agreements`)) as Array<{
        dateAgreed: string;
      }>;
      partnerCenter.set(c.tenantId, { coverage: summary.coverage, agreements });
    });
    const queues = await drainQueues(this.urls().serviceBusConnectionString);
    return {
      states: reading,
      acceptedBy: this.actor.acceptedBy,
      expiredAt,
      lastStatusReadAt: lastStatusReads(requests, expiredAt),
      mails: mails.map((m) => ({
        sendKey: m.customArgs?.sendKey,
        to: (m.personalizations ?? []).flatMap((p) => (p.to ?? []).map((t) => t.email)),
      })),
      attestations,
      partnerCenter,
      ...queues,
    };
  }

  async stop(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    await host?.stop().catch(() => undefined);
    await this.emulators?.stop().catch(() => undefined);
  }
}

/** Dead letters and leftovers of the CRM queue, and every outcome event, read (and removed) with the SDK. */
async function drainQueues(
  connectionString: string,
): Promise<Pick<Truth, 'deadLetters' | 'leftInQueue' | 'outcomes'>> {
  const client = new ServiceBusClient(connectionString);
  try {
    const drain = async (
      queue: string,
      subQueueType?: 'deadLetter',
    ): Promise<ServiceBusReceivedMessage[]> => {
      const receiver = client.createReceiver(queue, {
        receiveMode: 'receiveAndDelete',
        ...(subQueueType ? { subQueueType } : {}),
      });
      const all: ServiceBusReceivedMessage[] = [];
      for (;;) {
        const batch = await receiver.receiveMessages(200, { maxWaitTimeInMs: 3000 });
        if (batch.length === 0) break;
        all.push(...batch);
      }
      await receiver.close();
      return all;
    };
    const deadLetters = await drain(CRM_QUEUE, 'deadLetter');
    const left = await drain(CRM_QUEUE);
    const outcomes = await drain(OUTCOMES_QUEUE);
    return {
      deadLetters: deadLetters.map((m) => ({
        messageId: String(m.messageId ?? ''),
        reason: m.deadLetterReason,
      })),
      leftInQueue: left.map((m) => String(m.messageId ?? '')),
      outcomes: outcomes.map((m) => {
        const body = (typeof m.body === 'object' && m.body !== null ? m.body : {}) as Record<string, unknown>;
        const text = (value: unknown): string => (typeof value === 'string' ? value : '');
        return { tenantId: text(body.tenantId), type: text(body.type), eventId: text(body.eventId) };
      }),
    };
  } finally {
    await client.close();
  }
}

type Action =
  { kind: 'attest'; url: string; attestationId: string; at: number } | { kind: 'direct'; at: number };

/**
 * Plays the customers who accept: reads new mails from the SendGrid sink, and some seconds after a mail
 * arrives does what it asks: opens and accepts the attestation link, or accepts in the admin center.
 * A customer acts only on mails it really got (a mail lost to a fault is never answered).
 */
class CustomerActor {
  /** How and when (ms) each customer accepted. */
  readonly acceptedBy = new Map<string, Map<AcceptedBy, number>>();
  mailsSeen = 0;
  private afterSequence = 0;
  private readonly byEmail: Map<string, PlannedCustomer>;
  private readonly pending = new Map<string, Action[]>();
  private readonly handledLinks = new Set<string>();

  constructor(
    customers: PlannedCustomer[],
    private readonly urls: () => Endpoints,
    private readonly log: (line: string) => void,
  ) {
    this.byEmail = new Map(
      customers.filter((c) => c.accepts).map((c) => [c.signatory.email.toLowerCase(), c]),
    );
  }

  hasPendingAction(tenantId: string): boolean {
    return (this.pending.get(tenantId) ?? []).length > 0;
  }

  /** `states`: the app's latest; a customer whose workflow has ended no longer acts on its mails. */
  async tick(states: ReadonlyMap<string, string>): Promise<void> {
    await this.readNewMails();
    const now = Date.now();
    for (const [tenantId, actions] of this.pending) {
      if (TERMINAL_STATES.has(states.get(tenantId) ?? '')) actions.length = 0;
      for (const action of actions.filter((a) => a.at <= now)) {
        await this.perform(tenantId, action);
        actions.splice(actions.indexOf(action), 1);
      }
    }
  }

  private async readNewMails(): Promise<void> {
    const mails = (await getJson(
      `${this.urls().sendGridUrl}/messages?afterSequence=${this.afterSequence}`,
    )) as Array<{
      sequence: number;
      text?: string;
      customArgs?: Record<string, string>;
      personalizations?: Array<{ to?: Array<{ email: string }> }>;
    }>;
    for (const mail of mails.sort((a, b) => a.sequence - b.sequence)) {
      this.afterSequence = Math.max(this.afterSequence, mail.sequence);
      this.mailsSeen += 1;
      const to = mail.personalizations?.[0]?.to?.[0]?.email.toLowerCase() ?? '';
      const customer = this.byEmail.get(to);
      if (!customer) continue;
      const at = Date.now() + customer.actAfterMs;
      const actions = this.pending.get(customer.tenantId) ?? [];
      this.pending.set(customer.tenantId, actions);
      const link = /https?:\/\/[^\s<>"')]+\/acceptance\/([A-Za-z0-9-]+)[^\s<>"')]*/.exec(mail.text ?? '');
      const kind = parseSendKey(mail.customArgs?.sendKey ?? '')?.mailKind;
      if (link?.[1] && !this.handledLinks.has(link[1])) {
        this.handledLinks.add(link[1]);
        actions.push({ kind: 'attest', url: link[0], attestationId: link[1], at });
      } else if (
        !link &&
        (kind === 'directInvite' || kind === 'reminder') &&
        !actions.some((a) => a.kind === 'direct')
      ) {
        if (!this.acceptedBy.get(customer.tenantId)?.has('direct')) actions.push({ kind: 'direct', at });
      }
    }
  }

  private accepted(tenantId: string, by: AcceptedBy): void {
    const acceptances = this.acceptedBy.get(tenantId) ?? new Map<AcceptedBy, number>();
    if (!acceptances.has(by)) acceptances.set(by, Date.now());
    this.acceptedBy.set(tenantId, acceptances);
  }

  private async perform(tenantId: string, action: Action): Promise<void> {
    const pc = this.urls().partnerCenterUrl;
    if (action.kind === 'direct') {
      await postJson(`${pc}/_control/customers/${tenantId}/accept-direct`, {});
      this.accepted(tenantId, 'direct');
      return;
    }
    // What the customer's browser does: opening the link marks it viewed, then the customer accepts.
    const page = await fetch(action.url);
    await page.body?.cancel();
    const { state } = (await postJson(`${pc}/_control/attestations/${action.attestationId}/accept`, {})) as {
      state: string;
    };
    if (state === 'accepted') this.accepted(tenantId, 'attestation');
    else this.log(`tenant ${tenantId}: the attestation link was ${state} when the customer accepted`);
  }
}

async function forEachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function requestJson(method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${method} ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 200)}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

const getJson = (url: string): Promise<unknown> => requestJson('GET', url);
const postJson = (url: string, body: unknown): Promise<unknown> => requestJson('POST', url, body);
const patchJson = (url: string, body: unknown): Promise<unknown> => requestJson('PATCH', url, body);
