/**
 * A local Service Bus namespace speaking AMQP 1.0 the way the @azure/service-bus SDK expects with
 * `UseDevelopmentEmulator=true` (plain TCP): CBS put-token, senders and receivers on queues and their
 * dead-letter queues, peek-lock settlement, and the `$management` operations the SDK calls.
 */
import type { Server, Socket } from 'node:net';
import {
  create_container,
  type AmqpError,
  type Connection,
  type Delivery,
  type EventContext,
  type Receiver,
  type Sender,
} from 'rhea';
import { RealClock, type Clock } from '../../clock';
import { type AmqpMessage, encodeMessage, messagesOfTransfer, settlementOf } from './amqp-message';
import { CBS_ADDRESS, CbsAuthorizer } from './cbs-authorizer';
import { handleManagementRequest, LOCK_LOST, LOCK_LOST_DESCRIPTION } from './management-operations';
import defaultConfig from './config.json';
import { type QueueConfig, parseQueueConfig, loadQueueConfigFile, resolveQueueConfig } from './queue-config';
import { QueueEntity, type ReceiveMode, type Settlement, type SubQueue } from './queue-entity';
import { QueueStore } from './queue-store';
import {
  acceptLink,
  lockTokenTag,
  refuseLink,
  type SettledAs,
  settleDelivery,
  unusedCredit,
} from './rhea-links';
import { DEVELOPMENT_KEY, type SharedAccessKey } from './sas-token';
import { WakeUpTimer } from './wake-up-timer';

export interface ServiceBusEmulatorOptions {
  /** Default 5672, the AMQP port the SDK uses with UseDevelopmentEmulator; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Folder for the queue files; without it messages live in memory only. */
  dataDir?: string;
  /** Official-emulator-shaped config; default the `config.json` beside this file. */
  configFile?: string;
  /** Queues to create instead of reading a config file. */
  queues?: QueueConfig[];
  clock?: Clock;
  /** Receives one line per notable event (never message content). Quiet by default. */
  log?: (line: string) => void;
  /** The namespace key clients must sign with; default the emulator's well-known key. */
  key?: SharedAccessKey;
}

export interface QueueCounts {
  /** Messages in the queue, locked ones included (as Azure's ActiveMessageCount). */
  activeCount: number;
  deadLetterCount: number;
  scheduledCount: number;
  lockedCount: number;
}

export interface ServiceBusEmulator {
  port: number;
  connectionString: string;
  queue(name: string): QueueCounts;
  close(): Promise<void>;
}

/** Service Bus Standard's limit, which the SDK reads from the attach to size message batches. */
const MAX_MESSAGE_SIZE = 256 * 1024;
/** Confirming a dead-lettering as `rejected` without error: with the error the SDK would throw. */
const SETTLED_AS: Record<Settlement['kind'], SettledAs> = {
  complete: 'accepted',
  abandon: 'released',
  deadLetter: 'rejected',
};

interface EntityTarget {
  queue: QueueEntity;
  subQueue: SubQueue;
  /** The `<entity>/$management` request/response node rather than the entity itself. */
  management: boolean;
}

interface Consumer {
  link: Sender;
  queue: QueueEntity;
  subQueue: SubQueue;
  mode: ReceiveMode;
  /** Deliveries handed to rhea on this link, to know how much credit is left. */
  handedOut: number;
}

export async function startServiceBusEmulator(
  options: ServiceBusEmulatorOptions = {},
): Promise<ServiceBusEmulator> {
  const broker = new ServiceBusBroker(options);
  return broker.start(options.port ?? 5672, options.host ?? '127.0.0.1');
}

class ServiceBusBroker {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly key: SharedAccessKey;
  private readonly cbs: CbsAuthorizer;
  private readonly queues = new Map<string, QueueEntity>();
  private readonly store: QueueStore;
  private readonly consumers = new Map<Sender, Consumer>();
  /** Which locked message each unsettled peek-lock delivery carries. */
  private readonly locked = new WeakMap<Delivery, { queue: QueueEntity; lockToken: string }>();
  private readonly sockets = new Set<Socket>();
  private readonly timer: WakeUpTimer;
  private closed = false;

