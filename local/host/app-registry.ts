/**
 * What the app registered through `@azure/functions-core` while it loaded: functions (metadata as the
 * worker keeps it) and lifecycle hooks. Registration closes once the app has started, as in the worker.
 */
import path from 'node:path';
import type { RegisteredFunctionInfo } from './contracts';
import { Disposable, type CoreApiListener } from './core-api';
import type {
  CoreFunctionMetadata,
  FunctionCallback,
  HookCallback,
  HookName,
  RpcBindingInfo,
  RpcFunctionMetadata,
  RpcLogCategory,
  RpcLogLevel,
} from './rpc-types';

export interface RegisteredFunction {
  metadata: RpcFunctionMetadata;
  callback: FunctionCallback;
  info: RegisteredFunctionInfo;
  triggerName: string;
}

const HOOK_NAMES: readonly HookName[] = [
  'preInvocation',
  'postInvocation',
  'appStart',
  'appTerminate',
  'log',
];

function isHookName(name: string): name is HookName {
  return (HOOK_NAMES as readonly string[]).includes(name);
}

function isTriggerType(type: unknown): type is string {
  return typeof type === 'string' && /trigger$/i.test(type);
}

function toInfo(
  name: string,
  metadata: CoreFunctionMetadata,
): { info: RegisteredFunctionInfo; triggerName: string } {
  let trigger: [string, RpcBindingInfo] | undefined;
  const bindings: RegisteredFunctionInfo['bindings'] = {};
  for (const [bindingName, binding] of Object.entries(metadata.bindings)) {
    const { type, direction, ...rest } = binding;
    if (typeof type !== 'string')
      throw new Error(`Binding "${bindingName}" of function "${name}" has no type.`);
    bindings[bindingName] = { ...rest, type, direction: direction ?? 'in' };
    if (isTriggerType(type)) trigger = [bindingName, binding];
  }
  if (!trigger) throw new Error(`Function "${name}" has no trigger binding.`);
  const info: RegisteredFunctionInfo = { name, triggerType: String(trigger[1].type), bindings };
  if (metadata.retryOptions !== undefined) info.retry = metadata.retryOptions;
  return { info, triggerName: trigger[0] };
}

export class AppRegistry implements CoreApiListener {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, HookCallback[]> = {
    preInvocation: [],
    postInvocation: [],
    appStart: [],
    appTerminate: [],
    log: [],
  };
  /** Shared by all hooks (`appHookData`); `appLevelHookData` is the app-start/terminate scope. */
  readonly appHookData: Record<string, unknown> = {};
  readonly appLevelHookData: Record<string, unknown> = {};
  currentEntryPoint: string | undefined;
  private locked = false;

  constructor(
    private readonly onLog: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void,
  ) {}

  registerFunction(metadata: CoreFunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.locked) throw new Error('A function can only be registered during app startup.');
    const functionId = metadata.functionId ?? metadata.name;
    if (this.functions.has(functionId)) {
      throw new Error(`A function with id "${functionId}" has already been registered.`);
    }
    const { info, triggerName } = toInfo(metadata.name, metadata);
    const rpcMetadata: RpcFunctionMetadata = {
      ...metadata,
      functionId,
      rawBindings: Object.entries(metadata.bindings).map(([name, binding]) =>
        JSON.stringify({ ...binding, name }),
      ),
      scriptFile: this.currentEntryPoint ? path.basename(this.currentEntryPoint) : 'unknown',
      directory: this.currentEntryPoint ? path.dirname(this.currentEntryPoint) : null,
    };
    this.functions.set(functionId, { metadata: rpcMetadata, callback, info, triggerName });
    return new Disposable(() => {
      if (this.locked) throw new Error('A function can only be disposed during app startup.');
      this.functions.delete(functionId);
    });
  }

  registerHook(hookName: string, callback: HookCallback): Disposable {
    if (!isHookName(hookName)) {
      const error = new RangeError(`Unrecognized hook "${hookName}"`);
      Object.assign(error, { isAzureFunctionsSystemError: true });
      throw error;
    }
    const list = this.hooks[hookName];
    list.push(callback);
    return new Disposable(() => {
      const index = list.indexOf(callback);
      if (index >= 0) list.splice(index, 1);
    });
  }

  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
    this.onLog(level, category, message);
  }

  /** Called once the entry points are loaded: from now on the function list is fixed. */
  lock(): void {
    this.locked = true;
  }

  infos(): RegisteredFunctionInfo[] {
    return [...this.functions.values()].map((f) => f.info);
  }

  async runHooks(hookName: HookName, context: Record<string, unknown>): Promise<void> {
    for (const callback of [...this.hooks[hookName]]) await callback(context);
  }
}
