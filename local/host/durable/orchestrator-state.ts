/**
 * Reads what an orchestrator invocation returned (the library's `OrchestratorState`, schema V3) and turns
 * its action tree into the flat list of tasks the host schedules.
 */
import { z } from 'zod';

/** The library's `ActionType` numbers. */
const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  WhenAny: 11,
  WhenAll: 12,
} as const;

const retryOptionsSchema = z.object({
  firstRetryIntervalInMilliseconds: z.number().positive(),
  maxNumberOfAttempts: z.number().int(),
  backoffCoefficient: z.number().optional(),
  maxRetryIntervalInMilliseconds: z.number().optional(),
  retryTimeoutInMilliseconds: z.number().optional(),
});
export type RetryOptions = z.infer<typeof retryOptionsSchema>;

const stateSchema = z.object({
  isDone: z.boolean(),
  actions: z.array(z.array(z.unknown())),
  output: z.unknown().optional(),
  error: z.string().optional(),
  customStatus: z.unknown().optional(),
});

/** One task the orchestrator scheduled, in the order the library numbered it. */
export type ScheduledAction =
  | { kind: 'activity'; name: string; input: unknown; retry?: RetryOptions }
  | { kind: 'subOrchestration'; name: string; input: unknown; instanceId?: string; retry?: RetryOptions }
  | { kind: 'timer'; fireAt: number; canceled: boolean };

export interface OrchestratorResult {
  isDone: boolean;
  /** Every task the orchestrator has scheduled since its execution started, depth-first. */
  tasks: ScheduledAction[];
  continueAsNew?: { input: unknown };
  output: unknown;
  customStatus: unknown;
  error?: string;
}

const outOfProcDataLabel = '\n\n$OutOfProcData$:';

/** Decodes a successful invocation's return value (an object, or its JSON as a real worker sends it). */
export function parseOrchestratorResult(returned: unknown): OrchestratorResult {
  const state = stateSchema.parse(
    typeof returned === 'string' ? (JSON.parse(returned) as unknown) : returned,
  );
  const tasks: ScheduledAction[] = [];
  let continueAsNew: { input: unknown } | undefined;
  for (const action of state.actions.flat()) {
    collect(action, tasks, (input) => (continueAsNew = { input }));
  }
  return {
    isDone: state.isDone,
    tasks,
    continueAsNew,
    output: state.output,
    customStatus: state.customStatus,
    error: state.error,
  };
}

/**
 * The library reports an orchestrator's exception by throwing an error whose message carries the
 * orchestrator state after `$OutOfProcData$:` (the real extension parses it the same way). The tasks
 * scheduled before the exception come back too, so a replay that diverged can still be told apart.
 */
export function parseOrchestratorFailure(error: unknown): { message: string; tasks?: ScheduledAction[] } {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(outOfProcDataLabel);
  if (at < 0) return { message };
  try {
    const state = parseOrchestratorResult(message.slice(at + outOfProcDataLabel.length));
    return { message: state.error ?? message.slice(0, at), tasks: state.tasks };
  } catch {
    return { message: message.slice(0, at) };
  }
}

/** Thrown for actions this engine does not run (entities, durable HTTP). */
export class UnsupportedActionError extends Error {}

function collect(action: unknown, into: ScheduledAction[], onContinueAsNew: (input: unknown) => void): void {
  const a = z.looseObject({ actionType: z.number() }).parse(action);
  const fields = z
    .looseObject({
      functionName: z.string().optional(),
      input: z.unknown().optional(),
      instanceId: z.string().nullish(),
      retryOptions: retryOptionsSchema.optional(),
      fireAt: z.union([z.string(), z.date()]).optional(),
      isCanceled: z.boolean().optional(),
      compoundActions: z.array(z.unknown()).optional(),
    })
    .parse(action);
  switch (a.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      into.push({
        kind: 'activity',
        name: requireName(fields.functionName),
        input: decodeProcessedInput(fields.input),
        retry: fields.retryOptions,
      });
      return;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      into.push({
        kind: 'subOrchestration',
        name: requireName(fields.functionName),
        input: fields.input,
        instanceId: fields.instanceId ?? undefined,
        retry: fields.retryOptions,
      });
      return;
    case ActionType.CreateTimer:
      into.push({
        kind: 'timer',
        fireAt: new Date(fields.fireAt ?? Number.NaN).getTime(),
        canceled: fields.isCanceled === true,
      });
      return;
    case ActionType.WaitForExternalEvent:
      return; // keyed by event name, not by a sequence number
    case ActionType.ContinueAsNew:
      onContinueAsNew(decodeProcessedInput(fields.input));
      return;
    case ActionType.WhenAll:
    case ActionType.WhenAny:
      for (const child of fields.compoundActions ?? []) collect(child, into, onContinueAsNew);
      return;
    default:
      throw new UnsupportedActionError(
        `The local durable engine does not support action type ${a.actionType} (entities and durable HTTP are not implemented).`,
      );
  }
}

function requireName(name: string | undefined): string {
  if (!name) throw new Error('An action without a function name was returned by the orchestrator.');
  return name;
}

/** `Utils.processInput` JSON-encodes string inputs of activities and continueAsNew: undo that. */
function decodeProcessedInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}
