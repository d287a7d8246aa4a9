/**
 * Remembers the bodies of accepted webhooks (by SHA-256) for a while, so a replay of a genuine,
 * already handled delivery is answered without starting anything or touching storage. Only bodies
 * that passed the signature check are remembered: a forger cannot fill it. Bounded in entries and
 * time; past either bound the processed-event marker in storage still makes a replay harmless.
 */
import { createHash } from 'node:crypto';
import { BoundedCache } from './bounded-cache';

export interface ReplayGuardOptions {
  now: () => Date;
  /** Default 10,000 bodies (about 1 MB). */
  maxEntries?: number;
  /** Default 24 h: longer than Partner Center's redelivery attempts. */
  ttlMs?: number;
}

export interface ReplayGuard {
  /** Whether this exact body was accepted recently. */
  seen(body: Uint8Array): boolean;
  remember(body: Uint8Array): void;
  size(): number;
}

export function createReplayGuard(options: ReplayGuardOptions): ReplayGuard {
  const accepted = new BoundedCache<true>({
    maxEntries: options.maxEntries ?? 10_000,
    ttlMs: options.ttlMs ?? 24 * 60 * 60_000,
    now: () => options.now().getTime(),
  });
  const digest = (body: Uint8Array) => createHash('sha256').update(body).digest('base64');
  return {
    seen: (body) => accepted.get(digest(body)) !== undefined,
    remember: (body) => accepted.set(digest(body), true),
    size: () => accepted.size,
  };
}
