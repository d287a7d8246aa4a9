import {
  parseOrchestratorFailure,
  parseOrchestratorResult,
  UnsupportedActionError,
} from '../../../local/host/durable/orchestrator-state';

const activity = (name: string, input?: unknown) => ({ actionType: 0, functionName: name, input });
const timer = (fireAt: string, isCanceled = false) => ({ actionType: 5, fireAt, isCanceled });

describe('parseOrchestratorResult', () => {
  it('flattens nested Task.all / Task.any actions depth-first, skipping external events', () => {
    const result = parseOrchestratorResult({
      isDone: false,
      schemaVersion: 2,
      actions: [
        [
          activity('A', '"a"'),
          {
            actionType: 11,
            compoundActions: [
              { actionType: 12, compoundActions: [activity('B', 1), activity('C', 2)] },
              { actionType: 6, externalEventName: 'Go', reason: 'ExternalEvent' },
              timer('2026-01-02T00:00:00.000Z', true),
            ],
          },
        ],
      ],
    });
    expect(result.tasks).toEqual([
      { kind: 'activity', name: 'A', input: 'a', retry: undefined },
      { kind: 'activity', name: 'B', input: 1, retry: undefined },
      { kind: 'activity', name: 'C', input: 2, retry: undefined },
      { kind: 'timer', fireAt: Date.UTC(2026, 0, 2), canceled: true },
    ]);
  });

  it('reads continueAsNew, output and custom status, also from a worker that sends JSON text', () => {
    const result = parseOrchestratorResult(
      JSON.stringify({
        isDone: true,
        actions: [[{ actionType: 4, input: '"next"' }]],
        customStatus: { stage: 2 },
        schemaVersion: 2,
      }),
    );
    expect(result).toMatchObject({
      isDone: true,
      continueAsNew: { input: 'next' },
      customStatus: { stage: 2 },
    });
  });

  it('rejects entity and durable HTTP actions', () => {
    expect(() => parseOrchestratorResult({ isDone: false, actions: [[{ actionType: 8 }]] })).toThrow(
      UnsupportedActionError,
    );
  });
});

describe('parseOrchestratorFailure', () => {
  it('takes the message and the scheduled tasks from the $OutOfProcData$ part', () => {
    const state = { isDone: false, actions: [[activity('A')]], error: 'Error: nope', schemaVersion: 2 };
    const failure = parseOrchestratorFailure(
      new Error(`Error: nope\n\n$OutOfProcData$:${JSON.stringify(state)}`),
    );
    expect(failure.message).toBe('Error: nope');
    expect(failure.tasks).toEqual([{ kind: 'activity', name: 'A', input: undefined, retry: undefined }]);
  });

  it('keeps a plain error message as it is', () => {
    expect(parseOrchestratorFailure(new Error('function not found'))).toEqual({
      message: 'function not found',
    });
  });
});