  constructor(options: ServiceBusEmulatorOptions) {
    this.clock = options.clock ?? new RealClock();
    this.timer = new WakeUpTimer(this.clock, () => this.onTime());
    this.log = options.log ?? (() => undefined);
    this.key = options.key ?? DEVELOPMENT_KEY;
    this.cbs = new CbsAuthorizer(this.key);
    this.store = new QueueStore(options.dataDir);
    const configs =
      options.queues ??
      (options.configFile
        ? loadQueueConfigFile(options.configFile)
        : parseQueueConfig(defaultConfig, 'config.json'));
    for (const config of configs.map(resolveQueueConfig)) {
      const queue = new QueueEntity(config);
      const snapshot = this.store.load(config.name);
      if (snapshot) queue.restore(snapshot);
      this.queues.set(config.name.toLowerCase(), queue);
    }
  }

  async start(port: number, host: string): Promise<ServiceBusEmulator> {
    const container = create_container({
      id: 'service-bus-emulator',
      autoaccept: false,
      treat_modified_as_released: false,
    });
    container.on('receiver_open', (context: EventContext) => this.onReceiverOpen(need(context.receiver)));
    container.on('sender_open', (context: EventContext) => this.onSenderOpen(need(context.sender)));
    container.on('message', (context: EventContext) => this.onMessage(context));
    container.on('sender_flow', (context: EventContext) => this.onFlow(need(context.sender)));
    container.on('sender_draining', (context: EventContext) => this.onDraining(need(context.sender)));
    for (const outcome of ['accepted', 'released', 'rejected', 'modified'] as const) {
      container.on(outcome, (context: EventContext) => this.onOutcome(need(context.delivery)));
    }
    container.on('sender_close', (context: EventContext) => this.consumers.delete(need(context.sender)));
    container.on('connection_close', (context: EventContext) => this.forgetConnection(context.connection));
    container.on('disconnected', (context: EventContext) => this.forgetConnection(context.connection));
    container.on('error', (error: unknown) => this.log(`amqp error: ${String(error)}`));

    const server: Server = container.listen({ port, host });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const address = server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    this.armWakeUp();
    this.log(`service bus emulator listening on ${host}:${boundPort}`);
    const connectionHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    return {
      port: boundPort,
      connectionString:
        `Endpoint=sb://${connectionHost}:${boundPort};SharedAccessKeyName=${this.key.keyName};` +
        `SharedAccessKey=${this.key.key};UseDevelopmentEmulator=true;`,
      queue: (name) => this.countsOf(name),
      close: () => this.close(server),
    };
  }

  private countsOf(name: string): QueueCounts {
    const queue = this.queues.get(name.toLowerCase());
    if (!queue) throw new Error(`Unknown queue ${name}`);
    return {
      activeCount: queue.count('active'),
      deadLetterCount: queue.count('deadLetter'),
      scheduledCount: queue.scheduledCount,
      lockedCount: queue.lockedCount,
    };
  }

