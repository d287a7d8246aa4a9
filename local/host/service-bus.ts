/**
 * Service Bus queue triggers and output bindings over the real `@azure/service-bus` SDK.
 *
 * Trigger: peek-lock receive, bounded concurrency (`maxConcurrentCalls`), complete on success,
 * abandon on a thrown error; the broker dead-letters after its max delivery count. Handlers that need
 * "dead-letter now, with a reason" register with `sdkBinding: true` and get the same
 * `{ messages, actions }` context as `@azure/functions-extensions-servicebus` gives them in Azure
 * (see README). The receiving side sits behind `MessageSource` so it can be swapped in tests.
 */
import {
  ServiceBusClient,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusMessage,
} from '@azure/service-bus';
import type { RegisteredFunction } from './app-registry';
import { bindingString } from './binding-expressions';
import type { LocalFunctionInvoker } from './function-invoker';
import type { HostLogger } from './host-logger';
import { describeError } from './host-logger';
import { nativeRequire } from './native-runtime';
import type { RpcTypedData } from './rpc-types';
import { fromTypedData, toTypedData } from './typed-data';

/** Settling one received message (what a peek-lock receiver offers). */
export interface MessageSettler {
  complete(message: ServiceBusReceivedMessage): Promise<void>;
  abandon(message: ServiceBusReceivedMessage, propertiesToModify?: Record<string, unknown>): Promise<void>;
  deadLetter(
    message: ServiceBusReceivedMessage,
    reason?: string,
    description?: string,
    propertiesToModify?: Record<string, unknown>,
  ): Promise<void>;
  defer(message: ServiceBusReceivedMessage, propertiesToModify?: Record<string, unknown>): Promise<void>;
  renewLock(message: ServiceBusReceivedMessage): Promise<void>;
}

export type MessageHandler = (message: ServiceBusReceivedMessage, settler: MessageSettler) => Promise<void>;

export interface MessageSubscription {
  close(): Promise<void>;
}

/** Delivers the messages of one queue to `handler`, at most `maxConcurrentCalls` at a time. */
export type MessageSource = (
  request: { connectionString: string; queueName: string; maxConcurrentCalls: number },
  handler: MessageHandler,
  onError: (error: unknown) => void,
) => MessageSubscription;

/** Keeps one ServiceBusClient per connection string. */
export class ServiceBusClients {
  private readonly clients = new Map<string, ServiceBusClient>();

  get(connectionString: string): ServiceBusClient {
    let client = this.clients.get(connectionString);
    if (!client) {
      client = new ServiceBusClient(connectionString);
      this.clients.set(connectionString, client);
    }
    return client;
  }

  async closeAll(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}

function receiverSettler(receiver: ServiceBusReceiver): MessageSettler {
  return {
    complete: (m) => receiver.completeMessage(m),
    abandon: (m, props) => receiver.abandonMessage(m, props as Record<string, string>),
    deadLetter: (m, reason, description, props) =>
      receiver.deadLetterMessage(m, {
        ...(props as Record<string, string>),
        deadLetterReason: reason ?? '',
        deadLetterErrorDescription: description ?? '',
      }),
    defer: (m, props) => receiver.deferMessage(m, props as Record<string, string>),
    renewLock: async (m) => {
      await receiver.renewMessageLock(m);
    },
  };
}

/** The real receiver: `@azure/service-bus` in peek-lock mode; settling is left to the host. */
export function sdkMessageSource(clients: ServiceBusClients): MessageSource {
  return ({ connectionString, queueName, maxConcurrentCalls }, handler, onError) => {
    const receiver = clients.get(connectionString).createReceiver(queueName, { receiveMode: 'peekLock' });
    const settler = receiverSettler(receiver);
    const subscription = receiver.subscribe(
      {
        processMessage: (message) => handler(message, settler),
        processError: (args) => {
          onError(args.error);
          return Promise.resolve();
        },
      },
      { autoCompleteMessages: false, maxConcurrentCalls },
    );
    return {
      close: async () => {
        await subscription.close();
        await receiver.close();
      },
    };
  };
}

/** The trigger value as the host sends it: text (JSON text is parsed by the library) or bytes. */
function bodyTypedData(body: unknown): RpcTypedData | undefined {
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    const text = Buffer.from(body).toString('utf8');
    return Buffer.from(text, 'utf8').equals(Buffer.from(body)) ? { string: text } : { bytes: body };
  }
  return toTypedData(body);
}

