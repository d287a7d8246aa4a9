/**
 * `dlq list` / `dlq resend`: the dead-letter subqueue of `crm-customer-events`. Locally through the
 * connection string of the settings (`ServiceBusConnection`, the emulator); in Azure through
 * `--namespace <name>.servicebus.windows.net` and the operator's Entra credential (the Azure Service Bus
 * Data Owner role, or Receiver + Sender, on the namespace).
 *
 * Resend = send a copy to the queue, then complete the dead-lettered message. If the copy cannot be sent
 * the dead letter is abandoned (it stays, unchanged apart from its delivery count); if completing fails
 * after the copy went out, the dead letter stays too, and resending it again sends a second copy, which
 * the app skips because it de-duplicates on `eventId`.
 */
import {
  ServiceBusClient,
  type ServiceBusMessage,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
} from '@azure/service-bus';
import { loadConfigSection } from '../../shared/config';
import { QUEUES } from '../../shared/workflow/contracts';
import { CliError, stringOption, UsageError, type CommandContext } from '../context';
import { formatJson, formatTable } from '../output';
import type { CommandSpec } from './command';

/** What is shown of a dead letter: ids and reasons, never the customer's contact data. */
export interface DeadLetterSummary {
  messageId: string;
  sequenceNumber: string;
  enqueuedAt: string | undefined;
  reason: string | undefined;
  description: string | undefined;
  type: string | undefined;
  eventId: string | undefined;
  tenantId: string | undefined;
}

const MAX_MESSAGES = 1000;
const BATCH = 100;
/**
 * How long a receive waits for a message before the subqueue counts as read to the end: longer for the
 * first (the link is new), short once messages came.
 */
const FIRST_RECEIVE_WAIT_MS = 3000;
const NEXT_RECEIVE_WAIT_MS = 500;

export function summarise(message: ServiceBusReceivedMessage): DeadLetterSummary {
  const body = (typeof message.body === 'object' && message.body !== null ? message.body : {}) as Record<
    string,
    unknown
  >;
  const customer = (
    typeof body.customer === 'object' && body.customer !== null ? body.customer : {}
  ) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    messageId: String(message.messageId ?? ''),
    sequenceNumber: message.sequenceNumber?.toString() ?? '',
    enqueuedAt: message.enqueuedTimeUtc?.toISOString(),
    reason: message.deadLetterReason,
    description: message.deadLetterErrorDescription,
    type: text(body.type),
    eventId: text(body.eventId),
    tenantId: text(customer.tenantId),
  };
}

function serviceBusClient(ctx: CommandContext): ServiceBusClient {
  const namespace = stringOption(ctx.options, 'namespace');
  if (namespace) {
    const host = namespace.includes('.') ? namespace : `${namespace}.servicebus.windows.net`;
    return new ServiceBusClient(host, ctx.credential());
  }
  const settings = loadConfigSection('serviceBus', ctx.settings);
  return settings.kind === 'connectionString'
    ? new ServiceBusClient(settings.connectionString.reveal())
    : new ServiceBusClient(settings.fullyQualifiedNamespace, ctx.credential());
}

async function withDeadLetters<T>(
  ctx: CommandContext,
  use: (receiver: ServiceBusReceiver, client: ServiceBusClient) => Promise<T>,
): Promise<T> {
  const client = serviceBusClient(ctx);
  // No lock renewal: the CLI settles each message within one lock period.
  const receiver = client.createReceiver(QUEUES.crmEvents, {
    subQueueType: 'deadLetter',
    receiveMode: 'peekLock',
    maxAutoLockRenewalDurationInMs: 0,
  });
  try {
    return await use(receiver, client);
  } finally {
    await receiver.close();
    await client.close();
  }
}

/**
 * Every dead letter, read by receiving in peek-lock and abandoning at the end (peeking is not used: the
 * local emulator mis-answers a peek past the last message). Abandoning only releases the lock.
 */
