/**
 * Runs one invocation exactly as the Node.js worker's InvocationHandler does: the app's programming
 * model builds the arguments from an RPC `InvocationRequest`, preInvocation hooks may change inputs
 * and the callback, the handler runs, postInvocation hooks may change the result or error, and the
 * model turns the result into an RPC `InvocationResponse`.
 */
import { randomUUID } from 'node:crypto';
import type { AppRegistry, RegisteredFunction } from './app-registry';
import type { FunctionInvoker, InvokeOptions } from './contracts';
import { currentProgrammingModel } from './core-api';
import type { HostLogger } from './host-logger';
import type {
  CoreInvocationContext,
  InvocationState,
  ProgrammingModel,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcRetryContext,
  RpcTypedData,
} from './rpc-types';
import { fromTypedData, toJsonTypedData, toTypedData } from './typed-data';

export interface InvocationInput {
  functionName: string;
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: RpcRetryContext;
  /** Shown in the invocation line, e.g. `GET /api/x`. */
  detail?: string;
  /** Durable instance id, when the trigger carries one. */
  instanceId?: string;
}

export interface InvocationResult {
  invocationId: string;
  response: RpcInvocationResponse;
}

/** Sends what output bindings (other than an HTTP response) produced, e.g. Service Bus messages. */
export type OutputHandler = (
  fn: RegisteredFunction,
  bindingName: string,
  data: RpcTypedData,
  invocationId: string,
) => Promise<void>;

export interface InvokerDeps {
  registry: AppRegistry;
  logger: HostLogger;
  now: () => number;
  /** Values for input bindings the host supplies itself (e.g. `durableClient`), by binding type. */
  inputFor: (bindingType: string) => RpcTypedData | undefined;
  handleOutput: OutputHandler;
  /** The programming model of the app's own `@azure/functions`; default the one set last. */
  programmingModel?: ProgrammingModel;
}

function defineReadOnly(target: object, name: string, get: () => unknown): void {
  Object.defineProperty(target, name, {
    enumerable: true,
    get,
    set: () => {
      throw new TypeError(`Cannot assign to read only property '${name}'`);
    },
  });
}

function hookContext(
  hookData: Record<string, unknown>,
  appHookData: Record<string, unknown>,
  fields: Record<string, unknown>,
  invocationContext?: () => unknown,
): Record<string, unknown> {
  const context: Record<string, unknown> = { ...fields };
  defineReadOnly(context, 'hookData', () => hookData);
  defineReadOnly(context, 'appHookData', () => appHookData);
  if (invocationContext) defineReadOnly(context, 'invocationContext', invocationContext);
  return context;
}

