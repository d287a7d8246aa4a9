/**
 * Sleeping on a Clock for as long as a schedule needs. Node's setTimeout fires at once for delays
 * over 2^31-1 ms (about 24.8 days), which RealClock passes straight through, so long waits go in
 * chunks. Each chunk gets its own AbortSignal, so waiting forever on one long-lived signal does not
 * pile listeners onto it.
 */
import type { Clock } from '../clock';

const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export async function sleepOnClock(clock: Clock, at: number, signal: AbortSignal): Promise<void> {
  while (clock.now() < at) {
    if (signal.aborted) throw new Error('The sleep was aborted');
    const chunkEnd = Math.min(at, clock.now() + MAX_TIMER_DELAY_MS);
    const chunk = new AbortController();
    const forward = () => chunk.abort();
    signal.addEventListener('abort', forward, { once: true });
    try {
      await clock.sleepUntil(chunkEnd, chunk.signal);
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }
}
