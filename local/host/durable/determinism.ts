import type { ScheduledTask } from './instance-store';
import type { ScheduledAction } from './orchestrator-state';

/** Compares a replay's actions with what earlier episodes scheduled, as DurableTask.Core does. */
export function findNonDeterminism(
  scheduled: ScheduledTask[],
  replayed: ScheduledAction[],
): string | undefined {
  const suffix =
    'Was a change made to the orchestrator code after this instance had already started running?';
  for (const [index, previous] of scheduled.entries()) {
    const now = replayed[index];
    const before = `A previous execution of this orchestration scheduled ${describe(previous)} with sequence ID ${previous.id}`;
    if (!now) {
      return `Non-Deterministic workflow detected: ${before}, but the current replay execution hasn't (yet?) scheduled this task. ${suffix}`;
    }
    const current: ScheduledTask = {
      id: previous.id,
      kind: now.kind,
      name: now.kind === 'timer' ? '' : now.name,
    };
    if (current.kind !== previous.kind || current.name !== previous.name) {
      return `Non-Deterministic workflow detected: ${before}, but the current replay execution scheduled ${describe(current)} instead. ${suffix}`;
    }
  }
  return undefined;
}

function describe(task: ScheduledTask): string {
  if (task.kind === 'timer') return 'a timer';
  return task.kind === 'activity'
    ? `an activity task named '${task.name}'`
    : `a sub-orchestration named '${task.name}'`;
}
