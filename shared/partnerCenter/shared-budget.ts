/**
 * One Partner Center request budget for the whole app, however many instances run (ADR 0007).
 *
 * Time is cut into windows (1 s, longer for rates below 1/s); each window allows `perWindow` requests
 * in total. A process takes tokens for the current window from a shared row in small chunks, with
 * optimistic concurrency (ETag), and spends them locally; when the window is spent it waits for the
 * next one. The sum over all processes therefore never exceeds the budget of a window.
 *
 * The rows are a ring of `RING_SIZE` slots (window index modulo the ring), so the table never grows.
 * If the table fails, calls are not stopped: the process keeps to its share, `rate / maxInstances`,
 * for a while (logged), then tries the table again.
 */
import { realSleep } from './rate-limiter';

/** One slot of the ring: which window it counts, how many tokens were taken, its ETag. */
export interface BudgetRow {
  window: number;
  taken: number;
  etag: string;
}

/** Where the shared counts live (a Table Storage table in Azure and locally). */
export interface BudgetStore {
  read(slot: string): Promise<BudgetRow | undefined>;
  /** False when the row exists already (another process created it first). */
  create(slot: string, window: number, taken: number): Promise<boolean>;
  /** False when the ETag no longer matches (another process wrote it first). */
  replace(slot: string, window: number, taken: number, etag: string): Promise<boolean>;
}

export interface SharedBudget {
  /** Resolves when this process may start one Partner Center request. */
  take(): Promise<void>;
}

export interface BudgetPlan {
  windowMs: number;
  /** Requests allowed in one window, summed over every process. */
  perWindow: number;
  /** Tokens one process takes from the shared row at once. */
  chunk: number;
}

/** Slots in the ring: a minute of 1-s windows, far more than any clock skew between instances. */
export const RING_SIZE = 60;
/** A process takes at most this share of a window at once: few table writes, little stranded budget. */
const CHUNKS_PER_WINDOW = 8;
/** Optimistic-concurrency conflicts tolerated in one take before waiting for the next window. */
const MAX_CONFLICTS = 8;

/** Window length, budget per window and chunk size for a rate (requests per second, above 0). */
export function budgetPlan(requestsPerSecond: number): BudgetPlan {
  if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be greater than 0');
  const windowMs = 1000 * Math.max(1, Math.ceil(1 / requestsPerSecond));
  const perWindow = Math.max(1, Math.floor((requestsPerSecond * windowMs) / 1000));
  return { windowMs, perWindow, chunk: Math.max(1, Math.ceil(perWindow / CHUNKS_PER_WINDOW)) };
}

/**
 * Tokens to take from a slot for `window` and the slot's new count; grant 0 when the window is spent.
 * A slot still counting an older window starts afresh; one already ahead (clock skew) is left alone.
 */
export function claim(
  row: BudgetRow | undefined,
  window: number,
  plan: BudgetPlan,
): { grant: number; taken: number } {
  if (row && row.window > window) return { grant: 0, taken: row.taken };
  const before = row && row.window === window ? row.taken : 0;
  const grant = Math.max(0, Math.min(plan.chunk, plan.perWindow - before));
  return { grant, taken: before + grant };
}

export interface SharedBudgetOptions {
  requestsPerSecond: number;
  /** The most instances that may run at once: the fallback share is requestsPerSecond / maxInstances. */
  maxInstances: number;
  store: BudgetStore;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told when the table fails and the process falls back to its share (never with secrets). */
  warn?: (message: string) => void;
  /** How long the fallback lasts before the table is tried again. */
  fallbackForMs?: number;
}

export function createSharedBudget(options: SharedBudgetOptions): SharedBudget {
  const plan = budgetPlan(options.requestsPerSecond);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const fallbackForMs = options.fallbackForMs ?? 30_000;
  const shareIntervalMs = (1000 * Math.max(1, options.maxInstances)) / options.requestsPerSecond;
  let held = { window: Number.NEGATIVE_INFINITY, remaining: 0 };
  let fallbackUntil = Number.NEGATIVE_INFINITY;
  let nextShareAt = Number.NEGATIVE_INFINITY;
  // One take at a time per process: tokens are handed out in order, and one table round trip at once.
  let queue: Promise<void> = Promise.resolve();

  /** Takes a chunk for `window` from the shared slot: the tokens granted, 0 when it is spent. */
  async function takeChunk(window: number): Promise<number> {
    const slot = String(window % RING_SIZE);
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
      const row = await options.store.read(slot);
      const { grant, taken } = claim(row, window, plan);
      if (grant === 0) return 0;
      const written = row
        ? await options.store.replace(slot, window, taken, row.etag)
        : await options.store.create(slot, window, taken);
      if (written) return grant;
    }
    return 0;
  }

  async function takeShare(): Promise<void> {
    const current = now();
    const startAt = Math.max(current, nextShareAt);
    nextShareAt = startAt + shareIntervalMs;
    if (startAt > current) await sleep(startAt - current);
  }

  async function takeOne(): Promise<void> {
    for (;;) {
      const current = now();
      const window = Math.floor(current / plan.windowMs);
      if (held.window === window && held.remaining > 0) {
        held.remaining--;
        return;
      }
      if (current < fallbackUntil) return takeShare();
      let granted: number;
      try {
        granted = await takeChunk(window);
      } catch (error) {
        fallbackUntil = now() + fallbackForMs;
        const reason = error instanceof Error ? error.name : 'error';
        options.warn?.(
          `Partner Center budget table failed (${reason}): this instance keeps to ${options.requestsPerSecond}/${options.maxInstances} requests per second for ${fallbackForMs} ms`,
        );
        return takeShare();
      }
      if (granted > 0) {
        held = { window, remaining: granted - 1 };
        return;
      }
      await sleep(Math.max(1, (window + 1) * plan.windowMs - now()));
    }
  }

  return {
    take() {
      const turn = queue.then(takeOne);
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
