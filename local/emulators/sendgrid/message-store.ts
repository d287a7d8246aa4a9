/**
 * The sink's inbox: in memory, and one JSON file per message under `dataDir` when given, so a restart
 * keeps what was received.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { matchesFilter, storedMessageSchema, type MessageFilter, type StoredMessage } from './stored-message';

export class MessageStore {
  private constructor(
    private readonly dir: string | undefined,
    private messages: StoredMessage[],
  ) {}

  /** Opens the store, reading back persisted messages; unreadable files are skipped and reported. */
  static async open(dataDir: string | undefined, log: (line: string) => void): Promise<MessageStore> {
    if (dataDir === undefined) return new MessageStore(undefined, []);
    const dir = path.join(dataDir, 'messages');
    await mkdir(dir, { recursive: true });
    const messages: StoredMessage[] = [];
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json'))) {
      const message = await readMessage(path.join(dir, file));
      if (message) messages.push(message);
      else log(`sendgrid sink: skipped unreadable message file ${file}`);
    }
    return new MessageStore(dir, messages);
  }

  /** The next arrival number, so order survives a restart. */
  nextSequence(): number {
    return this.messages.reduce((max, m) => Math.max(max, m.sequence), 0) + 1;
  }

  async add(message: StoredMessage): Promise<void> {
    if (this.dir !== undefined) {
      // Write then rename, so a crash never leaves half a message behind.
      const file = path.join(this.dir, `${message.id}.json`);
      await writeFile(`${file}.tmp`, JSON.stringify(message, null, 2));
      await rename(`${file}.tmp`, file);
    }
    this.messages.push(message);
  }

  /** Newest first. */
  list(filter?: MessageFilter): StoredMessage[] {
    return this.messages
      .filter((m) => matchesFilter(m, filter))
      .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.sequence - a.sequence);
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  async clear(): Promise<void> {
    const ids = this.messages.map((m) => m.id);
    this.messages = [];
    if (this.dir === undefined) return;
    const dir = this.dir;
    await Promise.all(ids.map((id) => rm(path.join(dir, `${id}.json`), { force: true })));
  }
}

async function readMessage(file: string): Promise<StoredMessage | undefined> {
  try {
    const parsed = storedMessageSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