async function receiveAll(
  receiver: ServiceBusReceiver,
  handle: (message: ServiceBusReceivedMessage) => Promise<boolean>,
): Promise<void> {
  const held: ServiceBusReceivedMessage[] = [];
  try {
    for (let received = 0; received < MAX_MESSAGES;) {
      const maxWaitTimeInMs = received === 0 ? FIRST_RECEIVE_WAIT_MS : NEXT_RECEIVE_WAIT_MS;
      const batch = await receiver.receiveMessages(BATCH, { maxWaitTimeInMs });
      if (batch.length === 0) break;
      received += batch.length;
      for (const message of batch) {
        if (!(await handle(message))) held.push(message);
      }
    }
  } finally {
    await Promise.allSettled(held.map((message) => receiver.abandonMessage(message)));
  }
}

async function list(ctx: CommandContext): Promise<void> {
  const letters: DeadLetterSummary[] = [];
  await withDeadLetters(ctx, (receiver) =>
    receiveAll(receiver, (message) => {
      letters.push(summarise(message));
      return Promise.resolve(false);
    }),
  );
  if (ctx.json) return ctx.deps.stdout(formatJson(letters));
  const columns = [
    'messageId',
    'enqueuedAt',
    'reason',
    'description',
    'type',
    'eventId',
    'tenantId',
  ] as const;
  ctx.deps.stdout(
    formatTable(
      columns,
      letters.map((letter) => columns.map((column) => letter[column])),
    ),
  );
}

/** The copy sent back: same body and properties, a new message id (duplicate detection would drop the old one). */
export function resendCopy(message: ServiceBusReceivedMessage): ServiceBusMessage {
  return {
    body: message.body as unknown,
    contentType: message.contentType,
    correlationId: message.correlationId,
    subject: message.subject,
    messageId: `${String(message.messageId ?? message.sequenceNumber?.toString() ?? 'dead-letter')}-resent-${Date.now()}`,
    applicationProperties: {
      ...message.applicationProperties,
      resentFromDeadLetter: String(message.messageId ?? ''),
    },
  };
}

async function resend(ctx: CommandContext): Promise<void> {
  const id = stringOption(ctx.options, 'id');
  const all = ctx.options.all === true;
  if ((id === undefined) === !all)
    throw new UsageError('dlq resend needs exactly one of --id <messageId> or --all');
  const resent: DeadLetterSummary[] = [];
  const failed: { messageId: string; error: string }[] = [];
  await withDeadLetters(ctx, async (receiver, client) => {
    const sender = client.createSender(QUEUES.crmEvents);
    try {
      await receiveAll(receiver, async (message) => {
        if (!all && String(message.messageId) !== id) return false;
        try {
          await sender.sendMessages(resendCopy(message));
        } catch (error) {
          failed.push({
            messageId: String(message.messageId),
            error: error instanceof Error ? error.message : String(error),
          });
          return false; // abandoned with the others: it stays dead-lettered
        }
        await receiver.completeMessage(message);
        resent.push(summarise(message));
        return true;
      });
    } finally {
      await sender.close();
    }
  });
  if (ctx.json) ctx.deps.stdout(formatJson({ resent, failed }));
  else {
    for (const letter of resent)
      ctx.deps.stdout(`resent ${letter.messageId} (${letter.type ?? '?'} ${letter.eventId ?? ''})\n`);
    for (const failure of failed) ctx.deps.stderr(`not resent ${failure.messageId}: ${failure.error}\n`);
  }
  if (failed.length > 0)
    throw new CliError(`${failed.length} dead letter(s) not resent; they stay in the dead-letter queue`);
  if (resent.length === 0 && id !== undefined) throw new CliError(`no dead letter with message id ${id}`);
}

const NAMESPACE = { namespace: { type: 'string' } } as const;

export const dlqCommands: CommandSpec[] = [
  {
    name: 'dlq list',
    args: '[--namespace <ns>]',
    summary: 'dead-lettered CRM events: ids, reasons, type, eventId, tenant',
    options: NAMESPACE,
    run: list,
  },
  {
    name: 'dlq resend',
    args: '--id <messageId> | --all [--namespace <ns>]',
    summary: 'send dead-lettered CRM events to crm-customer-events again',
    options: { ...NAMESPACE, id: { type: 'string' }, all: { type: 'boolean' } },
    run: resend,
  },
];
