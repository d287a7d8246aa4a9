/**
 * The invocation's log scope: where structured logs go and the dimensions every line carries
 * (function, invocation, durable instance, tenant). A hook (functions/log-scope.hook.ts) opens one
 * per invocation, so shared code deep below a handler (the Partner Center client) logs with the
 * invocation's dimensions without a context passed down every call. Outside a scope logs are dropped.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mergeDimensions, type LogDimensions, type LogLevel, type LogSink } from './log-line';

interface LogScope {
  sink: LogSink;
  dimensions: LogDimensions;
}

const scopes = new AsyncLocalStorage<LogScope>();

/** Runs `work` with `sink` receiving every `logEvent` inside it, with `dimensions` added to each. */
export function runWithLogScope<T>(sink: LogSink, dimensions: LogDimensions, work: () => T): T {
  return scopes.run({ sink, dimensions }, work);
}

/** Runs `work` with more dimensions (e.g. the tenant an activity works on) in the current scope. */
export function withLogDimensions<T>(dimensions: LogDimensions, work: () => T): T {
  const current = scopes.getStore();
  if (!current) return work();
  return scopes.run(
    { sink: current.sink, dimensions: mergeDimensions(current.dimensions, dimensions) },
    work,
  );
}

/** Logs to the current invocation's sink with its dimensions plus `dimensions`. */
export function logEvent(level: LogLevel, message: string, dimensions: LogDimensions = {}): void {
  const current = scopes.getStore();
  current?.sink({ level, message, dimensions: mergeDimensions(current.dimensions, dimensions) });
}

/** The current scope's dimensions (empty outside a scope). */
export function currentLogDimensions(): LogDimensions {
  return { ...(scopes.getStore()?.dimensions ?? {}) };
}
