/**
 * Service Bus triggers through startHost, with the receiving side replaced by an in-memory queue
 * behind the host's MessageSource seam (peek-lock semantics: complete, abandon -> redelivery,
 * max delivery count -> dead letter; optionally locks that run out on a clock of the test's). The
 * real-SDK path is covered against the emulator.
 */
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { VirtualClock } from '../../../local/clock';
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

/** Peek-locks measured on `clock`: an unsettled, unrenewed message is redelivered when its lock ends. */
interface LockSettings {
  clock: VirtualClock;
  durationMs: number;
}

class LockLostError extends Error {
  constructor() {
    super('The lock supplied is invalid: it expired or the message was already redelivered.');
  }
}

class InMemoryQueues {
  readonly outcomes: Outcome[] = [];
  readonly errors: unknown[] = [];
  peakActive = 0;
  /** Called as each delivery is handed to the host. */
  onDelivery: () => void = () => undefined;
  private readonly pending = new Map<string, ServiceBusReceivedMessage[]>();
  private readonly pumps = new Map<string, () => void>();
  /** Lock tokens held now, with when each lock ends. */
  private readonly locks = new Map<string, number>();
  private active = 0;
  private settled = 0;
  private deliveries = 0;

  constructor(
    private readonly maxDeliveryCount: number,
    private readonly lock?: LockSettings,
  ) {}

  readonly source: MessageSource = ({ queueName, maxConcurrentCalls }, handler) => {
    let running = 0;
    let closed = false;
    const queue = this.queue(queueName);
    const settler = this.settler(queueName);
    const pump = () => {
      while (!closed && running < maxConcurrentCalls && queue.length > 0) {
        const message = this.locked(queue.shift() as ServiceBusReceivedMessage, queueName);
        running++;
        this.active++;
        this.peakActive = Math.max(this.peakActive, this.active);
        // The SDK reports a failed settlement to processError; the host's deliver lets it through.
        void handler(message, settler)
          .catch((error: unknown) => this.errors.push(error))
          .finally(() => {
            running--;
            this.active--;
            pump();
          });
        this.onDelivery();
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

  /** Waits for `count` settlements (bounded by the test's timeout, not by a guess at the machine's speed). */
  async settledCount(count: number): Promise<void> {
    while (this.settled < count) await new Promise((r) => setTimeout(r, 5));
  }

  /** Waits until `count` deliveries have been handed to the host. */
  async deliveredCount(count: number): Promise<void> {
    while (this.deliveries < count) await new Promise((r) => setTimeout(r, 5));
  }

  /** A fresh lock per delivery; when it ends unrenewed the message goes back in line, as in Azure. */
  private locked(message: ServiceBusReceivedMessage, queueName: string): ServiceBusReceivedMessage {
    this.deliveries++;
    if (!this.lock) return message;
    const { clock, durationMs } = this.lock;
    const lockToken = `lock-${String(message.messageId)}-${message.deliveryCount ?? 0}`;
    const delivery = { ...message, lockToken, lockedUntilUtc: new Date(clock.now() + durationMs) };
    this.locks.set(lockToken, clock.now() + durationMs);
    const expire = async (): Promise<void> => {
      for (let until = this.locks.get(lockToken); until !== undefined; until = this.locks.get(lockToken)) {
        if (until <= clock.now()) {
          this.locks.delete(lockToken);
          return this.returnToQueue(queueName, delivery);
        }
        await clock.sleepUntil(until);
      }
    };
    void expire();
    return delivery;
  }

  /** Ends the lock of a settled message; a lock that already ended cannot settle it. */
  private release(m: ServiceBusReceivedMessage): void {
    if (!this.lock) return;
    if (!this.locks.delete(m.lockToken ?? '')) throw new LockLostError();
  }

  private returnToQueue(queueName: string, m: ServiceBusReceivedMessage): Promise<void> {
    const deliveryCount = (m.deliveryCount ?? 0) + 1;
    if (deliveryCount >= this.maxDeliveryCount)
      return this.record(m, 'deadLettered', 'MaxDeliveryCountExceeded');
    this.queue(queueName).push({ ...m, deliveryCount });
    setImmediate(() => this.pumps.get(queueName)?.());
    return Promise.resolve();
  }

  private record(
    m: ServiceBusReceivedMessage,
    outcome: Outcome['outcome'],
    reason?: string,
    description?: string,
  ): Promise<void> {
    this.settled++;
    this.outcomes.push({
      messageId: String(m.messageId),
      outcome,
      reason,
      description,
      deliveries: (m.deliveryCount ?? 0) + 1,
    });
    return Promise.resolve();
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
    const settling =
      <A extends unknown[]>(settle: (m: ServiceBusReceivedMessage, ...args: A) => Promise<void>) =>
      async (m: ServiceBusReceivedMessage, ...args: A) => {
        this.release(m);
        await settle(m, ...args);
      };
    return {
      complete: settling((m) => this.record(m, 'completed')),
      deadLetter: settling((m, reason?: string, description?: string) =>
        this.record(m, 'deadLettered', reason, description),
      ),
      abandon: settling((m) => this.returnToQueue(queueName, m)),
      defer: () => Promise.reject(new Error('not used')),
      renewLock: (m) => {
        const lockToken = m.lockToken ?? '';
        if (!this.lock || !this.locks.has(lockToken)) return Promise.reject(new LockLostError());
        const until = this.lock.clock.now() + this.lock.durationMs;
        this.locks.set(lockToken, until);
        // As the SDK does, the renewed message carries its new lock end.
        (m as { lockedUntilUtc?: Date }).lockedUntilUtc = new Date(until);
        return Promise.resolve();
      },
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

describe('Service Bus message locks', () => {
  it('renews the lock while a handler outlasts it, so the message is completed once and not redelivered', async () => {
    // The broker's clock runs 60 s while the handler takes 1 s: a loaded machine, compressed.
    const lockClock = new VirtualClock(Date.UTC(2026, 0, 1));
    const queues = new InMemoryQueues(3, { clock: lockClock, durationMs: 5_000 });
    let brokerTimePassed: Promise<void> | undefined;
    queues.onDelivery = () => {
      brokerTimePassed ??= lockClock.advance(60_000);
    };
    const t = await startTestHost('queue', {
      serviceBusSource: queues.source,
      serviceBusLockClock: lockClock,
    });
    try {
      queues.send('orders', { slowMs: 1000 }, { messageId: 'slow-1' });
      await queues.settledCount(1);
      await brokerTimePassed;
      expect(queues.outcomes).toEqual([{ messageId: 'slow-1', outcome: 'completed', deliveries: 1 }]);
      expect(queues.errors).toEqual([]);
      const seen = (await (await fetch(`${t.host.url}/api/seen`)).json()) as unknown[];
      expect(seen).toHaveLength(1);
    } finally {
      await t.stop();
    }
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
