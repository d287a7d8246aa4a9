/**
 * The Service Bus "SDK binding" (`sdkBinding: true`): in Azure, `@azure/functions-extensions-servicebus`
 * turns the host's `modelBindingData` into `{ messages, actions }` so a handler can settle its message
 * itself, e.g. dead-letter an invalid one with a reason. Locally the host registers its own factory for
 * the same source in the app's `@azure/functions-extensions-base`, so the library's converter path is
 * the real one; the actions settle through the receiver that holds the lock.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { HostLogger } from './host-logger';
import { nativeRequire } from './native-runtime';
import type { RpcTypedData } from './rpc-types';
import type { MessageSettler } from './service-bus-client';

/** The source name the extension registers its factory under. */
const SDK_MESSAGE_SOURCE = 'AzureServiceBusReceivedMessage';

interface SdkMessageContext {
  messages: ServiceBusReceivedMessage;
  actions: Record<string, unknown>;
}

interface ResourceFactoryResolver {
  hasResourceFactory(type: string): boolean;
  registerResourceFactory(type: string, factory: (data: unknown) => unknown): void;
}

/** Marks a resolver that already has our factory; the factory reads the contexts registered here. */
const LOCAL_CONTEXTS = Symbol.for('mca-workflow.local-host.sdk-message-contexts');

/**
 * Actions with the method names of the extension's `ServiceBusMessageActions`
 * (`deadletter(message, propertiesToModify?, reason?, description?)`, ...). `onSettled` tells the host
 * the handler settled the message, so the host does not settle it again.
 */
function messageActions(settler: MessageSettler, onSettled: () => void): Record<string, unknown> {
  type Props = Record<string, unknown> | undefined;
  const settling =
    <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      await action(...args);
      onSettled();
    };
  return {
    complete: settling((m: ServiceBusReceivedMessage) => settler.complete(m)),
    abandon: settling((m: ServiceBusReceivedMessage, props?: Props) => settler.abandon(m, props)),
    deadletter: settling(
      (m: ServiceBusReceivedMessage, props?: Props, reason?: string, description?: string) =>
        settler.deadLetter(m, reason, description, props),
    ),
    defer: settling((m: ServiceBusReceivedMessage, props?: Props) => settler.defer(m, props)),
    renewMessageLock: (m: ServiceBusReceivedMessage) => settler.renewLock(m),
  };
}

export class SdkMessageContexts {
  private readonly contexts = new Map<string, SdkMessageContext>();

  /** Makes the app's library able to build contexts; call once the app is loaded. */
  install(appEntryPoint: string, logger: HostLogger): void {
    const functionsPath = nativeRequire(appEntryPoint).resolve('@azure/functions');
    const base = nativeRequire(functionsPath)('@azure/functions-extensions-base') as {
      ResourceFactoryResolver: { getInstance(): ResourceFactoryResolver };
    };
    const resolver = base.ResourceFactoryResolver.getInstance();
    const holder = resolver as unknown as Record<symbol, SdkMessageContexts | undefined>;
    const ours = LOCAL_CONTEXTS in holder;
    // The library lives on across hosts in one process (tests): point its factory at this host.
    holder[LOCAL_CONTEXTS] = this;
    if (ours) return;
    if (resolver.hasResourceFactory(SDK_MESSAGE_SOURCE)) {
      logger.system(
        'warning',
        'A Service Bus SDK-binding factory is already registered (the real extension?); it needs the Azure host and will fail locally.',
      );
      return;
    }
    resolver.registerResourceFactory(SDK_MESSAGE_SOURCE, (modelBindingData: unknown) => {
      const content = (modelBindingData as { content?: Uint8Array | null }).content;
      const context = content
        ? holder[LOCAL_CONTEXTS]?.contexts.get(Buffer.from(content).toString())
        : undefined;
      if (!context) throw new Error('Unknown Service Bus message handle.');
      return context;
    });
  }

  /** Registers one delivery; resolves to the trigger's TypedData and a release for after the invocation. */
  add(
    message: ServiceBusReceivedMessage,
    settler: MessageSettler,
    onSettled: () => void,
  ): { data: RpcTypedData; release: () => void } {
    const handle = randomUUID();
    this.contexts.set(handle, { messages: message, actions: messageActions(settler, onSettled) });
    return {
      data: {
        modelBindingData: {
          source: SDK_MESSAGE_SOURCE,
          contentType: 'application/octet-stream',
          version: '1.0',
          content: Buffer.from(handle),
        },
      },
      release: () => this.contexts.delete(handle),
    };
  }
}
