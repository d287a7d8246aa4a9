/**
 * Timer triggers on the injected Clock: NCRONTAB in UTC, `runOnStartup`, one run at a time per timer,
 * and a schedule status persisted like the host's `timers/` blobs so a run missed while the host was
 * down happens at start-up with `isPastDue: true`.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock';
import type { RegisteredFunction } from './app-registry';
import { sleepOnClock } from './clock-sleep';
import { bindingString } from './binding-expressions';
import type { LocalFunctionInvoker } from './function-invoker';
import type { HostLogger } from './host-logger';
import { parseSchedule, type Schedule } from './ncrontab';

interface ScheduleStatus {
  last: number;
  next: number;
  lastUpdated: number;
}

/** The timer object as the host sends it (PascalCase; the library camel-cases it). */
function timerInfo(isPastDue: boolean, status: ScheduleStatus): Record<string, unknown> {
  return {
    Schedule: { AdjustForDST: true },
    ScheduleStatus: {
      Last: new Date(status.last).toISOString(),
      Next: new Date(status.next).toISOString(),
      LastUpdated: new Date(status.lastUpdated).toISOString(),
    },
    IsPastDue: isPastDue,
  };
}

class StatusStore {
  constructor(private readonly dir: string | undefined) {}

  read(name: string): ScheduleStatus | undefined {
    if (!this.dir) return undefined;
    const file = path.join(this.dir, `${name}.json`);
    if (!existsSync(file)) return undefined;
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<ScheduleStatus>;
      if (
        typeof raw.last === 'number' &&
        typeof raw.next === 'number' &&
        typeof raw.lastUpdated === 'number'
      ) {
        return { last: raw.last, next: raw.next, lastUpdated: raw.lastUpdated };
      }
    } catch {
      // A corrupt status file is treated like a missing one, as the host does with an unreadable blob.
    }
    return undefined;
  }

  write(name: string, status: ScheduleStatus): void {
    if (!this.dir) return;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(path.join(this.dir, `${name}.json`), JSON.stringify(status));
  }
}

export interface TimerDeps {
  clock: Clock;
  invoker: LocalFunctionInvoker;
  logger: HostLogger;
  env: NodeJS.ProcessEnv;
  /** Folder for schedule status (`<dataDir>/timers`), or undefined to keep it in memory only. */
  statusDir: string | undefined;
}

export class TimerTriggers {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly store: StatusStore;

  constructor(private readonly deps: TimerDeps) {
    this.store = new StatusStore(deps.statusDir);
  }

  /** Validates every schedule first (a bad one fails start-up, as in the host), then starts them. */
  start(functions: RegisteredFunction[]): void {
    const timers = functions
      .filter((fn) => fn.info.triggerType.toLowerCase() === 'timertrigger')
      .map((fn) => {
        const binding = fn.info.bindings[fn.triggerName] ?? {};
        const expression = bindingString(binding, 'schedule', this.deps.env);
        if (!expression) throw new Error(`Timer function "${fn.info.name}" has no schedule.`);
        return { fn, schedule: parseSchedule(expression), runOnStartup: binding.runOnStartup === true };
      });
    for (const timer of timers) this.loops.push(this.run(timer.fn, timer.schedule, timer.runOnStartup));
  }

  /**
   * One run now, outside the schedule (the admin API's manual run): the schedule status is passed as
   * it stands and left unchanged, so the next scheduled run still happens when it is due.
   */
  async runNow(fn: RegisteredFunction): Promise<void> {
    const now = this.deps.clock.now();
    const status = this.store.read(fn.info.name) ?? { last: now, next: now, lastUpdated: now };
    await this.invoke(fn, false, status, '(manual)');
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async run(fn: RegisteredFunction, schedule: Schedule, runOnStartup: boolean): Promise<void> {
    const { clock } = this.deps;
    const name = fn.info.name;
    const saved = this.store.read(name);
    const startedAt = clock.now();
    let last = saved?.last ?? startedAt;
    if (saved && saved.next <= startedAt) {
      last = await this.fire(fn, schedule, true, saved.next);
    } else if (runOnStartup) {
      last = await this.fire(fn, schedule, false, startedAt);
    }
    let next = saved && saved.next > clock.now() ? saved.next : schedule.next(clock.now());
    this.store.write(name, { last, next, lastUpdated: clock.now() });
    while (!this.abort.signal.aborted) {
      try {
        await sleepOnClock(clock, next, this.abort.signal);
      } catch {
        return; // aborted: the host is stopping
      }
      await this.fire(fn, schedule, false, next);
      // A run that outlasted later occurrences skips them: timers never overlap.
      next = schedule.next(Math.max(next, clock.now()));
    }
  }

  /** Runs the function once for the occurrence at `scheduledAt`; resolves to that moment. */
  private async fire(
    fn: RegisteredFunction,
    schedule: Schedule,
    isPastDue: boolean,
    scheduledAt: number,
  ): Promise<number> {
    const now = this.deps.clock.now();
    const status: ScheduleStatus = {
      last: scheduledAt,
      next: schedule.next(Math.max(scheduledAt, now)),
      lastUpdated: now,
    };
    this.store.write(fn.info.name, status);
    await this.invoke(fn, isPastDue, status, isPastDue ? '(past due)' : undefined);
    return scheduledAt;
  }

  private async invoke(
    fn: RegisteredFunction,
    isPastDue: boolean,
    status: ScheduleStatus,
    detail: string | undefined,
  ): Promise<void> {
    try {
      await this.deps.invoker.run({
        functionName: fn.info.name,
        inputData: [{ name: fn.triggerName, data: { json: JSON.stringify(timerInfo(isPastDue, status)) } }],
        triggerMetadata: {},
        detail,
      });
    } catch {
      // Already logged by the invoker; a failed run does not stop the schedule.
    }
  }
}
