/**
 * One queue's messages and their life cycle, as Service Bus runs it: active (available or locked),
 * scheduled, dead-lettered. Pure state: time comes in as `now`, persistence and AMQP live elsewhere.
 */
import { randomUUID } from 'node:crypto';
import {
  type DeadLetterDetails,
  inspectIncoming,
  markDeadLettered,
  stampBrokerProperties,
  withApplicationProperties,
} from './amqp-message';
import type { ResolvedQueueConfig } from './queue-config';

export interface StoredMessage {
  sequenceNumber: number;
  enqueuedAt: number;
  /** Azure's DeliveryCount: how many times the message has been handed to a receiver. */
  deliveryCount: number;
  /** The encoded AMQP message as the sender sent it (dead-letter properties added if any). */
  payload: Buffer;
  /** Set while the message waits in the scheduled set. */
  scheduledAt?: number;
  /** The message's time to live in ms, if it has one (it expires that long after enqueueing). */
  timeToLive?: number;
}

/** The main queue or its `$deadletterqueue`: both are receivable. */
export type SubQueue = 'active' | 'deadLetter';

export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

export interface ReceivedMessage {
  /** The message as the receiver gets it (broker annotations stamped). */
  payload: Buffer;
  lockToken?: string;
}

export type Settlement =
  | { kind: 'complete' }
  /** `properties`: application properties to set (the SDK's `propertiesToModify`). */
  | { kind: 'abandon'; properties?: Record<string, unknown> }
  | { kind: 'deadLetter'; details: DeadLetterDetails };

interface Lock {
  token: string;
  until: number;
  message: StoredMessage;
  subQueue: SubQueue;
}

export interface QueueSnapshot {
  nextSequenceNumber: number;
  active: StoredMessage[];
  deadLetter: StoredMessage[];
  scheduled: StoredMessage[];
  /** Sequence numbers locked when the snapshot was taken: a restart treats them as lock lost. */
  locked: number[];
}

export class QueueEntity {
  private nextSequenceNumber = 1;
  private readonly messages: Record<SubQueue, StoredMessage[]> = { active: [], deadLetter: [] };
  private scheduled: StoredMessage[] = [];
  private readonly locks = new Map<string, Lock>();
  private readonly lockedMessages = new Set<StoredMessage>();

  constructor(readonly config: ResolvedQueueConfig) {}

  get name(): string {
    return this.config.name;
  }

  count(subQueue: SubQueue): number {
    return this.messages[subQueue].length;
  }

  get scheduledCount(): number {
    return this.scheduled.length;
  }

  get lockedCount(): number {
    return this.locks.size;
  }

  /** Accepts sent messages; one whose scheduled enqueue time is still ahead waits in the scheduled set. */
  enqueue(payloads: Buffer[], now: number): number[] {
    return payloads.map((payload) => {
      const incoming = inspectIncoming(payload);
      const message: StoredMessage = {
        sequenceNumber: this.nextSequenceNumber++,
        enqueuedAt: now,
        deliveryCount: 0,
        payload: incoming.payload,
        timeToLive: incoming.timeToLive,
      };
      if (incoming.scheduledAt !== undefined && incoming.scheduledAt > now) {
        this.scheduled.push({ ...message, scheduledAt: incoming.scheduledAt });
      } else {
        this.messages.active.push(message);
      }
      return message.sequenceNumber;
    });
  }

  /** `com.microsoft:schedule-message`: the payloads already carry their scheduled enqueue time. */
  schedule(payloads: Buffer[], now: number): number[] {
    return this.enqueue(payloads, now);
  }

  /** Returns false if any sequence number is not a scheduled message (Azure answers not-found). */
  cancelScheduled(sequenceNumbers: number[]): boolean {
    const wanted = new Set(sequenceNumbers);
    const found = this.scheduled.filter((m) => wanted.has(m.sequenceNumber));
    this.scheduled = this.scheduled.filter((m) => !wanted.has(m.sequenceNumber));
    return found.length === wanted.size;
  }

  /** Moves scheduled messages whose time has come into the queue. Returns whether any moved. */
  activateDue(now: number): boolean {
    const due = this.scheduled.filter((m) => (m.scheduledAt ?? 0) <= now);
    if (due.length === 0) return false;
    this.scheduled = this.scheduled.filter((m) => !due.includes(m));
    for (const message of due) {
      message.enqueuedAt = message.scheduledAt ?? now;
      delete message.scheduledAt;
      this.insertSorted(this.messages.active, message);
    }
    return true;
  }

  /** Hands out the next available message, locking it (peek-lock) or removing it (receive-and-delete). */
  receive(subQueue: SubQueue, mode: ReceiveMode, now: number): ReceivedMessage | undefined {
    if (subQueue === 'active') this.dropExpired(now);
    const list = this.messages[subQueue];
    const message = list.find((m) => !this.lockedMessages.has(m));
    if (!message) return undefined;
    message.deliveryCount += 1;
    if (mode === 'receiveAndDelete') {
      list.splice(list.indexOf(message), 1);
      return { payload: this.stamp(message) };
    }
    const lock: Lock = { token: randomUUID(), until: now + this.config.lockDurationMs, message, subQueue };
    this.locks.set(lock.token, lock);
    this.lockedMessages.add(message);
    return { payload: this.stamp(message, lock.until), lockToken: lock.token };
  }

