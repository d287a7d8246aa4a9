/**
 * The receiving and sending side of Service Bus over the real `@azure/service-bus` SDK: one client per
 * connection string, peek-lock receivers behind the `MessageSource` seam (swappable in tests).
 */
import {
  ServiceBusClient,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
} from '@azure/service-bus';

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

/** Runs the tasks given to it one after the other, in call order. */
function oneAtATime(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * Settles through the receiver that holds the locks, one settlement at a time. rhea (under the SDK)
 * writes the dispositions made in one tick as ranges and, for the first two deliveries of a range,
 * does not compare their outcomes: complete one message and dead-letter the next in the same tick, and
 * the broker is told to complete (or dead-letter) both. The SDK waits for the broker's answer to each
 * settlement, so settling one at a time gives each its own disposition frame.
 */
export function receiverSettler(receiver: ServiceBusReceiver): MessageSettler {
  const serially = oneAtATime();
  return {
    complete: (m) => serially(() => receiver.completeMessage(m)),
    abandon: (m, props) => serially(() => receiver.abandonMessage(m, props as Record<string, string>)),
    deadLetter: (m, reason, description, props) =>
      serially(() =>
        receiver.deadLetterMessage(m, {
          ...(props as Record<string, string>),
          deadLetterReason: reason ?? '',
          deadLetterErrorDescription: description ?? '',
        }),
      ),
    defer: (m, props) => serially(() => receiver.deferMessage(m, props as Record<string, string>)),
    renewLock: async (m) => {
      await receiver.renewMessageLock(m);
    },
  };
}

/**
 * The real receiver: `@azure/service-bus` in peek-lock mode; settling and lock renewal are left to
 * the host (message-lock-keeper.ts), so the SDK's own wall-clock auto-renewal is off.
 */
export function sdkMessageSource(clients: ServiceBusClients): MessageSource {
  return ({ connectionString, queueName, maxConcurrentCalls }, handler, onError) => {
    const receiver = clients.get(connectionString).createReceiver(queueName, {
      receiveMode: 'peekLock',
      maxAutoLockRenewalDurationInMs: 0,
    });
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
