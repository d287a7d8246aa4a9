/**
 * A map that cannot grow: at most `maxEntries` keys, each forgotten `ttlMs` after it was set. The least
 * recently used key goes first when full. Used for webhook certificates by URL and for the bodies of
 * accepted webhooks, so a flood of requests keeps memory flat.
 */
export interface BoundedCacheOptions {
  maxEntries: number;
  ttlMs: number;
  now: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class BoundedCache<V> {
  // Map keeps insertion order: the first key is the least recently used.
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly options: BoundedCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.options.now() >= entry.expiresAt) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Sets (or replaces) `key`; `ttlMs` overrides the default lifetime for this entry. */
  set(key: string, value: V, ttlMs = this.options.ttlMs): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.options.now() + ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
