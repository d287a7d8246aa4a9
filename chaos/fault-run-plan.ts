/**
 * The fault run's book: N customers generated from a seed, each on one path with what the "customer"
 * will do, the Partner Center record it starts with, and the CRM messages sent for it (duplicates,
 * updates and purchase blocks included), plus a few invalid messages that must be dead-lettered. Pure.
 */
import { seededRandom } from '../local/emulators/partner-center/faults';

export const SCENARIOS = [
  /** Signed directly already: Accepted at once, no mail. */
  'alreadyDirect',
  /** Attested in 2024: Accepted at once, no mail. */
  'alreadyAttested',
  /** No MCA; direct invitation; accepts in the admin center. */
  'directAccepts',
  /** No MCA; attestation link; accepts on the acceptance page. */
  'attestationAccepts',
  /** Attested in 2021 by someone else; the order system reports 900428 too; re-attests. */
  'staleReattests',
  /** Attested in 2021 by the same signatory: 600061, so the admin-center invitation follows. */
  'staleSameSignatory',
  /** Sold through an indirect reseller (a DirectBill deployment still invites directly); accepts. */
  'resellerSold',
  /** No MCA and never answers: reminders, then Expired. */
  'neverAccepts',
  /** Only the order system's PurchaseBlocked (tenant id alone): the desk is told, then Expired. */
  'blockedWithoutContact',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Share of each scenario (sums to 1). */
const SCENARIO_WEIGHTS: Record<Scenario, number> = {
  alreadyDirect: 0.08,
  alreadyAttested: 0.08,
  directAccepts: 0.2,
  attestationAccepts: 0.2,
  staleReattests: 0.1,
  staleSameSignatory: 0.06,
  resellerSold: 0.06,
  neverAccepts: 0.16,
  blockedWithoutContact: 0.06,
};

/** Covered before the run: Partner Center already shows the MCA. */
export const COVERED_SCENARIOS: ReadonlySet<Scenario> = new Set(['alreadyDirect', 'alreadyAttested']);

export interface Signatory {
  firstName: string;
  lastName: string;
  email: string;
}

export interface PlannedCustomer {
  tenantId: string;
  scenario: Scenario;
  companyName: string;
  country: string;
  language: string;
  signatory: Signatory;
  /** Whether the customer acts on the mails it gets. */
  accepts: boolean;
  /** How long after a mail arrives the customer acts on it (real ms). */
  actAfterMs: number;
  /** The body for `POST /_control/customers` of the Partner Center emulator. */
  partnerCenterRecord: Record<string, unknown>;
}

export interface PlannedMessage {
  /** The Service Bus message id: unique per sent message, also for a duplicate of the same event. */
  messageId: string;
  /** Absent for an invalid message. */
  tenantId?: string;
  /** Must be dead-lettered (it breaks the contract), not processed. */
  invalid: boolean;
  body: Record<string, unknown>;
}

export interface FaultRunPlan {
  seed: number;
  customers: PlannedCustomer[];
  /**
   * In sending order: customers in a seeded shuffle, each customer's messages together in a seeded
   * order (an update may come before the creation), so they all reach its one run; invalid ones between.
   */
  messages: PlannedMessage[];
}

export interface PlanOptions {
  seed: number;
  customers: number;
  /** Upper bound of a customer's reaction time; keep it well inside the acceptance deadline. */
  maxActAfterMs: number;
  /** When the CRM says the events happened. */
  now: Date;
}

const COUNTRIES: ReadonlyArray<[country: string, language: string]> = [
  ['JP', 'ja-JP'],
  ['US', 'en-US'],
  ['GB', 'en-GB'],
  ['DE', 'en-US'],
  ['AU', 'en-US'],
];

export function tenantIdOf(seed: number, n: number): string {
  const prefix = (seed >>> 0).toString(16).padStart(8, '0').slice(-8);
  return `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export function planFaultRun({ seed, customers: count, maxActAfterMs, now }: PlanOptions): FaultRunPlan {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const scenarios = scenarioList(count);
  const customers: PlannedCustomer[] = [];
  const groups: PlannedMessage[][] = [];
  const at = (offsetMs: number): string => new Date(now.getTime() + offsetMs).toISOString();

  scenarios.forEach((scenario, i) => {
    const n = i + 1;
    const tenantId = tenantIdOf(seed, n);
    const [country, language] = pick(COUNTRIES);
    const signatory = {
      firstName: 'Chaos',
      lastName: `Customer${n}`,
      email: `signatory${n}@customer${n}.example.com`,
    };
    const customer: PlannedCustomer = {
      tenantId,
      scenario,
      companyName: `Chaos Example ${n} Ltd`,
      country,
      language,
      signatory,
      accepts: scenario !== 'neverAccepts' && scenario !== 'blockedWithoutContact',
      actAfterMs: Math.round(maxActAfterMs * (0.2 + 0.8 * random())),
      partnerCenterRecord: partnerCenterRecord(scenario, tenantId, n, country, signatory),
    };
    customers.push(customer);
    const event = (type: string, suffix: string, offsetMs: number, extra: Record<string, unknown> = {}) => ({
      type,
      eventId: `chaos-${tenantId}-${suffix}`,
      occurredAt: at(offsetMs),
      ...extra,
    });
    const full = {
      tenantId,
      companyName: customer.companyName,
      country,
      language,
      signatory,
      ...(scenario === 'resellerSold' ? { resellerTenantId: tenantIdOf(seed + 1, n) } : {}),
    };
    const method = methodOf(scenario, random);
    const messages: PlannedMessage[] = [];
    groups.push(messages);
    const send = (body: Record<string, unknown>, copy = 0): void => {
      messages.push({ messageId: `${String(body.eventId)}#${copy}`, tenantId, invalid: false, body });
    };

    if (scenario === 'blockedWithoutContact') {
      send(event('PurchaseBlocked', 'blocked', 0, { customer: { tenantId } }));
      return;
    }
    const created = event('CustomerCreated', 'created', 0, { customer: full, method });
    send(created);
    // The same event delivered twice (a CRM retry): one run, one set of mails.
    if (random() < 0.2) send(created, 1);
    if (random() < 0.15) {
      const renamed = { ...full, companyName: `${customer.companyName} (renamed)` };
      customer.companyName = renamed.companyName;
      send(event('CustomerUpdated', 'updated', 1000, { customer: renamed, method }));
    }
    if (scenario === 'staleReattests' || scenario === 'staleSameSignatory') {
      send(event('PurchaseBlocked', 'blocked', 2000, { customer: { tenantId } }));
    }
  });

  for (let i = 0; i < Math.max(1, Math.round(count * 0.02)); i++) {
    groups.push([invalidMessage(seed, i, at(0))]);
  }
  const messages = shuffle(groups, random).flatMap((group) => shuffle(group, random));
  return { seed, customers, messages };
}

