/**
 * The seam between the local Functions host (app loading, triggers, invocation) and the local
 * Durable Functions engine. Neither side knows about MCA.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock';

/** A function the app registered, as the host captured it from `@azure/functions-core`. */
export interface RegisteredFunctionInfo {
  name: string;
  /** Binding type of the trigger, e.g. `httpTrigger`, `orchestrationTrigger`, `activityTrigger`. */
  triggerType: string;
  /** Every binding (trigger, inputs, outputs) as the app declared it, keyed by binding name. */
  bindings: Record<string, { type: string; direction: 'in' | 'out' | 'inout'; [key: string]: unknown }>;
  /** Retry policy declared on the function, if any. */
  retry?: unknown;
}

export interface InvokeOptions {
  triggerMetadata?: Record<string, unknown>;
  /** Values for extra input bindings, keyed by binding name. */
  inputs?: Record<string, unknown>;
}

export interface FunctionInvoker {
  /**
   * Invokes a registered function through the app's own programming model (as the worker would),
   * passing `triggerValue` as the trigger's data (JSON-serialisable). Resolves to the function's
   * return value, decoded from what the model returned; rejects with the function's error.
   */
  invoke(functionName: string, triggerValue: unknown, options?: InvokeOptions): Promise<unknown>;
}

/** Something that answers some HTTP requests on the host's port (e.g. the durable management API). */
export interface HttpExtension {
  /** Handles the request and returns true, or returns false to let the host route it. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
}

export interface DurableEngineOptions {
  invoker: FunctionInvoker;
  functions: RegisteredFunctionInfo[];
  clock: Clock;
  /** Folder where histories and pending work persist (e.g. `.local/durable`). */
  dataDir: string;
  hubName: string;
  /** Base URL of the host, e.g. `http://127.0.0.1:7071`, for the client binding's URLs. */
  baseUrl: string;
  log?: (line: string) => void;
}

export interface DurableEngine extends HttpExtension {
  /** Loads persisted state and resumes every unfinished instance. */
  start(): Promise<void>;
  /** Stops dispatching; in-flight work is left to resume on the next start. */
  stop(): Promise<void>;
  /** The value the host passes for a `durableClient` input binding (JSON string, as the real host does). */
  clientBindingData(): string;
  /** Resolves when no orchestration or activity work is runnable right now (timers may still be pending). */
  idle(): Promise<void>;
}
