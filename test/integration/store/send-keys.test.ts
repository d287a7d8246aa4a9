import { ConflictError, NotFoundError, TABLE_NAMES, type SendKey, type Store } from '../../../shared/store';
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
