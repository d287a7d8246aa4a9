/**
 * The attestation path as Microsoft documents it, end to end on the app stack: the link built from
 * the partner's template, `dateAgreed` from the status read, the short poll while a link is out, a
 * new signatory, older CRM updates, 600061 on a re-attestation, status words we do not know, and a
 * customer Partner Center does not show yet (404).
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import {
  DAY,
  HOUR,
  PERSONAL_DATA,
  TEST_SETTINGS,
  advanceUntilState,
  mailsTo,
  raiseEvent,
  startOnboarding,
  stateOf,
  status,
  testCustomer,
  type TestCustomer,
} from './onboarding-helpers';

const MINUTE = 60_000;
const DESK = 'csp-desk@partner.example';
const OLD_SIGNER = { firstName: 'Old', lastName: 'Signer', email: 'old.signer@stale.example.com' };

jest.setTimeout(180_000);

let app: AppStack;
let tenantSeq = 0x300;

beforeAll(async () => {
  app = await startAppStack({ settings: { ...TEST_SETTINGS, ATTESTATION_POLL_INTERVAL: 'PT1H' } });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

// Whatever the path, no log line carries an e-mail address, a phone number or a signatory's name.
afterEach(() => {
  expect(app.logs.filter((line) => PERSONAL_DATA.test(line))).toEqual([]);
});

function nextTenantId(): string {
  return `e0000000-0000-4000-8000-${(tenantSeq++).toString(16).padStart(12, '0')}`;
}

/** A new customer in the Partner Center emulator (no MCA unless `agreements` says so). */
function newCustomer(
  companyName: string,
  agreements: { dateAgreed: string; primaryContact: typeof OLD_SIGNER }[] = [],
): TestCustomer {
  const tenantId = nextTenantId();
  app.partnerCenter.addCustomer({ tenantId, companyName, agreements });
  return testCustomer(tenantId, companyName);
}

function attestationsOf(tenantId: string) {
  return app.partnerCenter.attestations().filter((a) => a.customerTenantId === tenantId);
}

function onlyAttestation(tenantId: string): string {
  const [attestation, ...others] = attestationsOf(tenantId);
  if (!attestation || others.length > 0) throw new Error(`expected one attestation for ${tenantId}`);
  return attestation.id;
}

/** Partner Center's form of an instant: seconds, no zone. */
const partnerCenterDate = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

async function startAttestation(customer: TestCustomer, extra: Record<string, unknown> = {}): Promise<void> {
  await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'attestation', ...extra });
}

// First: a month of virtual time runs fastest while no other customer is waiting.
describe('a customer Partner Center does not show yet (404)', () => {
  it('keeps checking, then starts the path once the customer shows', async () => {
    const customer = testCustomer(nextTenantId(), 'Brand New Relationship Ltd');
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'direct' });
    expect(await stateOf(app, customer.tenantId)).toBe('Checking');
    await app.advance(2 * DAY);
    expect((await status(app, customer.tenantId)).runtimeStatus).toBe('Running');
    expect(await stateOf(app, customer.tenantId)).toBe('Checking');
    expect(mailsTo(app, customer.signatory.email)).toEqual([]);

    app.partnerCenter.addCustomer({ tenantId: customer.tenantId, companyName: customer.companyName });
    await advanceUntilState(app, customer.tenantId, 'InviteSent', 2 * DAY);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['directInvite']);
  });

  it('expires at the deadline and escalates, saying Partner Center never showed the customer', async () => {
    const customer = testCustomer(nextTenantId(), 'Never Shown Ltd');
    const deskBefore = mailsTo(app, DESK).length;
    await startOnboarding(app, { tenantId: customer.tenantId, customer, method: 'direct' });
    await advanceUntilState(app, customer.tenantId, 'Expired', 31 * DAY, DAY);

    expect(mailsTo(app, customer.signatory.email)).toEqual([]);
    const escalations = mailsTo(app, DESK)
      .slice(deskBefore)
      .filter((m) => m.text.includes(customer.tenantId));
    expect(escalations.map((m) => m.kind)).toEqual(['escalation']);
    expect(escalations[0]?.text).toContain('not visible in Partner Center');
    expect((await status(app, customer.tenantId)).output?.reason).toContain(
      'never showed the customer (404)',
    );
    // A month of virtual time: give a loaded machine room.
  }, 400_000);
});

