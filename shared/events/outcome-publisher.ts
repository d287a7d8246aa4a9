import type { OutcomeEvent } from '../workflow/contracts';

/** Publishes terminal outcomes on `mca-outcomes` for the CRM. Idempotent per `event.eventId`. */
export interface OutcomePublisher {
  publish(event: OutcomeEvent): Promise<void>;
  close(): Promise<void>;
}
