/** Tells the CRM how a customer's workflow ended (`mca-outcomes`). */
import { z } from 'zod';
import { utcTimestamp } from '../../shared/store/customer-state';
import { outcomeEventSchema } from '../../shared/workflow/contracts';
import { runTag } from '../../shared/workflow/mail-requests';
import type { AppDeps } from '../app-deps';

/** The event without its id: the id is derived from the run, so a replayed publish repeats it exactly. */
export const publishOutcomeInputSchema = outcomeEventSchema
  .omit({ eventId: true })
  .extend({ at: utcTimestamp, runKey: z.string().min(1) });
export type PublishOutcomeInput = z.input<typeof publishOutcomeInputSchema>;

export function createPublishOutcomeActivity({ outcomes }: Pick<AppDeps, 'outcomes'>) {
  return async (input: unknown): Promise<void> => {
    const { runKey, ...event } = publishOutcomeInputSchema.parse(input);
    await outcomes.publish({ ...event, eventId: `${event.tenantId}:${runTag(runKey)}:${event.type}` });
  };
}