describe('the acceptance link', () => {
  it("is built from the partner's template when Partner Center's response carries none, and works", async () => {
    const customer = newCustomer('Template Link Ltd');
    await startAttestation(customer);
    expect(await stateOf(app, customer.tenantId)).toBe('AttestationPending');
    const id = onlyAttestation(customer.tenantId);
    const expected = `${app.emulators.partnerCenterUrl}/acceptance/${id}?country=US&language=en-US`;
    const [linkMail] = mailsTo(app, customer.signatory.email);
    expect(linkMail?.kind).toBe('attestationLink');
    expect(linkMail?.text).toContain(expected);

    // The customer opens the mailed link and accepts on the page it leads to.
    expect(await (await fetch(expected)).text()).toContain('Template Link Ltd');
    await fetch(expected, { method: 'POST', redirect: 'manual' });
    expect(attestationsOf(customer.tenantId)[0]?.state).toBe('accepted');
    await advanceUntilState(app, customer.tenantId, 'Accepted', 3 * DAY);
  });

  it('is the one from the response when Partner Center returns one', async () => {
    app.partnerCenter.setAttestationLinkInResponse(true);
    try {
      const customer = newCustomer('Response Link Ltd');
      await startAttestation(customer);
      const id = onlyAttestation(customer.tenantId);
      const [linkMail] = mailsTo(app, customer.signatory.email);
      expect(linkMail?.text).toContain(`${app.emulators.partnerCenterUrl}/acceptance/${id}`);
      expect(linkMail?.text).not.toContain(`/acceptance/${id}?country=`);
      // Settled, so it does not wake for the rest of the file.
      app.partnerCenter.acceptAttestation(id);
      await advanceUntilState(app, customer.tenantId, 'Accepted', 3 * DAY);
    } finally {
      app.partnerCenter.setAttestationLinkInResponse(false);
    }
  });
});

describe('waiting for the customer', () => {
  it('polls a pending attestation on the short interval, not the back-off, and dates the agreement when the customer accepted', async () => {
    const customer = newCustomer('Quick Poll GmbH');
    await startAttestation(customer);
    // Back-off polls would come at 1, 3, 7, 15 and 31 hours; the attestation interval is one hour.
    await app.advance(16 * HOUR + 5 * MINUTE);
    const id = onlyAttestation(customer.tenantId);
    const acceptedAt = app.clock.now();
    app.partnerCenter.acceptAttestation(id);
    await app.advance(HOUR);
    expect(await stateOf(app, customer.tenantId)).toBe('Confirming');

    const [agreement] = app.partnerCenter.agreements(customer.tenantId);
    expect(agreement?.attestationId).toBe(id);
    // When the customer accepted (Partner Center's acceptedAt), not when the workflow noticed.
    expect(agreement?.dateAgreed).toBe(partnerCenterDate(acceptedAt));
    await advanceUntilState(app, customer.tenantId, 'Accepted', 2 * DAY);
  });

  it('logs a status word it does not know once, keeps waiting, and settles when the customer accepts', async () => {
    const customer = newCustomer('Odd Status KK');
    await startAttestation(customer);
    const id = onlyAttestation(customer.tenantId);
    app.partnerCenter.reportAttestationStatus(id, 'InReview');
    await app.advance(6 * HOUR);
    expect(await stateOf(app, customer.tenantId)).toBe('AttestationPending');
    // The client reads status words in lower case.
    const noted = app.logs.filter((line) => line.includes('unknown attestation status "inreview"'));
    expect(noted).toHaveLength(1);

    app.partnerCenter.reportAttestationStatus(id, undefined);
    app.partnerCenter.acceptAttestation(id);
    await advanceUntilState(app, customer.tenantId, 'Accepted', 3 * DAY);
  });
});

