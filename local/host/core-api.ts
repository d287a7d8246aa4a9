/**
 * Our stand-in for `@azure/functions-core`, the module the real Node.js worker builds into itself and
 * through which `@azure/functions` registers functions, hooks and its programming model. Installed the
 * way the worker installs it (a proxy on Node's `Module.prototype.require`), so node_modules stay
 * untouched. One per process: the library caches the module and sets its programming model once,
 * so a second host in the same process (tests) reuses both and only swaps the registry.
 */
import { nativeModule, nativeProcess } from './native-runtime';
import type {
  CoreFunctionMetadata,
  FunctionCallback,
  HookCallback,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './rpc-types';

export const CORE_MODULE_NAME = '@azure/functions-core';

/** Version we report as the worker's; log hooks need 3.10+ (host 4.34+). */
const WORKER_VERSION = '3.10.1';
const HOST_VERSION = '4.1037.0';

export class Disposable {
  static from(...likes: { dispose: () => unknown }[]): Disposable {
    return new Disposable(() => likes.forEach((like) => like.dispose()));
  }

  private disposed = false;

  constructor(private readonly callOnDispose: () => unknown) {}

  dispose(): unknown {
    if (this.disposed) return undefined;
    this.disposed = true;
    return this.callOnDispose();
  }
}

/** What one host does with the calls the app makes into the core module. */
export interface CoreApiListener {
  registerFunction(metadata: CoreFunctionMetadata, callback: FunctionCallback): Disposable;
  registerHook(hookName: string, callback: HookCallback): Disposable;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

interface CoreApiState {
  listener?: CoreApiListener;
  programmingModel?: ProgrammingModel;
  /** Each model by the file of the `@azure/functions` copy that set it. */
  modelsBySetter?: Map<string, ProgrammingModel>;
  installed: boolean;
}

/**
 * The file that called `setProgrammingModel`: the `@azure/functions` copy (or the bundle holding one).
 * Each copy sets its model once per process, when it first registers a function. Raw call sites, as
 * source maps (Jest's) would name the library's sources instead of the file Node loaded.
 */
function callerFile(): string | undefined {
  const original: unknown = Reflect.get(Error, 'prepareStackTrace');
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const sites = new Error().stack as unknown as NodeJS.CallSite[];
    const here = sites[0]?.getFileName();
    return sites.map((site) => site.getFileName()).find((file) => file && file !== here) ?? undefined;
  } finally {
    Reflect.set(Error, 'prepareStackTrace', original);
  }
}

const STATE_KEY = Symbol.for('mca-workflow.local-host.functions-core');

function processState(): CoreApiState {
  const holder = nativeProcess as unknown as Record<symbol, CoreApiState | undefined>;
  holder[STATE_KEY] ??= { installed: false };
  return holder[STATE_KEY];
}

function requireListener(): CoreApiListener {
  const listener = processState().listener;
  if (!listener) throw new Error('The local Functions host is not running: no app can register now.');
  return listener;
}

function createCoreApi(): Record<string, unknown> {
  const state = processState();
  return {
    version: WORKER_VERSION,
    hostVersion: HOST_VERSION,
    registerFunction: (metadata: CoreFunctionMetadata, callback: FunctionCallback) =>
      requireListener().registerFunction(metadata, callback),
    registerHook: (hookName: string, callback: HookCallback) =>
      requireListener().registerHook(hookName, callback),
    setProgrammingModel: (model: ProgrammingModel) => {
      state.programmingModel = model;
      const setter = callerFile();
      if (setter) (state.modelsBySetter ??= new Map()).set(setter, model);
    },
    getProgrammingModel: () => state.programmingModel,
    log: (level: RpcLogLevel, category: RpcLogCategory, message: string) =>
      state.listener?.log(level, category, message),
    Disposable,
  };
}

/**
 * Modules the local host stands in for. The Service Bus SDK-binding extension registers a factory that
 * settles messages through the Azure host's gRPC service; locally the host registers its own factory
 * for the same source (service-bus-sdk-binding.ts), so the app's `import` of the extension gets nothing.
 */
const HOST_PROVIDED_MODULES: Record<string, unknown> = {
  '@azure/functions-extensions-servicebus': Object.freeze({}),
};

/**
 * Makes `require('@azure/functions-core')` return the core API for every module Node loads, and the
 * host-provided stand-ins above in place of their packages.
 */
export function installCoreModule(): void {
  const state = processState();
  if (state.installed) return;
  const coreApi = createCoreApi();
  const prototype = (nativeModule as unknown as { prototype: { require: (id: string) => unknown } })
    .prototype;
  prototype.require = new Proxy(prototype.require, {
    apply(target, thisArg, args: unknown[]) {
      const id = args[0];
      if (id === CORE_MODULE_NAME) return coreApi;
      if (typeof id === 'string' && Object.hasOwn(HOST_PROVIDED_MODULES, id))
        return HOST_PROVIDED_MODULES[id];
      return Reflect.apply(target, thisArg, args) as unknown;
    },
  });
  state.installed = true;
}

/** Routes the core API to `listener` (the host loading or running an app); returns the previous one. */
export function setCoreApiListener(listener: CoreApiListener | undefined): CoreApiListener | undefined {
  const state = processState();
  const previous = state.listener;
  state.listener = listener;
  return previous;
}

export function currentListener(): CoreApiListener | undefined {
  return processState().listener;
}

/** The programming model set last, by whichever `@azure/functions` copy registered a function last. */
export function currentProgrammingModel(): ProgrammingModel | undefined {
  return processState().programmingModel;
}

/** The model a given `@azure/functions` file set, if that copy has registered a function in this process. */
export function programmingModelSetBy(file: string): ProgrammingModel | undefined {
  return processState().modelsBySetter?.get(file);
}
