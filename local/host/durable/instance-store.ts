/**
 * One JSON file per instance under `<dataDir>/instances/`, replaced atomically (write to a temporary
 * file, then rename), so a crash at any moment leaves either the previous or the next state.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from './history';
import type { RetryOptions } from './orchestrator-state';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated';

export const terminalStatuses: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];

/** A task the orchestrator scheduled through an action, kept to check replays for determinism. */
export interface ScheduledTask {
  id: number;
  kind: 'activity' | 'timer' | 'subOrchestration';
  name: string;
}

export interface PendingActivity {
  id: number;
  name: string;
  /** JSON text of the activity input. */
  input: string;
}

export interface PendingTimer {
  id: number;
  fireAt: number;
}

/** A CallActivityWithRetry / CallSubOrchestratorWithRetry task and its attempts so far. */
export interface RetryingTask {
  kind: 'activity' | 'subOrchestration';
  name: string;
  input: string;
  subInstanceId?: string;
  options: RetryOptions;
  firstAttemptAt: number;
  failures: number;
  /** Id of the attempt currently running, or of the retry timer being waited on. */
  attemptId: number;
  timerId?: number;
  /** Set once the retry timeout has passed: the remaining attempts fail without running. */
  timedOut?: boolean;
  lastFailure?: { reason: string; details: string };
}

/** A timer longer than maximumShortTimerDuration, fired as a chain of shorter timers. */
export interface LongTimer {
  /** Id of the CreateTimer action (the first piece). */
  leafId: number;
  finalFireAt: number;
  childId: number;
  /** Cancelled by the orchestrator: no further pieces are scheduled. */
  canceled?: boolean;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON text of the input, output (or failure message / termination reason) and custom status. */
  input?: string;
  output?: string;
  customStatus?: string;
  createdAt: number;
  lastUpdatedAt: number;
  parent?: { instanceId: string; executionId: string; taskId: number };
  /** Events the orchestrator has seen, episode by episode. */
  history: HistoryEvent[];
  /** Events that happened but the orchestrator has not seen yet, delivered one per episode. */
  inbox: HistoryEvent[];
  scheduled: ScheduledTask[];
  nextTaskId: number;
  activities: PendingActivity[];
  timers: PendingTimer[];
  retries: RetryingTask[];
  longTimers: LongTimer[];
}

export class InstanceStore {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.dir = path.join(dataDir, 'instances');
  }

  loadAll(): InstanceRecord[] {
    fs.mkdirSync(this.dir, { recursive: true });
    const records: InstanceRecord[] = [];
    for (const file of fs.readdirSync(this.dir)) {
      const full = path.join(this.dir, file);
      if (file.endsWith('.tmp')) {
        fs.rmSync(full, { force: true }); // a write that a crash interrupted before its rename
      } else if (file.endsWith('.json')) {
        try {
          records.push(JSON.parse(fs.readFileSync(full, 'utf8')) as InstanceRecord);
        } catch (error) {
          // Not written by this engine (writes are atomic): keep it aside, run every other instance.
          fs.renameSync(full, `${full}.unreadable`);
          this.log(`durable: set aside unreadable instance file ${file}: ${String(error)}`);
        }
      }
    }
    return records;
  }

  save(record: InstanceRecord): void {
    const target = this.fileOf(record.instanceId);
    const temporary = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(record));
    fs.renameSync(temporary, target);
  }

  delete(instanceId: string): void {
    fs.rmSync(this.fileOf(instanceId), { force: true });
  }

  private fileOf(instanceId: string): string {
    return path.join(this.dir, `${Buffer.from(instanceId).toString('base64url')}.json`);
  }
}
