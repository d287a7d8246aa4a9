/**
 * The Service Bus emulator driven by the real @azure/service-bus client over AMQP on a free port.
 *
 * Receivers disable the SDK's automatic lock renewal: it times renewals on the wall clock against
 * `lockedUntilUtc`, which here comes from a virtual clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isServiceBusError,
  ServiceBusClient,
  type ServiceBusMessage,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusReceiverOptions,
} from '@azure/service-bus';
import { string_to_uuid, types } from 'rhea';
import { VirtualClock } from '../../../local/clock';
import {
  startServiceBusEmulator,
  type ServiceBusEmulator,
  type ServiceBusEmulatorOptions,
} from '../../../local/emulators/service-bus/service-bus.emulator';
import { RawAmqpClient, type Reply } from './raw-amqp-client';

const QUEUE = 'crm-customer-events';
const START = Date.UTC(2026, 0, 1);
const LOCK_MS = 60_000;

let clock: VirtualClock;
let dataDir: string;
let emulator: ServiceBusEmulator | undefined;
let client: ServiceBusClient | undefined;

beforeEach(() => {
  clock = new VirtualClock(START);
  dataDir = mkdtempSync(join(tmpdir(), 'service-bus-emulator-'));
});

afterEach(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(options: ServiceBusEmulatorOptions = {}): Promise<ServiceBusClient> {
  emulator = await startServiceBusEmulator({ port: 0, host: '127.0.0.1', dataDir, clock, ...options });
  client = connect(emulator.connectionString);
  return client;
}

function connect(connectionString: string): ServiceBusClient {
  return new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 5_000 } });
}

async function stop(): Promise<void> {
  await client?.close();
  await emulator?.close();
  client = undefined;
  emulator = undefined;
}

function receiver(
  sb: ServiceBusClient,
  options: ServiceBusReceiverOptions = {},
  queue = QUEUE,
): ServiceBusReceiver {
  return sb.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0, ...options });
}

/** Sends one message to the queue and receives it in peek-lock. */
async function sendAndReceive(
  sb: ServiceBusClient,
  message: ServiceBusMessage,
): Promise<{ r: ServiceBusReceiver; message: ServiceBusReceivedMessage }> {
  await sb.createSender(QUEUE).sendMessages(message);
  const r = receiver(sb);
  return { r, message: await receiveOne(r) };
}

async function receiveOne(r: ServiceBusReceiver): Promise<ServiceBusReceivedMessage> {
  const [message] = await r.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
  if (!message) throw new Error('no message received');
  return message;
}

async function receiveNone(r: ServiceBusReceiver): Promise<void> {
  expect(await r.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
}

function counts(queue = QUEUE): ReturnType<ServiceBusEmulator['queue']> {
  if (!emulator) throw new Error('emulator not started');
  return emulator.queue(queue);
}

async function expectServiceBusError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isServiceBusError(error) ? error.code : error).toBe(code);
}

