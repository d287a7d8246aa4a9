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
import { pinnedInput, type OnboardingPolicy } from '../shared/workflow/run-policy';
import { existingInstance } from './durable-instance';

export type StartOutcome =
  | { kind: 'started'; instanceId: string }
  | { kind: 'joined'; instanceId: string }
  /**
   * Nothing to do: `ifNew` and the tenant had an instance, or a new-customer event for a customer whose
   * last run ended Accepted or HandedOff (running again would only mail again).
   */
  | { kind: 'skipped'; instanceId: string; runtimeStatus: string };

export interface StartOptions {
  /**
   * `startOrJoin` (events from the CRM, the API, Partner Center): join a running instance, restart a
   * finished one. `ifNew` (the sweep): start only when the tenant has never had an instance.
   * `restartFinished` (the sweep, for a run that ended uncovered long ago): start over a finished one.
   */
  mode?: 'startOrJoin' | 'ifNew' | 'restartFinished';
  /**
   * The policy a new run keeps for its whole life (settings changed or a deploy later do not touch it).
   * Every entry point passes the app's; without it (older callers) the run uses the registered policy.
   */
  policy?: OnboardingPolicy;
}

const ACTIVE = new Set(['Running', 'Pending', 'ContinuedAsNew', 'Suspended']);
/** Runs that left nothing for a new-customer event to do; a purchase block or stale check still restarts. */
const SETTLED_STATES = new Set(['Accepted', 'HandedOff']);

export async function startOnboarding(
  client: df.DurableClient,
  request: OnboardingRequest,
  { mode = 'startOrJoin', policy }: StartOptions = {},
): Promise<StartOutcome> {
  const instanceId = onboardingInstanceId(request.tenantId);
  const existing = await existingInstance(client, instanceId);
  if (existing !== undefined) {
    const { runtimeStatus, endState } = existing;
    if (mode === 'ifNew') return { kind: 'skipped', instanceId, runtimeStatus };
    if (ACTIVE.has(runtimeStatus)) {
      return mode === 'restartFinished'
        ? { kind: 'skipped', instanceId, runtimeStatus }
        : join(client, instanceId, request);
    }
    if (
      mode === 'startOrJoin' &&
      request.reason === 'new' &&
      endState !== undefined &&
      SETTLED_STATES.has(endState)
    ) {
      return { kind: 'skipped', instanceId, runtimeStatus };
    }
  }
  try {
    const input = policy ? pinnedInput(request, policy) : request;
    await client.startNew(ORCHESTRATORS.onboarding, { instanceId, input });
    return { kind: 'started', instanceId };
  } catch (error) {
    // Another event started it between our read and our start (409): join that run instead.
    const now = await existingInstance(client, instanceId);
    if (now !== undefined && ACTIVE.has(now.runtimeStatus)) return join(client, instanceId, request);
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
  const existing = await existingInstance(client, instanceId);
  if (existing === undefined || !ACTIVE.has(existing.runtimeStatus)) return false;
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
