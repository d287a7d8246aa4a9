import { RealClock, VirtualClock } from '../../local/clock';

describe('VirtualClock', () => {
  it('wakes sleepers in time order as time advances, and not before', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const woke: string[] = [];
    void clock.sleepUntil(clock.now() + 2000).then(() => woke.push(`b@${clock.now()}`));
    void clock.sleepUntil(clock.now() + 1000).then(() => woke.push(`a@${clock.now()}`));
    await clock.advance(999);
    expect(woke).toEqual([]);
    await clock.advance(5000);
    const t0 = Date.UTC(2026, 0, 1);
    expect(woke).toEqual([`a@${t0 + 1000}`, `b@${t0 + 2000}`]);
    expect(clock.now()).toBe(t0 + 5999);
  });

  it('rejects an aborted sleep and forgets it', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const sleeping = clock.sleepUntil(clock.now() + 1000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toMatchObject({ name: 'AbortError' });
    expect(clock.nextWakeUp()).toBeUndefined();
  });
});

describe('RealClock', () => {
  it('sleeps past a delay longer than setTimeout can hold, in chunks', async () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    try {
      const clock = new RealClock();
      const thirtyDays = 30 * 24 * 3600 * 1000;
      let done = false;
      const sleeping = clock.sleepUntil(clock.now() + thirtyDays).then(() => (done = true));
      await jest.advanceTimersByTimeAsync(thirtyDays - 1);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await sleeping;
      expect(done).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
