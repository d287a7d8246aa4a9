/**
 * Sweep activity: one customer's MCA status from Partner Center; remediation started when it has no
 * MCA or only a stale attestation. A run that ended without acceptance (Expired, Failed, HandedOff) is
 * healed when the customer has accepted since, and restarted when it is still uncovered long after it
 * ended (`REMEDIATION_RETRY_AFTER`). Expected outcomes are data; it throws only for what a retry can fix
 * (throttling, 5xx, network, storage or Durable errors).
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import type { McaStatus } from '../../shared/mca';
import { PartnerCenterError, readMcaStatus, type McaStatusReader } from '../../shared/partnerCenter';
import type { Store } from '../../shared/store';
import {
  healAccepted,
  isDueForRemediation,
  isHealable,
  type HealDeps,
} from '../../shared/workflow/finished-runs';
import type { OnboardingPolicy } from '../../shared/workflow/run-policy';
import { startOnboarding } from '../onboarding-starter';

export const evaluateCustomerInputSchema = z.object({
  tenantId: z.guid().transform((id) => id.toLowerCase()),
  companyName: z.string().min(1).max(500).optional(),
  /** `yyyy-mm-dd` of the sweep: part of the event id, so one sweep starts a customer at most once. */
  sweepDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type EvaluateCustomerInput = z.input<typeof evaluateCustomerInputSchema>;

export type EvaluateCustomerOutcome =
  | { kind: 'accepted'; tenantId: string; method: 'direct' | 'attestation' }
  | { kind: 'started'; tenantId: string; reason: 'new' | 'stale' }
  | { kind: 'skipped'; tenantId: string; reason: string }
  /** Permanent: retrying cannot help (e.g. 404, 401/MFA). */
  | { kind: 'failed'; tenantId: string; reason: string };

export interface EvaluateCustomerDeps extends HealDeps {
  partnerCenter: McaStatusReader;
  store: {
    customerState: Pick<Store['customerState'], 'get' | 'upsert'>;
    auditTrail: Pick<Store['auditTrail'], 'append'>;
  };
  /** `REMEDIATION_RETRY_AFTER`: a finished, still uncovered customer is restarted this long after. */
  remediationRetryAfterMs: number;
  /** Pinned in every run the sweep starts. */
  policy?: OnboardingPolicy;
}

export async function evaluateCustomer(
  deps: EvaluateCustomerDeps,
  client: df.DurableClient,
  rawInput: unknown,
): Promise<EvaluateCustomerOutcome> {
  const { tenantId, companyName, sweepDate } = evaluateCustomerInputSchema.parse(rawInput);
  let status;
  try {
    status = await readMcaStatus(deps.partnerCenter, tenantId, deps.now());
  } catch (error) {
    if (error instanceof PartnerCenterError && !error.retryable)
      return { kind: 'failed', tenantId, reason: error.name };
    throw error;
  }
  const row = await deps.store.customerState.get(tenantId);
  if (status.kind === 'accepted') {
    if (!row) await recordAccepted(deps, tenantId, companyName, status);
    else if (isHealable(row)) await healAccepted(deps, row, status, 'sweep');
    return { kind: 'accepted', tenantId, method: status.method };
  }

  const reason = status.kind === 'none' ? 'new' : 'stale';
  // A finished run is left alone until it ended long enough ago; the customer's own run decides otherwise.
  const retry = row !== undefined && isDueForRemediation(row, deps.now(), deps.remediationRetryAfterMs);
  const request = {
    tenantId,
    companyName,
    reason,
    source: 'sweep',
    eventId: `sweep:${sweepDate}:${tenantId}`,
  } as const;
  // ifNew: never a second instance for a customer the workflow already knows, unless its run is due again.
  const mode = retry ? 'restartFinished' : 'ifNew';
  const outcome = await startOnboarding(client, request, { mode, policy: deps.policy });
  if (outcome.kind === 'started') return { kind: 'started', tenantId, reason };
  return {
    kind: 'skipped',
    tenantId,
    reason: outcome.kind === 'skipped' ? `instance ${outcome.runtimeStatus}` : 'instance running',
  };
}

/**
 * Records a customer the workflow never saw as Accepted, so the report covers the whole book. A row
 * the workflow wrote is left alone. The customer list gives neither country nor language: the row says
 * `ZZ` (unknown, as for customers Partner Center reported first) and English.
 */
async function recordAccepted(
  deps: EvaluateCustomerDeps,
  tenantId: string,
  companyName: string | undefined,
  status: Extract<McaStatus, { kind: 'accepted' }>,
): Promise<void> {
  const at = deps.now().toISOString();
  await deps.store.customerState.upsert({
    tenantId,
    state: 'Accepted',
    method: status.method,
    acceptedAt: status.method === 'attestation' ? status.attestedAt : null,
    startedAt: at,
    updatedAt: at,
    companyName: companyName ?? tenantId,
    language: 'en',
    country: 'ZZ',
  });
  await deps.store.auditTrail.append({
    tenantId,
    at,
    actor: 'sweep',
    action: 'FoundAccepted',
    detail: status.method,
  });
}

export function createEvaluateCustomerActivity(deps: EvaluateCustomerDeps) {
  return (input: unknown, context: InvocationContext): Promise<EvaluateCustomerOutcome> =>
    evaluateCustomer(deps, df.getClient(context), input);
}
