/**
 * Host log output: one line per invocation, the app's `context.log` calls filtered by the
 * `host.json` `logging.logLevel` categories (`Function.<name>.User`, `Function.<name>`, `default`),
 * and the worker's system messages only with `verbose`.
 */
import type { RpcLogLevel } from './rpc-types';

export type LogSink = (line: string) => void;

const LEVELS: Record<string, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

function rank(level: string): number {
  return LEVELS[level.toLowerCase()] ?? LEVELS.information;
}

export interface InvocationSummary {
  at: number;
  functionName: string;
  triggerType: string;
  durationMs: number;
  error?: unknown;
  instanceId?: string;
  detail?: string;
}

export class HostLogger {
  constructor(
    private readonly sink: LogSink,
    private readonly logLevels: Record<string, string>,
    private readonly verbose: boolean,
    private readonly now: () => number,
  ) {}

  /** The configured minimum level for a category: the longest matching `logLevel` key wins. */
  minimumLevel(category: string): number {
    let best: string | undefined;
    for (const key of Object.keys(this.logLevels)) {
      if (key === 'default') continue;
      const matches = category === key || category.startsWith(`${key}.`);
      if (matches && (best === undefined || key.length > best.length)) best = key;
    }
    const level = best !== undefined ? this.logLevels[best] : this.logLevels.default;
    return rank(level ?? 'information');
  }

  user(functionName: string, level: RpcLogLevel, message: string): void {
    if (rank(level) < this.minimumLevel(`Function.${functionName}.User`)) return;
    this.write(`${functionName} ${level}: ${message}`);
  }

  system(level: RpcLogLevel, message: string): void {
    if (!this.verbose && rank(level) < LEVELS.warning) return;
    this.write(`host ${level}: ${message}`);
  }

  info(message: string): void {
    this.write(message);
  }

  invocation(summary: InvocationSummary): void {
    const outcome = summary.error === undefined ? 'Succeeded' : `Failed (${describeError(summary.error)})`;
    const instance = summary.instanceId ? ` instance=${summary.instanceId}` : '';
    const detail = summary.detail && this.verbose ? ` ${summary.detail}` : '';
    this.sink(
      `[${new Date(summary.at).toISOString()}] ${summary.functionName} ${summary.triggerType}${detail} ` +
        `${Math.round(summary.durationMs)}ms ${outcome}${instance}`,
    );
  }

  private write(text: string): void {
    this.sink(`[${new Date(this.now()).toISOString()}] ${text}`);
  }
}

export function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