  /** Completes, abandons or dead-letters a locked message. False: the lock is unknown or expired. */
  settle(lockToken: string, settlement: Settlement, now: number): boolean {
    const lock = this.activeLock(lockToken, now);
    if (!lock) return false;
    this.release(lock);
    const { message, subQueue } = lock;
    if (settlement.kind === 'complete') {
      this.remove(subQueue, message);
    } else if (settlement.kind === 'deadLetter') {
      this.moveToDeadLetter(subQueue, message, settlement.details);
    } else {
      message.payload = withApplicationProperties(message.payload, settlement.properties);
      this.returnToQueue(lock);
    }
    return true;
  }

  /** Extends a lock by the queue's lock duration. Undefined: the lock is unknown or expired. */
  renewLock(lockToken: string, now: number): number | undefined {
    const lock = this.activeLock(lockToken, now);
    if (!lock) return undefined;
    lock.until = now + this.config.lockDurationMs;
    return lock.until;
  }

  /** Returns messages whose lock ran out to the queue (or the dead-letter queue). Whether any did. */
  expireLocks(now: number): boolean {
    const expired = [...this.locks.values()].filter((lock) => lock.until <= now);
    for (const lock of expired) {
      this.release(lock);
      this.returnToQueue(lock);
    }
    return expired.length > 0;
  }

  /** The next moment something happens on its own: a scheduled message or a lock expiry. */
  nextWakeUp(): number | undefined {
    const times = [
      ...this.scheduled.map((m) => m.scheduledAt ?? 0),
      ...[...this.locks.values()].map((lock) => lock.until),
    ];
    return times.length ? Math.min(...times) : undefined;
  }

  /** Messages from a sequence number on, without locking: active (and scheduled) or dead-lettered. */
  peek(subQueue: SubQueue, fromSequenceNumber: number, count: number): Buffer[] {
    const candidates =
      subQueue === 'active' ? [...this.messages.active, ...this.scheduled] : [...this.messages.deadLetter];
    return candidates
      .filter((m) => m.sequenceNumber >= fromSequenceNumber)
      .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
      .slice(0, count)
      .map((m) => this.stamp(m));
  }

  snapshot(): QueueSnapshot {
    return {
      nextSequenceNumber: this.nextSequenceNumber,
      active: this.messages.active,
      deadLetter: this.messages.deadLetter,
      scheduled: this.scheduled,
      locked: [...this.lockedMessages].map((m) => m.sequenceNumber),
    };
  }

  /** Loads persisted state. Messages that were locked count as a lost lock, as after a broker restart. */
  restore(snapshot: QueueSnapshot): void {
    this.nextSequenceNumber = snapshot.nextSequenceNumber;
    this.messages.active = [...snapshot.active];
    this.messages.deadLetter = [...snapshot.deadLetter];
    this.scheduled = [...snapshot.scheduled];
    const wasLocked = new Set(snapshot.locked);
    for (const subQueue of ['active', 'deadLetter'] as const) {
      for (const message of this.messages[subQueue].filter((m) => wasLocked.has(m.sequenceNumber))) {
        this.returnToQueue({ token: '', until: 0, message, subQueue });
      }
    }
  }

  private activeLock(lockToken: string, now: number): Lock | undefined {
    const lock = this.locks.get(lockToken);
    return lock && lock.until > now ? lock : undefined;
  }

  private release(lock: Lock): void {
    this.locks.delete(lock.token);
    this.lockedMessages.delete(lock.message);
  }

  /** After an abandon or a lost lock: back in line, unless it has used up its deliveries. */
  private returnToQueue(lock: Lock): void {
    const { message, subQueue } = lock;
    if (subQueue === 'active' && message.deliveryCount >= this.config.maxDeliveryCount) {
      this.moveToDeadLetter('active', message, {
        reason: 'MaxDeliveryCountExceeded',
        description: `Message could not be consumed after ${this.config.maxDeliveryCount} delivery attempts.`,
      });
    }
  }

  private moveToDeadLetter(from: SubQueue, message: StoredMessage, details: DeadLetterDetails): void {
    this.remove(from, message);
    message.payload = markDeadLettered(message.payload, details);
    this.insertSorted(this.messages.deadLetter, message);
  }

  private remove(subQueue: SubQueue, message: StoredMessage): void {
    const list = this.messages[subQueue];
    const index = list.indexOf(message);
    if (index >= 0) list.splice(index, 1);
  }

  /** Azure drops a message whose time to live has passed (no dead-lettering on expiry configured). */
  private dropExpired(now: number): void {
    this.messages.active = this.messages.active.filter(
      (m) => this.lockedMessages.has(m) || m.timeToLive === undefined || m.enqueuedAt + m.timeToLive > now,
    );
  }

  private insertSorted(list: StoredMessage[], message: StoredMessage): void {
    const index = list.findIndex((m) => m.sequenceNumber > message.sequenceNumber);
    list.splice(index < 0 ? list.length : index, 0, message);
  }

  private stamp(message: StoredMessage, lockedUntil?: number): Buffer {
    return stampBrokerProperties(message.payload, {
      sequenceNumber: message.sequenceNumber,
      enqueuedAt: message.enqueuedAt,
      deliveryCount: message.deliveryCount,
      lockedUntil,
      scheduledAt: message.scheduledAt,
    });
  }
}
