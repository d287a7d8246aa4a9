/** Plain fakes shared by the feed, reminders and sweep tests: a recording DurableClient and a store. */
import { InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import type { Cursor } from '../../../shared/store';
import { ConflictError } from '../../../shared/store';

export interface StartCall {
  name: string;
  instanceId: string;
  input: unknown;
}

/** Records starts and events; instances are whatever `seed` or `startNew` put there. */
export class FakeDurableClient {
  readonly runtimeStatus = new Map<string, string>();
  readonly started: StartCall[] = [];
  readonly raised: { instanceId: string; eventName: string; payload: unknown }[] = [];

  seed(instanceId: string, runtimeStatus: string): this {
    this.runtimeStatus.set(instanceId, runtimeStatus);
    return this;
  }

  getStatus(instanceId: string): Promise<{ runtimeStatus: string }> {
    const status = this.runtimeStatus.get(instanceId);
    // durable-functions v3 reports an unknown instance as an error naming the 404.
    if (status === undefined) return Promise.reject(new Error(`Instance ${instanceId}: HTTP 404`));
    return Promise.resolve({ runtimeStatus: status });
  }

  startNew(name: string, options: { instanceId: string; input?: unknown }): Promise<string> {
    const status = this.runtimeStatus.get(options.instanceId);
    if (status === 'Running' || status === 'Pending') return Promise.reject(new Error('HTTP 409'));
    this.started.push({ name, instanceId: options.instanceId, input: options.input });
    this.runtimeStatus.set(options.instanceId, 'Pending');
    return Promise.resolve(options.instanceId);
  }

  raiseEvent(instanceId: string, eventName: string, payload: unknown): Promise<void> {
    this.raised.push({ instanceId, eventName, payload });
    return Promise.resolve();
  }

  get client(): df.DurableClient {
    return this as unknown as df.DurableClient;
  }
}

export class FakeProcessedEvents {
  readonly seen = new Set<string>();
  isProcessed(source: string, eventId: string): Promise<boolean> {
    return Promise.resolve(this.seen.has(`${source}|${eventId}`));
  }
  markProcessed(source: string, eventId: string): Promise<boolean> {
    const key = `${source}|${eventId}`;
    if (this.seen.has(key)) return Promise.resolve(false);
    this.seen.add(key);
    return Promise.resolve(true);
  }
}

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

/** An InvocationContext whose log lines the test can read. */
export function recordingContext(): { context: InvocationContext; lines: string[] } {
  const lines: string[] = [];
  const context = new InvocationContext({
    functionName: 'test',
    invocationId: 'test',
    logHandler: (_level, ...args) =>
      lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
  });
  return { context, lines };
}
