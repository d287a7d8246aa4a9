import { startTestHost, type TestHost } from './host-fixture';

interface TimerRun {
  name: string;
  timer: { isPastDue: boolean; scheduleStatus: { last: string } };
}

async function runsOf(t: TestHost, name: string): Promise<TimerRun[]> {
  const res = await fetch(`${t.host.url}/api/timer-runs`);
  return ((await res.json()) as TimerRun[]).filter((r) => r.name === name);
}

async function waitForRuns(t: TestHost, name: string, count: number): Promise<TimerRun[]> {
  const deadline = Date.now() + 10_000;
  let found = await runsOf(t, name);
  while (found.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    found = await runsOf(t, name);
  }
  return found;
}

function runNow(t: TestHost, name: string, body = '{}', headers: Record<string, string> = {}) {
  return fetch(`${t.host.url}/admin/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('POST /admin/functions/{name}', () => {
  let t: TestHost;

  afterEach(async () => {
    await t.stop();
  });

  it('runs a timer function now, answers 202 and ignores the input, outside its schedule', async () => {
    t = await startTestHost('http-timer');
    expect(await runsOf(t, 'tick')).toHaveLength(0);

    const res = await runNow(t, 'tick', JSON.stringify({ input: 'ignored for timers' }));
    expect(res.status).toBe(202);

    const runs = await waitForRuns(t, 'tick', 1);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.timer.isPastDue).toBe(false);

    // The schedule is untouched: the next scheduled run still comes at 00:05.
    await t.clock.advance(5 * 60_000);
    const scheduled = await waitForRuns(t, 'tick', 2);
    expect(scheduled[1]?.timer.scheduleStatus.last).toBe('2026-01-01T00:05:00.000Z');
  });

  it('matches the name without regard to case, as the Functions host does', async () => {
    t = await startTestHost('http-timer');
    expect((await runNow(t, 'TICK')).status).toBe(202);
    expect(await waitForRuns(t, 'tick', 1)).toHaveLength(1);
  });

  it('answers 404 for an unknown function', async () => {
    t = await startTestHost('http-timer');
    expect((await runNow(t, 'noSuchFunction')).status).toBe(404);
  });

  it('refuses an HTTP-triggered function with 400 naming the reason', async () => {
    t = await startTestHost('http-timer');
    const res = await runNow(t, 'timerRuns');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/HTTP-triggered/);
  });

  it('answers 400 without a JSON object body, as the host does without { "input": ... } or {}', async () => {
    t = await startTestHost('http-timer');
    expect((await runNow(t, 'tick', '')).status).toBe(400);
    expect((await runNow(t, 'tick', 'not json')).status).toBe(400);
  });

  it('answers 501 for a trigger type the local host cannot run this way', async () => {
    t = await startTestHost('http-timer');
    const res = await runNow(t, 'double');
    expect(res.status).toBe(501);
    expect(await res.text()).toMatch(/customTrigger/);
  });

  it('needs the master key when keys are enforced, as in Azure', async () => {
    t = await startTestHost('http-timer', {
      auth: { enforceKeys: true, masterKey: 'test-master', functionKeys: ['test-function'] },
    });
    expect((await runNow(t, 'tick')).status).toBe(401);
    expect((await runNow(t, 'tick', '{}', { 'x-functions-key': 'test-function' })).status).toBe(401);
    expect((await runNow(t, 'tick', '{}', { 'x-functions-key': 'test-master' })).status).toBe(202);
    expect(await waitForRuns(t, 'tick', 1)).toHaveLength(1);
  });
});
