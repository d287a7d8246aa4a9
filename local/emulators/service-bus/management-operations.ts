/**
 * The `<entity>/$management` request/response operations the @azure/service-bus SDK uses. Each takes
 * the decoded request and answers with a status code (and an AMQP error condition when it failed).
 */
import { types, uuid_to_string } from 'rhea';
import { type AmqpMessage, decodeMessage } from './amqp-message';
import type { QueueEntity, Settlement, SubQueue } from './queue-entity';

export interface ManagementResponse {
  statusCode: number;
  condition?: string;
  description?: string;
  body?: unknown;
  /** Whether the queue's state changed (so it must be persisted and receivers served). */
  changed: boolean;
}

export const LOCK_LOST = 'com.microsoft:message-lock-lost';
export const LOCK_LOST_DESCRIPTION =
  'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.';

type Handler = (
  queue: QueueEntity,
  subQueue: SubQueue,
  body: Record<string, unknown>,
  now: number,
) => ManagementResponse;

const handlers: Record<string, Handler> = {
  'com.microsoft:renew-lock': renewLock,
  'com.microsoft:schedule-message': scheduleMessages,
  'com.microsoft:cancel-scheduled-message': cancelScheduledMessages,
  'com.microsoft:peek-message': peekMessages,
  'com.microsoft:update-disposition': updateDisposition,
};

export function handleManagementRequest(
  queue: QueueEntity,
  subQueue: SubQueue,
  request: AmqpMessage,
  now: number,
): ManagementResponse {
  const operation = request.application_properties?.operation;
  const handler = typeof operation === 'string' ? handlers[operation] : undefined;
  if (!handler) {
    return notImplemented('Operation', operation);
  }
  const body = isRecord(request.body) ? request.body : {};
  try {
    return handler(queue, subQueue, body, now);
  } catch (error) {
    return failure(400, 'amqp:invalid-field', error instanceof Error ? error.message : 'Malformed request.');
  }
}

function renewLock(
  queue: QueueEntity,
  _subQueue: SubQueue,
  body: Record<string, unknown>,
  now: number,
): ManagementResponse {
  const expirations: number[] = [];
  for (const token of lockTokensOf(body)) {
    const until = queue.renewLock(token, now);
    if (until === undefined) return lockLost();
    expirations.push(until);
  }
  return {
    statusCode: 200,
    body: { expirations: types.wrap_array(expirations, 0x83, undefined) },
    changed: true,
  };
}

function scheduleMessages(
  queue: QueueEntity,
  subQueue: SubQueue,
  body: Record<string, unknown>,
  now: number,
): ManagementResponse {
  if (subQueue !== 'active')
    return failure(400, 'amqp:not-allowed', 'Cannot schedule to a dead-letter queue.');
  const entries = arrayOf(body.messages, 'messages');
  const payloads = entries.map((entry) => {
    const payload = isRecord(entry) ? entry.message : undefined;
    if (!Buffer.isBuffer(payload)) throw new Error('Each scheduled entry needs an encoded message.');
    decodeMessage(payload);
    return payload;
  });
  const sequenceNumbers = queue.schedule(payloads, now);
  return {
    statusCode: 200,
    body: { 'sequence-numbers': types.wrap_array(sequenceNumbers, 0x81, undefined) },
    changed: true,
  };
}

function cancelScheduledMessages(
  queue: QueueEntity,
  _subQueue: SubQueue,
  body: Record<string, unknown>,
): ManagementResponse {
  const sequenceNumbers = arrayOf(body['sequence-numbers'], 'sequence-numbers').map(toNumber);
  if (!queue.cancelScheduled(sequenceNumbers)) {
    return {
      ...failure(404, 'com.microsoft:message-not-found', 'The scheduled message was not found.'),
      changed: true,
    };
  }
  return { statusCode: 200, changed: true };
}

function peekMessages(
  queue: QueueEntity,
  subQueue: SubQueue,
  body: Record<string, unknown>,
): ManagementResponse {
  const from = toNumber(body['from-sequence-number']);
  const count = toNumber(body['message-count']);
  const messages = queue.peek(subQueue, from, count);
  if (messages.length === 0) return { statusCode: 204, description: 'No messages to peek.', changed: false };
  return { statusCode: 200, body: { messages: messages.map((message) => ({ message })) }, changed: false };
}

const dispositions: Record<string, (body: Record<string, unknown>) => Settlement> = {
  completed: () => ({ kind: 'complete' }),
  abandoned: (body) => ({ kind: 'abandon', properties: propertiesToModify(body) }),
  suspended: (body) => ({
    kind: 'deadLetter',
    details: {
      reason: optionalString(body['deadletter-reason']),
      description: optionalString(body['deadletter-description']),
      properties: propertiesToModify(body),
    },
  }),
};

/** Settles by lock token, which the SDK does when the receiving link is gone. */
function updateDisposition(
  queue: QueueEntity,
  _subQueue: SubQueue,
  body: Record<string, unknown>,
  now: number,
): ManagementResponse {
  const status = body['disposition-status'];
  const toSettlement = typeof status === 'string' ? dispositions[status] : undefined;
  if (!toSettlement) {
    return notImplemented('Disposition', status);
  }
  for (const token of lockTokensOf(body)) {
    if (!queue.settle(token, toSettlement(body), now)) return lockLost();
  }
  return { statusCode: 200, changed: true };
}

function propertiesToModify(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const properties = body['properties-to-modify'];
  return isRecord(properties) ? properties : undefined;
}

function lockTokensOf(body: Record<string, unknown>): string[] {
  return arrayOf(body['lock-tokens'], 'lock-tokens').map((token) => {
    if (!Buffer.isBuffer(token) || token.length !== 16) throw new Error('lock-tokens must be UUIDs.');
    return uuid_to_string(token);
  });
}

function lockLost(): ManagementResponse {
  return failure(410, LOCK_LOST, LOCK_LOST_DESCRIPTION);
}

function failure(statusCode: number, condition: string, description: string): ManagementResponse {
  return { statusCode, condition, description, changed: false };
}

function notImplemented(what: string, value: unknown): ManagementResponse {
  return failure(501, 'amqp:not-implemented', `${what} ${String(value)} is not supported by the emulator.`);
}

function arrayOf(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${name} must be an array.`);
  return value as unknown[];
}

/** AMQP longs arrive as numbers, or as 8 big-endian bytes when beyond 2^53. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE());
  throw new Error('Expected a number.');
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}
