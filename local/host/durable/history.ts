/**
 * History events in the shape the durable-functions library reads them from the orchestration trigger
 * (PascalCase fields, as the Durable Task Framework serialises them for out-of-process workers).
 */

/** DurableTask.Core `EventType` numbers, as the library's `HistoryEventType` enum declares them. */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;

export type EventTypeNumber = (typeof EventType)[keyof typeof EventType];

export interface HistoryEvent {
  EventType: EventTypeNumber;
  /** The task's sequence number for TaskScheduled/TimerCreated/SubOrchestrationInstanceCreated, else -1. */
  EventId: number;
  IsPlayed: boolean;
  /** ISO 8601 (the library turns it into a Date). */
  Timestamp: string;
  Name?: string;
  Input?: string;
  Result?: string;
  Reason?: string;
  Details?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationStatus?: string;
}

export function eventTypeName(type: EventTypeNumber): string {
  return Object.entries(EventType).find(([, value]) => value === type)?.[0] ?? String(type);
}

/** Builds one event; `EventId` defaults to -1 as for every event that does not start a task. */
export function historyEvent(
  type: EventTypeNumber,
  at: number,
  fields: Partial<Omit<HistoryEvent, 'EventType' | 'Timestamp' | 'IsPlayed'>> = {},
): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: new Date(at).toISOString(), ...fields };
}

/** The task id a completion event answers (TaskScheduledId or TimerId), if it answers one. */
export function completedTaskId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId;
    case EventType.TimerFired:
      return event.TimerId;
    default:
      return undefined;
  }
}

export function isFailure(event: HistoryEvent): boolean {
  return (
    event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed
  );
}
