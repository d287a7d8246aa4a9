/**
 * Runs that ended without acceptance (Expired, Failed, HandedOff) are not final for the customer: a
 * later check (the operator's recheck, the nightly sweep) that finds the MCA accepted moves the row to
 * Accepted and tells the CRM; one still uncovered long after its run ended gets a new run.
 */
import type { OutcomePublisher } from '../events/outcome-publisher';
import { confirmationNote, utcInstant } from './confirmation';
import type { Confirmation } from './contracts';
import type { McaStatus } from '../mca';
import { readMcaStatus, type McaStatusReader } from '../partnerCenter/mca-status';
import {
  HEALABLE_STATES,
  type AuditActor,
  type AuditTrailRepository,
  type CustomerState,
  type CustomerStateName,
  type CustomerStateRepository,
} from '../store';

export interface HealDeps {
  store: {
    customerState: Pick<CustomerStateRepository, 'upsert'>;
    auditTrail: Pick<AuditTrailRepository, 'append'>;
  };
  outcomes: Pick<OutcomePublisher, 'publish'>;
  now: () => Date;
}

type Accepted = Extract<McaStatus, { kind: 'accepted' }>;

export function isHealable(row: Pick<CustomerState, 'state'>): boolean {
  return HEALABLE_STATES.includes(row.state);
}

/**
 * Records the acceptance of a customer whose run had ended without it. The outcome goes first, with an
 * id derived from the row it heals: a retry after a crash publishes the same event again (the CRM and
 * Service Bus de-duplicate by id) and then writes the row; once the row says Accepted nothing repeats.
 */
export async function healAccepted(
  deps: HealDeps,
  row: CustomerState,
  status: Accepted,
  actor: AuditActor,
  /** Who asked (an operator's non-personal id), when a person did. */
  actorId?: string,
): Promise<void> {
  const acceptedAt = status.method === 'attestation' ? status.attestedAt : deps.now().toISOString();
  const detail = `(${status.method})`;
  await heal(deps, row, { method: status.method, acceptedAt, actor, actorId, detail });
}

/**
 * Records an acceptance confirmed by people (reseller deployments: an operator or the indirect
 * provider) for a customer whose run has ended; the audit entry says who confirmed.
 */
export async function healConfirmed(
  deps: HealDeps,
  row: CustomerState,
  confirmation: Confirmation,
  actorId?: string,
): Promise<void> {
  await heal(deps, row, {
    method: confirmation.method,
    acceptedAt: utcInstant(confirmation.acceptedAt),
    actor: 'operator',
    actorId,
    detail: `(${confirmationNote(confirmation)})`,
  });
}

interface Healing {
  method: Accepted['method'];
  acceptedAt: string;
  actor: AuditActor;
  actorId?: string;
  detail: string;
}

async function heal(
  deps: HealDeps,
  row: CustomerState,
  { method, acceptedAt, actor, actorId, detail }: Healing,
): Promise<void> {
  const at = deps.now().toISOString();
  const tenantId = row.tenantId;
  await deps.outcomes.publish({
    type: 'McaAccepted',
    tenantId,
    method,
    at,
    eventId: `${tenantId}:healed-${row.updatedAt}:McaAccepted`,
  });
  await deps.store.customerState.upsert({
    ...row,
    state: 'Accepted',
    method,
    acceptedAt,
    reason: null,
    nextReminderAt: null,
    purchaseBlocked: false,
    updatedAt: at,
  });
  await deps.store.auditTrail.append({
    tenantId,
    at,
    actor,
    ...(actorId === undefined ? {} : { actorId }),
    action: 'Healed',
    detail: `${row.state} -> Accepted ${detail}`,
  });
}

/** A finished, still uncovered customer gets a new run once its last one ended this long ago. */
export function isDueForRemediation(
  row: Pick<CustomerState, 'state' | 'updatedAt'>,
  now: Date,
  retryAfterMs: number,
): boolean {
  return isHealable(row) && now.getTime() - Date.parse(row.updatedAt) >= retryAfterMs;
}

/** What a check of a finished run found; `state` is the customer's row after it. */
export type RecheckFinding =
  | { found: 'accepted'; method: 'direct' | 'attestation'; healed: boolean; state: CustomerStateName }
  | { found: 'none' | 'reattestationRequired'; purchaseBlocked: boolean; state: CustomerStateName };

/**
 * The operator's recheck of a customer whose run has ended: no mail, one look at Partner Center. An
 * acceptance heals the row; otherwise the finding is recorded, and a purchase block is made visible.
 */
export async function recheckFinishedRun(
  deps: HealDeps & { partnerCenter: McaStatusReader },
  row: CustomerState,
  actor: AuditActor,
  actorId?: string,
): Promise<RecheckFinding> {
  const status = await readMcaStatus(deps.partnerCenter, row.tenantId, deps.now());
  if (status.kind === 'accepted') {
    const healed = isHealable(row);
    if (healed) await healAccepted(deps, row, status, actor, actorId);
    return { found: 'accepted', method: status.method, healed, state: healed ? 'Accepted' : row.state };
  }
  const purchaseBlocked = status.kind === 'reattestationRequired' && status.purchaseBlocked;
  const at = deps.now().toISOString();
  // Same updatedAt: the row still says when the run ended, which decides when the sweep restarts it.
  if (purchaseBlocked && !row.purchaseBlocked)
    await deps.store.customerState.upsert({ ...row, purchaseBlocked });
  await deps.store.auditTrail.append({
    tenantId: row.tenantId,
    at,
    actor,
    ...(actorId === undefined ? {} : { actorId }),
    action: 'Rechecked',
    detail: `still ${status.kind === 'none' ? 'no MCA' : 'only a stale attestation'} (${row.state})`,
  });
  return { found: status.kind, purchaseBlocked, state: row.state };
}
