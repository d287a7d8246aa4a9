/**
 * The whole app for integration tests: emulators + local host + durable engine running the built app
 * (dist/) on a virtual clock, free ports and a fresh data folder, with helpers to drive it as the
 * CRM, the customer and an operator would.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ServiceBusClient,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
} from '@azure/service-bus';
import Long from 'long';
import { VirtualClock } from '../../local/clock';
import type { Emulators } from '../../local/emulators';
import type { PartnerCenterControl } from '../../local/emulators/partner-center/control';
import type { StoredMessage } from '../../local/emulators/sendgrid';
import type { RunningHost } from '../../local/host';
import { APP_DIR, startStack, type AppSettingsOverrides, type Stack } from '../../local/stack';

/** Where the virtual clock starts: a fixed Monday in 2026, before Partner Center's MFA cut-over (04-01). */
export const APP_STACK_START = Date.UTC(2026, 2, 2, 9, 0, 0);

export const CRM_QUEUE = 'crm-customer-events';
export const OUTCOMES_QUEUE = 'mca-outcomes';

export interface AppStackOptions {
  /** App settings on top of the local ones (e.g. `{ ACCEPTANCE_DEADLINE: 'P2D' }`); undefined removes one. */
  settings?: AppSettingsOverrides;
  /** Where the virtual clock starts. Default APP_STACK_START. */
  startAt?: Date | number;
  /** Also print the host's log lines (they are always captured in `logs`). */
  echoLogs?: boolean;
  /** Another build of the app to load, e.g. the deployment package (default: the project's dist/). */
  appDir?: string;
  /** Partner Center access-token lifetime (real time); short makes the app exchange its refresh token often. */
  partnerCenterTokenTtlMs?: number;
}

export interface DeadLetter {
  body: unknown;
  reason: string | undefined;
  description: string | undefined;
  messageId: string | number | Buffer | undefined;
}

