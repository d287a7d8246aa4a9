import {
  ConflictError,
  NotFoundError,
  TABLE_NAMES,
  type SendKey,
  type SendKeyRecord,
  type Store,
} from '../../../shared/store';
import { newTenantId, StoreOnAzurite } from './store-azurite';

describe('send keys repository (Azurite)', () => {
  const now = new Date('2026-03-01T09:00:00.000Z');
  const azurite = new StoreOnAzurite({ now: () => now });
  const store = (): Store => azurite.store;

  function reminder(n: number): SendKey {
    return { tenantId: newTenantId(), kind: 'reminder', n };
  }

  it('lets exactly one of two concurrent claims win', async () => {
    const key = reminder(1);

    const results = await Promise.all([store().sendKeys.claim(key), store().sendKeys.claim(key)]);

    expect(results).toEqual(
      expect.arrayContaining([{ kind: 'claimed' }, { kind: 'exists', status: 'claimed' }]),
    );
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const key = reminder(2);

    const results = await Promise.all(Array.from({ length: 10 }, () => store().sendKeys.claim(key)));

    expect(results.filter((result) => result.kind === 'claimed')).toHaveLength(1);
  });

  it('tells a later claim the mail was sent, with its message id', async () => {
    const key = reminder(1);
    await store().sendKeys.claim(key);

    await store().sendKeys.markSent(key, 'msg-123');

    expect(await store().sendKeys.claim(key)).toEqual({
      kind: 'exists',
      status: 'sent',
      messageId: 'msg-123',
    });
  });

  it('keeps different kinds and numbers apart', async () => {
    const key = reminder(1);
    await store().sendKeys.claim(key);

    expect(await store().sendKeys.claim({ ...key, n: 2 })).toEqual({ kind: 'claimed' });
    expect(await store().sendKeys.claim({ ...key, kind: 'invite' })).toEqual({ kind: 'claimed' });
  });

  it('lets a released claim be claimed again', async () => {
    const key = reminder(1);
    await store().sendKeys.claim(key);

    await store().sendKeys.release(key);

    expect(await store().sendKeys.claim(key)).toEqual({ kind: 'claimed' });
  });

  it('never releases a sent key', async () => {
    const key = reminder(1);
    await store().sendKeys.claim(key);
    await store().sendKeys.markSent(key, 'msg-1');

    await expect(store().sendKeys.release(key)).rejects.toBeInstanceOf(ConflictError);
    expect(await store().sendKeys.claim(key)).toEqual({ kind: 'exists', status: 'sent', messageId: 'msg-1' });
  });

  it('keeps a failed key, storing the reason without personal data', async () => {
    const key = reminder(1);
    await store().sendKeys.claim(key);

    await store().sendKeys.markFailed(key, 'SendGrid 400: invalid recipient taro@example.co.jp');

    expect(await store().sendKeys.claim(key)).toEqual({ kind: 'exists', status: 'failed' });
    const raw = azurite.rawTable(TABLE_NAMES.sendKeys);
    const row = await raw.getEntity(key.tenantId, 'reminder:1');
    expect(row).toMatchObject({
      status: 'failed',
      failedAt: now.toISOString(),
      claimedAt: now.toISOString(),
    });
    expect(String(row.reason)).not.toContain('@');
  });

  it('refuses to mark a key that was never claimed', async () => {
    await expect(store().sendKeys.markSent(reminder(1), 'msg-1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('treats releasing an unknown key as done', async () => {
    const key = reminder(1);

    await store().sendKeys.release(key);

    expect(await store().sendKeys.claim(key)).toEqual({ kind: 'claimed' });
  });
});

describe('send keys whose outcome is unknown (Azurite)', () => {
  const start = new Date('2026-03-01T09:00:00.000Z');
  let clock = start;
  const azurite = new StoreOnAzurite({ now: () => clock });
  const keys = () => azurite.store.sendKeys;
  const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);

  beforeEach(() => {
    clock = start;
  });

  function invite(): SendKey {
    return { tenantId: newTenantId(), kind: 'directInvite-0123456789abcdef', n: 0 };
  }

  /** Rows of the listing that belong to `tenants` (other tests share the table). */
  async function listed(rows: AsyncIterable<SendKeyRecord>, tenants: SendKey[]): Promise<string[]> {
    const wanted = new Set(tenants.map((key) => key.tenantId));
    const found: string[] = [];
    for await (const row of rows)
      if (wanted.has(row.tenantId)) found.push(`${row.tenantId}/${row.kind}/${row.n}`);
    return found.sort();
  }
  const id = (key: SendKey) => `${key.tenantId}/${key.kind}/${key.n}`;

  it('lists only claims older than the cut-off that were never settled', async () => {
    const [old, sent, young] = [invite(), invite(), invite()];
    await keys().claim(old);
    await keys().claim(sent);
    await keys().markSent(sent, 'msg-1');
    clock = at(20);
    await keys().claim(young);

    const stale = await listed(keys().listStaleClaims(at(10)), [old, sent, young]);

    expect(stale).toEqual([id(old)]);
  });

  it('turns only a claim into unknown, which a later claim finds and no listing of claims shows', async () => {
    const [claimed, sent] = [invite(), invite()];
    await keys().claim(claimed);
    await keys().claim(sent);
    await keys().markSent(sent, 'msg-1');

    expect(await keys().markUnknown(claimed, 'SendGrid timed out for taro@example.co.jp')).toBe(true);
    expect(await keys().markUnknown(sent, 'late timeout')).toBe(false);
    expect(await keys().markUnknown(invite(), 'never claimed')).toBe(false);
    expect(await keys().markUnknown(claimed, 'again')).toBe(false);

    expect(await keys().claim(claimed)).toEqual({ kind: 'exists', status: 'unknown' });
    expect(await keys().claim(sent)).toMatchObject({ kind: 'exists', status: 'sent' });
    expect(await listed(keys().listStaleClaims(at(60)), [claimed, sent])).toEqual([]);
    const row = await azurite.rawTable(TABLE_NAMES.sendKeys).getEntity(claimed.tenantId, `${claimed.kind}:0`);
    expect(row).toMatchObject({ status: 'unknown', reported: false, unknownAt: start.toISOString() });
    expect(String(row.reason)).not.toContain('@');
  });

  it('lists unknown sends until they are reported', async () => {
    const [first, second, claimedOnly] = [invite(), invite(), invite()];
    for (const key of [first, second, claimedOnly]) await keys().claim(key);
    await keys().markUnknown(first, 'timeout');
    await keys().markUnknown(second, 'timeout');

    expect(await listed(keys().listUnreportedUnknown(), [first, second, claimedOnly])).toEqual(
      [id(first), id(second)].sort(),
    );
    await keys().markReported(first);

    expect(await listed(keys().listUnreportedUnknown(), [first, second, claimedOnly])).toEqual([id(second)]);
    expect(await keys().claim(first)).toEqual({ kind: 'exists', status: 'unknown' });
  });

  it('lists a record with its claim time, tenant id lower-cased', async () => {
    const key = { ...invite(), n: 3 };
    await keys().claim({ ...key, tenantId: key.tenantId.toUpperCase() });
    await keys().markUnknown(key, 'timeout');

    const rows: SendKeyRecord[] = [];
    for await (const row of keys().listUnreportedUnknown()) if (row.tenantId === key.tenantId) rows.push(row);

    expect(rows).toEqual([{ tenantId: key.tenantId, kind: key.kind, n: 3, claimedAt: start.toISOString() }]);
  });
});
