/**
 * One pending wake-up on the injected clock, moved whenever the next interesting moment changes
 * (a scheduled message, a lock expiry). Works the same on the real and the virtual clock.
 */
import type { Clock } from '../../clock';

/** setTimeout cannot wait longer; a later moment is reached by waking up early and re-arming. */
const MAX_SLEEP_MS = 2 ** 31 - 1;

export class WakeUpTimer {
  private pending?: { at: number; abort: AbortController };
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onWakeUp: () => void,
  ) {}

  /** Wakes up at `at` (ms since the epoch) instead of any earlier request; undefined: no wake-up. */
  arm(at: number | undefined): void {
    if (this.stopped) return;
    const target = at === undefined ? undefined : Math.min(at, this.clock.now() + MAX_SLEEP_MS);
    if (target === this.pending?.at) return;
    this.pending?.abort.abort();
    this.pending = undefined;
    if (target === undefined) return;
    const pending = { at: target, abort: new AbortController() };
    this.pending = pending;
    this.clock.sleepUntil(target, pending.abort.signal).then(
      () => {
        if (this.pending === pending) this.pending = undefined;
        if (!this.stopped) this.onWakeUp();
      },
      () => undefined, // aborted: a newer wake-up replaced this one
    );
  }

  stop(): void {
    this.stopped = true;
    this.pending?.abort.abort();
    this.pending = undefined;
  }
}
