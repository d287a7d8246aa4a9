/**
 * Partition and row keys. Table storage forbids `/ \ # ?` and control characters in keys, so free-form
 * values (event ids, cursor names) are escaped reversibly; GUIDs and our own names pass unchanged.
 */
import { randomBytes } from 'node:crypto';
import { StoreValidationError } from './errors';

const SAFE_KEY_CHAR = /[A-Za-z0-9._:@=+-]/;

/** Table storage's limit for a partition or row key. */
const MAX_KEY_LENGTH = 1024;

/** Escapes every other character as `~` + its UTF-8 bytes in hex (`~` included, so it is one-to-one). */
export function escapeKey(value: string): string {
  let key = '';
  for (const char of value) {
    key += SAFE_KEY_CHAR.test(char) ? char : `~${Buffer.from(char, 'utf8').toString('hex')}`;
  }
  if (key.length > MAX_KEY_LENGTH) throw new StoreValidationError('Key too long for Table storage');
  return key;
}

/** .NET ticks (100 ns since 0001-01-01) of the Unix epoch, and of DateTime.MaxValue. */
const EPOCH_TICKS = 621_355_968_000_000_000n;
const MAX_TICKS = 3_155_378_975_999_999_999n;
const TICKS_PER_MS = 10_000n;

/** Appends within one millisecond in this process get increasing sub-millisecond ticks. */
let lastMs: number | undefined;
let sameMsCount = 0;

/**
 * A row key that sorts newest first (Table storage lists rows by key, ascending): the inverted ticks of
 * `atMs`, lower for each later append in the same millisecond, plus random hex so rows written by other
 * processes in the same millisecond never collide.
 */
export function newestFirstRowKey(atMs: number): string {
  sameMsCount = atMs === lastMs ? Math.min(sameMsCount + 1, Number(TICKS_PER_MS) - 1) : 0;
  lastMs = atMs;
  const ticks = BigInt(atMs) * TICKS_PER_MS + EPOCH_TICKS + BigInt(sameMsCount);
  const inverted = (MAX_TICKS - ticks).toString().padStart(19, '0');
  return `${inverted}_${randomBytes(4).toString('hex')}`;
}
