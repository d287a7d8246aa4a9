import { planFaultRun, type FaultRunPlan } from '../../../chaos/fault-run-plan';
import {
  expectedState,
  lastStatusReads,
  parseSendKey,
  verifyFaultRun,
  type Truth,
} from '../../../chaos/fault-run-verify';

const plan: FaultRunPlan = planFaultRun({
  seed: 11,
  customers: 18,
  maxActAfterMs: 10_000,
  now: new Date('2026-12-04T21:00:00Z'),
});
const byScenario = (scenario: string) => plan.customers.filter((c) => c.scenario === scenario);

const ACCEPTED_AT = Date.parse('2026-12-04T21:01:00Z');

/** A run where everything went right: what the emulators would show. */
function perfectTruth(): Truth {
  const acceptedBy = new Map<string, Map<'direct' | 'attestation', number>>();
  for (const c of plan.customers) {
    if (c.scenario === 'attestationAccepts' || c.scenario === 'staleReattests')
      acceptedBy.set(c.tenantId, new Map([['attestation', ACCEPTED_AT]]));
    if (
      c.scenario === 'directAccepts' ||
      c.scenario === 'resellerSold' ||
      c.scenario === 'staleSameSignatory'
    )
      acceptedBy.set(c.tenantId, new Map([['direct', ACCEPTED_AT]]));
  }
  const states = new Map(
    plan.customers.map((c) => [c.tenantId, expectedState(c, new Set(acceptedBy.get(c.tenantId)?.keys()))]),
  );
  return {
    states,
    acceptedBy,
    expiredAt: new Map(),
    lastStatusReadAt: new Map(),
    mails: plan.customers.map((c) => ({
      sendKey: `${c.tenantId}/directInvite-abc123/0`,
      to: [c.signatory.email],
    })),
    attestations: byScenario('attestationAccepts').map((c) => ({
      id: `att-${c.tenantId}`,
      customerTenantId: c.tenantId,
      state: 'accepted',
    })),
    partnerCenter: new Map(
      plan.customers.map((c) => [
        c.tenantId,
        {
          coverage: states.get(c.tenantId) === 'Accepted' ? 'attested' : 'none',
          agreements: states.get(c.tenantId) === 'Accepted' ? [{ dateAgreed: '2026-12-04T21:01:00' }] : [],
        },
      ]),
    ),
    deadLetters: plan.messages
      .filter((m) => m.invalid)
      .map((m) => ({ messageId: m.messageId, reason: 'InvalidMessage' })),
    leftInQueue: [],
    outcomes: plan.customers.map((c) => {
      const type = states.get(c.tenantId) === 'Accepted' ? 'McaAccepted' : 'McaExpired';
      return { tenantId: c.tenantId, type, eventId: `${c.tenantId}:run1:${type}` };
    }),
  };
}

