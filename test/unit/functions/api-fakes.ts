/** Plain fakes for the CRM queue and HTTP API tests: a recording DurableClient, store parts, a context. */
import { InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';

/** Records starts and events; instances exist once seeded or started. `failWith` makes every call fail. */
export class FakeDurableClient {
  readonly runtimeStatus = new Map<string, string>();
  readonly started: { name: string; instanceId: string; input: unknown }[] = [];
  readonly raised: { instanceId: string; eventName: string; payload: unknown }[] = [];
  failWith: Error | undefined;

  seed(instanceId: string, runtimeStatus: string): this {
    this.runtimeStatus.set(instanceId, runtimeStatus);
    return this;
  }

  getStatus(instanceId: string): Promise<{ runtimeStatus: string }> {
    if (this.failWith) return Promise.reject(this.failWith);
    const status = this.runtimeStatus.get(instanceId);
    // As durable-functions v3 words an unknown instance.
    if (status === undefined)
      return Promise.reject(new Error(`replied with HTTP 404 response: ${instanceId}`));
    return Promise.resolve({ runtimeStatus: status });
  }

  startNew(name: string, options: { instanceId: string; input?: unknown }): Promise<string> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.started.push({ name, instanceId: options.instanceId, input: options.input });
    this.runtimeStatus.set(options.instanceId, 'Pending');
    return Promise.resolve(options.instanceId);
  }

  raiseEvent(instanceId: string, eventName: string, payload: unknown): Promise<void> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.raised.push({ instanceId, eventName, payload });
    return Promise.resolve();
  }

  get client(): df.DurableClient {
    return this as unknown as df.DurableClient;
  }
}

export class FakeProcessedEvents {
  readonly seen = new Set<string>();
  failWith: Error | undefined;

  isProcessed(source: string, eventId: string): Promise<boolean> {
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve(this.seen.has(`${source}|${eventId}`));
  }

  markProcessed(source: string, eventId: string): Promise<boolean> {
    if (this.failWith) return Promise.reject(this.failWith);
    const key = `${source}|${eventId}`;
    const first = !this.seen.has(key);
    this.seen.add(key);
    return Promise.resolve(first);
  }
}

export interface LogLine {
  level: string;
  text: string;
}

/** An InvocationContext whose log lines the test can read. */
export function recordingContext(invocationId = 'invocation-1'): {
  context: InvocationContext;
  logs: LogLine[];
} {
  const logs: LogLine[] = [];
  const context = new InvocationContext({
    functionName: 'test',
    invocationId,
    logHandler: (level, ...args) =>
      logs.push({ level, text: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') }),
  });
  return { context, logs };
}
