/**
 * The AMQP message shapes Service Bus puts on the wire: batches, broker annotations, dead-letter
 * properties. Messages are kept encoded, as the sender sent them, and stamped on the way out.
 */
import { randomUUID } from 'node:crypto';
import { message as amqp, types } from 'rhea';
import type { Settlement } from './queue-entity';

/** A decoded AMQP message as rhea represents it (header fields flattened onto the object). */
export interface AmqpMessage {
  message_annotations?: Record<string, unknown>;
  application_properties?: Record<string, unknown>;
  delivery_count?: number;
  ttl?: number;
  body?: unknown;
  [field: string]: unknown;
}

/** Message format of a Service Bus batch: one envelope whose data sections are encoded messages. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

export const ANNOTATION = {
  sequenceNumber: 'x-opt-sequence-number',
  enqueuedTime: 'x-opt-enqueued-time',
  lockedUntil: 'x-opt-locked-until',
  scheduledEnqueueTime: 'x-opt-scheduled-enqueue-time',
  messageState: 'x-opt-message-state',
} as const;

export function decodeMessage(payload: Buffer): AmqpMessage {
  return amqp.decode(payload);
}

export function encodeMessage(message: AmqpMessage): Buffer {
  return amqp.encode(message);
}

/**
 * Splits what a sender link delivered into the encoded messages it carries: a plain message
 * (format 0, already decoded by rhea) or a batch envelope (format 0x80013700, raw bytes).
 */
export function messagesOfTransfer(received: unknown, format: number | undefined): Buffer[] {
  if (format === BATCH_MESSAGE_FORMAT && Buffer.isBuffer(received)) {
    const envelope = decodeMessage(received);
    const content = sectionContent(envelope.body);
    const parts = Array.isArray(content) ? content : [content];
    const messages = parts.filter((part): part is Buffer => Buffer.isBuffer(part));
    if (messages.length !== parts.length) throw new Error('batch envelope holds a non-binary data section');
    return messages;
  }
  if (!format && received !== null && typeof received === 'object' && !Buffer.isBuffer(received)) {
    return [encodeMessage(received as AmqpMessage)];
  }
  throw new Error(`unsupported message format ${format ?? 'unknown'}`);
}

function sectionContent(body: unknown): unknown {
  return body !== null && typeof body === 'object' && 'content' in body ? body.content : undefined;
}

export interface IncomingMessage {
  /** The message to store: as sent, with a message id assigned if the sender set none. */
  payload: Buffer;
  /** The time (ms) the sender asked the message to be enqueued at, if any. */
  scheduledAt?: number;
  /** The message's time to live in ms (AMQP header `ttl`), if any. */
  timeToLive?: number;
}

/** Reads what the broker needs from a sent message; like Service Bus, gives id-less messages an id. */
export function inspectIncoming(payload: Buffer): IncomingMessage {
  const message = decodeMessage(payload);
  const scheduled = message.message_annotations?.[ANNOTATION.scheduledEnqueueTime];
  const ttl = message.ttl;
  if (message.message_id === undefined || message.message_id === null) {
    message.message_id = randomUUID().replace(/-/g, '');
    payload = encodeMessage(message);
  }
  return {
    payload,
    scheduledAt:
      scheduled instanceof Date ? scheduled.getTime() : typeof scheduled === 'number' ? scheduled : undefined,
    timeToLive: typeof ttl === 'number' && ttl > 0 ? ttl : undefined,
  };
}

export interface BrokerProperties {
  sequenceNumber: number;
  enqueuedAt: number;
  /** Azure's DeliveryCount (1 on the first delivery); the AMQP header carries it minus one. */
  deliveryCount: number;
  lockedUntil?: number;
  scheduledAt?: number;
}

/** The stored message as a receiver sees it: broker annotations and delivery count stamped on. */
export function stampBrokerProperties(payload: Buffer, props: BrokerProperties): Buffer {
  const message = decodeMessage(payload);
  delete message.delivery_annotations;
  // AMQP counts prior failed attempts; Service Bus sends DeliveryCount - 1 and SDKs add it back.
  message.delivery_count = Math.max(0, props.deliveryCount - 1);
  const annotations: Record<string, unknown> = {
    ...message.message_annotations,
    [ANNOTATION.sequenceNumber]: types.wrap_long(props.sequenceNumber),
    [ANNOTATION.enqueuedTime]: new Date(props.enqueuedAt),
  };
  if (props.lockedUntil !== undefined) annotations[ANNOTATION.lockedUntil] = new Date(props.lockedUntil);
  if (props.scheduledAt !== undefined) {
    annotations[ANNOTATION.scheduledEnqueueTime] = new Date(props.scheduledAt);
    annotations[ANNOTATION.messageState] = types.wrap_int(2);
  }
  message.message_annotations = annotations;
  return encodeMessage(message);
}

export interface DeadLetterDetails {
  reason?: string;
  description?: string;
  /** Further application properties the receiver asked to set (`propertiesToModify`). */
  properties?: Record<string, unknown>;
}

/** Azure records the reason as application properties on the dead-lettered message. */
export function markDeadLettered(payload: Buffer, details: DeadLetterDetails): Buffer {
  const properties: Record<string, unknown> = { ...details.properties };
  if (details.reason !== undefined) properties.DeadLetterReason = details.reason;
  if (details.description !== undefined) properties.DeadLetterErrorDescription = details.description;
  return withApplicationProperties(payload, properties);
}

/** Sets application properties on a stored message (`propertiesToModify` of abandon and dead-letter). */
export function withApplicationProperties(
  payload: Buffer,
  properties: Record<string, unknown> | undefined,
): Buffer {
  if (!properties || Object.keys(properties).length === 0) return payload;
  const message = decodeMessage(payload);
  message.application_properties = { ...message.application_properties, ...properties };
  return encodeMessage(message);
}

/**
 * What a receiver's disposition asks for: accepted = complete, rejected = dead-letter, released or
 * modified = abandon; undefined for a deferral (modified, undeliverable here).
 */
export function settlementOf(state: unknown): Settlement | undefined {
  const outcome = state as {
    constructor?: { composite_type?: string };
    error?: unknown;
    undeliverable_here?: unknown;
    message_annotations?: unknown;
  };
  switch (outcome?.constructor?.composite_type) {
    case 'accepted':
      return { kind: 'complete' };
    case 'rejected':
      return { kind: 'deadLetter', details: deadLetterDetailsOf(outcome.error) };
    case 'modified':
      if (outcome.undeliverable_here === true) return undefined;
      return { kind: 'abandon', properties: recordOrUndefined(outcome.message_annotations) };
    default:
      return { kind: 'abandon' };
  }
}

/** The SDK puts reason and description in the rejected outcome's error info (`com.microsoft:dead-letter`). */
function deadLetterDetailsOf(error: unknown): DeadLetterDetails {
  const info = recordOrUndefined((error as { info?: unknown } | undefined)?.info);
  if (!info) return {};
  const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = info;
  return {
    reason: typeof DeadLetterReason === 'string' ? DeadLetterReason : undefined,
    description: typeof DeadLetterErrorDescription === 'string' ? DeadLetterErrorDescription : undefined,
    properties: Object.keys(properties).length ? properties : undefined,
  };
}

function recordOrUndefined(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
