/** What the durable client knows of one instance, with "no such instance" as data. */
import type * as df from 'durable-functions';

export interface ExistingInstance {
  runtimeStatus: string;
  /** A finished orchestration's `state` output (OnboardingResult), when it has one. */
  endState: string | undefined;
}

/** The instance's runtime status and end state, or undefined when it does not exist. */
export async function existingInstance(
  client: df.DurableClient,
  instanceId: string,
): Promise<ExistingInstance | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showHistory: false, showInput: false });
    const output: unknown = status.output;
    const endState =
      typeof output === 'object' && output !== null && 'state' in output && typeof output.state === 'string'
        ? output.state
        : undefined;
    return { runtimeStatus: status.runtimeStatus, endState };
  } catch (error) {
    // durable-functions v3 throws for an unknown instance; its message names the 404.
    if (error instanceof Error && error.message.includes('HTTP 404')) return undefined;
    throw error;
  }
}
