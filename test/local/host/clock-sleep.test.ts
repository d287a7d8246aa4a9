import { VirtualClock, type Clock } from '../../../local/clock';
import { sleepOnClock } from '../../../local/host/clock-sleep';

describe('sleepOnClock', () => {
  it('waits longer than a Node timer can, in chunks under 2^31 ms, and wakes at the target', async () => {
    const virtual = new VirtualClock(0);
    const requested: number[] = [];
    const clock: Clock = {
      now: () => virtual.now(),
      sleepUntil: (at, signal) => {
        requested.push(at - virtual.now());
        return virtual.sleepUntil(at, signal);
      },
    };
    const sixtyDays = 60 * 86_400_000;
    let woke = false;
    const sleeping = sleepOnClock(clock, sixtyDays, new AbortController().signal).then(() => (woke = true));
    await virtual.advance(sixtyDays - 1);
    expect(woke).toBe(false);
    await virtual.advance(1);
    await sleeping;
    expect(woke).toBe(true);
    expect(requested.length).toBeGreaterThan(1);
    expect(Math.max(...requested)).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it('rejects when aborted, and at once when already aborted', async () => {
    const clock = new VirtualClock(0);
    const controller = new AbortController();
    const sleeping = sleepOnClock(clock, 1000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toThrow(/aborted/);
    await expect(sleepOnClock(clock, 1000, controller.signal)).rejects.toThrow(/aborted/);
  });
});
