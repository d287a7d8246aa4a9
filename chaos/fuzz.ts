/**
 * The fuzz run: fuzzed CRM messages into `crm-customer-events`, then the verdict from the stack itself.
 * Every invalid message must sit in the dead-letter queue (matched by message id) with reason
 * `InvalidMessage` and a description naming a field the app's decoder objects to, quoting none of the
 * message's personal data, and no durable instance may exist for its tenant. Every valid message must
 * have reached its customer's state row. The host must still answer afterwards.
 */
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import Long from 'long';
import { INVALID_MESSAGE_REASON } from '../functions/crm-queue.function';
import { createStore, type Store } from '../shared/store';
import { onboardingInstanceId, QUEUES } from '../shared/workflow/contracts';
import { generateFuzzMessages, type FuzzMessage, type MessagePii } from './fuzz-messages';
import type { ChaosLog, ChaosTarget } from './target';

export interface FuzzOptions {
  count: number;
  seed: number;
  log: ChaosLog;
  /** How long to wait for the queue to be worked off. Default 60 s + 100 ms per message. */
  timeoutMs?: number;
}

export interface FuzzResult {
  fuzzed: number;
  invalid: number;
  deadLettered: number;
  validProcessed: number;
  instancesStartedForInvalid: number;
  failures: string[];
  /** The signatories' personal data the messages carried, for the leak scan. */
  pii: MessagePii;
}

/** How often the driver looks at the queues and the state table while it waits. */
const POLL_MS = 500;

export async function runFuzz(target: ChaosTarget, options: FuzzOptions): Promise<FuzzResult> {
  const { count, seed, log } = options;
  const messages = generateFuzzMessages(count, seed);
  const invalid = messages.filter((m) => !m.verdict.valid);
  const valid = messages.filter((m) => m.verdict.valid);
  log(`fuzz: ${count} messages (seed ${seed}): ${invalid.length} invalid, ${valid.length} valid`);

  const serviceBus = new ServiceBusClient(target.serviceBusConnectionString);
  const store = createStore({ connectionString: target.storageConnectionString });
  const failures: string[] = [];
  try {
    // The valid messages' customers exist in Partner Center. The first few hundred have no MCA, so their
    // runs go as far as mails and attestations (the fuzzed names and addresses reach every place the
    // leak scan looks); the rest signed directly already, so each of their runs is started and recorded
    // after one status read. Thousands of runs waiting on customers would hold the Partner Center
    // budget for many minutes and say nothing more about input handling.
    await addCustomers(target.partnerCenterUrl, valid);
    await sendAll(serviceBus, messages, log);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000 + 100 * count);
    const progress = await waitForVerdicts(serviceBus, store, messages, deadline, log);

    const deadLetters = progress.deadLetters;
    let deadLettered = 0;
    for (const message of invalid) {
      const problem = checkDeadLetter(message, deadLetters.get(message.messageId));
      if (problem) failures.push(`${describe(message)}: ${problem}`);
      else deadLettered += 1;
    }
    for (const message of valid) {
      const dead = deadLetters.get(message.messageId);
      if (dead)
        failures.push(
          `${describe(message)}: valid but dead-lettered (${dead.deadLetterErrorDescription ?? ''})`,
        );
      else if (!progress.stateRows.has(message.tenantId))
        failures.push(`${describe(message)}: valid but no state row`);
    }
    const instances = await listInstanceIds(target.hostUrl);
    const startedForInvalid = invalid.filter((m) => instances.has(onboardingInstanceId(m.tenantId)));
    for (const message of startedForInvalid)
      failures.push(`${describe(message)}: invalid but an instance was started`);
    if (!(await hostAnswers(target.hostUrl)))
      failures.push('the host no longer answers HTTP after the fuzz run');

    const validProcessed = valid.filter((m) => progress.stateRows.has(m.tenantId)).length;
    log(
      `fuzz: ${deadLettered}/${invalid.length} invalid dead-lettered with a field named, ` +
        `${validProcessed}/${valid.length} valid processed, ${startedForInvalid.length} instances for invalid`,
    );
    return {
      fuzzed: count,
      invalid: invalid.length,
      deadLettered,
      validProcessed,
      instancesStartedForInvalid: startedForInvalid.length,
      failures,
      pii: mergePii(messages),
    };
  } finally {
    await serviceBus.close();
  }
}

function describe(message: FuzzMessage): string {
  return `message ${message.messageId} (tenant ${message.tenantId}, ${message.label})`;
}

/** How many valid messages' customers have no MCA yet and so go the whole onboarding path. */
export const FULL_PATH_CUSTOMERS = 300;

