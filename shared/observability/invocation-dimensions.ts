/**
 * The dimensions an invocation's logs carry, read from what the trigger gives: the durable instance
 * (activity trigger metadata, or the orchestration's own id) and the customer's tenant (an activity
 * input's `tenantId`, an HTTP route's `{tenantId}`, or an onboarding instance id `mca-{tenantId}`).
 */
import type { LogDimensions } from './log-line';

export interface InvocationFacts {
  functionName: string;
  invocationId: string;
  triggerMetadata?: Record<string, unknown>;
  /** The trigger's input: an activity's input object, an HTTP request, a queue message... */
  input?: unknown;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ONBOARDING_INSTANCE = /^mca-([0-9a-f-]{36})$/i;

export function invocationDimensions(facts: InvocationFacts): LogDimensions {
  const instanceId = stringField(facts.triggerMetadata, 'instanceId');
  const tenantId =
    guidOf(stringField(facts.input, 'tenantId')) ??
    guidOf(stringField(objectField(facts.input, 'params'), 'tenantId')) ??
    guidOf(instanceId === undefined ? undefined : ONBOARDING_INSTANCE.exec(instanceId)?.[1]);
  return {
    functionName: facts.functionName,
    invocationId: facts.invocationId,
    ...(instanceId === undefined ? {} : { instanceId }),
    ...(tenantId === undefined ? {} : { tenantId }),
  };
}

function objectField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const field = objectField(value, key);
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

function guidOf(text: string | undefined): string | undefined {
  return text !== undefined && GUID.test(text) ? text.toLowerCase() : undefined;
}
