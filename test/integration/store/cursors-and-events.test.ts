import { ConflictError, StoreValidationError, TABLE_NAMES, type Store } from '../../../shared/store';
import { StoreOnAzurite } from './store-azurite';

describe('cursors and processed events (Azurite)', () => {
  const now = new Date('2026-03-01T09:00:00.000Z');
  const azurite = new StoreOnAzurite({ now: () => now });
  const store = (): Store => azurite.store;

  describe('cursors', () => {
    it('creates, reads and moves a cursor with its ETag', async () => {
      expect(await store().cursors.get('feed-a')).toBeUndefined();

      const created = await store().cursors.set('feed-a', '2026-01-01T00:00:00Z');
      expect(await store().cursors.get('feed-a')).toEqual({
        value: '2026-01-01T00:00:00Z',
        etag: created.etag,
      });

      const moved = await store().cursors.set('feed-a', '2026-01-02T00:00:00Z', created.etag);
      expect(moved.etag).not.toBe(created.etag);
      expect(await store().cursors.get('feed-a')).toEqual({
        value: '2026-01-02T00:00:00Z',
        etag: moved.etag,
      });
    });

    it('rejects a set with a stale ETag and keeps the winner', async () => {
      const { etag } = await store().cursors.set('feed-b', 'one');
      await store().cursors.set('feed-b', 'two', etag);

      await expect(store().cursors.set('feed-b', 'stale', etag)).rejects.toBeInstanceOf(ConflictError);
      expect((await store().cursors.get('feed-b'))?.value).toBe('two');
    });

    it('lets one of two racing sets win and the other conflict', async () => {
      const { etag } = await store().cursors.set('feed-c', 'start');

      const results = await Promise.allSettled([
        store().cursors.set('feed-c', 'left', etag),
        store().cursors.set('feed-c', 'right', etag),
      ]);

      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result) => result.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(ConflictError);
      expect(['left', 'right']).toContain((await store().cursors.get('feed-c'))?.value);
    });

    it('rejects creating a cursor that already exists', async () => {
      await store().cursors.set('feed-d', 'first');

      await expect(store().cursors.set('feed-d', 'second')).rejects.toBeInstanceOf(ConflictError);
      expect((await store().cursors.get('feed-d'))?.value).toBe('first');
    });

    it('accepts names with characters Table keys forbid, keeping them apart', async () => {
      await store().cursors.set('partner/center#audit?', 'x');
      await store().cursors.set('partner~2fcenter~23audit~3f', 'y');

      expect((await store().cursors.get('partner/center#audit?'))?.value).toBe('x');
      expect((await store().cursors.get('partner~2fcenter~23audit~3f'))?.value).toBe('y');
    });
  });

  describe('processed events', () => {
    it('is true the first time only, and stores when', async () => {
      expect(await store().processedEvents.markProcessed('crm', 'evt-1')).toBe(true);
      expect(await store().processedEvents.markProcessed('crm', 'evt-1')).toBe(false);

      const raw = azurite.rawTable(TABLE_NAMES.processedEvents);
      expect(await raw.getEntity('crm', 'evt-1')).toMatchObject({
        eventId: 'evt-1',
        processedAt: now.toISOString(),
      });
    });

    it('keeps sources apart', async () => {
      expect(await store().processedEvents.markProcessed('crm', 'shared-id')).toBe(true);
      expect(await store().processedEvents.markProcessed('partner-center', 'shared-id')).toBe(true);
    });

    it('tells exactly one of many concurrent deliveries it is the first', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store().processedEvents.markProcessed('partner-center', 'record-7')),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('handles event ids with characters Table keys forbid', async () => {
      const eventId = 'crm/2026#1?x\\y';

      expect(await store().processedEvents.markProcessed('crm', eventId)).toBe(true);
      expect(await store().processedEvents.markProcessed('crm', eventId)).toBe(false);
      expect(await store().processedEvents.markProcessed('crm', 'crm/2026#1?x/y')).toBe(true);
    });

    it('reads whether an event was marked, per source, without marking it', async () => {
      expect(await store().processedEvents.isProcessed('crm', 'evt-read/1')).toBe(false);
      expect(await store().processedEvents.isProcessed('crm', 'evt-read/1')).toBe(false);

      expect(await store().processedEvents.markProcessed('crm', 'evt-read/1')).toBe(true);

      expect(await store().processedEvents.isProcessed('crm', 'evt-read/1')).toBe(true);
      expect(await store().processedEvents.isProcessed('partner-center', 'evt-read/1')).toBe(false);
      expect(await store().processedEvents.isProcessed('crm', 'evt-read~2f1')).toBe(false);
    });

    it('rejects a source or event id it would never have stored', async () => {
      await expect(store().processedEvents.isProcessed('CRM!', 'evt')).rejects.toBeInstanceOf(
        StoreValidationError,
      );
      await expect(store().processedEvents.isProcessed('crm', '')).rejects.toBeInstanceOf(
        StoreValidationError,
      );
    });
  });
});
