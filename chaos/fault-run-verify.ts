/**
 * Judges a fault run against the emulators' own records: every customer in the state its evidence
 * calls for, no mail, attestation or agreement twice, no CRM message lost, one outcome per finished
 * customer. Pure: the truth comes in as data; each failure names the tenant or message and the fault.
 */
import { COVERED_SCENARIOS, type FaultRunPlan, type PlannedCustomer } from './fault-run-plan';

/** The send keys' tenant of the partner desk's own mails (shared/store). */
const PARTNER_DESK_TENANT = '00000000-0000-0000-0000-000000000000';
/** The outcome a terminal state publishes. */
const OUTCOME_OF: Record<string, string> = {
  Accepted: 'McaAccepted',
  Expired: 'McaExpired',
  HandedOff: 'McaHandedOff',
  Failed: 'McaFailed',
};
export const TERMINAL_STATES: ReadonlySet<string> = new Set(Object.keys(OUTCOME_OF));
/** Microsoft: attestations dated before this no longer count. */
const ATTESTATION_CUTOFF = '2023-04-01';

export interface Truth {
  /** The app's state of each customer (its API). */
  states: ReadonlyMap<string, string>;
  /** What the customer actor did: how it accepted and when (ms), if it did. */
  acceptedBy: ReadonlyMap<string, ReadonlyMap<AcceptedBy, number>>;
  /** When the app recorded Expired (ms), for customers that ended Expired after the actor accepted. */
  expiredAt: ReadonlyMap<string, number>;
  /**
   * For those customers: when Partner Center last answered the app's status read (ms) before that
   * record, if its request log still holds it. What the app could know at expiry is what it read then.
   */
  lastStatusReadAt: ReadonlyMap<string, number>;
  /** Every mail in the SendGrid sink. */
  mails: ReadonlyArray<{ sendKey?: string; to: string[] }>;
  /** Partner Center emulator: every attestation. */
  attestations: ReadonlyArray<{ id: string; customerTenantId?: string; state: string }>;
  /** Partner Center emulator: each planned customer's coverage and stored agreements. */
  partnerCenter: ReadonlyMap<string, { coverage: string; agreements: Array<{ dateAgreed: string }> }>;
  /** The CRM queue's dead letters. */
  deadLetters: ReadonlyArray<{ messageId?: string; reason?: string }>;
  /** Message ids still in the CRM queue after the run (never settled). */
  leftInQueue: ReadonlyArray<string>;
  /** Every outcome event received from `mca-outcomes`. */
  outcomes: ReadonlyArray<{ tenantId?: string; type?: string; eventId?: string }>;
}

export interface Verdict {
  customers: number;
  correct: number;
  duplicateMails: number;
  duplicateAttestations: number;
  duplicateAgreements: number;
  lostMessages: number;
  /** A valid message dead-lettered, or an invalid one processed. */
  misroutedMessages: number;
  outcomesMissingOrDoubled: number;
  failures: string[];
}

export type AcceptedBy = 'direct' | 'attestation';

/**
 * Without the app's last status read on record, an acceptance this close before the run recorded
 * Expired counts as racing the run's last Partner Center check (a read retried for some seconds, then
 * the escalation mail and the record): Expired is right then, as the check saw no MCA.
 */
export const ACCEPTANCE_RACE_MS = 30_000;

/**
 * The ways the customer accepted early enough to count: before the app's last status read ahead of
 * the Expired record (`lastReadAt`) or, with no read on record, before `expiredAt` less the race margin.
 * An acceptance after the app's last read could not be seen: a kill or a retried escalation mail
 * between that read and the record does not make Expired wrong.
 */
export function acceptedInTime(
  acceptances: ReadonlyMap<AcceptedBy, number> | undefined,
  expiredAt: number | undefined,
  lastReadAt?: number,
): Set<AcceptedBy> {
  const limit = expiredAt === undefined ? Infinity : (lastReadAt ?? expiredAt - ACCEPTANCE_RACE_MS);
  return new Set([...(acceptances ?? [])].filter(([, at]) => at < limit).map(([by]) => by));
}

/** One line of the Partner Center emulator's request log (`/_control/requests`). */
export interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  status: number;
  note?: string;
}

/**
 * For each customer that ended Expired: the latest status read (`directSignedMicrosoftCustomerAgreementStatus`)
 * Partner Center really answered, at or before the Expired record. Injected faults and replays are not reads.
 */
export function lastStatusReads(
  log: readonly LoggedRequest[],
  expiredAt: ReadonlyMap<string, number>,
): Map<string, number> {
  const last = new Map<string, number>();
  for (const entry of log) {
    const match = /^\/v1\/customers\/([^/]+)\/directSignedMicrosoftCustomerAgreementStatus$/.exec(entry.path);
    if (!match || entry.method !== 'GET' || entry.status !== 200 || entry.note !== undefined) continue;
    const tenantId = decodeURIComponent(match[1] ?? '');
    const limit = expiredAt.get(tenantId);
    const at = Date.parse(entry.at);
    if (limit === undefined || at > limit) continue;
    last.set(tenantId, Math.max(last.get(tenantId) ?? 0, at));
  }
  return last;
}

