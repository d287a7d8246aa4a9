import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueueSnapshot, StoredMessage } from './queue-entity';
import { QueueStore } from './queue-store';

const QUEUE = 'crm-customer-events';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'queue-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function message(sequenceNumber: number, size = 64): StoredMessage {
  return {
    sequenceNumber,
    enqueuedAt: 1_000 + sequenceNumber,
    deliveryCount: 0,
    payload: Buffer.alloc(size, sequenceNumber % 251),
  };
}

function state(
  active: StoredMessage[],
  deadLetter: StoredMessage[] = [],
  locked: number[] = [],
): QueueSnapshot {
  const all = [...active, ...deadLetter];
  const next = all.length ? Math.max(...all.map((m) => m.sequenceNumber)) + 1 : 1;
  return { nextSequenceNumber: next, active, deadLetter, scheduled: [], locked };
}

const file = (ending: string) => join(dir, `${QUEUE}.${ending}`);
/** Payloads as base64: comparing megabytes as arrays of numbers would be slow. */
const plain = (snapshot: QueueSnapshot | undefined) =>
  JSON.parse(
    JSON.stringify(snapshot, (_key, value: unknown) =>
      Buffer.isBuffer(value) ? value.toString('base64') : value,
    ),
  ) as unknown;

describe('QueueStore', () => {
  test('a new store on the same folder loads exactly what was saved last', async () => {
    const store = new QueueStore(dir);
    const messages = Array.from({ length: 20 }, (_, i) => message(i + 1));
    await store.save(QUEUE, () => state(messages));
    messages[0].deliveryCount = 3;
    const deadLettered = { ...messages[1], payload: Buffer.from('with dead-letter reason') };
    const last = state(messages.slice(2), [deadLettered], [3]);
    last.active.unshift(messages[0]);
    await store.save(QUEUE, () => last);

    expect(plain(new QueueStore(dir).load(QUEUE))).toEqual(plain(last));
  });

  test('a save writes what changed, not the whole queue', async () => {
    const store = new QueueStore(dir);
    const messages = Array.from({ length: 500 }, (_, i) => message(i + 1, 4_000));
    await store.save(QUEUE, () => state(messages));
    const journalSize = () => statSync(file('queue.journal'), { throwIfNoEntry: false })?.size ?? 0;
    const before = journalSize();
    await store.save(QUEUE, () => state(messages.slice(1)));

    // The queue holds 2 MB of payloads; removing one message adds a line of a few bytes.
    expect(statSync(file('queue.json')).size + before).toBeGreaterThan(500 * 4_000);
    expect(journalSize() - before).toBeGreaterThan(0);
    expect(journalSize() - before).toBeLessThan(200);
  });

  test('folds the journal into a snapshot once it outgrows it, and still loads the same state', async () => {
    const store = new QueueStore(dir);
    let messages: StoredMessage[] = [];
    for (let round = 0; round < 6; round++) {
      // 300 KB a round: the 1 MB journal threshold is passed in the fourth round.
      messages = [...messages, ...Array.from({ length: 30 }, (_, i) => message(round * 30 + i + 1, 10_000))];
      await store.save(QUEUE, () => state(messages));
    }
    expect(statSync(file('queue.json')).size).toBeGreaterThan(0);
    expect(statSync(file('queue.journal')).size).toBeLessThan(1 << 20);
    expect(plain(new QueueStore(dir).load(QUEUE))).toEqual(plain(state(messages)));
  });

  test('ignores a torn last journal line: that save was never acknowledged', async () => {
    const store = new QueueStore(dir);
    const saved = state([message(1), message(2)]);
    await store.save(QUEUE, () => saved);
    writeFileSync(file('queue.journal'), `${readFileSync(file('queue.journal'), 'utf8')}{"next":9,"loc`);

    expect(plain(new QueueStore(dir).load(QUEUE))).toEqual(plain(saved));
  });

  test('a crash after a fold but before the journal is emptied replays to the same state', async () => {
    const store = new QueueStore(dir);
    const first = [message(1), message(2), message(3)];
    await store.save(QUEUE, () => state(first));
    await store.save(QUEUE, () => state(first.slice(1)));
    const oldJournal = readFileSync(file('queue.journal'), 'utf8');
    const final = state(first.slice(2));
    // The snapshot as a fold writes it, with the journal it should have emptied still in place.
    writeFileSync(
      file('queue.json'),
      JSON.stringify({
        ...final,
        active: final.active.map((m) => ({ ...m, payload: m.payload.toString('base64') })),
      }),
    );
    writeFileSync(file('queue.journal'), oldJournal);

    expect(plain(new QueueStore(dir).load(QUEUE))).toEqual(plain(state(first.slice(1))));
  });

  test('after a reload, an unchanged queue writes nothing', async () => {
    const messages = [message(1), message(2)];
    await new QueueStore(dir).save(QUEUE, () => state(messages));
    const store = new QueueStore(dir);
    const loaded = store.load(QUEUE)!;
    const size = statSync(file('queue.journal')).size;
    await store.save(QUEUE, () => loaded);
    expect(statSync(file('queue.journal')).size).toBe(size);
  });
});
