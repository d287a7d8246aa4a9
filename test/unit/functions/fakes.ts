/** Plain fakes shared by the function tests: a recording DurableClient, store parts, a context. */
import { InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import type { Cursor } from '../../../shared/store';
import { ConflictError } from '../../../shared/store';

export interface StartCall {
  name: string;
  instanceId: string;
  input: unknown;
}

/**
 * Records starts and events; instances exist once seeded or started. Like durable-functions v3, an unknown
 * instance is a 404 and starting one that is Pending or Running is a 409. `failWith` makes every call fail.
 */
export class FakeDurableClient {
  readonly runtimeStatus = new Map<string, string>();
  /** A finished instance's output (the orchestration's result). */
  readonly output = new Map<string, unknown>();
  readonly started: StartCall[] = [];
  readonly raised: { instanceId: string; eventName: string; payload: unknown }[] = [];
  failWith: Error | undefined;

  seed(instanceId: string, runtimeStatus: string, output?: unknown): this {
    this.runtimeStatus.set(instanceId, runtimeStatus);
    if (output !== undefined) this.output.set(instanceId, output);
    return this;
  }

  getStatus(instanceId: string): Promise<{ runtimeStatus: string; output?: unknown }> {
    if (this.failWith) return Promise.reject(this.failWith);
    const status = this.runtimeStatus.get(instanceId);
    // As durable-functions v3 words an unknown instance.
    if (status === undefined)
      return Promise.reject(new Error(`DurableClient error: replied with HTTP 404 response: ${instanceId}`));
    return Promise.resolve({ runtimeStatus: status, output: this.output.get(instanceId) });
  }

  startNew(name: string, options: { instanceId: string; input?: unknown }): Promise<string> {
    if (this.failWith) return Promise.reject(this.failWith);
    const status = this.runtimeStatus.get(options.instanceId);
    if (status === 'Running' || status === 'Pending')
      return Promise.reject(new Error(`HTTP 409: ${options.instanceId} is ${status}`));
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

/** Remembers `source|eventId` keys; `failWith` makes every call fail. */
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
    if (this.seen.has(key)) return Promise.resolve(false);
    this.seen.add(key);
    return Promise.resolve(true);
  }
}

/** Named cursors with ETags: a `set` with a stale ETag is a ConflictError. */
export class FakeCursors {
  readonly values = new Map<string, Cursor>();
  private version = 0;

  get(name: string): Promise<Cursor | undefined> {
    return Promise.resolve(this.values.get(name));
  }

  set(name: string, value: string, etag?: string): Promise<{ etag: string }> {
    if (this.values.get(name)?.etag !== etag) return Promise.reject(new ConflictError(`${name} changed`));
    const next = { value, etag: `etag-${++this.version}` };
    this.values.set(name, next);
    return Promise.resolve({ etag: next.etag });
  }
}

export interface LogLine {
  level: string;
  text: string;
}

/** An InvocationContext whose log lines the test can read: `logs` with their level, `lines` as text only. */
export function recordingContext(invocationId = 'invocation-1'): {
  context: InvocationContext;
  logs: LogLine[];
  lines: string[];
} {
  const logs: LogLine[] = [];
  const lines: string[] = [];
  const context = new InvocationContext({
    functionName: 'test',
    invocationId,
    logHandler: (level, ...args) => {
      const text = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      logs.push({ level, text });
      lines.push(text);
    },
  });
  return { context, logs, lines };
}
