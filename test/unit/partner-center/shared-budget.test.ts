import {
  budgetPlan,
  claim,
  createCursorBudgetStore,
  createSharedBudget,
  RING_SIZE,
  type BudgetRow,
  type BudgetStore,
} from '../../../shared/partnerCenter';
import { ConflictError, type CursorsRepository } from '../../../shared/store';

describe('budgetPlan', () => {
  it.each([
    [5, { windowMs: 1000, perWindow: 5, chunk: 1 }],
    [100, { windowMs: 1000, perWindow: 100, chunk: 13 }],
    [1000, { windowMs: 1000, perWindow: 1000, chunk: 125 }],
    [2.5, { windowMs: 1000, perWindow: 2, chunk: 1 }],
    [0.5, { windowMs: 2000, perWindow: 1, chunk: 1 }],
    [0.2, { windowMs: 5000, perWindow: 1, chunk: 1 }],
  ])('%s requests per second', (rate, plan) => {
    expect(budgetPlan(rate)).toEqual(plan);
  });

  it('refuses a rate of 0', () => {
    expect(() => budgetPlan(0)).toThrow(RangeError);
  });
});

describe('claim', () => {
  const plan = { windowMs: 1000, perWindow: 10, chunk: 4 };
  const row = (window: number, taken: number): BudgetRow => ({ window, taken, etag: 'e' });
  it.each<[string, BudgetRow | undefined, { grant: number; taken: number }]>([
    ['an empty slot', undefined, { grant: 4, taken: 4 }],
    ['a slot of an older window starts afresh', row(7, 10), { grant: 4, taken: 4 }],
    ['the same window, room left', row(9, 4), { grant: 4, taken: 8 }],
    ['the same window, less than a chunk left', row(9, 8), { grant: 2, taken: 10 }],
    ['the window is spent', row(9, 10), { grant: 0, taken: 10 }],
    ['a slot already ahead (clock skew) is left alone', row(10, 1), { grant: 0, taken: 1 }],
  ])('%s', (_name, slot, expected) => {
    expect(claim(slot, 9, plan)).toEqual(expected);
  });
});

/** Rows with ETags in memory; every call yields once, so two budgets interleave and conflict. */
class MemoryBudgetStore implements BudgetStore {
  readonly rows = new Map<string, BudgetRow>();
  failing = false;
  operations = 0;
  private version = 0;

  private async turn(): Promise<void> {
    this.operations++;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failing) throw Object.assign(new Error('storage down'), { name: 'RestError' });
  }

  async read(slot: string) {
    await this.turn();
    const row = this.rows.get(slot);
    return row && { ...row };
  }

  async create(slot: string, window: number, taken: number) {
    await this.turn();
    if (this.rows.has(slot)) return false;
    this.rows.set(slot, { window, taken, etag: String(++this.version) });
    return true;
  }

  async replace(slot: string, window: number, taken: number, etag: string) {
    await this.turn();
    if (this.rows.get(slot)?.etag !== etag) return false;
    this.rows.set(slot, { window, taken, etag: String(++this.version) });
    return true;
  }
}

