import fs from 'node:fs';
import path from 'node:path';
import * as df from 'durable-functions';
import { VirtualClock } from '../../../local/clock';
import {
  advanceUntil,
  startScratchDurableHarness,
  type ScratchDurableHarness,
} from '../../helpers/durable-harness';
import '../../fixtures/durable/sample-app';
import { calls, knobs } from '../../fixtures/durable/sample-app';

const start = Date.UTC(2026, 0, 1);
const minute = 60_000;
const day = 24 * 60 * minute;

let clock: VirtualClock;
let harness: ScratchDurableHarness;

beforeEach(async () => {
  clock = new VirtualClock(start);
  harness = await startScratchDurableHarness(clock, 'durable-engine-');
});

afterEach(() => harness.close());

async function run(name: string, input: unknown, instanceId?: string): Promise<string> {
  const id = await harness.client.startNew(name, { input, instanceId });
  await harness.engine.idle();
  return id;
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('durable engine', () => {
  it('names the calling instance in an activity trigger metadata, as the Durable extension does', async () => {
    knobs.activityInstances.length = 0;
    await run('Chain', ['Osaka'], 'chain-with-metadata');
    expect(knobs.activityInstances).toEqual(['chain-with-metadata']);
  });

  it('runs an activity chain to completion', async () => {
    const id = await run('Chain', ['Tokyo', 'Seattle']);
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!']);
    expect(status.input).toEqual(['Tokyo', 'Seattle']);
    // The extension names the field historyEvents (the JS client does not read it): check it over HTTP.
    const response = await fetch(
      `${harness.baseUrl}/runtime/webhooks/durabletask/instances/${id}?showHistory=true&showHistoryOutput=true`,
    );
    const body = (await response.json()) as { historyEvents: { EventType: string; Result?: unknown }[] };
    expect(response.status).toBe(200);
    expect(body.historyEvents.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(body.historyEvents[1].Result).toBe('Hello Tokyo!');
  });

  it('retries a failing activity on durable timers with backoff until it succeeds', async () => {
    const id = await run('Retry', { key: 'twice', failures: 2, attempts: 3 });
    expect((await harness.client.getStatus(id)).runtimeStatus).toBe('Running');
    expect(calls['Flaky:twice']).toBe(1);
    await advanceUntil(clock, harness.engine, start + 999);
    expect(calls['Flaky:twice']).toBe(1); // first retry after 1 s
    await advanceUntil(clock, harness.engine, start + 1000);
    expect(calls['Flaky:twice']).toBe(2);
    await advanceUntil(clock, harness.engine, start + 1000 + 1999);
    expect(calls['Flaky:twice']).toBe(2); // backoff coefficient 2: the next retry 2 s later
    await advanceUntil(clock, harness.engine, start + 3000);
    const status = await harness.client.getStatus(id);
    expect(calls['Flaky:twice']).toBe(3);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('ok after 2 failures');
  });

  // Timeout case: attempts at 0 s, 1 s (delay 1 s) and 3 s (delay 2 s), then past the 2.5 s timeout.
  it.each([
    { why: 'attempts are exhausted', key: 'always', attempts: 2, timeoutMs: undefined, runs: 2 },
    { why: 'the retry timeout has passed', key: 'timeout', attempts: 5, timeoutMs: 2500, runs: 3 },
  ])('fails the instance with the last error once $why', async ({ key, attempts, timeoutMs, runs }) => {
    const id = await run('Retry', { key, failures: 10, attempts, timeoutMs });
    await advanceUntil(clock, harness.engine, start + minute);
    const status = await harness.client.getStatus(id);
    expect(calls[`Flaky:${key}`]).toBe(runs);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain(`flaky failure ${runs}`);
  });

  it('numbers parallel retries like the library does (fan-out of retrying activities)', async () => {
    const inputs = [
      { key: 'fan-a', failures: 1 },
      { key: 'fan-b', failures: 3 },
      { key: 'fan-c', failures: 0 },
    ];
    const id = await run('RetryFanOut', inputs);
    await advanceUntil(clock, harness.engine, start + minute);
    const status = await harness.client.getStatus(id);
    expect(status.output).toEqual({
      results: ['ok after 1 failures', 'ok after 3 failures', 'ok after 0 failures'],
      after: 'Hello after-fan-out!',
    });
    expect([calls['Flaky:fan-a'], calls['Flaky:fan-b'], calls['Flaky:fan-c']]).toEqual([2, 4, 1]);
  });

  it('waits out a retry interval longer than one sleep of the clock allows', async () => {
    const id = await run('LongRetry', null);
    await advanceUntil(clock, harness.engine, start + 30 * day - 1);
    expect(calls['Flaky:long-retry']).toBe(1);
    await advanceUntil(clock, harness.engine, start + 30 * day);
    expect((await harness.client.getStatus(id)).output).toBe('ok after 1 failures');
  });

  it('fires a durable timer only when the virtual clock reaches it', async () => {
    const id = await run('Timer', { delayMs: 10 * minute });
    await advanceUntil(clock, harness.engine, start + 10 * minute - 1);
    expect((await harness.client.getStatus(id)).runtimeStatus).toBe('Running');
    await advanceUntil(clock, harness.engine, start + 10 * minute);
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(new Date(start + 10 * minute).toISOString());
  });

  it('splits a timer longer than six days into pieces and fires it at its due time', async () => {
    const id = await run('Timer', { delayMs: 10 * day });
    await advanceUntil(clock, harness.engine, start + 10 * day - 1);
    expect((await harness.client.getStatus(id)).runtimeStatus).toBe('Running');
    await advanceUntil(clock, harness.engine, start + 10 * day);
    const response = await fetch(
      `${harness.baseUrl}/runtime/webhooks/durabletask/instances/${id}?showHistory=true`,
    );
    const body = (await response.json()) as {
      runtimeStatus: string;
      output: string;
      historyEvents: { EventType: string; FireAt?: string }[];
    };
    expect(body.runtimeStatus).toBe('Completed');
    expect(body.output).toBe(new Date(start + 10 * day).toISOString());
    const created = body.historyEvents.filter((e) => e.EventType === 'TimerCreated').map((e) => e.FireAt);
    expect(created).toEqual([
      new Date(start + 3 * day).toISOString(),
      new Date(start + 6 * day).toISOString(),
      new Date(start + 10 * day).toISOString(),
    ]);
  });

  it('delivers an external event raised through the client', async () => {
    const id = await run('Approval', null);
    expect((await harness.client.getStatus(id)).runtimeStatus).toBe('Running');
    await harness.client.raiseEvent(id, 'Approval', { approvedBy: 'manager' });
    await harness.engine.idle();
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ approvedBy: 'manager' });
  });

  it('lets the event win a Task.any race against a timer', async () => {
    const id = await run('Race', { timeoutMs: 60 * minute });
    await advanceUntil(clock, harness.engine, start + 30 * minute);
    await harness.client.raiseEvent(id, 'Approval', 'yes');
    await harness.engine.idle();
    const status = await harness.client.getStatus(id);
    expect(status.output).toEqual({ outcome: 'approved', data: 'yes' });
    expect(clock.nextWakeUp()).toBeUndefined(); // the losing timer was cancelled
  });

  it('lets the timer win a Task.any race when no event comes', async () => {
    const id = await run('Race', { timeoutMs: 60 * minute });
    await advanceUntil(clock, harness.engine, start + 60 * minute);
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ outcome: 'timedOut' });
    await expect(harness.client.raiseEvent(id, 'Approval', 'late')).resolves.toBeUndefined(); // 410 Gone
  });

  it('cancels a long timer that lost a race and keeps numbering later tasks right', async () => {
    const id = await run('LongRace', null);
    await advanceUntil(clock, harness.engine, start + 4 * day); // one 3-day piece has fired
    await harness.client.raiseEvent(id, 'Approval', true);
    await harness.engine.idle();
    const status = await harness.client.getStatus(id);
    expect(status.output).toEqual({ approved: true, after: 'Hello after-race!' });
    expect(clock.nextWakeUp()).toBeUndefined();
  });

  it('lets a long timer win a race after its pieces fire', async () => {
    const id = await run('LongRace', null);
    await advanceUntil(clock, harness.engine, start + 10 * day);
    expect((await harness.client.getStatus(id)).output).toEqual({
      approved: false,
      after: 'Hello after-race!',
    });
  });

  it('runs sub-orchestrations and propagates a failing child to the parent', async () => {
    const id = await run('Parent', null, 'parent-1');
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as { child: unknown; failure: string };
    expect(output.child).toEqual(['Hello child-a!', 'Hello child-b!']);
    expect(output.failure).toContain('boom: the activity broke');
    const child = await harness.client.getStatus('parent-1:0');
    expect(child.runtimeStatus).toBe('Completed');
    expect((await harness.client.getStatus('parent-1-failing-child')).runtimeStatus).toBe('Failed');
  });

  it('fans out and in with Task.all', async () => {
    const before = calls.Double ?? 0;
    const id = await run('FanOut', 5);
    const status = await harness.client.getStatus(id);
    expect(status.output).toBe(2 + 4 + 6 + 8 + 10);
    expect((calls.Double ?? 0) - before).toBe(5);
  });

  it('continues as new with a fresh history until done', async () => {
    const id = await run('Counter', { count: 1, until: 3 });
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(3);
    expect(status.input).toEqual({ count: 3, until: 3 });
    expect(calls['Hello:round-1']).toBe(1);
    expect(calls['Hello:round-3']).toBe(1);
  });

  it('exposes custom status while running and after completion', async () => {
    const id = await run('Status', null);
    expect((await harness.client.getStatus(id)).customStatus).toEqual({ stage: 'waiting for go' });
    await harness.client.raiseEvent(id, 'Go', 42);
    await harness.engine.idle();
    const status = await harness.client.getStatus(id);
    expect(status.customStatus).toEqual({ stage: 'done', go: 42 });
  });

  it('fails the instance with the activity error when the orchestrator does not catch it', async () => {
    const id = await run('Failing', null);
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain("Orchestrator function 'Failing' failed");
    expect(String(status.output)).toContain('boom: the activity broke');
  });

  it('hands the activity error to orchestrator code that catches it', async () => {
    const id = await run('Catching', null);
    const output = (await harness.client.getStatus(id)).output as { caught: string };
    expect(output.caught).toContain("Activity function 'Boom' failed: boom: the activity broke");
  });

  it('terminates a running instance and answers 410 afterwards', async () => {
    const id = await run('Approval', null);
    await harness.client.terminate(id, 'no longer needed');
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Terminated');
    expect(status.output).toBe('no longer needed');
    const again = await fetch(
      `${harness.baseUrl}/runtime/webhooks/durabletask/instances/${id}/terminate?reason=x`,
      {
        method: 'POST',
      },
    );
    expect(again.status).toBe(410);
  });

  it('purges a finished instance, by id and by filter, but not a running one', async () => {
    const done = await run('Chain', ['x']);
    const running = await run('Approval', null);
    const purgeRunning = await fetch(`${harness.baseUrl}/runtime/webhooks/durabletask/instances/${running}`, {
      method: 'DELETE',
    });
    expect(purgeRunning.status).toBe(412);
    expect((await harness.client.purgeInstanceHistory(done)).instancesDeleted).toBe(1);
    await expect(harness.client.getStatus(done)).rejects.toThrow(/404/);
    await harness.client.terminate(running, 'cleanup');
    const byFilter = await harness.client.purgeInstanceHistoryBy({
      createdTimeFrom: new Date(start - day),
      runtimeStatus: [df.OrchestrationRuntimeStatus.Terminated],
    });
    expect(byFilter.instancesDeleted).toBe(1);
    expect(fs.readdirSync(path.join(harness.dataDir, 'instances'))).toEqual([]);
  });

  it('rejects starting a duplicate instance id while it runs, allows it once finished', async () => {
    await run('Approval', null, 'single');
    await expect(harness.client.startNew('Approval', { instanceId: 'single' })).rejects.toThrow(/409/);
    await harness.client.terminate('single', 'done');
    await expect(harness.client.startNew('Chain', { instanceId: 'single', input: ['again'] })).resolves.toBe(
      'single',
    );
    await harness.engine.idle();
    expect((await harness.client.getStatus('single')).output).toEqual(['Hello again!']);
  });

  it('answers 404 for unknown instances and 400 for unknown orchestrators', async () => {
    await expect(harness.client.getStatus('nope')).rejects.toThrow(/404/);
    await expect(harness.client.raiseEvent('nope', 'E', 1)).rejects.toThrow(/No instance/);
    await expect(harness.client.startNew('NoSuchOrchestrator')).rejects.toThrow(/400/);
  });

  it('lists instances by runtime status and creation time, page by page', async () => {
    for (let i = 0; i < 5; i += 1) {
      await run('Chain', [`n${i}`], `list-${i}`);
      await clock.advance(minute);
    }
    await run('Approval', null, 'list-running');
    const completed = await harness.client.getStatusBy({
      runtimeStatus: [df.OrchestrationRuntimeStatus.Completed],
    });
    expect(completed.map((s) => s.instanceId)).toEqual(['list-0', 'list-1', 'list-2', 'list-3', 'list-4']);
    const recent = await harness.client.getStatusBy({ createdTimeFrom: new Date(start + 3 * minute) });
    expect(recent.map((s) => s.instanceId)).toEqual(['list-3', 'list-4', 'list-running']);
    const firstPage = await fetch(`${harness.baseUrl}/runtime/webhooks/durabletask/instances/?top=2`);
    const token = firstPage.headers.get('x-ms-continuation-token');
    expect(((await firstPage.json()) as unknown[]).length).toBe(2);
    expect(token).toBeTruthy();
    const all = await harness.client.getStatusAll();
    expect(all).toHaveLength(6);
  });

  it('fails an instance whose replay no longer matches its history (non-determinism)', async () => {
    knobs.driftVariant = 'v1';
    const id = await run('Drifting', null);
    expect(calls['Hello:drift']).toBe(1);
    knobs.driftVariant = 'v2';
    try {
      await harness.client.raiseEvent(id, 'Go', null);
      await harness.engine.idle();
    } finally {
      knobs.driftVariant = 'v1';
    }
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toMatch(
      /Non-Deterministic workflow detected: .*activity task named 'Hello' with sequence ID 0.*activity task named 'Double'/,
    );
  });

  it('resumes from the data folder after a restart without rerunning completed activities', async () => {
    let release: () => void = () => undefined;
    knobs.gate = new Promise<void>((resolve) => (release = resolve));
    const before = { ...calls };
    const id = await harness.client.startNew('GatedChain');
    await waitFor(() => calls.Gated === (before.Gated ?? 0) + 1);
    expect(calls['Hello:before']).toBe((before['Hello:before'] ?? 0) + 1);
    expect(calls.Gated).toBe((before.Gated ?? 0) + 1); // in flight when the host goes down
    await harness.restart();
    release();
    await harness.engine.idle();
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello before!', 'passed the gate', 'Hello after!']);
    expect(calls['Hello:before']).toBe((before['Hello:before'] ?? 0) + 1); // recorded: not run again
    expect(calls.Gated).toBe((before.Gated ?? 0) + 2); // in flight: run again (at-least-once)
    expect(calls['Hello:after']).toBe((before['Hello:after'] ?? 0) + 1);
    knobs.gate = Promise.resolve();
  });

  it('retries a failing sub-orchestration with a new child instance per attempt', async () => {
    const id = await run('SubRetry', { key: 'child', failures: 1 }, 'sub-retry');
    await advanceUntil(clock, harness.engine, start + minute);
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('ok after 1 failures');
    const children = await harness.client.getStatusBy({});
    const childStatuses = children
      .filter((c) => c.instanceId.startsWith('sub-retry:'))
      .map((c) => `${c.instanceId}=${c.runtimeStatus}`);
    expect(childStatuses.sort()).toEqual(['sub-retry:0=Failed', 'sub-retry:2=Completed']);
  });

  it('drops an event the old execution never awaited when it continues as new (as Azure does)', async () => {
    let release: () => void = () => undefined;
    knobs.gate = new Promise<void>((resolve) => (release = resolve));
    const gatedBefore = calls.Gated ?? 0;
    const id = await harness.client.startNew('Accumulate', { input: { sum: 0 } });
    await harness.client.raiseEvent(id, 'Add', 4);
    await waitFor(() => calls.Gated === gatedBefore + 1);
    await harness.client.raiseEvent(id, 'Add', 5); // arrives while the first execution waits on Gated
    release();
    await harness.engine.idle();
    const between = await harness.client.getStatus(id);
    expect(between.runtimeStatus).toBe('Running');
    expect(between.input).toEqual({ sum: 4 });
    await harness.client.raiseEvent(id, 'Add', 6);
    await harness.engine.idle();
    expect((await harness.client.getStatus(id)).output).toBe(10);
  });

  it('tells the orchestrator when it is replaying', async () => {
    knobs.replayLog = [];
    await run('ReplayAware', null);
    expect(knobs.replayLog).toEqual([
      'first:false',
      'first:true',
      'second:false',
      'first:true',
      'second:true',
      'done:false',
    ]);
  });

  it('fails an orchestration that uses entities, which this engine does not run', async () => {
    const id = await run('UsesEntity', null);
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('does not support action type 7');
  });

  it('answers a start request like the extension: 202, Location, management links', async () => {
    const binding = JSON.parse(harness.engine.clientBindingData()) as Record<string, unknown>;
    expect(binding).toMatchObject({
      taskHubName: 'TestHub',
      rpcBaseUrl: `${harness.baseUrl}/runtime/webhooks/durabletask/`,
      baseUrl: `${harness.baseUrl}/runtime/webhooks/durabletask`,
      managementUrls: { id: 'INSTANCEID' },
    });
    const response = await fetch(
      `${harness.baseUrl}/runtime/webhooks/durabletask/orchestrators/Chain/raw-1`,
      {
        method: 'POST',
        body: JSON.stringify(['raw']),
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const body = (await response.json()) as {
      id: string;
      statusQueryGetUri: string;
      sendEventPostUri: string;
    };
    expect(response.status).toBe(202);
    expect(body.id).toBe('raw-1');
    expect(response.headers.get('location')).toBe(body.statusQueryGetUri);
    expect(body.sendEventPostUri).toBe(
      `${harness.baseUrl}/runtime/webhooks/durabletask/instances/raw-1/raiseEvent/{eventName}?taskHub=TestHub&connection=Storage`,
    );
    const invalid = await fetch(`${harness.baseUrl}/runtime/webhooks/durabletask/orchestrators/Chain`, {
      method: 'POST',
      body: '{not json',
    });
    expect(invalid.status).toBe(400);
    const other = await fetch(`${harness.baseUrl}/api/something`);
    expect(other.status).toBe(404); // not the engine's: left to the host
  });

  it('keeps a retry waiting on its durable timer across a restart', async () => {
    const id = await run('Retry', { key: 'restart', failures: 1, attempts: 3 });
    expect(calls['Flaky:restart']).toBe(1);
    await harness.restart();
    await advanceUntil(clock, harness.engine, start + 1000);
    const status = await harness.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(calls['Flaky:restart']).toBe(2);
  });

  it('keeps a long timer across a restart and fires it at its due time', async () => {
    const id = await run('Timer', { delayMs: 10 * day });
    await advanceUntil(clock, harness.engine, start + 4 * day);
    await harness.restart();
    await advanceUntil(clock, harness.engine, start + 10 * day - 1);
    expect((await harness.client.getStatus(id)).runtimeStatus).toBe('Running');
    await advanceUntil(clock, harness.engine, start + 10 * day);
    expect((await harness.client.getStatus(id)).output).toBe(new Date(start + 10 * day).toISOString());
  });

  it('sets an unreadable instance file aside and runs the others', async () => {
    const id = await run('Approval', null, 'survivor');
    fs.writeFileSync(path.join(harness.dataDir, 'instances', 'garbage.json'), '{ not json');
    await harness.restart();
    await harness.client.raiseEvent(id, 'Approval', 'still here');
    await harness.engine.idle();
    expect((await harness.client.getStatus(id)).output).toBe('still here');
    expect(fs.existsSync(path.join(harness.dataDir, 'instances', 'garbage.json.unreadable'))).toBe(true);
  });

  it('runs a fan-out wider than the activity concurrency limit', async () => {
    const before = calls.Double ?? 0;
    const id = await run('FanOut', 40);
    expect((await harness.client.getStatus(id)).output).toBe(40 * 41);
    expect((calls.Double ?? 0) - before).toBe(40);
  });
});