describe('judging a fault run', () => {
  it('finds nothing wrong in a perfect run', () => {
    const verdict = verifyFaultRun(plan, perfectTruth());
    expect(verdict.failures).toEqual([]);
    expect(verdict).toMatchObject({ customers: 18, correct: 18, duplicateMails: 0, lostMessages: 0 });
  });

  it('counts a mail sent twice under one send key, naming the tenant and no address', () => {
    const truth = perfectTruth();
    const [first] = truth.mails;
    const verdict = verifyFaultRun(plan, {
      ...truth,
      mails: [...truth.mails, { ...first, to: [...first.to] }],
    });
    expect(verdict.duplicateMails).toBe(1);
    expect(verdict.failures.join('\n')).toContain(plan.customers[0].tenantId);
    expect(verdict.failures.join('\n')).not.toContain('@');
  });

  it('counts the same kind of mail to the same recipient from two send keys (a second run)', () => {
    const truth = perfectTruth();
    const c = plan.customers[0];
    const again = { sendKey: `${c.tenantId}/directInvite-other/0`, to: [c.signatory.email] };
    expect(verifyFaultRun(plan, { ...truth, mails: [...truth.mails, again] }).duplicateMails).toBe(1);
  });

  it('counts two live attestations and two current agreements of one customer', () => {
    const truth = perfectTruth();
    const c = byScenario('attestationAccepts')[0];
    const attestations = [
      ...truth.attestations,
      { id: 'second', customerTenantId: c.tenantId, state: 'required' },
    ];
    const expiredToo = [...attestations, { id: 'old', customerTenantId: c.tenantId, state: 'expired' }];
    const partnerCenter = new Map(truth.partnerCenter);
    partnerCenter.set(c.tenantId, {
      coverage: 'attested',
      agreements: [
        { dateAgreed: '2021-06-01T00:00:00' },
        { dateAgreed: '2026-12-04T21:01:00' },
        { dateAgreed: '2026-12-04T21:02:00' },
      ],
    });
    const verdict = verifyFaultRun(plan, { ...truth, attestations: expiredToo, partnerCenter });
    expect(verdict.duplicateAttestations).toBe(1);
    expect(verdict.duplicateAgreements).toBe(1);
  });

  it('calls a message lost when it stayed in the queue or was dead-lettered without a reason', () => {
    const truth = perfectTruth();
    const [valid, other] = plan.messages.filter((m) => !m.invalid);
    const invalid = plan.messages.find((m) => m.invalid)!;
    const verdict = verifyFaultRun(plan, {
      ...truth,
      leftInQueue: [valid.messageId],
      deadLetters: [
        { messageId: invalid.messageId },
        { messageId: other.messageId, reason: 'MaxDeliveryCountExceeded' },
      ],
    });
    expect(verdict.lostMessages).toBe(2);
    expect(verdict.misroutedMessages).toBe(1);
    expect(verdict.failures.join('\n')).toContain(valid.messageId);
  });

  it('wants one outcome per run, the one of the final state, and never the same event twice', () => {
    const truth = perfectTruth();
    const [a, b, c] = plan.customers;
    const eventOf = (tenantId: string, run: string, type: string) => ({
      tenantId,
      type,
      eventId: `${tenantId}:${run}:${type}`,
    });
    const states = new Map(truth.states);
    states.set(a.tenantId, 'Accepted');
    states.set(b.tenantId, 'Expired');
    states.set(c.tenantId, 'AwaitingContact');
    const outcomes = [
      // a: one run published its outcome twice.
      eventOf(a.tenantId, 'r1', 'McaAccepted'),
      eventOf(a.tenantId, 'r1', 'McaAccepted'),
      // b: Expired but only an earlier run's McaAccepted.
      eventOf(b.tenantId, 'r1', 'McaAccepted'),
      // c: waiting again after an earlier run ended: fine.
      eventOf(c.tenantId, 'r1', 'McaExpired'),
      ...truth.outcomes.filter((o) => ![a.tenantId, b.tenantId, c.tenantId].includes(o.tenantId ?? '')),
    ];
    const verdict = verifyFaultRun(plan, { ...truth, states, outcomes });
    expect(verdict.outcomesMissingOrDoubled).toBe(2);
    expect(verdict.failures.join('\n')).toContain(`tenant ${a.tenantId}: run r1 published 2 outcomes`);
    expect(verdict.failures.join('\n')).toContain(`tenant ${b.tenantId}: no McaExpired in state Expired`);
  });

  it('judges the desk’s own reports by send key only (one key per batch)', () => {
    const truth = perfectTruth();
    const desk = '00000000-0000-0000-0000-000000000000';
    const reports = ['b1', 'b2'].map((batch) => ({
      sendKey: `${desk}/unknownSends-${batch}/0`,
      to: ['desk@partner.example'],
    }));
    expect(verifyFaultRun(plan, { ...truth, mails: [...truth.mails, ...reports] }).duplicateMails).toBe(0);
  });

  it('lets an acceptance that raced the run’s last check end Expired, but not an earlier one', () => {
    const truth = perfectTruth();
    const c = byScenario('directAccepts')[0];
    const states = new Map(truth.states).set(c.tenantId, 'Expired');
    const partnerCenter = new Map(truth.partnerCenter).set(c.tenantId, {
      coverage: 'direct',
      agreements: [],
    });
    const outcomes = truth.outcomes.map((o) =>
      o.tenantId === c.tenantId ? { ...o, type: 'McaExpired', eventId: `${c.tenantId}:run1:McaExpired` } : o,
    );
    const judge = (expiredAfterMs: number, lastReadAfterMs?: number) =>
      verifyFaultRun(plan, {
        ...truth,
        states,
        partnerCenter,
        outcomes,
        expiredAt: new Map([[c.tenantId, ACCEPTED_AT + expiredAfterMs]]),
        lastStatusReadAt: new Map(
          lastReadAfterMs === undefined ? [] : [[c.tenantId, ACCEPTED_AT + lastReadAfterMs]],
        ),
      });
    const wrong = [
      expect.stringContaining(`tenant ${c.tenantId} (directAccepts): state Expired, expected Accepted`),
    ];
    // No read on record: the race margin before the Expired record decides.
    expect(judge(5_000).failures).toEqual([]);
    expect(judge(120_000).failures).toEqual(wrong);
    // The app's last read came before the acceptance (a kill or a retried mail delayed the record).
    expect(judge(120_000, -1_000).failures).toEqual([]);
    // The app read after the acceptance and still expired the customer.
    expect(judge(120_000, 1_000).failures).toEqual(wrong);
    expect(judge(5_000, 1_000).failures).toEqual(wrong);
  });

  it('takes the last status read Partner Center really answered before the Expired record', () => {
    const tenant = '11111111-0000-4000-8000-000000000001';
    const path = `/v1/customers/${tenant}/directSignedMicrosoftCustomerAgreementStatus`;
    const expiredAt = new Map([[tenant, Date.parse('2026-12-04T21:05:00Z')]]);
    const read = (at: string, extra: Record<string, unknown> = {}) => ({
      at,
      method: 'GET',
      path,
      status: 200,
      ...extra,
    });
    const reads = lastStatusReads(
      [
        read('2026-12-04T21:03:00Z'),
        read('2026-12-04T21:04:00Z'),
        read('2026-12-04T21:04:30Z', { status: 503, note: 'fault' }),
        read('2026-12-04T21:04:40Z', { note: 'replay' }),
        read('2026-12-04T21:06:00Z'),
        read('2026-12-04T21:04:50Z', { path: `/v1/customers/${tenant}/agreements` }),
        read('2026-12-04T21:04:55Z', { path: path.replace(tenant, '22222222-0000-4000-8000-000000000002') }),
      ],
      expiredAt,
    );
    expect(reads).toEqual(new Map([[tenant, Date.parse('2026-12-04T21:04:00Z')]]));
  });

  it.each([
    ['alreadyDirect', undefined, 'Accepted'],
    ['neverAccepts', undefined, 'Expired'],
    ['blockedWithoutContact', undefined, 'Expired'],
    ['directAccepts', ['direct'], 'Accepted'],
    ['directAccepts', undefined, 'Expired'],
    ['staleSameSignatory', ['attestation'], 'Expired'],
    ['staleSameSignatory', ['attestation', 'direct'], 'Accepted'],
  ] as const)('expects %s accepted by %j to end %s', (scenario, by, expected) => {
    const customer = byScenario(scenario)[0];
    expect(expectedState(customer, by && new Set(by))).toBe(expected);
  });

  it('reads send keys', () => {
    expect(parseSendKey('t1/reminder-0a1b2c/2')).toEqual({ tenantId: 't1', mailKind: 'reminder', n: '2' });
    expect(parseSendKey('nonsense')).toBeUndefined();
  });
});
