/**
 * The one way every entry point (CRM queue, HTTP API, Partner Center feed, sweep, operator actions)
 * reaches a customer's workflow. One customer = one instance `mca-{tenantId}`: a running instance is
 * joined (the request is raised as an event), otherwise a new run starts under the same id.
 */
import type * as df from 'durable-functions';
import {
  ONBOARDING_EVENTS,
  ORCHESTRATORS,
  onboardingInstanceId,
  type OnboardingRequest,
} from '../shared/workflow/contracts';

export type StartOutcome =
  | { kind: 'started'; instanceId: string }
  | { kind: 'joined'; instanceId: string }
  /** `ifIdle` only: an instance exists (running, or finished in a state only an operator changes). */
  | { kind: 'skipped'; instanceId: string; runtimeStatus: string };

export interface StartOptions {
  /**
   * `startOrJoin` (events from the CRM, the API, Partner Center): join a running instance, restart a
   * finished one. `ifNew` (the sweep): start only when the tenant has never had an instance.
   */
  mode?: 'startOrJoin' | 'ifNew';
}

const ACTIVE = new Set(['Running', 'Pending', 'ContinuedAsNew', 'Suspended']);

export async function startOnboarding(
  client: df.DurableClient,
  request: OnboardingRequest,
  { mode = 'startOrJoin' }: StartOptions = {},
): Promise<StartOutcome> {
  const instanceId = onboardingInstanceId(request.tenantId);
  const existing = await runtimeStatusOf(client, instanceId);
  if (existing !== undefined && mode === 'ifNew')
    return { kind: 'skipped', instanceId, runtimeStatus: existing };
  if (existing !== undefined && ACTIVE.has(existing)) return join(client, instanceId, request);
  try {
    await client.startNew(ORCHESTRATORS.onboarding, { instanceId, input: request });
    return { kind: 'started', instanceId };
  } catch (error) {
    // Another event started it between our read and our start (409): join that run instead.
    const now = await runtimeStatusOf(client, instanceId);
    if (now !== undefined && ACTIVE.has(now)) return join(client, instanceId, request);
    throw error;
  }
}

/** Raises an operator event (`Recheck`, `ReminderDue`) on a running instance; false when none runs. */
export async function signalOnboarding(
  client: df.DurableClient,
  tenantId: string,
  eventName: string,
  payload: unknown,
): Promise<boolean> {
  const instanceId = onboardingInstanceId(tenantId);
  const status = await runtimeStatusOf(client, instanceId);
  if (status === undefined || !ACTIVE.has(status)) return false;
  await client.raiseEvent(instanceId, eventName, payload);
  return true;
}

async function join(
  client: df.DurableClient,
  instanceId: string,
  request: OnboardingRequest,
): Promise<StartOutcome> {
  await client.raiseEvent(instanceId, ONBOARDING_EVENTS.customerUpdated, request);
  return { kind: 'joined', instanceId };
}

/** The instance's runtime status, or undefined when it does not exist. */
async function runtimeStatusOf(client: df.DurableClient, instanceId: string): Promise<string | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showHistory: false, showInput: false });
    return status.runtimeStatus;
  } catch (error) {
    // durable-functions v3 throws for an unknown instance; its message names the 404.
    if (error instanceof Error && error.message.includes('HTTP 404')) return undefined;
    throw error;
  }
}
