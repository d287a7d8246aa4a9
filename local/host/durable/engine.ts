/**
 * The durable engine: runs orchestrator episodes through the app's own durable-functions library,
 * activities through the invoker, and timers on the shared clock; every step is persisted first.
 */
import { randomUUID } from 'node:crypto';
import type { DurableEngineOptions } from '../contracts';
import { completedTaskId, EventType, historyEvent, isFailure, type HistoryEvent } from './history';
import {
  InstanceStore,
  terminalStatuses,
  type InstanceRecord,
  type RetryingTask,
  type RuntimeStatus,
} from './instance-store';
import {
  parseOrchestratorFailure,
  parseOrchestratorResult,
  type OrchestratorResult,
  type ScheduledAction,
} from './orchestrator-state';
import { findNonDeterminism } from './determinism';
import { isLongTimer, nextTimerPiece, timerSplitSettings } from './long-timer';
import { nextRetryDelay } from './retry-policy';

/** Activities running at once (the extension's maxConcurrentActivityFunctions is 10 per core). */
const maxConcurrentActivities = 16;
/** Longest single sleep: Node's setTimeout cannot wait more than 2^31-1 ms (about 24.8 days). */
const maxSleepMs = 20 * 24 * 3600_000;
/** Out-of-proc replay schema V3 (`ReplaySchema.V3 === 2`): nested WhenAll/WhenAny actions and long timers. */
const replaySchemaV3 = 2;

export type StartResult = { started: true } | { started: false; existingStatus: RuntimeStatus };

export function isTerminal(status: RuntimeStatus): boolean {
  return terminalStatuses.includes(status);
}

export class Engine {
  private readonly instances = new Map<string, InstanceRecord>();
  private readonly store: InstanceStore;
  private readonly activitiesInFlight = new Set<string>();
  private readonly armedTimers = new Map<string, AbortController>();
  private idleWaiters: (() => void)[] = [];
  private running = false;
  private pumping = false;
  private pumpRequested = false;

  constructor(private readonly options: DurableEngineOptions) {
    this.store = new InstanceStore(options.dataDir, (line) => this.log(line));
  }

  start(): void {
    for (const record of this.store.loadAll()) this.instances.set(record.instanceId, record);
    this.running = true;
    this.log(`durable: resumed ${this.instances.size} instance(s) from storage`);
    this.schedulePump();
  }

  stop(): void {
    this.running = false;
    for (const controller of this.armedTimers.values()) controller.abort();
    this.armedTimers.clear();
    this.checkIdle();
  }

  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  get(instanceId: string): InstanceRecord | undefined {
    return this.instances.get(instanceId);
  }

  list(): InstanceRecord[] {
    return [...this.instances.values()];
  }

  hasFunction(name: string, triggerType: 'orchestrationTrigger' | 'activityTrigger'): boolean {
    return this.options.functions.some((f) => f.name === name && f.triggerType === triggerType);
  }

  /** Starts an instance; an existing Pending/Running instance with that id is a conflict (as in Azure). */
  startNew(name: string, instanceId: string, input: string | undefined): StartResult {
    const existing = this.instances.get(instanceId);
    if (existing && !isTerminal(existing.status)) return { started: false, existingStatus: existing.status };
    this.createInstance(name, instanceId, input, undefined);
    return { started: true };
  }

  raiseEvent(instance: InstanceRecord, eventName: string, input: string | undefined): void {
    this.deliver(
      instance,
      historyEvent(EventType.EventRaised, this.now(), { Name: eventName, Input: input }),
    );
    this.store.save(instance);
    this.schedulePump();
  }

  terminate(instance: InstanceRecord, reason: string): void {
    const now = this.now();
    instance.history.push(
      historyEvent(EventType.ExecutionTerminated, now, { Input: JSON.stringify(reason) }),
    );
    this.finish(instance, 'Terminated', JSON.stringify(reason), now);
    this.store.save(instance);
    this.checkIdle();
  }

  purge(instance: InstanceRecord): void {
    this.disarmTimers(instance);
    this.instances.delete(instance.instanceId);
    this.store.delete(instance.instanceId);
  }

