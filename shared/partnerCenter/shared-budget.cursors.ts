/**
 * The shared budget's slots kept as cursors (Table Storage rows with ETag compare-and-set), one per
 * slot of the ring: `partner-center-budget:<slot>` = `{"window":<index>,"taken":<n>}`. No new table.
 */
import { z } from 'zod';
import { ConflictError, type CursorsRepository } from '../store';
import type { BudgetStore } from './shared-budget';

export const BUDGET_CURSOR_PREFIX = 'partner-center-budget:';

const slotValueSchema = z.object({ window: z.number().int(), taken: z.number().int().min(0) });

export function createCursorBudgetStore(cursors: CursorsRepository): BudgetStore {
  const name = (slot: string) => `${BUDGET_CURSOR_PREFIX}${slot}`;
  const value = (window: number, taken: number) => JSON.stringify({ window, taken });

  async function written(write: Promise<unknown>): Promise<boolean> {
    try {
      await write;
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  return {
    async read(slot) {
      const cursor = await cursors.get(name(slot));
      if (!cursor) return undefined;
      // An unreadable slot is overwritten as if it counted an old window.
      const slotValue = parseSlot(cursor.value) ?? { window: Number.MIN_SAFE_INTEGER, taken: 0 };
      return { ...slotValue, etag: cursor.etag };
    },
    create: (slot, window, taken) => written(cursors.set(name(slot), value(window, taken))),
    replace: (slot, window, taken, etag) => written(cursors.set(name(slot), value(window, taken), etag)),
  };
}

function parseSlot(text: string): z.infer<typeof slotValueSchema> | undefined {
  try {
    const parsed = slotValueSchema.safeParse(JSON.parse(text) as unknown);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