/** Trigger metadata with the names the Service Bus extension binds (the library camel-cases them). */
export function messageMetadata(message: ServiceBusReceivedMessage): Record<string, RpcTypedData> {
  const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);
  const values: Record<string, unknown> = {
    MessageId: message.messageId === undefined ? undefined : String(message.messageId),
    // The JS SDK counts earlier deliveries (0 first); the host's .NET SDK counts this one too (1 first).
    DeliveryCount: (message.deliveryCount ?? 0) + 1,
    EnqueuedTimeUtc: iso(message.enqueuedTimeUtc),
    ExpiresAtUtc: iso(message.expiresAtUtc),
    LockedUntilUtc: iso(message.lockedUntilUtc),
    LockToken: message.lockToken,
    SequenceNumber:
      message.sequenceNumber === undefined ? undefined : Number(message.sequenceNumber.toString()),
    CorrelationId: message.correlationId === undefined ? undefined : String(message.correlationId),
    ContentType: message.contentType,
    SessionId: message.sessionId,
    Subject: message.subject,
    Label: message.subject,
    To: message.to,
    ReplyTo: message.replyTo,
    ReplyToSessionId: message.replyToSessionId,
    PartitionKey: message.partitionKey,
    ApplicationProperties: message.applicationProperties ?? {},
    UserProperties: message.applicationProperties ?? {},
  };
  const metadata: Record<string, RpcTypedData> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    metadata[key] = typeof value === 'number' ? { int: value } : (toTypedData(value) as RpcTypedData);
  }
  return metadata;
}

/** The source name `@azure/functions-extensions-servicebus` registers its factory under. */
const SDK_MESSAGE_SOURCE = 'AzureServiceBusReceivedMessage';

interface PendingSdkMessage {
  message: ServiceBusReceivedMessage;
  actions: Record<string, unknown>;
}

/**
 * Message actions with the shape of the extension's `ServiceBusMessageActions`, settling through the
 * receiver that holds the lock. `settled` tells the host not to settle the message again.
 */
function messageActions(settler: MessageSettler, onSettled: () => void): Record<string, unknown> {
  const settle =
    <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      await action(...args);
      onSettled();
    };
  return {
    complete: settle((m: ServiceBusReceivedMessage) => settler.complete(m)),
    abandon: settle((m: ServiceBusReceivedMessage, props?: Record<string, unknown>) =>
      settler.abandon(m, props),
    ),
    deadletter: settle(
      (
        m: ServiceBusReceivedMessage,
        props?: Record<string, unknown>,
        reason?: string,
        description?: string,
      ) => settler.deadLetter(m, reason, description, props),
    ),
    defer: settle((m: ServiceBusReceivedMessage, props?: Record<string, unknown>) => settler.defer(m, props)),
    renewMessageLock: (m: ServiceBusReceivedMessage) => settler.renewLock(m),
  };
}

interface ResourceFactoryResolverLike {
  hasResourceFactory(type: string): boolean;
  registerResourceFactory(type: string, factory: (data: unknown) => unknown): void;
}

export interface ServiceBusTriggerDeps {
  invoker: LocalFunctionInvoker;
  logger: HostLogger;
  env: NodeJS.ProcessEnv;
  source: MessageSource;
  /** host.json `extensions.serviceBus`. */
  maxConcurrentCalls: number;
  autoCompleteMessages: boolean;
  /** A file of the app, to find the app's own `@azure/functions-extensions-base`. */
  appEntryPoint: string | undefined;
}

export function connectionStringFor(connection: string | undefined, env: NodeJS.ProcessEnv): string {
  const name = connection ?? 'AzureWebJobsServiceBus';
  const value = env[name] ?? env[`AzureWebJobs${name}`];
  if (value) return value;
  if (env[`${name}__fullyQualifiedNamespace`]) {
    throw new Error(
      `Setting "${name}__fullyQualifiedNamespace" (managed identity) is not supported locally: set "${name}" to a connection string.`,
    );
  }
  throw new Error(`The Service Bus connection setting "${name}" is not set.`);
}

export class ServiceBusTriggers {
  private readonly subscriptions: MessageSubscription[] = [];
  private readonly pendingSdkMessages = new Map<string, PendingSdkMessage>();
  private nextHandle = 0;

  constructor(private readonly deps: ServiceBusTriggerDeps) {}

  start(functions: RegisteredFunction[]): void {
    const triggered = functions.filter((fn) => fn.info.triggerType.toLowerCase() === 'servicebustrigger');
    if (triggered.some((fn) => this.usesSdkBinding(fn))) this.registerSdkFactory();
    for (const fn of triggered) {
      try {
        this.subscribe(fn);
      } catch (error) {
        // As in the host, a function whose trigger cannot be set up is left out; the others run.
        this.deps.logger.system('error', `${fn.info.name}: not started: ${describeError(error)}`);
      }
    }
  }

  private subscribe(fn: RegisteredFunction): void {
    const binding = fn.info.bindings[fn.triggerName] ?? {};
    const queueName = bindingString(binding, 'queueName', this.deps.env);
    if (!queueName) throw new Error('topic subscriptions are not supported locally.');
    const connection = bindingString(binding, 'connection', this.deps.env);
    const connectionString = connectionStringFor(connection, this.deps.env);
    const subscription = this.deps.source(
      { connectionString, queueName, maxConcurrentCalls: this.deps.maxConcurrentCalls },
      (message, settler) => this.deliver(fn, message, settler),
      (error) =>
        this.deps.logger.system(
          'warning',
          `${fn.info.name}: Service Bus receive error: ${describeError(error)}`,
        ),
    );
    this.subscriptions.push(subscription);
  }

