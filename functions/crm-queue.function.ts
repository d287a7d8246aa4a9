/**
 * CRM events (`crm-customer-events`): validate, de-duplicate by `eventId`, start or join the
 * customer's workflow. The SDK binding lets us settle each message ourselves: an invalid one is
 * dead-lettered at once with the fields named (retrying cannot fix it). A transient failure (storage
 * or the durable client unavailable) is retried within the delivery after growing pauses, the lock
 * renewed, for up to `CRM_RETRY.perDeliveryMs`; only then is the message abandoned for Service Bus to
 * redeliver. So a storage outage of minutes does not use up the queue's max delivery count (5) in
 * seconds: the message is dead-lettered only after about 5 x 4 minutes of failing.
 */
import { app, type InvocationContext } from '@azure/functions';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import * as df from 'durable-functions';
import { StoreValidationError, withholdPersonalData, type Store } from '../shared/store';
import {
  completeCustomer,
  crmEventSchema,
  QUEUES,
  type CrmEvent,
  type OnboardingRequest,
} from '../shared/workflow/contracts';
import type { AppDeps } from './app-deps';
import { describeError, fieldErrorsOf, type FieldError } from './http-errors';
import { startOnboarding } from './onboarding-starter';
import { onboardingPolicy } from './workflow';
import type { OnboardingPolicy } from '../shared/workflow/run-policy';

export const CRM_QUEUE_FUNCTION = 'crmCustomerEvents';
export const CRM_SOURCE = 'crm';
export const INVALID_MESSAGE_REASON = 'InvalidMessage';
/** Service Bus keeps dead-letter descriptions short; every field name still fits in this. */
const MAX_DESCRIPTION = 1024;

/** The settlement calls used here; `ServiceBusMessageActions` of the SDK binding has them all. */
export interface MessageActions {
  complete(message: ServiceBusReceivedMessage): Promise<void>;
  abandon(message: ServiceBusReceivedMessage): Promise<void>;
  renewMessageLock(message: ServiceBusReceivedMessage): Promise<void>;
  deadletter(
    message: ServiceBusReceivedMessage,
    propertiesToModify: undefined,
    reason: string,
    description: string,
  ): Promise<void>;
}

/** What the SDK binding hands the handler (`ServiceBusMessageContext`). */
export interface CrmMessageContext {
  messages: ServiceBusReceivedMessage | ServiceBusReceivedMessage[];
  actions: MessageActions;
}

