import {
  createCursorRefreshTokenStore,
  createKeyVaultRefreshTokenStore,
  createMemoryRefreshTokenStore,
  REFRESH_TOKEN_CURSOR,
  refreshTokensInCache,
} from '../../../shared/partnerCenter';
import { ConflictError, type Cursor } from '../../../shared/store';

const credential = { getToken: () => Promise.resolve(null) };

describe('refresh-token stores', () => {
  it('memory: reads what was written last', async () => {
    const store = createMemoryRefreshTokenStore('configured');
    expect(await store.read()).toBe('configured');
    await store.write('rotated');
    expect(await store.read()).toBe('rotated');
  });

  describe('Key Vault', () => {
    function fakeVault(initial?: string) {
      const versions: string[] = initial === undefined ? [] : [initial];
      const vaults: string[] = [];
      const names: string[] = [];
      const client = {
        getSecret: jest.fn((name: string) => {
          names.push(name);
          const value = versions.at(-1);
          if (value === undefined) return Promise.reject(Object.assign(new Error('nf'), { statusCode: 404 }));
          return Promise.resolve({ name, value, properties: { name, vaultUrl: '' } });
        }),
        setSecret: jest.fn((name: string, value: string) => {
          names.push(name);
          versions.push(value);
          return Promise.resolve({ name, value, properties: { name, vaultUrl: '' } });
        }),
      };
      const store = createKeyVaultRefreshTokenStore(
        'https://kv-test.vault.azure.net/secrets/PARTNER-CENTER-REFRESH-TOKEN/0123abcd',
        credential,
        (vaultUrl) => {
          vaults.push(vaultUrl);
          return client;
        },
      );
      return { store, versions, vaults, names };
    }

    it('reads the latest version of the named secret and adds a version per write', async () => {
      const vault = fakeVault('from-operator');
      expect(await vault.store.read()).toBe('from-operator');
      await vault.store.write('rotated');
      expect(vault.versions).toEqual(['from-operator', 'rotated']);
      expect(await vault.store.read()).toBe('rotated');
      expect(vault.vaults).toEqual(['https://kv-test.vault.azure.net']);
      expect(new Set(vault.names)).toEqual(new Set(['PARTNER-CENTER-REFRESH-TOKEN']));
    });

    it('answers undefined for a secret that does not exist yet, and throws other errors', async () => {
      expect(await fakeVault().store.read()).toBeUndefined();
      const store = createKeyVaultRefreshTokenStore(
        'https://kv-test.vault.azure.net/secrets/X',
        credential,
        () =>
          ({
            getSecret: () => Promise.reject(Object.assign(new Error('forbidden'), { statusCode: 403 })),
          }) as never,
      );
      await expect(store.read()).rejects.toThrow('forbidden');
    });
  });

  describe('cursor row (local)', () => {
    function fakeCursors() {
      const rows = new Map<string, Cursor>();
      let conflictOnce = false;
      const cursors = {
        get: (name: string) => Promise.resolve(rows.get(name)),
        set: (name: string, value: string, etag?: string) => {
          if (conflictOnce) {
            conflictOnce = false;
            return Promise.reject(new ConflictError('someone else wrote'));
          }
          if (rows.get(name)?.etag !== etag) return Promise.reject(new ConflictError('etag'));
          const next = { value, etag: `e${rows.size + 1}-${value}` };
          rows.set(name, next);
          return Promise.resolve({ etag: next.etag });
        },
      };
      return { cursors, rows, conflictNext: () => (conflictOnce = true) };
    }

    it('creates the row, then replaces it', async () => {
      const fake = fakeCursors();
      const store = createCursorRefreshTokenStore(fake.cursors);
      expect(await store.read()).toBeUndefined();
      await store.write('one');
      await store.write('two');
      expect(await store.read()).toBe('two');
      expect([...fake.rows.keys()]).toEqual([REFRESH_TOKEN_CURSOR]);
    });

    it('lets a concurrent writer win (its token is as new and as valid)', async () => {
      const fake = fakeCursors();
      const store = createCursorRefreshTokenStore(fake.cursors);
      await store.write('one');
      fake.conflictNext();
      await expect(store.write('two')).resolves.toBeUndefined();
      expect(await store.read()).toBe('one');
    });
  });
});

describe('refreshTokensInCache', () => {
  it.each<[string, unknown, string[]]>([
    [
      'every RefreshToken entry (one per account)',
      { RefreshToken: { a: { secret: 'rt-a', credential_type: 'RefreshToken' }, b: { secret: 'rt-b' } } },
      ['rt-a', 'rt-b'],
    ],
    ['no RefreshToken section', { AccessToken: {} }, []],
    ['an empty RefreshToken section', { RefreshToken: {} }, []],
    ['an entry without a secret', { RefreshToken: { k: { home_account_id: '' } } }, []],
    ['not a cache', [1, 2], []],
  ])('%s', (_name, cache, expected) => {
    expect(refreshTokensInCache(JSON.stringify(cache))).toEqual(expected);
  });
});