export class LocalFunctionInvoker implements FunctionInvoker {
  private inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: InvokerDeps) {}

  /** The contract the durable engine uses: trigger value in, decoded return value out. */
  async invoke(functionName: string, triggerValue: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const fn = this.lookup(functionName);
    const inputData: RpcParameterBinding[] = [{ name: fn.triggerName, data: toJsonTypedData(triggerValue) }];
    for (const [name, value] of Object.entries(options.inputs ?? {})) {
      inputData.push({ name, data: toJsonTypedData(value) });
    }
    const triggerMetadata: Record<string, RpcTypedData> = {};
    for (const [key, value] of Object.entries(options.triggerMetadata ?? {})) {
      const data = toTypedData(value);
      if (data) triggerMetadata[key] = data;
    }
    let result: InvocationResult;
    try {
      result = await this.run({
        functionName,
        inputData,
        triggerMetadata,
        instanceId: instanceIdOf(triggerValue, options.triggerMetadata),
      });
    } catch (error) {
      throw sameRealmError(error);
    }
    return fromTypedData(result.response.returnValue);
  }

  lookup(functionName: string): RegisteredFunction {
    const fn = this.deps.registry.functions.get(functionName);
    if (!fn) throw new Error(`Function "${functionName}" is not registered.`);
    return fn;
  }

  /** Runs one invocation; rejects with the handler's error after logging it. */
  run(input: InvocationInput): Promise<InvocationResult> {
    const promise = this.runInner(input);
    const tracked = promise.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return promise;
  }

  /** Waits (at most `timeoutMs`) for running invocations to finish. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all([...this.inFlight]), timeout]);
    clearTimeout(timer);
  }

  private async runInner(input: InvocationInput): Promise<InvocationResult> {
    const { registry, logger } = this.deps;
    const fn = this.lookup(input.functionName);
    const model = this.deps.programmingModel ?? currentProgrammingModel();
    if (!model) throw new Error('The app never set a programming model (did it load @azure/functions?).');
    const invocationId = randomUUID();
    const startedAt = this.deps.now();
    const started = performance.now();
    let invocationContext: unknown;

    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: fn.metadata.functionId,
        inputData: this.withHostInputs(fn, input.inputData),
        triggerMetadata: input.triggerMetadata ?? {},
        retryContext: input.retryContext,
      },
      metadata: fn.metadata,
      state: undefined as InvocationState | undefined,
      log: (level, category, message) =>
        this.emitLog(fn.info.name, level, category, message, invocationContext),
    };

    let error: unknown;
    try {
      const invocationModel = await model.getInvocationModel(coreCtx);
      const args = await invocationModel.getArguments();
      invocationContext = args.context;
      const hookData: Record<string, unknown> = {};
      const pre = hookContext(
        hookData,
        registry.appHookData,
        { inputs: args.inputs, functionCallback: fn.callback },
        () => invocationContext,
      );
      coreCtx.state = 'preInvocationHooks';
      try {
        await registry.runHooks('preInvocation', pre);
      } finally {
        coreCtx.state = undefined;
      }
      const inputs = pre.inputs as unknown[];
      const post = hookContext(
        hookData,
        registry.appHookData,
        { inputs, result: null, error: null },
        () => invocationContext,
      );
      coreCtx.state = 'invocation';
      try {
        post.result = await invocationModel.invokeFunction(
          invocationContext,
          inputs,
          pre.functionCallback as typeof fn.callback,
        );
      } catch (thrown) {
        post.error = thrown;
      } finally {
        coreCtx.state = undefined;
      }
      coreCtx.state = 'postInvocationHooks';
      try {
        await registry.runHooks('postInvocation', post);
      } finally {
        coreCtx.state = undefined;
      }
      // The handler's own thrown value, unchanged, as the worker rethrows it.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (post.error !== null && post.error !== undefined) throw post.error;
      const response = await invocationModel.getResponse(invocationContext, post.result);
      await this.sendOutputs(fn, response, invocationId);
      return { invocationId, response };
    } catch (thrown) {
      error = thrown;
      throw thrown;
    } finally {
      logger.invocation({
        at: startedAt,
        functionName: fn.info.name,
        triggerType: fn.info.triggerType,
        durationMs: performance.now() - started,
        error,
        instanceId: input.instanceId,
        detail: input.detail,
      });
    }
  }

  /** Adds values for input bindings the host itself provides (the app never passes them). */
  private withHostInputs(fn: RegisteredFunction, inputData: RpcParameterBinding[]): RpcParameterBinding[] {
    const given = new Set(inputData.map((b) => b.name));
    const result = [...inputData];
    for (const [name, binding] of Object.entries(fn.info.bindings)) {
      if (binding.direction !== 'in' || given.has(name) || name === fn.triggerName) continue;
      const data = this.deps.inputFor(binding.type);
      if (data) result.push({ name, data });
    }
    return result;
  }

  private async sendOutputs(
    fn: RegisteredFunction,
    response: RpcInvocationResponse,
    invocationId: string,
  ): Promise<void> {
    const outputs: [string, RpcTypedData][] = [];
    for (const binding of response.outputData ?? []) {
      if (binding.name && binding.data) outputs.push([binding.name, binding.data]);
    }
    const returnBinding = fn.info.bindings.$return;
    if (returnBinding && returnBinding.type.toLowerCase() !== 'http' && response.returnValue) {
      outputs.push(['$return', response.returnValue]);
    }
    for (const [name, data] of outputs) await this.deps.handleOutput(fn, name, data, invocationId);
  }

  private emitLog(
    functionName: string,
    level: RpcLogLevel,
    category: RpcLogCategory,
    message: string,
    invocationContext: unknown,
  ): void {
    const { registry, logger } = this.deps;
    const entry = { level, message };
    if (registry.hooks.log.length > 0) {
      const context = hookContext({}, registry.appHookData, entry, () => invocationContext);
      defineReadOnly(context, 'category', () => category);
      for (const hook of registry.hooks.log) hook(context);
      // Hooks may rewrite user logs only, as in the worker.
      if (category === 'user') {
        entry.level = context.level as RpcLogLevel;
        entry.message = String(context.message);
      }
    }
    if (category === 'user') logger.user(functionName, entry.level, entry.message);
    else logger.system(entry.level, `${functionName}: ${entry.message}`);
  }
}

/**
 * Under Jest the app runs in Node's main realm and the caller in a sandbox, so the app's Error is not
 * `instanceof Error` for the caller. Such an error is copied (name, message, stack, own fields) into
 * a local Error; anything else is passed on untouched.
 */
function sameRealmError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error;
  if (!('message' in error) || Object.prototype.toString.call(error) !== '[object Error]') return error;
  const copy = new Error(String(error.message), { cause: error });
  Object.assign(copy, error);
  for (const key of ['name', 'stack'] as const) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === 'string') copy[key] = value;
  }
  return copy;
}

/** The durable instance id a trigger carries, for the invocation line. */
function instanceIdOf(
  triggerValue: unknown,
  metadata: Record<string, unknown> | undefined,
): string | undefined {
  const fromMetadata = metadata?.instanceId ?? metadata?.InstanceId;
  if (typeof fromMetadata === 'string') return fromMetadata;
  if (typeof triggerValue === 'object' && triggerValue !== null && 'instanceId' in triggerValue) {
    const id = triggerValue.instanceId;
    if (typeof id === 'string') return id;
  }
  return undefined;
}
