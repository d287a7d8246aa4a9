/**
 * Publishes outcome events on `mca-outcomes` with @azure/service-bus. The event id is the message id,
 * so a queue with duplicate detection drops a re-publish, and a CRM without it can de-duplicate.
 */
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import { outcomeEventSchema, QUEUES, type OutcomeEvent } from '../workflow/contracts';
import type { OutcomePublisher } from './outcome-publisher';

export function createServiceBusOutcomePublisher(client: ServiceBusClient): OutcomePublisher {
  let sender: ServiceBusSender | undefined;
  return {
    async publish(event: OutcomeEvent): Promise<void> {
      const body = outcomeEventSchema.parse(event);
      sender ??= client.createSender(QUEUES.outcomes);
      await sender.sendMessages({
        body,
        messageId: body.eventId,
        contentType: 'application/json',
        subject: body.type,
        applicationProperties: { type: body.type, tenantId: body.tenantId },
      });
    },
    async close(): Promise<void> {
      await sender?.close();
      await client.close();
    },
  };
}
