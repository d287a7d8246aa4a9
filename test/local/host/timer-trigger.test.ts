import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../../../local/clock';
import { startTestHost, type TestHost } from './host-fixture';

interface TimerRun {
  name: string;
  timer: {
    isPastDue: boolean;
    scheduleStatus: { last: string; next: string; lastUpdated: string };
    schedule: unknown;
  };
}

async function runs(t: TestHost): Promise<TimerRun[]> {
  const res = await fetch(`${t.host.url}/api/timer-runs`);
  return (await res.json()) as TimerRun[];
}

async function runsOf(t: TestHost, name: string, count: number): Promise<TimerRun[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = (await runs(t)).filter((r) => r.name === name);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return (await runs(t)).filter((r) => r.name === name);
}

describe('timer triggers on a virtual clock', () => {
  const start = Date.UTC(2026, 0, 1, 0, 0, 0);
  let dataDir: string;
  let clock: VirtualClock;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'host-timers-'));
    clock = new VirtualClock(start);
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs runOnStartup timers once at start and scheduled ones when the clock reaches them', async () => {
    const t = await startTestHost('http-timer', { clock, dataDir });
    try {
      expect(await runsOf(t, 'onStartup', 1)).toHaveLength(1);
      expect(await runsOf(t, 'tick', 0)).toHaveLength(0);

      await clock.advance(5 * 60_000);
      const [first] = await runsOf(t, 'tick', 1);
      expect(first?.timer).toEqual({
        schedule: { adjustForDST: true },
        isPastDue: false,
        scheduleStatus: {
          last: '2026-01-01T00:05:00.000Z',
          next: '2026-01-01T00:10:00.000Z',
          lastUpdated: '2026-01-01T00:05:00.000Z',
        },
      });

      await clock.advance(15 * 60_000);
      const ticks = await runsOf(t, 'tick', 4);
      expect(ticks.map((r) => r.timer.scheduleStatus.last)).toEqual([
        '2026-01-01T00:05:00.000Z',
        '2026-01-01T00:10:00.000Z',
        '2026-01-01T00:15:00.000Z',
        '2026-01-01T00:20:00.000Z',
      ]);
      expect(await runsOf(t, 'onStartup', 1)).toHaveLength(1);
      expect(t.lines.filter((l) => / tick timerTrigger \d+ms Succeeded/.test(l))).toHaveLength(4);
    } finally {
      await t.stop();
    }
  });

  it('runs a schedule missed while the host was down once, at start, with isPastDue', async () => {
    const first = await startTestHost('http-timer', { clock, dataDir });
    await clock.advance(5 * 60_000);
    expect(await runsOf(first, 'tick', 1)).toHaveLength(1);
    await first.stop();

    clock = new VirtualClock(start + 65 * 60_000); // an hour later
    const second = await startTestHost('http-timer', { clock, dataDir });
    try {
      const ticks = await runsOf(second, 'tick', 1);
      expect(ticks).toHaveLength(1);
      expect(ticks[0]?.timer.isPastDue).toBe(true);
      expect(ticks[0]?.timer.scheduleStatus.last).toBe('2026-01-01T00:10:00.000Z');
      expect(ticks[0]?.timer.scheduleStatus.next).toBe('2026-01-01T01:10:00.000Z');

      await clock.advance(5 * 60_000);
      const later = await runsOf(second, 'tick', 2);
      expect(later[1]?.timer.isPastDue).toBe(false);
      expect(later[1]?.timer.scheduleStatus.last).toBe('2026-01-01T01:10:00.000Z');
    } finally {
      await second.stop();
    }
  });

  it('never overlaps runs of one timer: occurrences passed during a long run are skipped', async () => {
    const t = await startTestHost('slow-timer', { clock, dataDir });
    try {
      await clock.advance(5 * 60_000); // the 00:01 run is still busy when the clock passes 00:02..00:05
      const state = async () =>
        (await (await fetch(`${t.host.url}/api/state`)).json()) as {
          active: number;
          maxActive: number;
          runs: string[];
        };
      for (let i = 0; i < 50 && (await state()).runs.length < 1; i++)
        await new Promise((r) => setTimeout(r, 10));
      await clock.advance(60_000);
      for (let i = 0; i < 50 && (await state()).runs.length < 2; i++)
        await new Promise((r) => setTimeout(r, 10));
      const final = await state();
      expect(final.maxActive).toBe(1);
      expect(final.runs).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:06:00.000Z']);
    } finally {
      await t.stop();
    }
  });
});
