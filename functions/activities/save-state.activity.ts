/** Writes the customer's state row and appends what happened to the audit trail. */
import { saveStateInputSchema } from '../../shared/workflow/activities';
import type { AppDeps } from '../app-deps';

export function createSaveStateActivity({ store }: Pick<AppDeps, 'store'>) {
  return async (input: unknown): Promise<void> => {
    const { state, audit } = saveStateInputSchema.parse(input);
    await store.customerState.upsert(state);
    await store.auditTrail.append({ tenantId: state.tenantId, at: state.updatedAt, ...audit });
  };
}
