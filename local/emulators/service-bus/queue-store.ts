/**
 * Persists each queue under the data folder as a snapshot (`<queue>.queue.json`, written atomically:
 * temp file + rename) plus a journal (`<queue>.queue.journal`, one JSON line per save with only what
 * changed since the last one). A save costs what changed, not the size of the queue: with thousands of
 * messages waiting or dead-lettered, rewriting the whole queue on every settlement made the broker
 * the bottleneck. The journal is folded into a new snapshot once it outgrows it. A crash leaves the
 * snapshot whole and at most a torn last journal line, which belongs to a save never acknowledged.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { QueueSnapshot, StoredMessage } from './queue-entity';

const metadataSchema = z.object({
  sequenceNumber: z.number().int(),
  enqueuedAt: z.number(),
  deliveryCount: z.number().int().nonnegative(),
  scheduledAt: z.number().optional(),
  timeToLive: z.number().optional(),
});

const storedMessageSchema = metadataSchema.extend({
  payload: z.string().transform((base64) => Buffer.from(base64, 'base64')),
});

const snapshotSchema = z.object({
  nextSequenceNumber: z.number().int().positive(),
  active: z.array(storedMessageSchema),
  deadLetter: z.array(storedMessageSchema),
  scheduled: z.array(storedMessageSchema),
  locked: z.array(z.number().int()),
});

const PLACES = ['active', 'deadLetter', 'scheduled'] as const;
type Place = (typeof PLACES)[number];

/** One journal line: the counters as of the save, the messages added or changed, those removed. */
const journalLineSchema = z.object({
  next: z.number().int().positive(),
  locked: z.array(z.number().int()),
  /** `payload` is left out when the message's payload did not change since it was last written. */
  put: z.array(z.object({ place: z.enum(PLACES), message: metadataSchema, payload: z.string().optional() })),
  removed: z.array(z.number().int()),
});
type JournalLine = z.output<typeof journalLineSchema>;

/** Below this the journal is never folded: tiny queues would otherwise rewrite the snapshot each time. */
const MIN_JOURNAL_BYTES_TO_FOLD = 1 << 20;

interface Written {
  place: Place;
  message: Omit<StoredMessage, 'payload'>;
  payload: Buffer;
}

interface QueueFiles {
  /** What the files hold now, by sequence number: the base the next save's changes are taken from. */
  written: Map<number, Written>;
  next: number;
  locked: string;
  snapshotBytes: number;
  journalBytes: number;
}

interface WriteSlot {
  /** The latest write, started or waiting its turn. */
  tail: Promise<void>;
  /** A write that has not started yet: later saves join it, as it will capture their changes. */
  waiting?: Promise<void>;
}

export class QueueStore {
  private readonly slots = new Map<string, WriteSlot>();
  private readonly files = new Map<string, QueueFiles>();

  /** Without a data folder the queues live in memory only. */
  constructor(private readonly dataDir: string | undefined) {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
  }

  load(queueName: string): QueueSnapshot | undefined {
    if (!this.dataDir) return undefined;
    const snapshotText = readIfExists(this.fileOf(queueName, 'snapshot'));
    const journalText = readIfExists(this.fileOf(queueName, 'journal'));
    if (snapshotText === undefined && journalText === undefined) return undefined;
    const files = emptyFiles();
    if (snapshotText !== undefined) {
      const parsed = snapshotSchema.safeParse(JSON.parse(snapshotText));
      if (!parsed.success)
        throw new Error(`Corrupt queue file for ${queueName}: ${z.prettifyError(parsed.error)}`);
      files.next = parsed.data.nextSequenceNumber;
      files.locked = JSON.stringify(parsed.data.locked);
      for (const place of PLACES) {
        for (const { payload, ...message } of parsed.data[place]) {
          files.written.set(message.sequenceNumber, { place, message, payload });
        }
      }
      files.snapshotBytes = Buffer.byteLength(snapshotText);
    }
    if (journalText !== undefined) {
      for (const line of journalLines(journalText)) replay(files, line);
      files.journalBytes = Buffer.byteLength(journalText);
    }
    this.files.set(queueName, files);
    return snapshotOf(files);
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
    const files = this.files.get(queueName) ?? emptyFiles();
    this.files.set(queueName, files);
    const line = changesSince(files, snapshot);
    if (!line) return;
    const text = `${JSON.stringify(line)}\n`;
    if (files.journalBytes + text.length > Math.max(MIN_JOURNAL_BYTES_TO_FOLD, files.snapshotBytes)) {
      await this.fold(queueName, files, snapshot);
    } else {
      await appendFile(this.fileOf(queueName, 'journal'), text);
      files.journalBytes += text.length;
    }
    replay(files, line, snapshot);
  }

