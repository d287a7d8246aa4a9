/**
 * Persists each queue as one JSON file under the data folder, written atomically (temp file +
 * rename) so a crash leaves either the old or the new state, never half of one.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { QueueSnapshot, StoredMessage } from './queue-entity';

const storedMessageSchema = z.object({
  sequenceNumber: z.number().int(),
  enqueuedAt: z.number(),
  deliveryCount: z.number().int().nonnegative(),
  payload: z.string().transform((base64) => Buffer.from(base64, 'base64')),
  scheduledAt: z.number().optional(),
  timeToLive: z.number().optional(),
});

const snapshotSchema = z.object({
  nextSequenceNumber: z.number().int().positive(),
  active: z.array(storedMessageSchema),
  deadLetter: z.array(storedMessageSchema),
  scheduled: z.array(storedMessageSchema),
  locked: z.array(z.number().int()),
});

interface WriteSlot {
  /** The latest write, started or waiting its turn. */
  tail: Promise<void>;
  /** A write that has not started yet: later saves join it, as it will capture their changes. */
  waiting?: Promise<void>;
}

export class QueueStore {
  private readonly slots = new Map<string, WriteSlot>();

  /** Without a data folder the queues live in memory only. */
  constructor(private readonly dataDir: string | undefined) {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
  }

  load(queueName: string): QueueSnapshot | undefined {
    if (!this.dataDir) return undefined;
    let text: string;
    try {
      text = readFileSync(this.fileOf(queueName), 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const parsed = snapshotSchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new Error(`Corrupt queue file for ${queueName}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }

  /** Resolves once a write that includes the state as of now has reached the disk. */
  save(queueName: string, snapshot: () => QueueSnapshot): Promise<void> {
    if (!this.dataDir) return Promise.resolve();
    const slot = this.slots.get(queueName) ?? { tail: Promise.resolve() };
    this.slots.set(queueName, slot);
    if (slot.waiting) return slot.waiting;
    const write = slot.tail.then(() => {
      slot.waiting = undefined;
      return this.write(queueName, snapshot());
    });
    slot.waiting = write;
    slot.tail = write.catch(() => undefined);
    return write;
  }

  /** Waits for every write under way. */
  async flush(): Promise<void> {
    await Promise.all([...this.slots.values()].map((slot) => slot.tail));
  }

  private async write(queueName: string, snapshot: QueueSnapshot): Promise<void> {
    const file = this.fileOf(queueName);
    const temp = `${file}.${process.pid}.tmp`;
    const json = JSON.stringify(snapshot, (_key, value: unknown) =>
      isStoredMessage(value) ? toJson(value) : value,
    );
    await writeFile(temp, json);
    await rename(temp, file);
  }

  private fileOf(queueName: string): string {
    return join(this.dataDir ?? '', `${encodeURIComponent(queueName)}.queue.json`);
  }
}

function isStoredMessage(value: unknown): value is StoredMessage {
  return value !== null && typeof value === 'object' && 'payload' in value && Buffer.isBuffer(value.payload);
}

function toJson(message: StoredMessage): Record<string, unknown> {
  return { ...message, payload: message.payload.toString('base64') };
}

/** Duck-typed: fs errors may come from another realm (e.g. under Jest), failing `instanceof Error`. */
function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