/** A virtual clock both "processes" share: sleeping moves it forward. */
function virtualTime(start = 1_000_000) {
  const clock = { now: start, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    sleep: (ms: number) => {
      clock.sleeps.push(ms);
      clock.now = Math.max(clock.now, clock.now + ms);
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

it('two processes on one store never take more than the budget of a window between them', async () => {
  const store = new MemoryBudgetStore();
  const time = virtualTime();
  const options = { requestsPerSecond: 10, maxInstances: 40, store, now: time.now, sleep: time.sleep };
  const processes = [createSharedBudget(options), createSharedBudget(options)];
  const perWindow = new Map<number, number>();
  await Promise.all(
    processes.map(async (budget) => {
      for (let i = 0; i < 100; i++) {
        await budget.take();
        const window = Math.floor(time.now() / 1000);
        perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
      }
    }),
  );
  expect([...perWindow.values()].reduce((a, b) => a + b, 0)).toBe(200);
  expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(10);
  // 200 requests at 10 per window: 20 windows, not 10 (as two unshared limiters would allow).
  expect(perWindow.size).toBeGreaterThanOrEqual(20);
  expect(store.rows.size).toBeLessThanOrEqual(RING_SIZE);
});

it('takes a chunk per table write, not a write per request', async () => {
  const store = new MemoryBudgetStore();
  const time = virtualTime();
  const budget = createSharedBudget({ requestsPerSecond: 100, maxInstances: 40, store, ...time });
  for (let i = 0; i < 100; i++) await budget.take();
  // 100 tokens in chunks of 13: 8 chunks of a read and a write each.
  expect(store.operations).toBe(16);
});

it('falls back to its share (rate / max instances) when the table fails, says so once, then tries again', async () => {
  const store = new MemoryBudgetStore();
  store.failing = true;
  const time = virtualTime();
  const warnings: string[] = [];
  const budget = createSharedBudget({
    requestsPerSecond: 5,
    maxInstances: 10,
    store,
    ...time,
    warn: (message) => warnings.push(message),
    fallbackForMs: 10_000,
  });
  const started: number[] = [];
  for (let i = 0; i < 4; i++) {
    await budget.take();
    started.push(time.clock.now);
  }
  // One request every 2 s (5 / 10 per second), none stopped.
  expect(started.map((at) => at - 1_000_000)).toEqual([0, 2000, 4000, 6000]);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('5/10 requests per second');
  expect(warnings[0]).not.toContain('storage down'); // the reason is the error's name only

  store.failing = false;
  time.clock.now += 10_000;
  const before = store.operations;
  await budget.take();
  expect(store.operations).toBeGreaterThan(before); // the table again
  expect(warnings).toHaveLength(1);
});

describe('createCursorBudgetStore', () => {
  /** Cursors in memory with compare-and-set, as the cursors repository behaves. */
  function memoryCursors() {
    const values = new Map<string, { value: string; etag: string }>();
    let version = 0;
    const cursors: CursorsRepository = {
      get: (name) => Promise.resolve(values.get(name)),
      set: (name, value, etag) => {
        const current = values.get(name);
        if (etag === undefined ? current !== undefined : current?.etag !== etag)
          return Promise.reject(new ConflictError(`Cursor ${name} was changed by another writer`));
        const written = { value, etag: String(++version) };
        values.set(name, written);
        return Promise.resolve({ etag: written.etag });
      },
    };
    return { cursors, values };
  }

  it('keeps each slot as a cursor and reports a lost race as false', async () => {
    const { cursors, values } = memoryCursors();
    const store = createCursorBudgetStore(cursors);
    expect(await store.read('7')).toBeUndefined();
    expect(await store.create('7', 42, 3)).toBe(true);
    expect(await store.create('7', 42, 3)).toBe(false);
    const row = await store.read('7');
    expect(row).toEqual({ window: 42, taken: 3, etag: '1' });
    expect(await store.replace('7', 42, 5, '1')).toBe(true);
    expect(await store.replace('7', 42, 9, '1')).toBe(false);
    expect(values.get('partner-center-budget:7')?.value).toBe('{"window":42,"taken":5}');
  });

  it('reads an unreadable slot as one of an old window, to be overwritten', async () => {
    const { cursors, values } = memoryCursors();
    values.set('partner-center-budget:1', { value: 'garbage', etag: 'x' });
    const row = await createCursorBudgetStore(cursors).read('1');
    expect(claim(row, 5, budgetPlan(5))).toEqual({ grant: 1, taken: 1 });
  });

  it('lets other storage errors through (the budget then falls back)', async () => {
    const failing: CursorsRepository = {
      get: () => Promise.reject(new Error('storage down')),
      set: () => Promise.reject(new Error('storage down')),
    };
    await expect(createCursorBudgetStore(failing).read('1')).rejects.toThrow('storage down');
    await expect(createCursorBudgetStore(failing).create('1', 1, 1)).rejects.toThrow('storage down');
  });
});