describe('Service Bus emulator with the @azure/service-bus client', () => {
  test('the connection string is the emulator one, with the bound port', async () => {
    await start();
    expect(emulator?.connectionString).toBe(
      `Endpoint=sb://127.0.0.1:${emulator?.port};SharedAccessKeyName=RootManageSharedAccessKey;` +
        'SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;',
    );
  });

  test('send, receive in peek-lock and complete, with every property preserved', async () => {
    const sb = await start();
    const sent: ServiceBusMessage = {
      body: { type: 'CustomerCreated', eventId: 'e-1' },
      messageId: 'm-1',
      correlationId: 'c-1',
      subject: 'CustomerCreated',
      contentType: 'application/json',
      applicationProperties: { source: 'crm', attempt: 3 },
      timeToLive: 3_600_000,
    };
    await sb.createSender(QUEUE).sendMessages(sent);
    expect(counts()).toMatchObject({ activeCount: 1, deadLetterCount: 0 });

    const r = receiver(sb);
    const message = await receiveOne(r);
    expect(message).toMatchObject({ ...sent, deliveryCount: 0 });
    expect(message.sequenceNumber?.toNumber()).toBe(1);
    expect(message.enqueuedTimeUtc?.getTime()).toBe(START);
    expect(message.lockedUntilUtc?.getTime()).toBe(START + LOCK_MS);
    expect(message.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(counts().lockedCount).toBe(1);

    await r.completeMessage(message);
    expect(counts()).toMatchObject({ activeCount: 0, lockedCount: 0 });
    await receiveNone(r);
  });

  test('a batch from createMessageBatch arrives as separate messages, in order', async () => {
    const sb = await start();
    const sender = sb.createSender(QUEUE);
    const batch = await sender.createMessageBatch();
    for (const body of ['one', 'two', 'three'])
      expect(batch.tryAddMessage({ body, subject: body })).toBe(true);
    await sender.sendMessages(batch);
    await sender.sendMessages([{ body: 'four' }, { body: 'five' }]);
    expect(counts().activeCount).toBe(5);

    const messages = await receiver(sb, { receiveMode: 'receiveAndDelete' }).receiveMessages(5, {
      maxWaitTimeInMs: 2_000,
    });
    expect(messages.map((m): unknown => m.body)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(messages.map((m) => m.sequenceNumber?.toNumber())).toEqual([1, 2, 3, 4, 5]);
    expect(messages[1]?.subject).toBe('two');
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(5);
  });

  test('a receiver that drained its credit gets nothing until it asks again', async () => {
    const sb = await start();
    const idle = receiver(sb);
    await receiveNone(idle); // ends with a drain: the link stays open without credit
    await sb.createSender(QUEUE).sendMessages({ body: 'for whoever asks' });
    expect(counts()).toMatchObject({ activeCount: 1, lockedCount: 0 });
    const message = await receiveOne(receiver(sb));
    expect([message.body, message.deliveryCount]).toEqual(['for whoever asks', 0]);
  });

  test('receive-and-delete removes the message as it is delivered', async () => {
    const sb = await start();
    await sb.createSender(QUEUE).sendMessages({ body: 'gone' });
    const r = receiver(sb, { receiveMode: 'receiveAndDelete' });
    const message = await receiveOne(r);
    expect(message.body).toBe('gone');
    expect(message.lockToken).toBeUndefined();
    expect(counts()).toMatchObject({ activeCount: 0, lockedCount: 0 });
    await receiveNone(r);
  });

  test('abandon returns the message with its delivery count raised', async () => {
    const sb = await start();
    const { r, message: first } = await sendAndReceive(sb, { body: 'retry me' });
    await r.abandonMessage(first);

    const second = await receiveOne(r);
    expect(second.body).toBe('retry me');
    expect(second.sequenceNumber?.toNumber()).toBe(first.sequenceNumber?.toNumber());
    // The JS SDK shows the AMQP header count (prior attempts): 0, then 1. Azure's DeliveryCount is 1, then 2.
    expect([first.deliveryCount, second.deliveryCount]).toEqual([0, 1]);
    expect(second.lockToken).not.toBe(first.lockToken);
    await r.completeMessage(second);
    expect(counts().activeCount).toBe(0);
  });

  test('abandon with propertiesToModify sets those application properties', async () => {
    const sb = await start();
    const { r, message } = await sendAndReceive(sb, { body: 'x', applicationProperties: { keep: 1 } });
    await r.abandonMessage(message, { lastError: 'timeout' });
    expect((await receiveOne(r)).applicationProperties).toEqual({ keep: 1, lastError: 'timeout' });
  });

  test('a message whose time to live has passed is not delivered', async () => {
    const sb = await start();
    const sender = sb.createSender(QUEUE);
    await sender.sendMessages({ body: 'short-lived', timeToLive: 1_000 });
    await sender.sendMessages({ body: 'long-lived', timeToLive: 60_000 });
    await clock.advance(1_000);
    const r = receiver(sb, { receiveMode: 'receiveAndDelete' });
    expect((await receiveOne(r)).body).toBe('long-lived');
    expect(counts().activeCount).toBe(0);
  });

  test('dead-lettering with reason and description: readable from the dead-letter queue', async () => {
    const sb = await start();
    const { r, message } = await sendAndReceive(sb, {
      body: { bad: true },
      messageId: 'm-bad',
      applicationProperties: { k: 'v' },
    });
    await r.deadLetterMessage(message, {
      deadLetterReason: 'ValidationFailed',
      deadLetterErrorDescription: 'customer.tenantId is required',
    });
    expect(counts()).toMatchObject({ activeCount: 0, deadLetterCount: 1 });
    await receiveNone(r);

    const dlq = receiver(sb, { subQueueType: 'deadLetter' });
    expect((await dlq.peekMessages(5)).map((m): unknown => m.messageId)).toEqual(['m-bad']);
    const dead = await receiveOne(dlq);
    expect(dead).toMatchObject({
      body: { bad: true },
      messageId: 'm-bad',
      deadLetterReason: 'ValidationFailed',
      deadLetterErrorDescription: 'customer.tenantId is required',
      applicationProperties: {
        k: 'v',
        DeadLetterReason: 'ValidationFailed',
        DeadLetterErrorDescription: 'customer.tenantId is required',
      },
    });
    await dlq.completeMessage(dead);
    expect(counts().deadLetterCount).toBe(0);
  });

  test('the queue address `<queue>/$deadletterqueue` is receivable too', async () => {
    const sb = await start();
    const { r, message } = await sendAndReceive(sb, { body: 'x' });
    await r.deadLetterMessage(message, {
      deadLetterReason: 'R',
      deadLetterErrorDescription: 'D',
    });
    const dead = await receiveOne(
      receiver(sb, { receiveMode: 'receiveAndDelete' }, `${QUEUE}/$deadletterqueue`),
    );
    expect(dead.deadLetterReason).toBe('R');
  });

  test('after the max delivery count (5 on crm-customer-events) the message is dead-lettered', async () => {
    const sb = await start();
    await sb.createSender(QUEUE).sendMessages({ body: 'poison' });
    const r = receiver(sb);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const message = await receiveOne(r);
      expect(message.deliveryCount).toBe(attempt - 1);
      await r.abandonMessage(message);
    }
    expect(counts()).toMatchObject({ activeCount: 0, deadLetterCount: 1 });
    await receiveNone(r);
    const dead = await receiveOne(receiver(sb, { subQueueType: 'deadLetter' }));
    expect(dead.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dead.deadLetterErrorDescription).toBe('Message could not be consumed after 5 delivery attempts.');
  });

  test('max delivery count and lock duration come from the queue config', async () => {
    const sb = await start({ queues: [{ name: 'short', maxDeliveryCount: 1, lockDurationMs: 5_000 }] });
    await sb.createSender('short').sendMessages({ body: 'once' });
    const r = receiver(sb, {}, 'short');
    const message = await receiveOne(r);
    expect(message.lockedUntilUtc?.getTime()).toBe(START + 5_000);
    await r.abandonMessage(message);
    expect(counts('short')).toMatchObject({ activeCount: 0, deadLetterCount: 1 });
  });

  test('an expired lock returns the message to the queue; settling with the old lock fails', async () => {
    const sb = await start();
    const { r, message: first } = await sendAndReceive(sb, { body: 'slow' });

    await clock.advance(LOCK_MS);
    expect(counts()).toMatchObject({ activeCount: 1, lockedCount: 0 });
    await expectServiceBusError(r.completeMessage(first), 'MessageLockLost');

    const again = await receiveOne(r);
    expect(again.deliveryCount).toBe(1);
    expect(again.lockedUntilUtc?.getTime()).toBe(START + 2 * LOCK_MS);
    await r.completeMessage(again);
    expect(counts().activeCount).toBe(0);
  });

  test('renewMessageLock extends lockedUntil by the lock duration from now', async () => {
    const sb = await start();
    const { r, message } = await sendAndReceive(sb, { body: 'long job' });

    await clock.advance(30_000);
    const renewed = await r.renewMessageLock(message);
    expect(renewed.getTime()).toBe(START + 30_000 + LOCK_MS);
    expect(message.lockedUntilUtc?.getTime()).toBe(renewed.getTime());

    await clock.advance(45_000); // past the first lock, inside the renewed one
    expect(counts().lockedCount).toBe(1);
    await r.completeMessage(message);
    expect(counts().activeCount).toBe(0);
  });

  test('renewing a lost lock fails with MessageLockLost', async () => {
    const sb = await start();
    const { r, message } = await sendAndReceive(sb, { body: 'x' });
    await clock.advance(LOCK_MS + 1);
    await expectServiceBusError(r.renewMessageLock(message), 'MessageLockLost');
  });

  test('scheduled messages stay invisible until their time on the clock', async () => {
    const sb = await start();
    const sender = sb.createSender(QUEUE);
    const at = new Date(START + 3_600_000);
    const [kept, cancelled] = await sender.scheduleMessages([{ body: 'later' }, { body: 'never' }], at);
    await sender.cancelScheduledMessages(cancelled ?? []);
    await sender.sendMessages({
      body: 'via annotation',
      scheduledEnqueueTimeUtc: new Date(START + 7_200_000),
    });
    expect(counts()).toMatchObject({ activeCount: 0, scheduledCount: 2 });

    const r = receiver(sb, { receiveMode: 'receiveAndDelete' });
    const peeked = await r.peekMessages(10);
    expect(peeked.map((m): unknown[] => [m.body, m.state])).toEqual([
      ['later', 'scheduled'],
      ['via annotation', 'scheduled'],
    ]);
    await receiveNone(r);

    await clock.advance(3_600_000);
    const due = await receiveOne(r);
    expect(due.body).toBe('later');
    expect(due.sequenceNumber?.toNumber()).toBe(kept?.toNumber());
    expect(due.enqueuedTimeUtc?.getTime()).toBe(at.getTime());
    await receiveNone(r);

    await clock.advance(3_600_000);
    expect((await receiveOne(r)).body).toBe('via annotation');
    expect(counts()).toMatchObject({ activeCount: 0, scheduledCount: 0 });
  });

  test('subscribe() receives as messages arrive and auto-completes them', async () => {
    const sb = await start();
    const r = receiver(sb);
    const bodies: unknown[] = [];
    const errors: unknown[] = [];
    const subscription = r.subscribe(
      {
        processMessage: (message) => {
          bodies.push(message.body);
          return Promise.resolve();
        },
        processError: (args) => {
          errors.push(args.error);
          return Promise.resolve();
        },
      },
      { maxConcurrentCalls: 1 },
    );
    const sender = sb.createSender(QUEUE);
    await sender.sendMessages({ body: 'a' });
    await sender.sendMessages([{ body: 'b' }, { body: 'c' }]);
    await waitFor(() => bodies.length === 3 && counts().activeCount === 0);
    await subscription.close();
    expect(bodies).toEqual(['a', 'b', 'c']);
    expect(errors).toEqual([]);
  });

  test('a restart keeps queued, dead-lettered and scheduled messages; locked ones become available', async () => {
    let sb = await start();
    const sender = sb.createSender(QUEUE);
    await sender.sendMessages([{ body: 'first' }, { body: 'second' }, { body: 'third' }]);
    await sender.scheduleMessages({ body: 'scheduled' }, new Date(START + 60_000));
    const r = receiver(sb);
    const [first, second] = await r.receiveMessages(2, { maxWaitTimeInMs: 2_000 });
    if (!first) throw new Error('no message received');
    await r.deadLetterMessage(first, { deadLetterReason: 'Bad', deadLetterErrorDescription: 'Bad body' });
    expect(second?.body).toBe('second'); // left locked
    expect(counts()).toMatchObject({ activeCount: 2, deadLetterCount: 1, scheduledCount: 1, lockedCount: 1 });
    await stop();

    sb = await start();
    expect(counts()).toMatchObject({ activeCount: 2, deadLetterCount: 1, scheduledCount: 1, lockedCount: 0 });
    const again = await receiver(sb, { receiveMode: 'receiveAndDelete' }).receiveMessages(2, {
      maxWaitTimeInMs: 2_000,
    });
    expect(again.map((m): unknown[] => [m.body, m.deliveryCount])).toEqual([
      ['second', 1],
      ['third', 0],
    ]);
    expect((await receiveOne(receiver(sb, { subQueueType: 'deadLetter' }))).deadLetterReason).toBe('Bad');
    await sb.createSender(QUEUE).sendMessages({ body: 'after restart' });
    await clock.advance(60_000);
    const rest = await receiver(sb, { receiveMode: 'receiveAndDelete' }).receiveMessages(2, {
      maxWaitTimeInMs: 2_000,
    });
    expect(rest.map((m): unknown[] => [m.body, m.sequenceNumber?.toNumber()])).toEqual([
      ['scheduled', 4],
      ['after restart', 5],
    ]);
  });

  test('an unknown queue is reported as MessagingEntityNotFound, and the emulator keeps serving', async () => {
    const sb = await start();
    await expectServiceBusError(
      sb.createSender('no-such-queue').sendMessages({ body: 'x' }),
      'MessagingEntityNotFound',
    );
    await expectServiceBusError(
      receiver(sb, {}, 'no-such-queue').receiveMessages(1, { maxWaitTimeInMs: 1_000 }),
      'MessagingEntityNotFound',
    );
    await sb.createSender(QUEUE).sendMessages({ body: 'still fine' });
    expect(counts().activeCount).toBe(1);
  });

  test('a token signed with another key is refused', async () => {
    await start();
    const wrong = connect((emulator?.connectionString ?? '').replace('SAS_KEY_VALUE', 'not-the-key'));
    try {
      await expectServiceBusError(
        wrong.createSender(QUEUE).sendMessages({ body: 'x' }),
        'UnauthorizedAccess',
      );
    } finally {
      await wrong.close();
    }
    expect(counts().activeCount).toBe(0);
  });
});

describe('Service Bus emulator: peeking to the end of a queue', () => {
  // The SDK reads `statusCode` (Service Bus's $management key) to tell an empty peek (204) from one
  // with messages; an answer keyed `status-code` made it read `body.messages` of a null body.
  test('peeking past the last message answers no messages, as often as asked', async () => {
    const sb = await start();
    await sb.createSender(QUEUE).sendMessages([{ body: 'one' }, { body: 'two' }]);
    const r = receiver(sb);
    expect((await r.peekMessages(10)).map((m): unknown => m.body)).toEqual(['one', 'two']);
    expect(await r.peekMessages(10)).toEqual([]);
    expect(await r.peekMessages(10)).toEqual([]);
    expect(await receiver(sb, { subQueueType: 'deadLetter' }).peekMessages(5)).toEqual([]);
  });
});

describe('Service Bus emulator over raw AMQP', () => {
  let raw: RawAmqpClient;

  async function startRaw(): Promise<ServiceBusClient> {
    const sb = await start();
    raw = await RawAmqpClient.connect(emulator?.port ?? 0);
    return sb;
  }

  afterEach(async () => {
    await raw.close();
  });

  function updateDisposition(lockToken: string, body: Record<string, unknown>): Promise<Reply> {
    return raw.request(`${QUEUE}/$management`, {
      application_properties: { operation: 'com.microsoft:update-disposition' },
      body: { 'lock-tokens': types.wrap_array([string_to_uuid(lockToken)], 0x98, undefined), ...body },
    });
  }

  test('a link attached without a token on $cbs is refused as unauthorized', async () => {
    await startRaw();
    expect(await raw.attachError(QUEUE)).toMatchObject({ condition: 'amqp:unauthorized-access' });
  });

  test('a token signed with another key gets 401 from $cbs', async () => {
    await startRaw();
    expect(await raw.authorize(emulator?.port ?? 0, QUEUE, 'wrong')).toMatchObject({ status: 401 });
    expect(await raw.attachError(QUEUE)).toMatchObject({ condition: 'amqp:unauthorized-access' });
  });

  test('senders to a dead-letter queue or an unknown entity are refused', async () => {
    await startRaw();
    await raw.authorize(emulator?.port ?? 0, '');
    expect(await raw.attachError(`${QUEUE}/$deadletterqueue`)).toMatchObject({
      condition: 'amqp:not-allowed',
    });
    expect(await raw.attachError('nope')).toMatchObject({ condition: 'amqp:not-found' });
    expect(await raw.attachError(QUEUE)).toBeUndefined();
  });

  test('update-disposition settles by lock token: complete, then the lock is gone', async () => {
    const sb = await startRaw();
    await raw.authorize(emulator?.port ?? 0, QUEUE);
    const { message } = await sendAndReceive(sb, { body: 'by token' });

    const completed = await updateDisposition(message.lockToken ?? '', { 'disposition-status': 'completed' });
    expect(completed.status).toBe(200);
    expect(counts()).toMatchObject({ activeCount: 0, lockedCount: 0 });

    const again = await updateDisposition(message.lockToken ?? '', { 'disposition-status': 'completed' });
    expect(again).toMatchObject({ status: 410, condition: 'com.microsoft:message-lock-lost' });
  });

  test('update-disposition "suspended" dead-letters with reason and description', async () => {
    const sb = await startRaw();
    await raw.authorize(emulator?.port ?? 0, QUEUE);
    const { message } = await sendAndReceive(sb, { body: 'suspend me' });
    const reply = await updateDisposition(message.lockToken ?? '', {
      'disposition-status': 'suspended',
      'deadletter-reason': 'Manual',
      'deadletter-description': 'operator',
    });
    expect(reply.status).toBe(200);
    const dead = await receiveOne(receiver(sb, { subQueueType: 'deadLetter' }));
    expect([dead.deadLetterReason, dead.deadLetterErrorDescription]).toEqual(['Manual', 'operator']);
  });

  test('$management answers carry statusCode / statusDescription, as Service Bus sends them', async () => {
    await startRaw();
    await raw.authorize(emulator?.port ?? 0, QUEUE);
    const reply = await raw.request(`${QUEUE}/$management`, {
      application_properties: { operation: 'com.microsoft:peek-message' },
      body: { 'from-sequence-number': types.wrap_long(1), 'message-count': types.wrap_int(5) },
    });
    expect(reply.status).toBe(204);
    expect(reply.properties.statusCode).toBe(204);
    expect(typeof reply.properties.statusDescription).toBe('string');
    expect(reply.properties).not.toHaveProperty('status-code');
  });

  test('an unknown management operation is answered with not-implemented', async () => {
    await startRaw();
    await raw.authorize(emulator?.port ?? 0, QUEUE);
    const reply = await raw.request(`${QUEUE}/$management`, {
      application_properties: { operation: 'com.microsoft:get-message-sessions' },
      body: {},
    });
    expect(reply).toMatchObject({ status: 501, condition: 'amqp:not-implemented' });
  });

  test('a malformed batch is rejected and the emulator keeps serving', async () => {
    const sb = await startRaw();
    await raw.authorize(emulator?.port ?? 0, QUEUE);
    const outcome = await raw.sendRaw(QUEUE, Buffer.from('not an AMQP message'), 0x80013700);
    expect(outcome).toMatchObject({ error: { condition: 'amqp:decode-error' } });
    await sb.createSender(QUEUE).sendMessages({ body: 'fine' });
    expect(counts().activeCount).toBe(1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