async function addCustomers(partnerCenterUrl: string, messages: FuzzMessage[]): Promise<void> {
  for (const [i, message] of messages.entries()) {
    const response = await fetch(`${partnerCenterUrl}/_control/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tenantId: message.tenantId,
        companyName: `Fuzz Trading ${message.index} KK`,
        directSigned: i >= FULL_PATH_CUSTOMERS,
      }),
    });
    // 400 "already exists": a second run with the same seed on the same stack.
    if (!response.ok && response.status !== 400) {
      throw new Error(`adding ${message.tenantId} to the Partner Center emulator: ${response.status}`);
    }
  }
}

/** Sends in batches as large as Service Bus takes; a message too large for any batch is a failure to send. */
async function sendAll(serviceBus: ServiceBusClient, messages: FuzzMessage[], log: ChaosLog): Promise<void> {
  const sender = serviceBus.createSender(QUEUES.crmEvents);
  try {
    let batch = await sender.createMessageBatch();
    let sent = 0;
    for (const message of messages) {
      const sbMessage = { body: message.body, messageId: message.messageId, contentType: 'application/json' };
      if (batch.tryAddMessage(sbMessage)) continue;
      if (batch.count > 0) {
        await sender.sendMessages(batch);
        sent += batch.count;
        batch = await sender.createMessageBatch();
      }
      if (!batch.tryAddMessage(sbMessage))
        throw new Error(`${describe(message)} is too large for Service Bus`);
      if (sent > 0 && sent % 1000 < batch.count) log(`fuzz: ${sent} sent`);
    }
    if (batch.count > 0) await sender.sendMessages(batch);
    log(`fuzz: all ${messages.length} sent`);
  } finally {
    await sender.close();
  }
}

interface Progress {
  deadLetters: Map<string, ServiceBusReceivedMessage>;
  stateRows: Set<string>;
}

/**
 * Polls until the queue is empty and every message has its outcome (dead letter or state row), or the
 * deadline passes; either way returns what it saw last.
 */
async function waitForVerdicts(
  serviceBus: ServiceBusClient,
  store: Store,
  messages: FuzzMessage[],
  deadline: number,
  log: ChaosLog,
): Promise<Progress> {
  const ids = new Set(messages.map((m) => m.messageId));
  const tenants = new Set(messages.map((m) => m.tenantId));
  let lastReport = 0;
  for (;;) {
    const pending = (await peekAll(serviceBus, QUEUES.crmEvents, 'active')).filter((m) =>
      ids.has(String(m.messageId)),
    );
    const deadLetters = new Map(
      (await peekAll(serviceBus, QUEUES.crmEvents, 'deadLetter'))
        .filter((m) => ids.has(String(m.messageId)))
        .map((m) => [String(m.messageId), m]),
    );
    const stateRows = new Set<string>();
    for await (const row of store.customerState.listAll())
      if (tenants.has(row.tenantId)) stateRows.add(row.tenantId);
    const unresolved = messages.filter(
      (m) => !deadLetters.has(m.messageId) && !(m.verdict.valid && stateRows.has(m.tenantId)),
    ).length;
    if ((pending.length === 0 && unresolved === 0) || Date.now() > deadline) {
      if (unresolved > 0)
        log(`fuzz: stopped waiting with ${pending.length} queued, ${unresolved} unresolved`);
      return { deadLetters, stateRows };
    }
    if (Date.now() - lastReport > 10_000) {
      log(`fuzz: ${pending.length} queued, ${deadLetters.size} dead-lettered, ${stateRows.size} state rows`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Every message of a queue or its dead-letter queue, without taking any. */
export async function peekAll(
  serviceBus: ServiceBusClient,
  queue: string,
  subQueue: 'active' | 'deadLetter',
): Promise<ServiceBusReceivedMessage[]> {
  const receiver = serviceBus.createReceiver(queue, {
    receiveMode: 'peekLock',
    maxAutoLockRenewalDurationInMs: 0,
    ...(subQueue === 'deadLetter' ? { subQueueType: 'deadLetter' as const } : {}),
  });
  try {
    // From the start each time: the SDK keeps its peek position per entity, across receivers.
    const all: ServiceBusReceivedMessage[] = [];
    let from = Long.ZERO;
    for (;;) {
      const page = await receiver.peekMessages(250, { fromSequenceNumber: from });
      const last = page[page.length - 1]?.sequenceNumber;
      if (!last) return all;
      all.push(...page);
      from = last.add(1);
    }
  } finally {
    await receiver.close();
  }
}

/** What is wrong with an invalid message's dead letter, or undefined when it is as required. */
export function checkDeadLetter(
  message: FuzzMessage,
  dead: Pick<ServiceBusReceivedMessage, 'deadLetterReason' | 'deadLetterErrorDescription'> | undefined,
): string | undefined {
  if (message.verdict.valid) return undefined;
  if (!dead) return 'invalid but not in the dead-letter queue';
  if (dead.deadLetterReason !== INVALID_MESSAGE_REASON) {
    return `dead-lettered with reason ${String(dead.deadLetterReason)}, expected ${INVALID_MESSAGE_REASON}`;
  }
  const description = dead.deadLetterErrorDescription ?? '';
  const named = message.verdict.fields.some(({ field }) => description.includes(`${field}:`));
  if (!named)
    return `dead-letter description names none of ${fieldList(message)}: "${description.slice(0, 200)}"`;
  const quoted = [...message.pii.names, ...message.pii.emails, ...message.pii.phones].filter((value) =>
    description.includes(value),
  );
  if (quoted.length > 0) return `dead-letter description quotes the signatory's personal data`;
  return undefined;
}

function fieldList(message: FuzzMessage): string {
  return message.verdict.valid ? '' : [...new Set(message.verdict.fields.map((f) => f.field))].join(', ');
}

/** Every durable instance id the management API lists (paged). */
export async function listInstanceIds(hostUrl: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let token: string | null = null;
  do {
    const response: Response = await fetch(
      `${hostUrl}/runtime/webhooks/durabletask/instances?top=1000&showInput=false`,
      { headers: token ? { 'x-ms-continuation-token': token } : {} },
    );
    if (!response.ok) throw new Error(`listing durable instances: ${response.status}`);
    for (const instance of (await response.json()) as Array<{ instanceId: string }>)
      ids.add(instance.instanceId);
    token = response.headers.get('x-ms-continuation-token');
  } while (token);
  return ids;
}

async function hostAnswers(hostUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${hostUrl}/api/openapi.json`)).ok;
  } catch {
    return false;
  }
}

function mergePii(messages: FuzzMessage[]): MessagePii {
  return {
    names: messages.flatMap((m) => m.pii.names),
    emails: messages.flatMap((m) => m.pii.emails),
    phones: messages.flatMap((m) => m.pii.phones),
  };
}
