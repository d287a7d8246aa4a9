/**
 * Settling through the real @azure/service-bus receiver against the emulator: two messages settled
 * with different outcomes in the same tick (two handlers finishing together) each get their own.
 */
import {
  ServiceBusClient,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
} from '@azure/service-bus';
import { receiverSettler } from '../../../local/host/service-bus-client';
import {
  startServiceBusEmulator,
  type ServiceBusEmulator,
} from '../../../local/emulators/service-bus/service-bus.emulator';

const QUEUE = 'orders';

describe('receiverSettler', () => {
  let emulator: ServiceBusEmulator;
  let client: ServiceBusClient;

  beforeEach(async () => {
    emulator = await startServiceBusEmulator({
      port: 0,
      queues: [{ name: QUEUE, maxDeliveryCount: 3, lockDurationMs: 60_000 }],
    });
    client = new ServiceBusClient(emulator.connectionString);
  });

  afterEach(async () => {
    await client.close();
    await emulator.close();
  });

  async function receiveTwo(): Promise<{
    receiver: ServiceBusReceiver;
    messages: ServiceBusReceivedMessage[];
  }> {
    await client.createSender(QUEUE).sendMessages([
      { body: 'first', messageId: 'first' },
      { body: 'second', messageId: 'second' },
    ]);
    const receiver = client.createReceiver(QUEUE, { maxAutoLockRenewalDurationInMs: 0 });
    const received: ServiceBusReceivedMessage[] = [];
    while (received.length < 2) received.push(...(await receiver.receiveMessages(2 - received.length)));
    return { receiver, messages: received };
  }

  it.each([
    ['complete, then dead-letter', 'complete', 'deadLetter'],
    ['dead-letter, then complete', 'deadLetter', 'complete'],
  ] as const)('keeps both outcomes when settling %s in the same tick', async (_, first, second) => {
    const { receiver, messages } = await receiveTwo();
    const [a, b] = messages as [ServiceBusReceivedMessage, ServiceBusReceivedMessage];
    const settler = receiverSettler(receiver);
    await Promise.all([
      settler[first](a, 'Reason', 'description'),
      settler[second](b, 'Reason', 'description'),
    ]);

    const deadLettered = first === 'deadLetter' ? a : b;
    expect(emulator.queue(QUEUE)).toMatchObject({ activeCount: 0, deadLetterCount: 1 });
    const [dead] = await client.createReceiver(QUEUE, { subQueueType: 'deadLetter' }).peekMessages(1);
    expect(dead?.messageId).toBe(deadLettered.messageId);
  });
});
