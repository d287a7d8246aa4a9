/**
 * The few rhea internals a broker needs that its typings leave out, behind narrow typed helpers.
 */
import { message, string_to_uuid, type AmqpError, type Delivery, type link as Link, type Sender } from 'rhea';

interface LinkInternals {
  local: { attach: Record<string, unknown> };
  /** Deliveries the sender has transferred so far (AMQP link delivery-count). */
  delivery_count: number;
  credit: number;
}

interface DeliveryInternals {
  remote_settled: boolean;
}

interface Outcome {
  described(): unknown;
}

interface Outcomes {
  accepted(): Outcome;
  released(): Outcome;
  rejected(fields?: { error: AmqpError }): Outcome;
}

/** The outcome the broker confirms a settlement with. */
export type SettledAs = 'accepted' | 'released' | 'rejected';

function internals(link: Link): LinkInternals {
  return link as unknown as LinkInternals;
}

/** Answers a peer's attach with the same terminus and settle modes, as a broker accepting the link does. */
export function acceptLink(link: Link, maxMessageSize?: number): void {
  const attach = internals(link).local.attach;
  if (link.is_sender()) {
    if (link.source) link.set_source({ address: link.source.address });
  } else if (link.target) {
    link.set_target({ address: link.target.address });
  }
  attach.snd_settle_mode = link.snd_settle_mode;
  attach.rcv_settle_mode = link.rcv_settle_mode;
  if (maxMessageSize !== undefined) attach.max_message_size = maxMessageSize;
}

/** Refuses an attach the way Service Bus does: an attach without terminus, then a detach with the error. */
export function refuseLink(link: Link, error: AmqpError): void {
  link.close(error);
}

/**
 * Credit the receiver granted that is not used yet. rhea only counts a delivery once it is on the
 * wire, so deliveries handed to `send()` in this tick are subtracted here.
 */
export function unusedCredit(link: Sender, handedOut: number): number {
  const { credit, delivery_count } = internals(link);
  return credit + delivery_count - handedOut;
}

/**
 * Settles a delivery the receiver already disposed of, confirming its outcome, or failing it with an
 * error (which the SDK reports from the settle call).
 */
export function settleDelivery(delivery: Delivery, outcome: SettledAs | { error: AmqpError }): void {
  const outcomes = message as unknown as Outcomes;
  const state = typeof outcome === 'string' ? outcomes[outcome]() : outcomes.rejected(outcome);
  delivery.update(true, state.described());
  // In receiver-settles-second mode the client never sends a settled disposition back: without
  // this rhea would keep the delivery forever and its window would fill after 2048 messages.
  (delivery as unknown as DeliveryInternals).remote_settled = true;
}

/** The SDK reads the lock token from the delivery tag in .NET GUID byte order. */
export function lockTokenTag(uuid: string): Buffer {
  const b = string_to_uuid(uuid);
  return Buffer.from([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], ...b.subarray(8)] as number[]);
}
