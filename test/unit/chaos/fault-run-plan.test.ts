import { planFaultRun, scenarioList, SCENARIOS } from '../../../chaos/fault-run-plan';
import { crmEventSchema } from '../../../shared/workflow/contracts';

const NOW = new Date('2026-12-04T21:00:00Z');

describe('the fault run plan', () => {
  it.each([
    [9, 9],
    [50, 50],
    [500, 500],
  ])('has exactly %i customers for %i asked, every scenario at least once', (count, expected) => {
    const list = scenarioList(count);
    expect(list).toHaveLength(expected);
    for (const scenario of SCENARIOS) expect(list).toContain(scenario);
  });

  it('is the same for the same seed and differs for another', () => {
    const plan = (seed: number) => planFaultRun({ seed, customers: 50, maxActAfterMs: 10_000, now: NOW });
    expect(plan(1)).toEqual(plan(1));
    expect(plan(2).messages.map((m) => m.messageId)).not.toEqual(plan(1).messages.map((m) => m.messageId));
  });

  it('sends contract-valid messages for customers and invalid ones that must be dead-lettered', () => {
    const { customers, messages } = planFaultRun({
      seed: 7,
      customers: 100,
      maxActAfterMs: 10_000,
      now: NOW,
    });
    for (const message of messages) {
      expect(crmEventSchema.safeParse(message.body).success).toBe(!message.invalid);
    }
    expect(messages.filter((m) => m.invalid).length).toBeGreaterThan(0);
    // Every customer gets a message; message ids are unique even for duplicates of one event.
    const tenants = new Set(messages.map((m) => m.tenantId));
    for (const c of customers) expect(tenants).toContain(c.tenantId);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(messages.length);
    const eventIds = messages.map((m) => String(m.body.eventId));
    expect(new Set(eventIds).size).toBeLessThan(eventIds.length);
    const types = new Set(messages.map((m) => String(m.body.type)));
    expect([...types]).toEqual(
      expect.arrayContaining(['CustomerCreated', 'CustomerUpdated', 'PurchaseBlocked']),
    );
  });

  it('keeps every reaction time inside the bound', () => {
    const { customers } = planFaultRun({ seed: 3, customers: 200, maxActAfterMs: 5000, now: NOW });
    for (const c of customers) {
      expect(c.actAfterMs).toBeGreaterThanOrEqual(1000);
      expect(c.actAfterMs).toBeLessThanOrEqual(5000);
    }
  });
});
