import {
  PersonalDataError,
  StoreValidationError,
  type AuditEntryInput,
  type Store,
} from '../../../shared/store';
import { newTenantId, StoreOnAzurite } from './store-azurite';

function entry(tenantId: string, at: string, action: string, detail = ''): AuditEntryInput {
  return { tenantId, at, actor: 'workflow', action, detail };
}

describe('audit trail repository (Azurite)', () => {
  const azurite = new StoreOnAzurite();
  const store = (): Store => azurite.store;

  it('round-trips entries and lists one tenant newest first, whatever order they were appended in', async () => {
    const tenantId = newTenantId();
    const other = newTenantId();
    await store().auditTrail.append(
      entry(tenantId, '2026-01-01T00:00:00.000Z', 'WorkflowStarted', 'method direct'),
    );
    await store().auditTrail.append(
      entry(tenantId, '2026-01-03T00:00:00.000Z', 'ReminderSent', 'reminder 1'),
    );
    await store().auditTrail.append(entry(tenantId, '2026-01-02T00:00:00.000Z', 'InviteSent'));
    await store().auditTrail.append(entry(other, '2026-01-04T00:00:00.000Z', 'WorkflowStarted'));

    expect(await store().auditTrail.list(tenantId, 10)).toEqual([
      entry(tenantId, '2026-01-03T00:00:00.000Z', 'ReminderSent', 'reminder 1'),
      entry(tenantId, '2026-01-02T00:00:00.000Z', 'InviteSent'),
      entry(tenantId, '2026-01-01T00:00:00.000Z', 'WorkflowStarted', 'method direct'),
    ]);
    expect((await store().auditTrail.list(tenantId, 2)).map((e) => e.action)).toEqual([
      'ReminderSent',
      'InviteSent',
    ]);
  });

  it("lists every tenant's entries from a time on, up to a limit (the dashboard's per-day chart)", async () => {
    const first = newTenantId();
    const second = newTenantId();
    await store().auditTrail.append(entry(first, '2031-05-01T23:59:59.999Z', 'RunStarted'));
    await store().auditTrail.append(entry(first, '2031-05-02T00:00:00.000Z', 'InvitationSent'));
    await store().auditTrail.append(entry(second, '2031-05-03T10:00:00.000Z', 'Accepted'));
    const mine = (entries: { tenantId: string; action: string }[]) =>
      entries.filter((e) => e.tenantId === first || e.tenantId === second).map((e) => e.action);

    const since = await store().auditTrail.listSince('2031-05-02T00:00:00.000Z', 1000);
    expect(mine(since).sort()).toEqual(['Accepted', 'InvitationSent']);
    expect(await store().auditTrail.listSince('2031-05-02T00:00:00.000Z', 1)).toHaveLength(1);
    await expect(store().auditTrail.listSince('yesterday', 10)).rejects.toBeInstanceOf(StoreValidationError);
  });

  it('keeps every entry of one millisecond, the later appended first', async () => {
    const tenantId = newTenantId();
    const at = '2026-02-01T12:00:00.123Z';
    for (let i = 0; i < 20; i++) await store().auditTrail.append(entry(tenantId, at, `Step${i}`));

    const listed = await store().auditTrail.list(tenantId, 100);

    expect(listed.map((e) => e.action)).toEqual(Array.from({ length: 20 }, (_, i) => `Step${19 - i}`));
  });

  it('keeps every entry appended concurrently in one millisecond (unique row keys)', async () => {
    const tenantId = newTenantId();
    const at = '2026-02-01T12:00:00.456Z';
    const actions = Array.from({ length: 30 }, (_, i) => `Concurrent${i}`);

    await Promise.all(actions.map((action) => store().auditTrail.append(entry(tenantId, at, action))));

    const listed = await store().auditTrail.list(tenantId, 100);
    expect(listed.map((e) => e.action).sort()).toEqual([...actions].sort());
  });

  it.each([
    ['an e-mail address', 'invite sent to taro.yamada@example.co.jp'],
    ['a bare e-mail address', 'contact=admin@contoso'],
    ['a Japanese mobile number', 'called 090-1234-5678'],
    ['an international number', 'phone +81 3 1234 5678'],
    ['a number in parentheses', 'call (03) 1234-5678'],
  ])('refuses %s in a detail, without repeating it, and stores nothing', async (_, detail) => {
    const tenantId = newTenantId();

    const failure: unknown = await store()
      .auditTrail.append(entry(tenantId, '2026-01-01T00:00:00.000Z', 'MailSent', detail))
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PersonalDataError);
    expect((failure as Error).message).not.toContain(detail);
    expect(await store().auditTrail.list(tenantId, 10)).toEqual([]);
  });

  it('accepts details full of ids and times that are not personal data', async () => {
    const tenantId = newTenantId();
    const detail =
      `attestation 12345678-1234-1234-1234-123456789012 for ${tenantId} dated 2026-01-01T10:00:00.000Z, ` +
      'reminder 3 of 3 (day 14), message 14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0';

    await store().auditTrail.append(entry(tenantId, '2026-01-01T00:00:00.000Z', 'ReminderSent', detail));

    expect((await store().auditTrail.list(tenantId, 1))[0]?.detail).toBe(detail);
  });

  it('refuses an unknown actor and a limit out of range', async () => {
    const tenantId = newTenantId();
    const badActor = { ...entry(tenantId, '2026-01-01T00:00:00.000Z', 'X'), actor: 'someone' };

    await expect(store().auditTrail.append(badActor as AuditEntryInput)).rejects.toThrow(/actor/);
    await expect(store().auditTrail.list(tenantId, 0)).rejects.toBeInstanceOf(StoreValidationError);
  });
});
