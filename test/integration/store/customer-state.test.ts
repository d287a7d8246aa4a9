import {
  InvalidContinuationTokenError,
  StoreValidationError,
  TABLE_NAMES,
  type CustomerState,
  type CustomerStateInput,
  type Store,
} from '../../../shared/store';
import { newTenantId, StoreOnAzurite } from './store-azurite';

function customer(tenantId: string, overrides: Partial<CustomerStateInput> = {}): CustomerStateInput {
  return {
    tenantId,
    state: 'InviteSent',
    method: 'direct',
    startedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:05:00.000Z',
    companyName: 'Contoso KK',
    language: 'ja-JP',
    country: 'JP',
    ...overrides,
  };
}

async function collect(items: AsyncIterable<CustomerState>): Promise<CustomerState[]> {
  const all: CustomerState[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('customer state repository (Azurite)', () => {
  const azurite = new StoreOnAzurite();
  const store = (): Store => azurite.store;

  it('round-trips a state, with left-out fields read back as null', async () => {
    const tenantId = newTenantId();
    const written = customer(tenantId, {
      nextReminderAt: '2026-01-04T00:00:00.000Z',
      remindersSent: 1,
      attestationId: 'att-42',
    });

    const result = await store().customerState.upsert(written);

    expect(result.kind).toBe('written');
    expect(await store().customerState.get(tenantId)).toEqual({
      ...written,
      acceptedAt: null,
      reason: null,
      purchaseAllowed: false,
      purchaseBlocked: false,
    });
  });

  it('answers undefined for an unknown tenant and refuses an id that is not a GUID', async () => {
    expect(await store().customerState.get(newTenantId())).toBeUndefined();
    await expect(store().customerState.get('not-a-guid')).rejects.toBeInstanceOf(StoreValidationError);
  });

  it('finds a tenant whatever the case of its id', async () => {
    const tenantId = newTenantId();
    await store().customerState.upsert(customer(tenantId.toUpperCase()));

    const found = await store().customerState.get(tenantId);

    expect(found?.tenantId).toBe(tenantId);
  });

  it('rejects an invalid state naming the field, and writes nothing', async () => {
    const tenantId = newTenantId();
    const failure = store().customerState.upsert(customer(tenantId, { country: 'Japan' }));

    await expect(failure).rejects.toBeInstanceOf(StoreValidationError);
    await expect(failure).rejects.toThrow(/country/);
    expect(await store().customerState.get(tenantId)).toBeUndefined();
  });

  it('withholds a reason that quotes an e-mail address, keeping the state', async () => {
    const tenantId = newTenantId();
    const reason = 'Partner Center 400: signatory email taro@example.co.jp is not valid';

    await store().customerState.upsert(customer(tenantId, { state: 'Failed', reason }));

    const stored = await store().customerState.get(tenantId);
    expect(stored?.state).toBe('Failed');
    expect(stored?.reason).toBe('(withheld: the text contained an e-mail address)');
  });

  it('derives purchaseAllowed from the state and never stores it', async () => {
    const accepted = newTenantId();
    const pending = newTenantId();
    await store().customerState.upsert(
      customer(accepted, { state: 'Accepted', acceptedAt: '2026-01-02T00:00:00.000Z' }),
    );
    // A caller passing a read-back state (with its stale purchaseAllowed) must not be able to set it.
    const stale = { ...customer(pending, { state: 'AttestationPending' }), purchaseAllowed: true };
    await store().customerState.upsert(stale);

    expect((await store().customerState.get(accepted))?.purchaseAllowed).toBe(true);
    expect((await store().customerState.get(pending))?.purchaseAllowed).toBe(false);
    const raw = azurite.rawTable(TABLE_NAMES.customerState);
    for await (const row of raw.listEntities()) expect(row).not.toHaveProperty('purchaseAllowed');
  });

  it('keeps the newer updatedAt: an older write does not overwrite it', async () => {
    const tenantId = newTenantId();
    const newer = customer(tenantId, { state: 'AttestationPending', updatedAt: '2026-01-02T00:00:00.000Z' });
    const older = customer(tenantId, { state: 'Checking', updatedAt: '2026-01-01T00:00:00.000Z' });
    const newest = customer(tenantId, { state: 'Accepted', updatedAt: '2026-01-03T00:00:00.000Z' });

    await store().customerState.upsert(newer);
    const staleResult = await store().customerState.upsert(older);
    expect(staleResult.kind).toBe('stale');
    expect(staleResult.kind === 'stale' && staleResult.current.state).toBe('AttestationPending');
    expect((await store().customerState.get(tenantId))?.state).toBe('AttestationPending');

    expect((await store().customerState.upsert(newest)).kind).toBe('written');
    expect(await store().customerState.get(tenantId)).toMatchObject({
      state: 'Accepted',
      purchaseAllowed: true,
    });
  });

  it('ends with the latest of many concurrent writes, whatever order they land in', async () => {
    const tenantId = newTenantId();
    const days = [3, 1, 9, 5, 2, 8, 4, 7, 6];
    const writes = days.map((day) =>
      customer(tenantId, { remindersSent: day, updatedAt: `2026-01-0${day}T00:00:00.000Z` }),
    );

    const results = await Promise.all(writes.map((write) => store().customerState.upsert(write)));

    expect(results.some((result) => result.kind === 'written')).toBe(true);
    expect(await store().customerState.get(tenantId)).toMatchObject({
      remindersSent: 9,
      updatedAt: '2026-01-09T00:00:00.000Z',
    });
  });

  it('pages through one state with URL-safe continuation tokens, and lists everything for the report', async () => {
    const confirming = Array.from({ length: 7 }, () => newTenantId());
    const handedOff = [newTenantId(), newTenantId()];
    await Promise.all([
      ...confirming.map((id) => store().customerState.upsert(customer(id, { state: 'Confirming' }))),
      ...handedOff.map((id) => store().customerState.upsert(customer(id, { state: 'HandedOff' }))),
    ]);

    const first = await store().customerState.list({ state: 'Confirming', pageSize: 3 });
    const second = await store().customerState.list({
      state: 'Confirming',
      pageSize: 3,
      continuationToken: first.continuationToken,
    });
    const third = await store().customerState.list({
      state: 'Confirming',
      pageSize: 3,
      continuationToken: second.continuationToken,
    });

    expect([first.items.length, second.items.length, third.items.length]).toEqual([3, 3, 1]);
    expect(first.continuationToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(second.continuationToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(third.continuationToken).toBeUndefined();
    const listed = [...first.items, ...second.items, ...third.items].map((item) => item.tenantId);
    expect(listed.sort()).toEqual([...confirming].sort());

    const reportHandedOff = await collect(store().customerState.listAll({ state: 'HandedOff' }));
    expect(reportHandedOff.map((item) => item.tenantId).sort()).toEqual([...handedOff].sort());
    const report = (await collect(store().customerState.listAll())).map((item) => item.tenantId);
    expect(report).toEqual(expect.arrayContaining([...confirming, ...handedOff]));
    expect(new Set(report).size).toBe(report.length);
  });

  it('keeps purchaseBlocked (false when left out) and filters on it, with or without a state', async () => {
    const [blocked, blockedExpired, open] = [newTenantId(), newTenantId(), newTenantId()];
    await store().customerState.upsert(
      customer(blocked, { state: 'ReattestationRequired', purchaseBlocked: true }),
    );
    await store().customerState.upsert(customer(blockedExpired, { state: 'Expired', purchaseBlocked: true }));
    await store().customerState.upsert(customer(open, { state: 'Expired' }));

    expect((await store().customerState.get(open))?.purchaseBlocked).toBe(false);
    const mine = (items: CustomerState[]) =>
      items.map((item) => item.tenantId).filter((id) => [blocked, blockedExpired, open].includes(id));
    const allBlocked = await collect(store().customerState.listAll({ purchaseBlocked: true }));
    expect(mine(allBlocked).sort()).toEqual([blocked, blockedExpired].sort());
    const notBlocked = await collect(store().customerState.listAll({ purchaseBlocked: false }));
    expect(mine(notBlocked)).toEqual([open]);
    const page = await store().customerState.list({
      state: 'Expired',
      purchaseBlocked: true,
      pageSize: 1000,
    });
    expect(mine(page.items)).toEqual([blockedExpired]);
  });

  it('refuses a continuation token it did not hand out, and a page size out of range', async () => {
    for (const continuationToken of [
      'not a token',
      'bm90IGpzb24',
      Buffer.from('{"a":1}').toString('base64url'),
    ]) {
      await expect(store().customerState.list({ pageSize: 10, continuationToken })).rejects.toBeInstanceOf(
        InvalidContinuationTokenError,
      );
    }
    await expect(store().customerState.list({ pageSize: 0 })).rejects.toBeInstanceOf(StoreValidationError);
    await expect(store().customerState.list({ pageSize: 1001 })).rejects.toBeInstanceOf(StoreValidationError);
  });
});