/**
 * The state a customer must end in, given what it (the actor) did. Without a signatory nobody can
 * accept: the desk is told at once (AwaitingContact) and the deadline, counted from the start of the
 * run, still ends it. A re-attestation by the same signatory is refused (600061): only accepting the
 * admin-center invitation that follows covers that customer.
 */
export function expectedState(
  customer: PlannedCustomer,
  acceptedBy: ReadonlySet<AcceptedBy> | undefined,
): string {
  if (COVERED_SCENARIOS.has(customer.scenario)) return 'Accepted';
  const covering = customer.scenario === 'staleSameSignatory' ? acceptedBy?.has('direct') : acceptedBy?.size;
  return covering ? 'Accepted' : 'Expired';
}

export function verifyFaultRun(plan: FaultRunPlan, truth: Truth): Verdict {
  const failures: string[] = [];
  const planned = new Set(plan.customers.map((c) => c.tenantId));

  let correct = 0;
  for (const customer of plan.customers) {
    const accepted = acceptedInTime(
      truth.acceptedBy.get(customer.tenantId),
      truth.expiredAt.get(customer.tenantId),
      truth.lastStatusReadAt.get(customer.tenantId),
    );
    const expected = expectedState(customer, accepted);
    const actual = truth.states.get(customer.tenantId) ?? '(no state)';
    const coverage = truth.partnerCenter.get(customer.tenantId)?.coverage ?? '(unknown)';
    const covered = coverage === 'direct' || coverage === 'attested';
    const problems: string[] = [];
    if (actual !== expected)
      problems.push(`state ${actual}, expected ${expected}${timeline(customer.tenantId, truth)}`);
    // An acceptance that raced the expiry covers the customer in Partner Center though it ended Expired.
    const raced = (truth.acceptedBy.get(customer.tenantId)?.size ?? 0) > accepted.size;
    if ((expected === 'Accepted') !== covered && !raced) problems.push(`Partner Center coverage ${coverage}`);
    if (problems.length === 0) correct += 1;
    else failures.push(`tenant ${customer.tenantId} (${customer.scenario}): ${problems.join('; ')}`);
  }

  const duplicateMails = countDuplicateMails(truth.mails, failures);
  const duplicateAttestations = countDuplicateAttestations(truth.attestations, planned, failures);
  const duplicateAgreements = countDuplicateAgreements(truth.partnerCenter, failures);
  const messages = checkMessages(plan, truth, failures);
  const outcomesMissingOrDoubled = checkOutcomes(plan, truth, failures);
  return {
    customers: plan.customers.length,
    correct,
    duplicateMails,
    duplicateAttestations,
    duplicateAgreements,
    ...messages,
    outcomesMissingOrDoubled,
    failures,
  };
}

/** For a customer that ended Expired: when it accepted, relative to the app's last read and the record. */
function timeline(tenantId: string, truth: Truth): string {
  const expiredAt = truth.expiredAt.get(tenantId);
  const acceptances = [...(truth.acceptedBy.get(tenantId) ?? [])];
  if (expiredAt === undefined || acceptances.length === 0) return '';
  const lastRead = truth.lastStatusReadAt.get(tenantId);
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  const parts = acceptances.map(([by, at]) => `${by} ${seconds(expiredAt - at)} before the Expired record`);
  const read =
    lastRead === undefined
      ? 'no status read on record'
      : `last status read ${seconds(expiredAt - lastRead)} before it`;
  return ` (accepted: ${parts.join(', ')}; ${read})`;
}

/** Send keys look like `{tenantId}/{kind}-{runTag}/{n}`. */
export function parseSendKey(key: string): { tenantId: string; mailKind: string; n: string } | undefined {
  const match = /^([^/]+)\/([A-Za-z]+)(?:-[^/]*)?\/(\d+)$/.exec(key);
  return match ? { tenantId: match[1] ?? '', mailKind: match[2] ?? '', n: match[3] ?? '' } : undefined;
}

/** Extra mails by send key, and by tenant + recipient + mail kind + number (one run per tenant here). */
function countDuplicateMails(mails: Truth['mails'], failures: string[]): number {
  const bySendKey = new Map<string, number>();
  const byRecipientKind = new Map<string, number>();
  for (const mail of mails) {
    if (mail.sendKey === undefined) {
      failures.push(`mail without a send key to ${mail.to.length} recipient(s)`);
      continue;
    }
    bySendKey.set(mail.sendKey, (bySendKey.get(mail.sendKey) ?? 0) + 1);
    const key = parseSendKey(mail.sendKey);
    // The desk's own reports have one key per batch of findings: only the send key applies.
    if (key?.tenantId === PARTNER_DESK_TENANT) continue;
    for (const to of mail.to) {
      const id = key
        ? `${key.tenantId} ${key.mailKind} #${key.n} to recipient ${recipientTag(to)}`
        : mail.sendKey;
      byRecipientKind.set(id, (byRecipientKind.get(id) ?? 0) + 1);
    }
  }
  const extra = (counts: Map<string, number>, what: string): number => {
    let total = 0;
    for (const [key, n] of counts) {
      if (n < 2) continue;
      total += n - 1;
      failures.push(`mail sent ${n} times (${what}): ${key}`);
    }
    return total;
  };
  return Math.max(extra(bySendKey, 'same send key'), extra(byRecipientKind, 'same recipient and kind'));
}