  // ---- scheduling loop ----------------------------------------------------------------------------

  private schedulePump(): void {
    if (!this.running) return;
    this.pumpRequested = true;
    if (this.pumping) return;
    this.pumping = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (this.running && this.pumpRequested) {
        this.pumpRequested = false;
        for (let ready = this.nextReady(); ready && this.running; ready = this.nextReady()) {
          await this.runEpisodeSafely(ready);
          this.dispatchActivities();
          this.armTimers();
        }
        this.dispatchActivities();
        this.armTimers();
      }
    } finally {
      this.pumping = false;
      this.checkIdle();
    }
  }

  private nextReady(): InstanceRecord | undefined {
    for (const instance of this.instances.values()) {
      if (!isTerminal(instance.status) && instance.inbox.length > 0) return instance;
    }
    return undefined;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private isIdle(): boolean {
    if (!this.running) return true;
    if (this.pumping || this.activitiesInFlight.size > 0) return false;
    const now = this.now();
    return [...this.instances.values()].every(
      (i) =>
        isTerminal(i.status) ||
        (i.inbox.length === 0 && i.activities.length === 0 && i.timers.every((t) => t.fireAt > now)),
    );
  }

  // ---- orchestrator episodes ----------------------------------------------------------------------

  private async runEpisodeSafely(instance: InstanceRecord): Promise<void> {
    try {
      await this.runEpisode(instance);
    } catch (error) {
      // A broken record must not stop every other instance: fail this one and move on.
      const message = error instanceof Error ? error.message : String(error);
      this.log(`durable: instance ${instance.instanceId} failed inside the engine: ${message}`);
      this.finish(instance, 'Failed', JSON.stringify(message), this.now());
      this.store.save(instance);
    }
  }

  /** Replays the history plus the next batch of undelivered events through the library. */
  private async runEpisode(instance: InstanceRecord): Promise<void> {
    const batch = this.nextBatch(instance);
    const executionId = instance.executionId;
    const now = this.now();
    const started = historyEvent(EventType.OrchestratorStarted, now);
    const trigger = {
      history: [
        ...instance.history.map((e) => ({ ...e, IsPlayed: true })),
        started,
        ...batch.map((e) => ({ ...e, IsPlayed: false })),
      ],
      input: instance.input === undefined ? undefined : (JSON.parse(instance.input) as unknown),
      instanceId: instance.instanceId,
      isReplaying: instance.history.length > 0,
      parentInstanceId: instance.parent?.instanceId,
      ...timerSplitSettings,
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
      upperSchemaVersion: replaySchemaV3,
    };
    let result: OrchestratorResult | undefined;
    let failure: string | undefined;
    try {
      result = parseOrchestratorResult(await this.options.invoker.invoke(instance.name, trigger));
    } catch (error) {
      const { message, tasks } = parseOrchestratorFailure(error);
      // A replay that diverged from its history may throw before it returns: report the real cause.
      failure =
        (tasks && findNonDeterminism(instance.scheduled, tasks)) ??
        `Orchestrator function '${instance.name}' failed: ${message}`;
    }
    const stillCurrent =
      this.running &&
      this.instances.get(instance.instanceId) === instance &&
      instance.executionId === executionId &&
      !isTerminal(instance.status) &&
      batch.every((event, index) => instance.inbox[index] === event);
    if (!stillCurrent) return; // terminated, purged or stopped meanwhile: the episode never happened

    instance.inbox.splice(0, batch.length);
    instance.history.push(started, ...batch);
    instance.status = 'Running';
    for (const event of batch) this.advanceRetriesAndLongTimers(instance, event, now);
    if (failure !== undefined || !result) {
      this.finish(instance, 'Failed', JSON.stringify(failure), now);
    } else {
      this.applyResult(instance, result, now);
    }
    if (instance.executionId === executionId && !isTerminal(instance.status)) {
      instance.history.push(historyEvent(EventType.OrchestratorCompleted, now));
    }
    instance.lastUpdatedAt = now;
    this.store.save(instance);
  }

  /**
   * The library allocates sequence numbers of its own while it processes some completions (see
   * advanceRetriesAndLongTimers). The host can only mirror that if such an event comes first in its
   * episode, before user code schedules anything new: so it starts a batch, and ends the one before.
   */
  private nextBatch(instance: InstanceRecord): HistoryEvent[] {
    const [first, ...rest] = instance.inbox;
    const plainCount = rest.findIndex((event) => this.allocatesTaskId(instance, event));
    return [first, ...(plainCount < 0 ? rest : rest.slice(0, plainCount))];
  }

  private allocatesTaskId(instance: InstanceRecord, event: HistoryEvent): boolean {
    const id = completedTaskId(event);
    if (id === undefined) return false;
    if (isFailure(event)) return instance.retries.some((r) => r.attemptId === id && r.timerId === undefined);
    if (event.EventType !== EventType.TimerFired) return false;
    return (
      instance.retries.some((r) => r.timerId === id) || instance.longTimers.some((l) => l.childId === id)
    );
  }

  private applyResult(instance: InstanceRecord, result: OrchestratorResult, now: number): void {
    const nonDeterminism = findNonDeterminism(instance.scheduled, result.tasks);
    if (nonDeterminism) {
      this.finish(instance, 'Failed', JSON.stringify(nonDeterminism), now);
      return;
    }
    result.tasks.forEach((task, index) => {
      const known = instance.scheduled[index];
      if (known) {
        if (task.kind === 'timer' && task.canceled) this.cancelTimer(instance, known.id);
        return;
      }
      const id = instance.nextTaskId++;
      instance.scheduled.push({ id, kind: task.kind, name: task.kind === 'timer' ? '' : task.name });
      this.scheduleTask(instance, task, id, now);
    });
    if (result.customStatus !== undefined) instance.customStatus = JSON.stringify(result.customStatus);
    if (result.continueAsNew) {
      this.continueAsNew(instance, result.continueAsNew.input, now);
    } else if (result.isDone) {
      this.finish(instance, 'Completed', JSON.stringify(result.output ?? null), now);
    }
  }

  /**
   * The library allocates sequence numbers of its own while it processes a completion: a retry timer
   * after a failed attempt, the next attempt after that timer, the next piece of a long timer. Such an
   * event is always first in its episode, so the host allocates the same numbers before the new actions.
   */
  private advanceRetriesAndLongTimers(instance: InstanceRecord, event: HistoryEvent, now: number): void {
    const id = completedTaskId(event);
    if (id === undefined) return;
    const attempt = instance.retries.find((r) => r.attemptId === id && r.timerId === undefined);
    if (attempt) {
      if (!isFailure(event)) {
        instance.retries = instance.retries.filter((r) => r !== attempt);
        return;
      }
      attempt.failures += 1;
      attempt.lastFailure = { reason: event.Reason ?? '', details: event.Details ?? '' };
      const delay = attempt.timedOut
        ? 0
        : nextRetryDelay(attempt.options, attempt.failures, attempt.firstAttemptAt, now);
      if (delay === 'timedOut') attempt.timedOut = true;
      attempt.timerId = instance.nextTaskId++;
      this.scheduleTimer(instance, attempt.timerId, now + (delay === 'timedOut' ? 0 : delay), now);
      return;
    }
    const waiting = instance.retries.find((r) => r.timerId === id);
    if (waiting) {
      waiting.timerId = undefined;
      if (waiting.failures < waiting.options.maxNumberOfAttempts) {
        waiting.attemptId = instance.nextTaskId++;
        this.startAttempt(instance, waiting, now);
      } else {
        instance.retries = instance.retries.filter((r) => r !== waiting);
      }
      return;
    }
    const longTimer = instance.longTimers.find((l) => l.childId === id);
    if (longTimer) {
      if (longTimer.finalFireAt > now) {
        longTimer.childId = instance.nextTaskId++;
        if (!longTimer.canceled) {
          this.scheduleTimer(instance, longTimer.childId, nextTimerPiece(longTimer.finalFireAt, now), now);
        }
      } else {
        instance.longTimers = instance.longTimers.filter((l) => l !== longTimer);
      }
    }
  }

  private scheduleTask(instance: InstanceRecord, task: ScheduledAction, id: number, now: number): void {
    if (task.kind === 'timer') {
      if (isLongTimer(task.fireAt, now)) {
        instance.longTimers.push({ leafId: id, finalFireAt: task.fireAt, childId: id });
        this.scheduleTimer(instance, id, nextTimerPiece(task.fireAt, now), now);
      } else {
        this.scheduleTimer(instance, id, task.fireAt, now);
      }
      if (task.canceled) this.cancelTimer(instance, id);
      return;
    }
    const input = task.input === undefined ? undefined : JSON.stringify(task.input);
    const retrying: RetryingTask | undefined = task.retry && {
      kind: task.kind,
      name: task.name,
      input: input ?? 'null',
      subInstanceId: task.kind === 'subOrchestration' ? task.instanceId : undefined,
      options: task.retry,
      firstAttemptAt: now,
      failures: 0,
      attemptId: id,
    };
    if (retrying) instance.retries.push(retrying);
    if (task.kind === 'activity') this.scheduleActivity(instance, id, task.name, input ?? 'null', now);
    else this.scheduleSubOrchestration(instance, id, task.name, task.instanceId, input, now);
  }

  private startAttempt(instance: InstanceRecord, retry: RetryingTask, now: number): void {
    const id = retry.attemptId;
    if (retry.timedOut) {
      // Azure stops retrying once the retry timeout passed; the library still expects every attempt,
      // so the remaining ones fail at once with the last error, without running.
      const type =
        retry.kind === 'activity' ? EventType.TaskFailed : EventType.SubOrchestrationInstanceFailed;
      const failure = retry.lastFailure ?? { reason: 'Retry timeout expired', details: '' };
      this.deliver(
        instance,
        historyEvent(type, now, { TaskScheduledId: id, Reason: failure.reason, Details: failure.details }),
      );
    } else if (retry.kind === 'activity') {
      this.scheduleActivity(instance, id, retry.name, retry.input, now);
    } else {
      this.scheduleSubOrchestration(instance, id, retry.name, retry.subInstanceId, retry.input, now);
    }
  }

  private scheduleActivity(
    instance: InstanceRecord,
    id: number,
    name: string,
    input: string,
    now: number,
  ): void {
    instance.history.push(
      historyEvent(EventType.TaskScheduled, now, { EventId: id, Name: name, Input: input }),
    );
    if (this.hasFunction(name, 'activityTrigger')) {
      instance.activities.push({ id, name, input });
    } else {
      this.deliver(
        instance,
        historyEvent(EventType.TaskFailed, now, {
          TaskScheduledId: id,
          Reason: `The function '${name}' doesn't exist, is disabled, or is not an activity function.`,
          Details: '',
        }),
      );
    }
  }

  private scheduleSubOrchestration(
    instance: InstanceRecord,
    id: number,
    name: string,
    requestedId: string | undefined,
    input: string | undefined,
    now: number,
  ): void {
    const childId = requestedId ?? `${instance.instanceId}:${id}`;
    instance.history.push(
      historyEvent(EventType.SubOrchestrationInstanceCreated, now, {
        EventId: id,
        Name: name,
        InstanceId: childId,
        Input: input,
      }),
    );
    const parent = { instanceId: instance.instanceId, executionId: instance.executionId, taskId: id };
    const existing = this.instances.get(childId);
    const fail = (reason: string): void => {
      this.deliver(
        instance,
        historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
          TaskScheduledId: id,
          Reason: reason,
          Details: '',
        }),
      );
    };
    if (!this.hasFunction(name, 'orchestrationTrigger')) {
      fail(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    } else if (existing && sameParent(existing.parent, parent)) {
      return; // created before a crash, the parent's record was not yet saved
    } else if (existing && !isTerminal(existing.status)) {
      fail(`An Orchestration instance with the status ${existing.status} already exists.`);
    } else {
      this.createInstance(name, childId, input, parent);
    }
  }

  private scheduleTimer(instance: InstanceRecord, id: number, fireAt: number, now: number): void {
    instance.history.push(
      historyEvent(EventType.TimerCreated, now, { EventId: id, FireAt: new Date(fireAt).toISOString() }),
    );
    instance.timers.push({ id, fireAt });
  }

  private cancelTimer(instance: InstanceRecord, id: number): void {
    const longTimer = instance.longTimers.find((l) => l.leafId === id);
    if (longTimer) longTimer.canceled = true; // kept: a piece that already fired still takes a number
    const pieceId = longTimer ? longTimer.childId : id;
    instance.timers = instance.timers.filter((t) => t.id !== pieceId);
    this.armedTimers.get(this.taskKey(instance, pieceId))?.abort();
  }

  private continueAsNew(instance: InstanceRecord, input: unknown, now: number): void {
    // Events delivered to the old execution but never awaited are dropped (preserveUnprocessedEvents
    // false, the only mode the JS API has); events not yet delivered go to the new execution.
    const undelivered = instance.inbox.filter((e) => e.EventType === EventType.EventRaised);
    this.disarmTimers(instance);
    const inputJson = input === undefined ? undefined : JSON.stringify(input);
    Object.assign(
      instance,
      { input: inputJson, output: undefined },
      freshExecution(instance.name, inputJson, now),
    );
    instance.inbox.push(...undelivered);
  }

  /** Ends the execution and tells the parent orchestration, whose record is saved first. */
  private finish(instance: InstanceRecord, status: RuntimeStatus, output: string, now: number): void {
    this.log(`durable: ${instance.name} '${instance.instanceId}' ${status}`);
    instance.status = status;
    instance.output = output;
    instance.lastUpdatedAt = now;
    const completion = status === 'Completed' ? EventType.ExecutionCompleted : EventType.ExecutionFailed;
    if (status !== 'Terminated') {
      instance.history.push(historyEvent(completion, now, { OrchestrationStatus: status, Result: output }));
    }
    this.disarmTimers(instance);
    Object.assign(instance, { inbox: [], activities: [], timers: [], retries: [], longTimers: [] });
    const parentLink = instance.parent;
    const parent = parentLink && this.instances.get(parentLink.instanceId);
    if (!parentLink || !parent || parent.executionId !== parentLink.executionId || isTerminal(parent.status))
      return;
    const message = JSON.parse(output) as unknown;
    const event =
      status === 'Completed'
        ? historyEvent(EventType.SubOrchestrationInstanceCompleted, now, {
            TaskScheduledId: parentLink.taskId,
            Result: output,
          })
        : historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
            TaskScheduledId: parentLink.taskId,
            Reason: `${status === 'Terminated' ? 'Terminated: ' : ''}${String(message)}`,
            Details: '',
          });
    this.deliver(parent, event);
    this.store.save(parent);
    this.schedulePump();
  }

  private createInstance(
    name: string,
    instanceId: string,
    input: string | undefined,
    parent: InstanceRecord['parent'],
  ): void {
    const now = this.now();
    const previous = this.instances.get(instanceId);
    if (previous) this.disarmTimers(previous);
    const record: InstanceRecord = {
      instanceId,
      name,
      status: 'Pending',
      input,
      createdAt: now,
      lastUpdatedAt: now,
      parent,
      ...freshExecution(name, input, now),
    };
    this.instances.set(instanceId, record);
    this.store.save(record);
    this.log(`durable: ${name} '${instanceId}' started`);
    this.schedulePump();
  }

  /** Queues an event for the instance, once: a completion already seen (e.g. resent after a crash) is ignored. */
  private deliver(instance: InstanceRecord, event: HistoryEvent): void {
    const taskId = completedTaskId(event);
    const seen = (e: HistoryEvent): boolean => completedTaskId(e) === taskId;
    if (taskId !== undefined && (instance.history.some(seen) || instance.inbox.some(seen))) return;
    instance.inbox.push(event);
  }

  // ---- activities and timers ----------------------------------------------------------------------

  private dispatchActivities(): void {
    for (const instance of this.instances.values()) {
      for (const activity of instance.activities) {
        if (this.activitiesInFlight.size >= maxConcurrentActivities) return;
        const key = this.taskKey(instance, activity.id);
        if (this.activitiesInFlight.has(key)) continue;
        this.activitiesInFlight.add(key);
        void this.runActivity(
          instance,
          instance.executionId,
          activity.id,
          activity.name,
          activity.input,
          key,
        );
      }
    }
  }

  private async runActivity(
    instance: InstanceRecord,
    executionId: string,
    id: number,
    name: string,
    input: string,
    key: string,
  ): Promise<void> {
    let outcome: Partial<HistoryEvent>;
    try {
      // As the Durable extension's activity trigger does, the metadata names the calling instance.
      const result = await this.options.invoker.invoke(name, JSON.parse(input), {
        triggerMetadata: { instanceId: instance.instanceId },
      });
      outcome = { Result: JSON.stringify(result ?? null) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = {
        Reason: `Activity function '${name}' failed: ${message}`,
        Details: error instanceof Error && error.stack ? error.stack : message,
      };
    }
    this.activitiesInFlight.delete(key);
    const current =
      this.running &&
      this.instances.get(instance.instanceId) === instance &&
      instance.executionId === executionId &&
      instance.activities.some((a) => a.id === id);
    if (current) {
      // The completion is saved before the orchestrator sees it: a crash after this never reruns it.
      instance.activities = instance.activities.filter((a) => a.id !== id);
      const type = outcome.Result !== undefined ? EventType.TaskCompleted : EventType.TaskFailed;
      this.deliver(instance, historyEvent(type, this.now(), { TaskScheduledId: id, ...outcome }));
      this.store.save(instance);
      this.schedulePump();
    }
    if (this.running) this.dispatchActivities(); // a slot is free
    this.checkIdle();
  }

  private armTimers(): void {
    for (const instance of this.instances.values()) {
      for (const timer of instance.timers) {
        const key = this.taskKey(instance, timer.id);
        if (this.armedTimers.has(key)) continue;
        const controller = new AbortController();
        this.armedTimers.set(key, controller);
        const executionId = instance.executionId;
        const wakeAt = Math.min(timer.fireAt, this.now() + maxSleepMs);
        this.options.clock.sleepUntil(wakeAt, controller.signal).then(
          () => this.fireTimer(instance, executionId, timer.id, key),
          () => undefined, // aborted: cancelled, finished or engine stopped
        );
      }
    }
  }

  private fireTimer(instance: InstanceRecord, executionId: string, id: number, key: string): void {
    this.armedTimers.delete(key);
    const timer = instance.timers.find((t) => t.id === id);
    if (!this.running || this.instances.get(instance.instanceId) !== instance) return;
    if (instance.executionId !== executionId || !timer) return;
    if (timer.fireAt > this.now()) {
      this.armTimers(); // woke early (sleeps are capped): sleep again
      return;
    }
    instance.timers = instance.timers.filter((t) => t !== timer);
    this.deliver(
      instance,
      historyEvent(EventType.TimerFired, this.now(), {
        TimerId: id,
        FireAt: new Date(timer.fireAt).toISOString(),
      }),
    );
    this.store.save(instance);
    this.schedulePump();
  }

  private disarmTimers(instance: InstanceRecord): void {
    const prefix = `${instance.instanceId}\u0000`;
    for (const [key, controller] of this.armedTimers) {
      if (!key.startsWith(prefix)) continue;
      controller.abort();
      this.armedTimers.delete(key);
    }
  }

  private taskKey(instance: InstanceRecord, id: number): string {
    return `${instance.instanceId}\u0000${instance.executionId}\u0000${id}`;
  }

  private now(): number {
    return this.options.clock.now();
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/** The per-execution part of a record: a new execution id and nothing but its ExecutionStarted event. */
function freshExecution(name: string, input: string | undefined, now: number) {
  return {
    executionId: randomUUID(),
    history: [],
    inbox: [historyEvent(EventType.ExecutionStarted, now, { Name: name, Input: input })],
    scheduled: [],
    nextTaskId: 0,
    activities: [],
    timers: [],
    retries: [],
    longTimers: [],
  } satisfies Partial<InstanceRecord>;
}

function sameParent(a: InstanceRecord['parent'], b: NonNullable<InstanceRecord['parent']>): boolean {
  return a?.instanceId === b.instanceId && a.executionId === b.executionId && a.taskId === b.taskId;
}