  private async close(server: Server): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer.stop();
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await stopped;
    await this.store.flush();
  }

  // ---- links -------------------------------------------------------------------------------

  /** The peer sends on this link: to `$cbs`, a `$management` node, or a queue. */
  private onReceiverOpen(link: Receiver): void {
    const address = link.target?.address;
    if (address === CBS_ADDRESS) return acceptLink(link);
    const target = this.resolve(address);
    const refusal = this.refusalFor(link.connection, address, target);
    if (refusal) return this.refuse(link, refusal);
    if (target && !target.management && target.subQueue === 'deadLetter') {
      return this.refuse(link, {
        condition: 'amqp:not-allowed',
        description: 'Cannot send to a dead-letter queue.',
      });
    }
    acceptLink(link, MAX_MESSAGE_SIZE);
  }

  /** The peer receives on this link: replies from `$cbs`/`$management`, or messages from an entity. */
  private onSenderOpen(link: Sender): void {
    const address = link.source?.address;
    if (address === CBS_ADDRESS) return acceptLink(link);
    const target = this.resolve(address);
    const refusal = this.refusalFor(link.connection, address, target);
    if (refusal || !target) return this.refuse(link, refusal ?? notFound(address));
    acceptLink(link);
    if (target.management) return;
    const mode: ReceiveMode = link.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock';
    this.consumers.set(link, { link, queue: target.queue, subQueue: target.subQueue, mode, handedOut: 0 });
    this.pump(target.queue);
  }

  private refusalFor(
    connection: Connection,
    address: string | undefined,
    target?: EntityTarget,
  ): AmqpError | undefined {
    if (!target || address === undefined) return notFound(address);
    return this.cbs.refusalFor(connection, entityPathOf(address));
  }

  private refuse(link: Receiver | Sender, error: AmqpError): void {
    this.log(
      `refused link to ${link.is_sender() ? link.source?.address : link.target?.address}: ${error.condition}`,
    );
    refuseLink(link, error);
  }

  private forgetConnection(connection: Connection): void {
    for (const link of this.consumers.keys()) {
      if (link.connection === connection) this.consumers.delete(link);
    }
  }

  /** `queue`, `queue/$deadletterqueue`, each optionally `/$management`, optionally as a full URL. */
  private resolve(address: string | undefined): EntityTarget | undefined {
    if (!address) return undefined;
    const parts = entityPathOf(address).split('/');
    const management = parts[parts.length - 1]?.toLowerCase() === '$management';
    if (management) parts.pop();
    const deadLetter = parts.length === 2 && parts[1]?.toLowerCase() === '$deadletterqueue';
    if (parts.length > (deadLetter ? 2 : 1)) return undefined;
    const queue = this.queues.get((parts[0] ?? '').toLowerCase());
    return queue && { queue, subQueue: deadLetter ? 'deadLetter' : 'active', management };
  }

  // ---- incoming messages -------------------------------------------------------------------

  private onMessage(context: EventContext): void {
    const link = need(context.receiver);
    const delivery = need(context.delivery);
    const address = link.target?.address;
    if (address === CBS_ADDRESS) {
      this.putToken(link.connection, context.message as AmqpMessage);
      return delivery.accept();
    }
    const target = this.resolve(address);
    if (!target) return delivery.reject(notFound(address));
    if (target.management) {
      this.manage(link.connection, target, context.message as AmqpMessage);
      return delivery.accept();
    }
    let payloads: Buffer[];
    try {
      payloads = messagesOfTransfer(context.message, delivery.format);
    } catch (error) {
      return delivery.reject({ condition: 'amqp:decode-error', description: errorText(error) });
    }
    target.queue.enqueue(payloads, this.clock.now());
    this.persist(target.queue).then(
      () => delivery.accept(),
      (error: unknown) =>
        delivery.reject({ condition: 'amqp:internal-error', description: errorText(error) }),
    );
    this.pump(target.queue);
    this.armWakeUp();
  }

  private putToken(connection: Connection, request: AmqpMessage): void {
    const { response, refusal } = this.cbs.putToken(connection, request);
    if (refusal) this.log(`refused CBS token: ${refusal}`);
    this.reply(connection, request, response);
  }

  private manage(connection: Connection, target: EntityTarget, request: AmqpMessage): void {
    const response = handleManagementRequest(target.queue, target.subQueue, request, this.clock.now());
    const properties = managementStatus(response.statusCode, response.description, response.condition);
    if (!response.changed) return this.reply(connection, request, properties, response.body);
    // Answer only once the change is on disk, as the service answers once it is durable.
    this.persist(target.queue).then(
      () => this.reply(connection, request, properties, response.body),
      (error: unknown) => this.reply(connection, request, managementStatus(500, errorText(error))),
    );
    this.pump(target.queue);
    this.armWakeUp();
  }

  /** Sends a response on the peer's reply link: the one whose name or target is the request's `reply_to`. */
  private reply(
    connection: Connection,
    request: AmqpMessage,
    properties: Record<string, unknown>,
    body?: unknown,
  ): void {
    const replyTo = request.reply_to;
    const link = connection.find_sender(
      (sender: Sender) => sender.name === replyTo || sender.target?.address === replyTo,
    );
    if (!link) return this.log(`no reply link for ${String(replyTo)}`);
    const response: AmqpMessage = {
      correlation_id: request.message_id,
      application_properties: properties,
      body,
    };
    link.send(encodeMessage(response), undefined, 0);
  }

  // ---- outgoing messages -------------------------------------------------------------------

  private onFlow(link: Sender): void {
    const consumer = this.consumers.get(link);
    if (consumer) this.pump(consumer.queue);
  }

  /** The receiver wants its unused credit back: send what is available, then give up the rest. */
  private onDraining(link: Sender): void {
    const consumer = this.consumers.get(link);
    if (consumer) {
      this.pump(consumer.queue);
      // rhea consumes the leftover credit when it writes the drain reply, without a delivery for
      // each: count it as handed out, or later messages would be queued on a link without credit.
      consumer.handedOut += Math.max(0, unusedCredit(link, consumer.handedOut));
    }
    link.set_drained(true);
  }

  /** Hands available messages to the queue's receivers while they have credit, one each in turn. */
  private pump(queue: QueueEntity): void {
    const consumers = [...this.consumers.values()].filter((c) => c.queue === queue);
    let delivered = false;
    for (let progress = true; progress;) {
      progress = false;
      for (const consumer of consumers) {
        if (!consumer.link.is_open() || unusedCredit(consumer.link, consumer.handedOut) <= 0) continue;
        const received = queue.receive(consumer.subQueue, consumer.mode, this.clock.now());
        if (!received) continue;
        const tag = received.lockToken ? lockTokenTag(received.lockToken) : Buffer.alloc(0);
        const delivery = consumer.link.send(received.payload, tag, 0);
        consumer.handedOut += 1;
        if (received.lockToken) this.locked.set(delivery, { queue, lockToken: received.lockToken });
        progress = delivered = true;
      }
    }
    if (delivered) {
      this.persist(queue).catch((error: unknown) =>
        this.log(`persisting ${queue.name} failed: ${errorText(error)}`),
      );
      this.armWakeUp();
    }
  }

  /** The receiver settled a peek-locked message: complete, abandon or dead-letter it. */
  private onOutcome(delivery: Delivery): void {
    const locked = this.locked.get(delivery);
    if (!locked) return;
    const { queue, lockToken } = locked;
    const settlement = settlementOf(delivery.remote_state);
    if (!settlement) {
      return settleDelivery(delivery, {
        error: {
          condition: 'amqp:not-implemented',
          description: 'Deferral is not supported by the emulator.',
        },
      });
    }
    if (!queue.settle(lockToken, settlement, this.clock.now())) {
      return settleDelivery(delivery, {
        error: { condition: LOCK_LOST, description: LOCK_LOST_DESCRIPTION },
      });
    }
    this.persist(queue).then(
      () => settleDelivery(delivery, SETTLED_AS[settlement.kind]),
      (error: unknown) =>
        settleDelivery(delivery, {
          error: { condition: 'amqp:internal-error', description: errorText(error) },
        }),
    );
    this.pump(queue);
    this.armWakeUp();
  }

  private persist(queue: QueueEntity): Promise<void> {
    return this.store.save(queue.name, () => queue.snapshot());
  }

  // ---- time --------------------------------------------------------------------------------

  /** Sleeps on the clock until the next scheduled message or lock expiry, whichever comes first. */
  private armWakeUp(): void {
    const times = [...this.queues.values()].map((q) => q.nextWakeUp()).filter((t) => t !== undefined);
    this.timer.arm(times.length ? Math.min(...times) : undefined);
  }

  private onTime(): void {
    const now = this.clock.now();
    for (const queue of this.queues.values()) {
      const activated = queue.activateDue(now);
      const expired = queue.expireLocks(now);
      if (activated || expired) {
        this.persist(queue).catch((error: unknown) =>
          this.log(`persisting ${queue.name} failed: ${errorText(error)}`),
        );
        this.pump(queue);
      }
    }
    this.armWakeUp();
  }
}

function entityPathOf(address: string): string {
  return address.replace(/^[a-z]+:\/\/[^/]*\//i, '').replace(/^\/+|\/+$/g, '');
}

function notFound(address: string | undefined): AmqpError {
  return {
    condition: 'amqp:not-found',
    description: `The messaging entity '${address ?? ''}' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.`,
  };
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('rhea event without the expected context');
  return value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An entity's `$management` node answers `statusCode` / `statusDescription` / `errorCondition`
 * (Service Bus request/response operations), unlike `$cbs`, which uses `status-code`. The SDK tells an
 * empty peek (204, no body) from a page of messages by `statusCode` alone.
 */
function managementStatus(
  statusCode: number,
  description?: string,
  condition?: string,
): Record<string, unknown> {
  return {
    statusCode,
    ...(description ? { statusDescription: description } : {}),
    ...(condition ? { errorCondition: condition } : {}),
  };
}
