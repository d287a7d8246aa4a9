/**
 * How many messages sit in a queue's dead-letter queue, for the dashboard. One peek of at most `max`
 * messages from the first sequence number: it never pages past the last message (our emulator answers
 * that badly: an empty dead-letter queue reads as unknown until it is fixed), and a count of `max` is
 * shown as "max or more". A broker that does not answer within
 * `timeoutMs` gives `count: null` (unknown) rather than a slow or failed dashboard.
 */
import type { ServiceBusClient } from '@azure/service-bus';
import Long from 'long';

export interface DeadLetterCount {
  queue: string;
  /** null: Service Bus did not answer in time. */
  count: number | null;
  /** The count reached the peek limit: there may be more. */
  capped: boolean;
}

export interface DeadLetterCounter {
  count(queue: string): Promise<DeadLetterCount>;
}

export interface DeadLetterCounterOptions {
  max?: number;
  timeoutMs?: number;
}

export const DEAD_LETTER_PEEK_MAX = 250;
const DEFAULT_TIMEOUT_MS = 5_000;

export function createServiceBusDeadLetterCounter(
  client: Pick<ServiceBusClient, 'createReceiver'>,
  { max = DEAD_LETTER_PEEK_MAX, timeoutMs = DEFAULT_TIMEOUT_MS }: DeadLetterCounterOptions = {},
): DeadLetterCounter {
  return {
    async count(queue: string): Promise<DeadLetterCount> {
      const receiver = client.createReceiver(queue, { subQueueType: 'deadLetter' });
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        // From the first message every time: without it the SDK goes on after the last peek of any
        // receiver on this client, which would count only what arrived since.
        const messages = await receiver.peekMessages(max, {
          fromSequenceNumber: Long.ZERO,
          abortSignal: abort.signal,
        });
        return { queue, count: messages.length, capped: messages.length >= max };
      } catch {
        return { queue, count: null, capped: false };
      } finally {
        clearTimeout(timer);
        await receiver.close().catch(() => undefined);
      }
    },
  };
}