/** Failures name no e-mail address: a short hash-free tag (the domain's first label) is enough to tell them apart. */
function recipientTag(address: string): string {
  const domain = address.split('@')[1] ?? '';
  return domain.split('.')[0] || 'unknown';
}

/** More than one live (not expired) attestation per customer: the app created one twice. */
function countDuplicateAttestations(
  attestations: Truth['attestations'],
  planned: ReadonlySet<string>,
  failures: string[],
): number {
  const live = new Map<string, string[]>();
  for (const a of attestations) {
    if (a.customerTenantId === undefined || !planned.has(a.customerTenantId) || a.state === 'expired')
      continue;
    live.set(a.customerTenantId, [...(live.get(a.customerTenantId) ?? []), a.id]);
  }
  let total = 0;
  for (const [tenantId, ids] of live) {
    if (ids.length < 2) continue;
    total += ids.length - 1;
    failures.push(`tenant ${tenantId}: ${ids.length} live attestations (${ids.join(', ')})`);
  }
  return total;
}

/** More than one current MCA agreement (dated on or after the cut-off) per customer. */
function countDuplicateAgreements(partnerCenter: Truth['partnerCenter'], failures: string[]): number {
  let total = 0;
  for (const [tenantId, { agreements }] of partnerCenter) {
    const current = agreements.filter((a) => a.dateAgreed.slice(0, 10) >= ATTESTATION_CUTOFF);
    if (current.length < 2) continue;
    total += current.length - 1;
    failures.push(`tenant ${tenantId}: ${current.length} current MCA agreements`);
  }
  return total;
}

/** Every sent message settled: valid ones completed, invalid ones dead-lettered with a reason. */
function checkMessages(
  plan: FaultRunPlan,
  truth: Truth,
  failures: string[],
): { lostMessages: number; misroutedMessages: number } {
  const deadLettered = new Map(truth.deadLetters.map((d) => [d.messageId ?? '', d.reason]));
  const left = new Set(truth.leftInQueue);
  let lostMessages = 0;
  let misroutedMessages = 0;
  for (const message of plan.messages) {
    const id = message.messageId;
    if (left.has(id)) {
      lostMessages += 1;
      failures.push(`message ${id}: still in the queue after the run`);
    } else if (deadLettered.has(id)) {
      const reason = deadLettered.get(id);
      if (!reason) {
        lostMessages += 1;
        failures.push(`message ${id}: dead-lettered without a reason`);
      } else if (!message.invalid) {
        misroutedMessages += 1;
        failures.push(`message ${id}: a valid message dead-lettered (${reason})`);
      }
    } else if (message.invalid) {
      misroutedMessages += 1;
      failures.push(`message ${id}: an invalid message was not dead-lettered`);
    }
  }
  const sent = new Set(plan.messages.map((m) => m.messageId));
  for (const d of truth.deadLetters) {
    if (!sent.has(d.messageId ?? '')) failures.push(`dead letter ${d.messageId ?? '(no id)'} was never sent`);
  }
  return { lostMessages, misroutedMessages };
}

/**
 * Outcome event ids are `{tenantId}:{runTag}:{type}`: each run publishes once (a re-publish of the same
 * event counts as doubled), and a customer that ended in a terminal state has that state's outcome.
 */
function checkOutcomes(plan: FaultRunPlan, truth: Truth, failures: string[]): number {
  const byTenant = new Map<string, Array<{ type: string; eventId: string }>>();
  for (const o of truth.outcomes) {
    const tenant = o.tenantId ?? '';
    byTenant.set(tenant, [
      ...(byTenant.get(tenant) ?? []),
      { type: o.type ?? '?', eventId: o.eventId ?? '?' },
    ]);
  }
  let bad = 0;
  for (const customer of plan.customers) {
    const state = truth.states.get(customer.tenantId) ?? '(none)';
    const events = byTenant.get(customer.tenantId) ?? [];
    const perRun = new Map<string, number>();
    for (const e of events) {
      const run = e.eventId.split(':')[1] ?? e.eventId;
      perRun.set(run, (perRun.get(run) ?? 0) + 1);
    }
    const problems = [...perRun]
      .filter(([, n]) => n > 1)
      .map(([run, n]) => `run ${run} published ${n} outcomes`);
    const wanted = OUTCOME_OF[state];
    if (wanted !== undefined && !events.some((e) => e.type === wanted))
      problems.push(`no ${wanted} in state ${state}`);
    if (problems.length === 0) continue;
    bad += 1;
    failures.push(
      `tenant ${customer.tenantId}: ${problems.join('; ')} (outcomes: ${events.map((e) => e.eventId).join(', ') || 'none'})`,
    );
  }
  return bad;
}
