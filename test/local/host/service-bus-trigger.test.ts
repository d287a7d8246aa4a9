/**
 * Service Bus triggers through startHost, with the receiving side replaced by an in-memory queue
 * behind the host's MessageSource seam (peek-lock semantics: complete, abandon -> redelivery,
 * max delivery count -> dead letter). The real-SDK path is covered against the emulator.
 */
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { MessageSettler, MessageSource } from '../../../local/host';
import { nativeProcess } from '../../../local/host/native-runtime';
import { startTestHost, type TestHost } from './host-fixture';

interface Outcome {
  messageId: string;
  outcome: 'completed' | 'deadLettered';
  reason?: string;
  description?: string;
  deliveries: number;
}

class InMemoryQueues {
  readonly outcomes: Outcome[] = [];
  peakActive = 0;
  private readonly pending = new Map<string, ServiceBusReceivedMessage[]>();
  private readonly pumps = new Map<string, () => void>();
  private active = 0;
  private settled = 0;

  constructor(private readonly maxDeliveryCount: number) {}

  readonly source: MessageSource = ({ queueName, maxConcurrentCalls }, handler) => {
    let running = 0;
    let closed = false;
    const queue = this.queue(queueName);
    const settler = this.settler(queueName);
    const pump = () => {
      while (!closed && running < maxConcurrentCalls && queue.length > 0) {
        const message = queue.shift() as ServiceBusReceivedMessage;
        running++;
        this.active++;
        this.peakActive = Math.max(this.peakActive, this.active);
        void handler(message, settler).finally(() => {
          running--;
          this.active--;
          pump();
        });
      }
    };
    this.pumps.set(queueName, pump);
    return {
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
  };

  send(queueName: string, body: unknown, props: Partial<ServiceBusReceivedMessage> = {}): void {
    const message = {
      body: Buffer.from(JSON.stringify(body)),
      deliveryCount: 0, // the JS SDK counts earlier deliveries
      enqueuedTimeUtc: new Date(Date.UTC(2026, 0, 1)),
      lockToken: `lock-${props.messageId as string}`,
      applicationProperties: {},
      ...props,
    } as ServiceBusReceivedMessage;
    this.queue(queueName).push(message);
    this.pumps.get(queueName)?.();
  }

  async settledCount(count: number): Promise<void> {
    for (let i = 0; i < 200 && this.settled < count; i++) await new Promise((r) => setTimeout(r, 5));
  }

  private queue(name: string): ServiceBusReceivedMessage[] {
    let queue = this.pending.get(name);
    if (!queue) {
      queue = [];
      this.pending.set(name, queue);
    }
    return queue;
  }

  private settler(queueName: string): MessageSettler {
    const record = (
      m: ServiceBusReceivedMessage,
      outcome: Outcome['outcome'],
      reason?: string,
      description?: string,
    ) => {
      this.settled++;
      this.outcomes.push({
        messageId: String(m.messageId),
        outcome,
        reason,
        description,
        deliveries: (m.deliveryCount ?? 0) + 1,
      });
      return Promise.resolve();
    };
    return {
      complete: (m) => record(m, 'completed'),
      deadLetter: (m, reason, description) => record(m, 'deadLettered', reason, description),
      abandon: (m) => {
        const deliveryCount = (m.deliveryCount ?? 0) + 1;
        if (deliveryCount >= this.maxDeliveryCount)
          return record(m, 'deadLettered', 'MaxDeliveryCountExceeded');
        this.queue(queueName).push({ ...m, deliveryCount });
        setImmediate(() => this.pumps.get(queueName)?.());
        return Promise.resolve();
      },
      defer: () => Promise.reject(new Error('not used')),
      renewLock: () => Promise.resolve(),
    };
  }
}

describe('Service Bus queue triggers', () => {
  let t: TestHost;
  let queues: InMemoryQueues;

  beforeEach(async () => {
    queues = new InMemoryQueues(3);
    t = await startTestHost('queue', { serviceBusSource: queues.source });
  });

  afterEach(() => t.stop());

  it('passes the JSON body and trigger metadata as Azure does, and completes on success', async () => {
    queues.send(
      'orders',
      { id: 1 },
      {
        messageId: 'm-1',
        correlationId: 'c-1',
        contentType: 'application/json',
        applicationProperties: { Tenant: 't-1' },
      },
    );
    await queues.settledCount(1);
    expect(queues.outcomes).toEqual([{ messageId: 'm-1', outcome: 'completed', deliveries: 1 }]);
    const seen = (await (await fetch(`${t.host.url}/api/seen`)).json()) as {
      message: unknown;
      metadata: Record<string, unknown>;
    }[];
    expect(seen[0]?.message).toEqual({ id: 1 });
    expect(seen[0]?.metadata).toMatchObject({
      messageId: 'm-1',
      deliveryCount: 1,
      enqueuedTimeUtc: '2026-01-01T00:00:00.000Z',
      lockToken: 'lock-m-1',
      correlationId: 'c-1',
      contentType: 'application/json',
      // The library camel-cases trigger metadata keys recursively, property names included.
      applicationProperties: { tenant: 't-1' },
      userProperties: { tenant: 't-1' },
    });
  });

  it('abandons on a thrown error so the broker redelivers, until its max delivery count dead-letters', async () => {
    queues.send('orders', { fail: true }, { messageId: 'm-bad' });
    await queues.settledCount(1);
    expect(queues.outcomes).toEqual([
      {
        messageId: 'm-bad',
        outcome: 'deadLettered',
        reason: 'MaxDeliveryCountExceeded',
        description: undefined,
        deliveries: 3,
      },
    ]);
    expect(
      t.lines.filter((l) => / orders serviceBusTrigger \d+ms Failed \(order failed\)/.test(l)),
    ).toHaveLength(3);
  });

  it('runs at most host.json maxConcurrentCalls messages at once', async () => {
    for (let i = 0; i < 5; i++) queues.send('orders', { slowMs: 30 }, { messageId: `slow-${i}` });
    await queues.settledCount(5);
    expect(queues.outcomes.filter((o) => o.outcome === 'completed')).toHaveLength(5);
    expect(queues.peakActive).toBe(2);
  });

  it('lets an sdkBinding handler dead-letter an invalid message with a reason, without retries', async () => {
    queues.send('validated', { valid: false }, { messageId: 'v-bad' });
    queues.send('validated', { valid: true }, { messageId: 'v-good' });
    await queues.settledCount(2);
    expect(queues.outcomes).toEqual(
      expect.arrayContaining([
        {
          messageId: 'v-bad',
          outcome: 'deadLettered',
          reason: 'InvalidMessage',
          description: 'field "valid" must be true',
          deliveries: 1,
        },
        { messageId: 'v-good', outcome: 'completed', deliveries: 1 },
      ]),
    );
    expect(queues.outcomes).toHaveLength(2);
  });
});

describe('Service Bus trigger without its connection setting', () => {
  it('leaves that function out with an error naming the setting, and runs the rest', async () => {
    const setting = nativeProcess.env.FixtureServiceBus;
    nativeProcess.env.FixtureServiceBus = '';
    const queues = new InMemoryQueues(3);
    const t = await startTestHost('queue', { serviceBusSource: queues.source });
    try {
      expect(t.lines.join('\n')).toMatch(
        /orders: not started: The Service Bus connection setting "FixtureServiceBus" is not set/,
      );
      expect((await fetch(`${t.host.url}/api/seen`)).status).toBe(200);
    } finally {
      await t.stop();
      if (setting === undefined) delete nativeProcess.env.FixtureServiceBus;
      else nativeProcess.env.FixtureServiceBus = setting;
    }
  });
});