export interface AppStack {
  readonly stack: Stack;
  readonly clock: VirtualClock;
  /** e.g. `http://127.0.0.1:41234`; the same after `restartHost()`. */
  readonly hostUrl: string;
  /** The current host (a new object after `restartHost()`). */
  readonly host: RunningHost;
  readonly emulators: Emulators;
  /** The Partner Center emulator's control API: accept links, accept directly, faults, request log. */
  readonly partnerCenter: PartnerCenterControl;
  /** The app settings the host runs with. */
  readonly settings: Readonly<Record<string, string>>;
  /** Every line the host logged, in order (across restarts). */
  readonly logs: readonly string[];
  /** Sends one JSON message to `crm-customer-events` as the CRM would. */
  sendCrmEvent(event: unknown, options?: { messageId?: string }): Promise<void>;
  /** Takes (receive-and-delete) the outcome events waiting on `mca-outcomes`; their JSON bodies. */
  receiveOutcomes(options?: { maxMessages?: number; maxWaitTimeInMs?: number }): Promise<unknown[]>;
  /** Looks at (without taking) a queue's dead-letter queue. */
  peekDeadLetters(queue?: string): Promise<DeadLetter[]>;
  /** Mails the SendGrid sink accepted, newest first; only those to `to` when given. */
  mails(to?: string): StoredMessage[];
  /** fetch against the host: `api('/api/customers')`. */
  api(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  /** `api` + JSON body; throws with the status when the answer is not 2xx. */
  apiJson<T = unknown>(pathAndQuery: string, init?: RequestInit): Promise<T>;
  /**
   * Moves the virtual clock forward by `ms`, waking timers one by one and letting the host settle
   * (durable engine idle, invocations finished) after each.
   */
  advance(ms: number): Promise<void>;
  /** Lets the host settle without moving the clock. */
  settle(): Promise<void>;
  /** Polls (real time) until `predicate` returns a truthy value, and returns it. */
  waitFor<T>(
    predicate: () => T | Promise<T>,
    options?: { timeoutMs?: number; intervalMs?: number; what?: string },
  ): Promise<NonNullable<T>>;
  /** Stops the host only and starts it again on the same data: durable instances resume. */
  restartHost(): Promise<void>;
  /** Stops everything and deletes the data folder. */
  close(): Promise<void>;
}

export async function startAppStack(options: AppStackOptions = {}): Promise<AppStack> {
  await ensureBuilt();
  const clock = new VirtualClock(options.startAt ?? APP_STACK_START);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'app-stack-'));
  const logs: string[] = [];
  let stack: Stack;
  try {
    stack = await startStack({
      clock,
      dataDir,
      ports: { host: 0, partnerCenter: 0, sendGrid: 0, serviceBus: 0, blob: 0, queue: 0, table: 0 },
      settings: options.settings,
      appDir: options.appDir,
      partnerCenterTokenTtlMs: options.partnerCenterTokenTtlMs,
      log: (line) => {
        logs.push(line);
        if (options.echoLogs) console.log(line);
      },
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  const serviceBus = new ServiceBusClient(stack.emulators.serviceBusConnectionString);
  const settle = async (): Promise<void> => {
    await stack.host.durable?.idle();
    await drainInvocations(stack.host);
    await stack.host.durable?.idle();
  };
  const withReceiver = async <T>(
    queue: string,
    subQueue: 'deadLetter' | undefined,
    use: (receiver: ServiceBusReceiver) => Promise<T>,
  ): Promise<T> => {
    // No lock renewal: the SDK would time it on the wall clock against virtual lock times.
    const receiver = serviceBus.createReceiver(queue, {
      receiveMode: 'receiveAndDelete',
      maxAutoLockRenewalDurationInMs: 0,
      ...(subQueue ? { subQueueType: subQueue } : {}),
    });
    try {
      return await use(receiver);
    } finally {
      await receiver.close();
    }
  };
  // One connection per request: a pooled keep-alive socket would outlive a restarted host.
  const api = (pathAndQuery: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (!headers.has('connection')) headers.set('connection', 'close');
    return fetch(new URL(pathAndQuery, stack.hostUrl), { ...init, headers });
  };

  let closed: Promise<void> | undefined;
  return {
    stack,
    clock,
    get hostUrl() {
      return stack.hostUrl;
    },
    get host() {
      return stack.host;
    },
    emulators: stack.emulators,
    partnerCenter: stack.emulators.partnerCenter.control,
    settings: stack.settings,
    logs,
    async sendCrmEvent(event, sendOptions = {}) {
      const sender = serviceBus.createSender(CRM_QUEUE);
      try {
        await sender.sendMessages({
          body: event,
          contentType: 'application/json',
          ...(sendOptions.messageId ? { messageId: sendOptions.messageId } : {}),
        });
      } finally {
        await sender.close();
      }
    },
    receiveOutcomes: ({ maxMessages = 100, maxWaitTimeInMs = 1000 } = {}) =>
      withReceiver(OUTCOMES_QUEUE, undefined, async (receiver) =>
        (await receiver.receiveMessages(maxMessages, { maxWaitTimeInMs })).map((m) => m.body as unknown),
      ),
    peekDeadLetters: (queue = CRM_QUEUE) =>
      withReceiver(queue, 'deadLetter', async (receiver) =>
        // From the start: the SDK keeps its peek position per entity, across receivers.
        (await receiver.peekMessages(100, { fromSequenceNumber: Long.ZERO })).map(toDeadLetter),
      ),
    mails: (to) => stack.emulators.sendGrid.messages(to === undefined ? {} : { to }),
    api,
    async apiJson<T>(pathAndQuery: string, init?: RequestInit): Promise<T> {
      const response = await api(pathAndQuery, init);
      const text = await response.text();
      if (!response.ok)
        throw new Error(`${init?.method ?? 'GET'} ${pathAndQuery}: ${response.status} ${text}`);
      return JSON.parse(text) as T;
    },
    async advance(ms) {
      const target = clock.now() + ms;
      for (;;) {
        await settle();
        const next = clock.nextWakeUp();
        if (next === undefined || next > target) break;
        await clock.advanceTo(next);
      }
      await clock.advanceTo(target);
      await settle();
    },
    settle,
    async waitFor(predicate, { timeoutMs = 10_000, intervalMs = 50, what } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await predicate();
        if (value) return value;
        if (Date.now() > deadline) {
          throw new Error(`waitFor: ${what ?? 'condition'} not met within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    },
    restartHost: () => stack.restartHost(),
    close() {
      closed ??= (async () => {
        try {
          await serviceBus.close();
          await stack.close();
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      })();
      return closed;
    },
  };
}

function toDeadLetter(message: ServiceBusReceivedMessage): DeadLetter {
  return {
    body: message.body as unknown,
    reason: message.deadLetterReason,
    description: message.deadLetterErrorDescription,
    messageId: message.messageId,
  };
}

/** The local invoker can wait for running invocations (timers, triggers, activities); the contract cannot. */
async function drainInvocations(host: RunningHost): Promise<void> {
  const invoker: unknown = host.invoker;
  if (typeof invoker === 'object' && invoker !== null && 'drain' in invoker) {
    const drain = invoker.drain;
    if (typeof drain === 'function') await (drain as (ms: number) => Promise<void>).call(invoker, 10_000);
  }
}

// ---- dist/ must hold the current sources: the host loads the app from there -------------------------

const BUILT_ENTRY = path.join(APP_DIR, 'dist', 'functions', 'main.js');
const SOURCE_DIRS = ['functions', 'shared', 'local', 'cli'].map((dir) => path.join(APP_DIR, dir));
let built: Promise<void> | undefined;

/** Builds once per test file at most, and only when dist/ is missing or older than a source file. */
export function ensureBuilt(): Promise<void> {
  built ??= buildIfStale();
  return built;
}

async function buildIfStale(): Promise<void> {
  if (!(await isStale())) return;
  // Jest workers run test files in parallel: one builds, the others wait for it.
  const lock = path.join(tmpdir(), `mca-workflow-build-${createHash('sha1').update(APP_DIR).digest('hex')}`);
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 120_000) await rm(lock, { recursive: true, force: true }); // left by a killed run
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (await isStale()) await tsc();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function isStale(): Promise<boolean> {
  if (!existsSync(BUILT_ENTRY)) return true;
  const builtAt = (await stat(BUILT_ENTRY)).mtimeMs;
  for (const dir of SOURCE_DIRS) {
    if ((await newestSource(dir)) > builtAt) return true;
  }
  return false;
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|json)$/.test(entry.name) || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * tsc emits even when it reports type errors; those are `npm run typecheck`'s to fail on, so here they
 * are shown and the tests go on with what was emitted (a broken app then fails to load, clearly).
 */
function tsc(): Promise<void> {
  const compiler = require.resolve('typescript/bin/tsc');
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [compiler, '-p', 'tsconfig.build.json'],
      { cwd: APP_DIR, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (!error) return resolve();
        const emitted = existsSync(BUILT_ENTRY) && statSync(BUILT_ENTRY).mtimeMs >= startedAt - 1000;
        if (!emitted)
          return reject(new Error(`Building the app for the integration test failed:\n${stdout}`));
        console.warn(`The app built with type errors (npm run typecheck):\n${stdout}`);
        resolve();
      },
    );
  });
}
