/**
 * Opens a log scope (shared/observability) around every invocation: structured logs from shared code
 * go to this invocation's `context.log` / `warn` / `error` with its function, invocation, durable
 * instance and tenant as `key=value` dimensions. Documented v4 hook: a preInvocation hook may replace
 * the handler it runs.
 */
import {
  app,
  type FunctionHandler,
  type FunctionResult,
  type InvocationContext,
  type PreInvocationContext,
} from '@azure/functions';
import { formatLogLine, invocationDimensions, runWithLogScope, type LogSink } from '../shared/observability';

export function contextLogSink(context: Pick<InvocationContext, 'log' | 'warn' | 'error'>): LogSink {
  return ({ level, message, dimensions }) => {
    const line = formatLogLine(message, dimensions);
    if (level === 'error') context.error(line);
    else if (level === 'warning') context.warn(line);
    else context.log(line);
  };
}

export function openLogScope(hook: PreInvocationContext): void {
  const context = hook.invocationContext;
  const handler = hook.functionHandler;
  const dimensions = invocationDimensions({
    functionName: context.functionName,
    invocationId: context.invocationId,
    triggerMetadata: context.triggerMetadata,
    input: hook.inputs[0],
  });
  const scoped: FunctionHandler = (input: unknown, invocation: InvocationContext): FunctionResult =>
    runWithLogScope(contextLogSink(context), dimensions, (): FunctionResult => handler(input, invocation));
  hook.functionHandler = scoped;
}

export function registerLogScope(): void {
  app.hook.preInvocation(openLogScope);
}
