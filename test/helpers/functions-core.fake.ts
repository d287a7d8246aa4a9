/**
 * A stand-in for `@azure/functions-core` (the module the real worker provides): it captures what
 * `app.generic` registers (df.app.orchestration / activity included) so tests invoke handlers directly.
 * Jest: every test gets it through jest.config.js's `moduleNameMapper` (functions-core.module.ts), so
 * a test only imports `registeredFunctions` / `createTestInvoker`. Plain Node (child processes):
 * `installFakeFunctionsCore()`.
 */
import { randomUUID } from 'node:crypto';
import Module from 'node:module';
import { InvocationContext } from '@azure/functions';
import type { FunctionInvoker, RegisteredFunctionInfo } from '../../local/host/contracts';

type Handler = (triggerValue: unknown, context: InvocationContext) => unknown;

interface CoreFunctionMetadata {
  name: string;
  bindings: RegisteredFunctionInfo['bindings'];
}

const captured = new Map<string, { metadata: CoreFunctionMetadata; handler: Handler }>();
const disposable = { dispose: (): void => undefined };

export const fakeFunctionsCore = {
  version: 'test',
  registerFunction(metadata: CoreFunctionMetadata, handler: Handler) {
    captured.set(metadata.name, { metadata, handler });
    return disposable;
  },
  setProgrammingModel: (): void => undefined,
  registerHook: () => disposable,
};

/** What a host learns from the registrations: name, trigger type and bindings. */
export function registeredFunctions(): RegisteredFunctionInfo[] {
  return [...captured.values()].map(({ metadata }) => {
    const trigger = Object.values(metadata.bindings).find((b) => b.type.endsWith('Trigger'));
    return { name: metadata.name, triggerType: trigger?.type ?? 'unknown', bindings: metadata.bindings };
  });
}

/** Invokes captured handlers as the worker would: JSON in, JSON out, a fresh InvocationContext each time. */
export function createTestInvoker(): FunctionInvoker {
  return {
    async invoke(functionName: string, triggerValue: unknown, options = {}): Promise<unknown> {
      const registration = captured.get(functionName);
      if (!registration) throw new Error(`Function '${functionName}' is not registered`);
      const context = new InvocationContext({
        functionName,
        invocationId: randomUUID(),
        triggerMetadata: options.triggerMetadata,
        logHandler: () => undefined,
      });
      const result = await registration.handler(jsonRoundTrip(triggerValue), context);
      return jsonRoundTrip(result);
    },
  };
}

/** Makes `require('@azure/functions-core')` resolve to the fake outside Jest. */
export function installFakeFunctionsCore(): void {
  const loader = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _cache: Record<string, unknown>;
  };
  const resolve = loader._resolveFilename.bind(loader);
  const id = '@azure/functions-core';
  loader._resolveFilename = (request, ...rest) => (request === id ? id : resolve(request, ...rest));
  loader._cache[id] = { id, filename: id, loaded: true, exports: fakeFunctionsCore };
}

function jsonRoundTrip(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}
