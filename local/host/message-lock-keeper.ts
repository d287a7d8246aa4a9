/**
 * Keeps a peek-lock alive while its function runs, as the Functions host's Service Bus extension
 * does (it renews until `maxAutoLockRenewalDuration`, 5 minutes by default). Without it a handler
 * slower than the queue's lock duration (or one slowed by a loaded machine) loses its lock: the
 * broker redelivers the message while it is still being handled, counting one more delivery each
 * time, and dead-letters it once max delivery count is reached.
 *
 * Renewal runs on the broker's clock (`clock`, the wall clock unless the broker runs on a virtual
 * one), never on the host's virtual clock, which stands still while a test does not advance it.
 */
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { Clock } from '../clock';
import type { MessageSettler } from './service-bus-client';

export interface LockRenewalOptions {
  /** The clock the broker measures locks on. */
  clock: Clock;
  /** Stop renewing this long after receipt (host.json `maxAutoLockRenewalDuration`). */
  maxDurationMs: number;
}

/** Service Bus's shortest lock is 5 s: half of it is safe when the lock's end cannot be read. */
export const FALLBACK_RENEW_EVERY_MS = 2_500;
const MIN_RENEW_EVERY_MS = 500;
const MAX_RENEW_EVERY_MS = 30_000;
/** Service Bus's longest lock; a lock ending later than this is on a clock other than `clock`. */
const MAX_LOCK_MS = 5 * 60_000;

/**
 * When to renew next: halfway to the lock's end, as the SDK does, so a renewal that waits a while
 * for a starved event loop still arrives in time.
 */
export function renewDelayMs(lockedUntil: Date | undefined, now: number): number {
  const remaining = lockedUntil ? lockedUntil.getTime() - now : Number.NaN;
  if (!(remaining > 0 && remaining <= MAX_LOCK_MS)) return FALLBACK_RENEW_EVERY_MS;
  return Math.min(MAX_RENEW_EVERY_MS, Math.max(MIN_RENEW_EVERY_MS, remaining / 2));
}

export interface LockKeeper {
  /** Stops renewing (the message is settled or handed back). */
  stop(): void;
}

/** Renews the message's lock until `stop()`, the renewal budget is spent, or a renewal fails. */
export function keepLock(
  message: ServiceBusReceivedMessage,
  settler: MessageSettler,
  options: LockRenewalOptions,
  onRenewalFailed: (error: unknown) => void,
): LockKeeper {
  const { clock } = options;
  const abort = new AbortController();
  const renewUntil = clock.now() + options.maxDurationMs;
  const loop = async (): Promise<void> => {
    let lockedUntil = message.lockedUntilUtc;
    for (;;) {
      const at = clock.now() + renewDelayMs(lockedUntil, clock.now());
      if (at > renewUntil) return;
      await clock.sleepUntil(at, abort.signal);
      await settler.renewLock(message);
      // The SDK updates `lockedUntilUtc` on the message it renews; fakes may not.
      lockedUntil = message.lockedUntilUtc === lockedUntil ? undefined : message.lockedUntilUtc;
    }
  };
  loop().catch((error: unknown) => {
    if (!abort.signal.aborted) onRenewalFailed(error);
  });
  return { stop: () => abort.abort() };
}