describe('the signatory', () => {
  const newSignatory = {
    firstName: 'Kim',
    lastName: 'Successor',
    email: 'kim.successor@handover.example.com',
  };

  it('changed while a link is out: a new attestation for the new signatory, mailed only to them; the agreement names who accepted', async () => {
    const customer = newCustomer('Handover Inc');
    await startAttestation(customer, { occurredAt: '2026-03-02T09:00:00Z' });
    const first = onlyAttestation(customer.tenantId);
    const updated = { ...customer, signatory: newSignatory };
    await raiseEvent(app, customer.tenantId, 'CustomerUpdated', {
      tenantId: customer.tenantId,
      customer: updated,
      reason: 'new',
      source: 'crm',
      eventId: 'crm-handover-1',
      occurredAt: '2026-03-02T10:00:00Z',
    });

    const second = attestationsOf(customer.tenantId).find((a) => a.id !== first);
    expect(second).toBeDefined();
    const toNew = mailsTo(app, newSignatory.email);
    expect(toNew.map((m) => m.kind)).toEqual(['attestationLink']);
    expect(toNew[0]?.text).toContain(`/acceptance/${second?.id}`);
    expect(toNew[0]?.text).not.toContain(`/acceptance/${first}`);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['attestationLink']);

    // The reminder carries the new link, to the new signatory only.
    await app.advance(3 * DAY + HOUR);
    const reminders = mailsTo(app, newSignatory.email).filter((m) => m.kind === 'reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.text).toContain(`/acceptance/${second?.id}`);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual(['attestationLink']);

    app.partnerCenter.acceptAttestation(second?.id ?? '');
    await advanceUntilState(app, customer.tenantId, 'Accepted', 3 * DAY);
    const agreements = app.partnerCenter.agreements(customer.tenantId);
    expect(agreements.map((a) => [a.attestationId, a.primaryContact.email])).toEqual([
      [second?.id, newSignatory.email],
    ]);
  });

  it('ignores a CRM update older than the last one applied', async () => {
    const lateSignatory = { firstName: 'Lee', lastName: 'Outdated', email: 'lee.outdated@order.example.com' };
    const customer = newCustomer('Out Of Order Ltd');
    await app.sendCrmEvent({
      type: 'CustomerCreated',
      eventId: 'crm-order-2',
      occurredAt: '2026-03-02T08:00:00Z',
      customer,
      method: 'attestation',
    });
    // The workflow starts once the CRM message is handled (real time: the queue trigger polls);
    // until then its instance does not exist.
    await app.waitFor(
      async () => (await stateOf(app, customer.tenantId).catch(() => undefined)) === 'AttestationPending',
      {
        what: 'the attestation link to go out',
        timeoutMs: 60_000,
      },
    );
    await app.sendCrmEvent({
      type: 'CustomerUpdated',
      eventId: 'crm-order-1',
      occurredAt: '2026-03-01T08:00:00Z',
      customer: { ...customer, signatory: lateSignatory },
    });
    await app.waitFor(() => app.logs.some((line) => line.includes('crm-order-1')), {
      what: 'the older update to be handled',
      timeoutMs: 60_000,
    });
    await app.settle();

    expect(attestationsOf(customer.tenantId)).toHaveLength(1);
    await app.advance(3 * DAY + HOUR);
    expect(mailsTo(app, lateSignatory.email)).toEqual([]);
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual([
      'attestationLink',
      'reminder',
    ]);
    const record = await app.apiJson<{ history: { action: string }[] }>(
      `/api/customers/${customer.tenantId}/mca`,
    );
    expect(record.history.map((h) => h.action)).toContain('EventIgnored');
    app.partnerCenter.acceptAttestation(onlyAttestation(customer.tenantId));
    await advanceUntilState(app, customer.tenantId, 'Accepted', 3 * DAY);
  });
});

describe('600061 on a re-attestation', () => {
  it('re-reads at once and, the customer still not covered, sends the admin center invitation instead of waiting', async () => {
    const customer = newCustomer('Same Signer Again AG', [
      { dateAgreed: '2021-03-10', primaryContact: OLD_SIGNER },
    ]);
    await startAttestation(customer, { reason: 'purchaseBlocked' });
    const id = onlyAttestation(customer.tenantId);
    const refusal = app.partnerCenter.setFault({
      path: `/v1/customers/${customer.tenantId}/agreements`,
      method: 'POST',
      kind: 'agreementAlreadyExists',
    });
    try {
      app.partnerCenter.acceptAttestation(id);
      await advanceUntilState(app, customer.tenantId, 'InviteSent', DAY, 30 * MINUTE);
    } finally {
      app.partnerCenter.clearFaults(refusal);
    }
    expect(mailsTo(app, customer.signatory.email).map((m) => m.kind)).toEqual([
      'attestationLink',
      'directInvite',
    ]);
    const record = await app.apiJson<{ history: { action: string; detail: string }[] }>(
      `/api/customers/${customer.tenantId}/mca`,
    );
    expect(record.history.map((h) => h.action)).toContain('AgreementConflict');
    expect(record.history.map((h) => h.action)).not.toContain('AgreementCreated');

    app.partnerCenter.acceptDirectly(customer.tenantId);
    await advanceUntilState(app, customer.tenantId, 'Accepted', 2 * DAY);
  });
});
