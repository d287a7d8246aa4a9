/**
 * Service Bus queue triggers: peek-lock receive through a `MessageSource`, bounded concurrency
 * (`maxConcurrentCalls`), complete on success, abandon on a thrown error; the broker dead-letters after
 * its max delivery count. `sdkBinding: true` handlers settle their message themselves (see
 * service-bus-sdk-binding.ts and the README).
 */
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { RegisteredFunction } from './app-registry';
import { bindingString } from './binding-expressions';
import type { LocalFunctionInvoker } from './function-invoker';
import type { HostLogger } from './host-logger';
import { describeError } from './host-logger';
import { keepLock, type LockRenewalOptions } from './message-lock-keeper';
import type { RpcTypedData } from './rpc-types';
import {
  connectionStringFor,
  type MessageSettler,
  type MessageSource,
  type MessageSubscription,
} from './service-bus-client';
import { SdkMessageContexts } from './service-bus-sdk-binding';
import { toTypedData } from './typed-data';

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

export interface ServiceBusTriggerDeps {
  invoker: LocalFunctionInvoker;
  logger: HostLogger;
  env: NodeJS.ProcessEnv;
  source: MessageSource;
  /** host.json `extensions.serviceBus`. */
  maxConcurrentCalls: number;
  autoCompleteMessages: boolean;
  /** Renewing each message's lock while its function runs (see message-lock-keeper.ts). */
  lockRenewal: LockRenewalOptions;
  /** A file of the app, to find the app's own `@azure/functions-extensions-base`. */
  appEntryPoint: string | undefined;
}

export class ServiceBusTriggers {
  private readonly subscriptions: MessageSubscription[] = [];
  private readonly sdkContexts = new SdkMessageContexts();

  constructor(private readonly deps: ServiceBusTriggerDeps) {}

  start(functions: RegisteredFunction[]): void {
    const triggered = functions.filter((fn) => fn.info.triggerType.toLowerCase() === 'servicebustrigger');
    if (triggered.some((fn) => this.usesSdkBinding(fn)) && this.deps.appEntryPoint) {
      this.sdkContexts.install(this.deps.appEntryPoint, this.deps.logger);
    }
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
    const lock = keepLock(message, settler, this.deps.lockRenewal, (error) =>
      this.deps.logger.system(
        'warning',
        `${fn.info.name}: renewing the lock of messageId=${String(message.messageId ?? '')} failed: ${describeError(error)}`,
      ),
    );
    const onSettled = () => {
      settled = true;
      lock.stop();
    };
    const sdk = this.usesSdkBinding(fn) ? this.sdkContexts.add(message, settler, onSettled) : undefined;
    const data = sdk ? sdk.data : bodyTypedData(message.body);
    let failed = false;
    try {
      await this.deps.invoker.run({
        functionName: fn.info.name,
        inputData: [{ name: fn.triggerName, data }],
        triggerMetadata: messageMetadata(message),
        detail: `messageId=${String(message.messageId ?? '')} delivery=${(message.deliveryCount ?? 0) + 1}`,
      });
    } catch {
      failed = true;
    } finally {
      lock.stop();
      sdk?.release();
    }
    if (settled) return;
    // Without auto-complete the host leaves the message alone; we abandon rather than wait out the lock.
    await (!failed && this.autoComplete(fn) ? settler.complete(message) : settler.abandon(message));
  }
}