  async stop(): Promise<void> {
    const subscriptions = this.subscriptions.splice(0);
    await Promise.allSettled(subscriptions.map((s) => s.close()));
  }

  private usesSdkBinding(fn: RegisteredFunction): boolean {
    const properties = fn.info.bindings[fn.triggerName]?.properties as
      { supportsDeferredBinding?: unknown } | undefined;
    return properties?.supportsDeferredBinding === 'true';
  }

  private autoComplete(fn: RegisteredFunction): boolean {
    const value = fn.info.bindings[fn.triggerName]?.autoCompleteMessages;
    return typeof value === 'boolean' ? value : this.deps.autoCompleteMessages;
  }

  /** One delivery: invoke, then settle as the Functions host does. */
  async deliver(
    fn: RegisteredFunction,
    message: ServiceBusReceivedMessage,
    settler: MessageSettler,
  ): Promise<void> {
    let settled = false;
    let data: RpcTypedData | undefined;
    let handle: string | undefined;
    if (this.usesSdkBinding(fn)) {
      handle = String(++this.nextHandle);
      this.pendingSdkMessages.set(handle, {
        message,
        actions: messageActions(settler, () => (settled = true)),
      });
      data = {
        modelBindingData: {
          source: SDK_MESSAGE_SOURCE,
          contentType: 'application/octet-stream',
          version: '1.0',
          content: Buffer.from(handle),
        },
      };
    } else {
      data = bodyTypedData(message.body);
    }
    try {
      await this.deps.invoker.run({
        functionName: fn.info.name,
        inputData: [{ name: fn.triggerName, data }],
        triggerMetadata: messageMetadata(message),
        detail: `messageId=${String(message.messageId ?? '')} delivery=${message.deliveryCount ?? 0}`,
      });
      if (!settled) {
        // Without auto-complete the host leaves the message alone; we abandon rather than wait out the lock.
        await (this.autoComplete(fn) ? settler.complete(message) : settler.abandon(message));
      }
    } catch {
      if (!settled) await settler.abandon(message);
    } finally {
      if (handle) this.pendingSdkMessages.delete(handle);
    }
  }

  /** Lets the app's library turn our `modelBindingData` into `{ messages, actions }`. */
  private registerSdkFactory(): void {
    if (!this.deps.appEntryPoint) return;
    const appRequire = nativeRequire(this.deps.appEntryPoint);
    const functionsPath = appRequire.resolve('@azure/functions');
    const base = nativeRequire(functionsPath)('@azure/functions-extensions-base') as {
      ResourceFactoryResolver: { getInstance(): ResourceFactoryResolverLike };
    };
    const resolver = base.ResourceFactoryResolver.getInstance();
    const key = Symbol.for('mca-workflow.local-host.sdk-messages');
    const holder = resolver as unknown as Record<symbol, ServiceBusTriggers | undefined>;
    holder[key] = this;
    if (resolver.hasResourceFactory(SDK_MESSAGE_SOURCE)) {
      if (!('__localHost' in resolver)) {
        this.deps.logger.system(
          'warning',
          'Another Service Bus SDK-binding factory is registered (the real extension?): it needs the Azure host and will not work locally.',
        );
      }
      return;
    }
    Object.defineProperty(resolver, '__localHost', { value: true });
    resolver.registerResourceFactory(SDK_MESSAGE_SOURCE, (modelBindingData: unknown) => {
      const content = (modelBindingData as { content?: Buffer }).content;
      const owner = holder[key];
      const pending =
        content && owner ? owner.pendingSdkMessages.get(Buffer.from(content).toString()) : undefined;
      if (!pending) throw new Error('Unknown Service Bus message handle.');
      return { messages: pending.message, actions: pending.actions };
    });
  }
}

/** Sends what a `serviceBus` output binding produced: one message, or one per array element. */
export async function sendServiceBusOutput(
  clients: ServiceBusClients,
  binding: Record<string, unknown>,
  data: RpcTypedData,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const entity = bindingString(binding, 'queueName', env) ?? bindingString(binding, 'topicName', env);
  if (!entity) throw new Error('A serviceBus output binding needs queueName or topicName.');
  const connectionString = connectionStringFor(bindingString(binding, 'connection', env), env);
  const value = fromTypedData(data);
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  const messages: ServiceBusMessage[] = items.map((item) =>
    typeof item === 'string' || Buffer.isBuffer(item)
      ? { body: Buffer.isBuffer(item) ? item : Buffer.from(item, 'utf8') }
      : { body: Buffer.from(JSON.stringify(item), 'utf8'), contentType: 'application/json' },
  );
  const sender = clients.get(connectionString).createSender(entity);
  try {
    await sender.sendMessages(messages);
  } finally {
    await sender.close();
  }
}