  /** A new snapshot, then an empty journal. A crash between the two replays the old journal over the
   * new snapshot, which ends in the same state. */
  private async fold(queueName: string, files: QueueFiles, snapshot: QueueSnapshot): Promise<void> {
    const file = this.fileOf(queueName, 'snapshot');
    const temp = `${file}.${process.pid}.tmp`;
    const json = JSON.stringify(snapshot, (_key, value: unknown) =>
      isStoredMessage(value) ? toJson(value) : value,
    );
    await writeFile(temp, json);
    await rename(temp, file);
    await writeFile(this.fileOf(queueName, 'journal'), '');
    files.snapshotBytes = Buffer.byteLength(json);
    files.journalBytes = 0;
  }

  private fileOf(queueName: string, kind: 'snapshot' | 'journal'): string {
    const ending = kind === 'snapshot' ? 'queue.json' : 'queue.journal';
    return join(this.dataDir ?? '', `${encodeURIComponent(queueName)}.${ending}`);
  }
}

function emptyFiles(): QueueFiles {
  return { written: new Map(), next: 1, locked: '[]', snapshotBytes: 0, journalBytes: 0 };
}

/** What changed between the files and `snapshot`, or undefined when nothing did. */
function changesSince(files: QueueFiles, snapshot: QueueSnapshot): JournalLine | undefined {
  const put: JournalLine['put'] = [];
  const present = new Set<number>();
  for (const place of PLACES) {
    for (const { payload, ...message } of snapshot[place]) {
      present.add(message.sequenceNumber);
      const before = files.written.get(message.sequenceNumber);
      const samePayload = before?.payload === payload;
      if (samePayload && before.place === place && sameMetadata(before.message, message)) continue;
      put.push({ place, message, ...(samePayload ? {} : { payload: payload.toString('base64') }) });
    }
  }
  const removed = [...files.written.keys()].filter((sequenceNumber) => !present.has(sequenceNumber));
  const locked = JSON.stringify(snapshot.locked);
  if (!put.length && !removed.length && snapshot.nextSequenceNumber === files.next && locked === files.locked)
    return undefined;
  return { next: snapshot.nextSequenceNumber, locked: snapshot.locked, put, removed };
}

/**
 * Applies a journal line to what the files hold. After a save, `current` gives the payload buffers
 * themselves, so the next save sees them unchanged by identity.
 */
function replay(files: QueueFiles, line: JournalLine, current?: QueueSnapshot): void {
  const payloads =
    current && new Map(PLACES.flatMap((p) => current[p].map((m) => [m.sequenceNumber, m.payload])));
  for (const sequenceNumber of line.removed) files.written.delete(sequenceNumber);
  for (const { place, message, payload } of line.put) {
    const known =
      payloads?.get(message.sequenceNumber) ??
      (payload === undefined
        ? files.written.get(message.sequenceNumber)?.payload
        : Buffer.from(payload, 'base64'));
    // Only after a crash between fold and truncate: the message was removed later, so a later line removes it again.
    if (!known) continue;
    files.written.set(message.sequenceNumber, { place, message, payload: known });
  }
  files.next = line.next;
  files.locked = JSON.stringify(line.locked);
}

function snapshotOf(files: QueueFiles): QueueSnapshot {
  const snapshot: QueueSnapshot = {
    nextSequenceNumber: files.next,
    active: [],
    deadLetter: [],
    scheduled: [],
    locked: JSON.parse(files.locked) as number[],
  };
  const ordered = [...files.written.values()].sort(
    (a, b) => a.message.sequenceNumber - b.message.sequenceNumber,
  );
  for (const { place, message, payload } of ordered) snapshot[place].push({ ...message, payload });
  return snapshot;
}

function sameMetadata(a: Omit<StoredMessage, 'payload'>, b: Omit<StoredMessage, 'payload'>): boolean {
  return (
    a.enqueuedAt === b.enqueuedAt &&
    a.deliveryCount === b.deliveryCount &&
    a.scheduledAt === b.scheduledAt &&
    a.timeToLive === b.timeToLive
  );
}

/** Every whole line; a torn last line (a crash mid-append) is a save that was never acknowledged. */
function journalLines(text: string): JournalLine[] {
  const lines: JournalLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      lines.push(journalLineSchema.parse(JSON.parse(raw)));
    } catch {
      break;
    }
  }
  return lines;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
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