/** Exactly `count` scenarios in the weights' proportions (largest remainders), each at least once when count allows. */
export function scenarioList(count: number): Scenario[] {
  const exact = SCENARIOS.map((s) => ({ s, share: SCENARIO_WEIGHTS[s] * count }));
  const counts = new Map(exact.map(({ s, share }) => [s, Math.floor(share)]));
  let left = count - [...counts.values()].reduce((a, b) => a + b, 0);
  for (const { s } of [...exact].sort((a, b) => (b.share % 1) - (a.share % 1))) {
    if (left <= 0) break;
    counts.set(s, (counts.get(s) ?? 0) + 1);
    left -= 1;
  }
  // A scenario rounded away still gets one customer, taken from the most common scenario.
  for (const s of count >= SCENARIOS.length ? SCENARIOS : []) {
    if ((counts.get(s) ?? 0) > 0) continue;
    const [largest] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (largest === undefined) break;
    counts.set(largest, (counts.get(largest) ?? 0) - 1);
    counts.set(s, 1);
  }
  return SCENARIOS.flatMap((s) => Array.from({ length: counts.get(s) ?? 0 }, () => s));
}

function methodOf(scenario: Scenario, random: () => number): 'direct' | 'attestation' {
  switch (scenario) {
    case 'alreadyDirect':
    case 'directAccepts':
      return 'direct';
    case 'alreadyAttested':
    case 'attestationAccepts':
    case 'staleReattests':
    case 'staleSameSignatory':
      return 'attestation';
    default:
      return random() < 0.5 ? 'direct' : 'attestation';
  }
}

function partnerCenterRecord(
  scenario: Scenario,
  tenantId: string,
  n: number,
  country: string,
  signatory: Signatory,
): Record<string, unknown> {
  const agreement = (dateAgreed: string, contact: Signatory) => [{ dateAgreed, primaryContact: contact }];
  const someoneElse = {
    firstName: 'Former',
    lastName: `Signer${n}`,
    email: `former${n}@customer${n}.example.com`,
  };
  const agreements =
    scenario === 'alreadyAttested'
      ? agreement('2024-02-01', signatory)
      : scenario === 'staleReattests' || scenario === 'blockedWithoutContact'
        ? agreement('2021-06-01', someoneElse)
        : scenario === 'staleSameSignatory'
          ? agreement('2021-06-01', signatory)
          : [];
  return {
    tenantId,
    companyName: `Chaos Example ${n} Ltd`,
    country,
    directSigned: scenario === 'alreadyDirect',
    agreements,
  };
}

/** Breaks the contract in a different way each time; the dead-letter reason must name the field. */
function invalidMessage(seed: number, i: number, occurredAt: string): PlannedMessage {
  const eventId = `chaos-invalid-${seed}-${i}`;
  const variants: Array<Record<string, unknown>> = [
    { type: 'CustomerCreated', eventId, occurredAt, customer: { tenantId: 'not-a-guid' } },
    { type: 'CustomerDeleted', eventId, occurredAt, customer: { tenantId: tenantIdOf(seed, 999_000 + i) } },
    {
      type: 'PurchaseBlocked',
      eventId,
      occurredAt: 'yesterday',
      customer: { tenantId: tenantIdOf(seed, 999_500 + i) },
    },
  ];
  return { messageId: `${eventId}#0`, invalid: true, body: variants[i % variants.length] ?? {} };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