export interface CrmQueueDeps {
  store: Pick<Store, 'processedEvents'>;
  /** Pinned in every run this queue starts. */
  policy?: OnboardingPolicy;
  /** Waits between retries of a transient failure; default a wall-clock timer. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Retrying a transient failure within one delivery. The budget stays below host.json's
 * `maxAutoLockRenewalDuration` (5 min) and `functionTimeout` (10 min); the lock is renewed after
 * each pause all the same, as the SDK binding lets us.
 */
export const CRM_RETRY = { firstDelayMs: 1_000, maxDelayMs: 30_000, perDeliveryMs: 4 * 60_000 } as const;

/** The pause before retry number `retry` (1 first): doubling from 1 s, at most 30 s. */
export function crmRetryDelayMs(retry: number): number {
  return Math.min(CRM_RETRY.maxDelayMs, CRM_RETRY.firstDelayMs * 2 ** (retry - 1));
}

const wallClockSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type DecodedCrmMessage = { ok: true; event: CrmEvent } | { ok: false; fields: FieldError[] };

/** The body arrives parsed (JSON sent by the SDK), or as bytes or a string of JSON. */
export function decodeCrmMessage(body: unknown): DecodedCrmMessage {
  const json = parseBody(body);
  if (!json.ok) return { ok: false, fields: [{ field: 'body', message: 'expected a JSON object' }] };
  const result = crmEventSchema.safeParse(json.value);
  return result.success
    ? { ok: true, event: result.data }
    : { ok: false, fields: fieldErrorsOf(result.error) };
}

function parseBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
  if (!(body instanceof Uint8Array) && typeof body !== 'string') return { ok: true, value: body };
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** `customer.signatory.email: Invalid email address; ...`: paths and expectations, never values. */
export function describeInvalidFields(fields: FieldError[]): string {
  const text = fields.map(({ field, message }) => `${field}: ${message}`).join('; ');
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 3)}...`;
}

export function toOnboardingRequest(event: CrmEvent): OnboardingRequest {
  const { method, eventId, customer: fields } = event;
  // A purchase block may name only the tenant: the run checks it and asks the desk for a contact.
  const customer = completeCustomer(fields);
  const confirmed = event.type === 'CustomerUpdated' && event.mcaAccepted === true;
  return {
    tenantId: fields.tenantId,
    ...(fields.companyName ? { companyName: fields.companyName } : {}),
    ...(customer ? { customer } : {}),
    ...(method ? { method } : {}),
    reason: event.type === 'PurchaseBlocked' ? 'purchaseBlocked' : 'new',
    source: CRM_SOURCE,
    eventId,
    occurredAt: event.occurredAt,
    ...(confirmed ? { mcaAccepted: true } : {}),
    ...(confirmed && event.acceptedAt ? { acceptedAt: event.acceptedAt } : {}),
  };
}

/** Settles every message of one invocation (one, unless the trigger is batched). */
export async function handleCrmMessages(
  deps: CrmQueueDeps,
  { messages, actions }: CrmMessageContext,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<void> {
  for (const message of Array.isArray(messages) ? messages : [messages]) {
    await handleCrmMessage(deps, { message, actions, client, context });
  }
}

interface Delivery {
  message: ServiceBusReceivedMessage;
  actions: MessageActions;
  client: df.DurableClient;
  context: InvocationContext;
}

async function handleCrmMessage(deps: CrmQueueDeps, delivery: Delivery): Promise<void> {
  const { message, actions, context } = delivery;
  const decoded = decodeCrmMessage(message.body);
  if (!decoded.ok) return deadLetter(delivery, decoded.fields);
  const { event } = decoded;
  const started = await startWithRetries(deps, delivery, event);
  if (!started.ok) return settleFailure(delivery, event, started.error);
  const { outcome } = started;
  await actions.complete(message);
  context.log(`CRM event ${safe(event.eventId)} (${event.type}) for ${event.customer.tenantId}: ${outcome}`);
}

type Started = { ok: true; outcome: string } | { ok: false; error: unknown };

/** `startOnce`, retried after growing pauses while it fails transiently and the budget lasts. */
async function startWithRetries(deps: CrmQueueDeps, delivery: Delivery, event: CrmEvent): Promise<Started> {
  const sleep = deps.sleep ?? wallClockSleep;
  for (let retry = 1, waited = 0; ; retry++) {
    try {
      return { ok: true, outcome: await startOnce(deps, delivery.client, event) };
    } catch (error) {
      const delay = crmRetryDelayMs(retry);
      if (error instanceof StoreValidationError || waited + delay > CRM_RETRY.perDeliveryMs) {
        return { ok: false, error };
      }
      delivery.context.warn(
        `CRM event ${safe(event.eventId)} failed, retry ${retry} in ${delay / 1000} s: ${describeError(error)}`,
      );
      await sleep(delay);
      waited += delay;
      await delivery.actions.renewMessageLock(delivery.message);
    }
  }
}

/** Start before marking: a crash in between redelivers the event, which then only joins the run. */
async function startOnce(deps: CrmQueueDeps, client: df.DurableClient, event: CrmEvent): Promise<string> {
  const { processedEvents } = deps.store;
  if (await processedEvents.isProcessed(CRM_SOURCE, event.eventId)) return 'already processed';
  const { kind } = await startOnboarding(client, toOnboardingRequest(event), { policy: deps.policy });
  await processedEvents.markProcessed(CRM_SOURCE, event.eventId);
  return kind;
}

/** An event id the store cannot key is as permanent as a bad field; anything else may pass. */
async function settleFailure(delivery: Delivery, event: CrmEvent, error: unknown): Promise<void> {
  if (error instanceof StoreValidationError) {
    return deadLetter(delivery, [{ field: 'eventId', message: error.message }]);
  }
  const { message, actions, context } = delivery;
  const delivered = `delivery ${message.deliveryCount ?? '?'}`;
  context.error(
    `CRM event ${safe(event.eventId)} abandoned for redelivery (${delivered}): ${describeError(error)}`,
  );
  await actions.abandon(message);
}

async function deadLetter({ message, actions, context }: Delivery, fields: FieldError[]): Promise<void> {
  await actions.deadletter(message, undefined, INVALID_MESSAGE_REASON, describeInvalidFields(fields));
  const names = [...new Set(fields.map((f) => f.field))].join(', ');
  context.warn(`CRM message ${safe(String(message.messageId ?? '?'))} dead-lettered: invalid ${names}`);
}

/** Ids come from the CRM: one that looks like an address or a phone number is not logged. */
function safe(id: string): string {
  return withholdPersonalData(id.slice(0, 200));
}

export function registerCrmQueue(deps: AppDeps): void {
  const queueDeps: CrmQueueDeps = { store: deps.store, policy: onboardingPolicy(deps.config) };
  app.serviceBusQueue<CrmMessageContext>(CRM_QUEUE_FUNCTION, {
    queueName: QUEUES.crmEvents,
    connection: 'ServiceBusConnection',
    sdkBinding: true,
    autoCompleteMessages: false,
    extraInputs: [df.input.durableClient()],
    handler: (sdk, context) => handleCrmMessages(queueDeps, sdk, df.getClient(context), context),
  });
}
