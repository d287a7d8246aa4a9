/**
 * The dashboard's aggregates beyond the state summary: state changes per day (from the audit trail),
 * time from start to acceptance (from the state rows) and acceptance links that expire soon. Pure:
 * the HTTP adapter reads the store and passes the rows in.
 */
import type { AuditEntry, CustomerState } from '../store';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Audit actions that move a customer to another state (the workflow's `record` calls that change it,
 * and the heals of a finished run). Other entries (reminders, ignored events) keep the state.
 */
export const STATE_CHANGE_ACTIONS: ReadonlySet<string> = new Set([
  'RunStarted',
  'StaleAttestation',
  'AwaitingContact',
  'InvitationSent',
  'AgreementCreated',
  'Accepted',
  'Expired',
  'Failed',
  'Healed',
]);
/** The state changes that end in Accepted. */
export const ACCEPTED_ACTIONS: ReadonlySet<string> = new Set(['Accepted', 'Healed']);

export interface DailyStateChanges {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  changes: number;
  accepted: number;
}

/** One row per UTC day of the last `days` days (today last), zero days included. */
export function stateChangesPerDay(
  entries: Iterable<Pick<AuditEntry, 'at' | 'action'>>,
  { now, days }: { now: Date; days: number },
): DailyStateChanges[] {
  const today = Math.floor(now.getTime() / DAY_MS);
  const rows = Array.from({ length: days }, (_, i) => ({
    day: new Date((today - days + 1 + i) * DAY_MS).toISOString().slice(0, 10),
    changes: 0,
    accepted: 0,
  }));
  for (const entry of entries) {
    if (!STATE_CHANGE_ACTIONS.has(entry.action)) continue;
    const row = rows[Math.floor(Date.parse(entry.at) / DAY_MS) - (today - days + 1)];
    if (!row) continue;
    row.changes++;
    if (ACCEPTED_ACTIONS.has(entry.action)) row.accepted++;
  }
  return rows;
}

/** Upper bounds (days, exclusive) of the time-to-accepted buckets; the last bucket is open. */
export const TIME_TO_ACCEPTED_BUCKETS = [1, 3, 7, 14, 30] as const;

export interface TimeToAccepted {
  /** Customers accepted during their run (those covered before it started are left out). */
  count: number;
  medianDays: number | null;
  buckets: { label: string; count: number }[];
}

export function timeToAccepted(
  customers: Iterable<Pick<CustomerState, 'state' | 'startedAt' | 'acceptedAt'>>,
): TimeToAccepted {
  const durations: number[] = [];
  for (const { state, startedAt, acceptedAt } of customers) {
    if (state !== 'Accepted' || acceptedAt === null) continue;
    const days = (Date.parse(acceptedAt) - Date.parse(startedAt)) / DAY_MS;
    // An acceptance dated before the run (a 2024 attestation found at the first check) took no time of ours.
    if (days >= 0) durations.push(days);
  }
  durations.sort((a, b) => a - b);
  const bounds = [0, ...TIME_TO_ACCEPTED_BUCKETS, Infinity];
  const buckets = bounds.slice(1).map((upper, i) => {
    const lower = bounds[i] ?? 0;
    const label = upper === Infinity ? `${lower}d+` : `${lower}-${upper}d`;
    return { label, count: durations.filter((d) => d >= lower && d < upper).length };
  });
  return { count: durations.length, medianDays: median(durations), buckets };
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round((value ?? 0) * 10) / 10;
}

export interface ExpiringLink {
  tenantId: string;
  companyName: string;
  linkExpiresAt: string;
}

/**
 * Customers waiting on an attestation link that expires within `withinMs` (or has expired: the next
 * reminder renews it), soonest first.
 */
export function expiringLinks(
  customers: Iterable<Pick<CustomerState, 'tenantId' | 'companyName' | 'state' | 'linkExpiresAt'>>,
  { now, withinMs }: { now: Date; withinMs: number },
): ExpiringLink[] {
  const horizon = now.getTime() + withinMs;
  const found: ExpiringLink[] = [];
  for (const { tenantId, companyName, state, linkExpiresAt } of customers) {
    if (state !== 'AttestationPending' || !linkExpiresAt) continue;
    if (Date.parse(linkExpiresAt) <= horizon) found.push({ tenantId, companyName, linkExpiresAt });
  }
  return found.sort((a, b) => Date.parse(a.linkExpiresAt) - Date.parse(b.linkExpiresAt));
}
