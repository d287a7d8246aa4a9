/**
 * Time source shared by the local host, the durable engine and the emulators running in one process.
 * Production code never sees this: it is how `npm start` runs in real time and tests run a 30-day
 * workflow in seconds.
 */
export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
  /** Resolves once the clock has reached `at` (ms since the epoch); rejects if the signal aborts. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

/** Wall-clock time. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    return sleepReal(Math.max(0, at - Date.now()), signal);
  }
}

interface Sleeper {
  at: number;
  resolve: () => void;
}

/**
 * A clock the test drives: time stands still until `advance()` or `advanceTo()` moves it, then every
 * sleeper whose moment has come wakes up in time order.
 */
export class VirtualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (at <= this.current) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortError());
      };
      const sleeper: Sleeper = {
        at,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      if (signal?.aborted) return onAbort();
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The earliest moment someone is sleeping until, if any. */
  nextWakeUp(): number | undefined {
    return this.sleepers.reduce<number | undefined>(
      (min, s) => (min === undefined || s.at < min ? s.at : min),
      undefined,
    );
  }

  /** Moves time forward by `ms`, waking sleepers in order and letting each one's continuation run. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const due = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.current = Math.max(this.current, due.at);
      this.sleepers = this.sleepers.filter((s) => s !== due);
      due.resolve();
      await settle();
    }
    this.current = Math.max(this.current, target);
    await settle();
  }
}

// Node's setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days): sleep in chunks.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

async function sleepReal(ms: number, signal?: AbortSignal): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0; left = until - Date.now()) {
    await sleepOnce(Math.min(left, MAX_TIMEOUT_MS), signal);
  }
  if (signal?.aborted) throw abortError();
}

function sleepOnce(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  const error = new Error('The sleep was aborted');
  error.name = 'AbortError';
  return error;
}

/** Lets pending promise continuations and I/O callbacks run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
