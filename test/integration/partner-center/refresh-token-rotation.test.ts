/**
 * The App+User token provider (real msal-node) against the Partner Center emulator, whose refresh
 * tokens rotate and expire 90 days after issue on its clock.
 */
import { VirtualClock } from '../../../local/clock';
import {
  createAppUserTokenProvider,
  createMemoryRefreshTokenStore,
  RefreshTokenRejected,
  type RefreshTokenStore,
} from '../../../shared/partnerCenter';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  PARTNER_TENANT,
  REFRESH_TOKEN,
  startHarness,
  type Harness,
} from '../emulators/partner-center.helpers';

const DAY = 24 * 60 * 60 * 1000;

describe('App+User token provider: refresh-token rotation', () => {
  let h: Harness;
  beforeEach(async () => {
    // Access tokens shorter than the provider's renewal margin: every getToken() exchanges.
    h = await startHarness({ clock: new VirtualClock(Date.UTC(2026, 0, 15, 9)), tokenTtlMs: 60_000 });
  });
  afterEach(() => h.emulator.close());

  const tokenRequests = () =>
    h.emulator.control.requestLog().filter((r) => r.path.endsWith('/oauth2/v2.0/token'));

  function provider(store: RefreshTokenStore, refreshToken = REFRESH_TOKEN, warn = jest.fn()) {
    return createAppUserTokenProvider({
      authority: `${h.url}/${PARTNER_TENANT}`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken,
      store,
      warn,
    });
  }

  it('stores the rotated refresh token after each exchange and keeps working past day 90', async () => {
    const store = createMemoryRefreshTokenStore();
    const tokens = provider(store);

    await tokens.getToken();
    const first = await store.read();
    expect(first).toEqual(expect.any(String));
    expect(first).not.toBe(REFRESH_TOKEN);
    for (let day = 0; day < 120; day += 30) {
      await h.clock.advance(30 * DAY);
      await expect(tokens.getToken()).resolves.toEqual(expect.any(String));
    }
    expect(await store.read()).not.toBe(first);
  });

  it('starts from the stored token rather than the configured one', async () => {
    const store = createMemoryRefreshTokenStore();
    const before = provider(store);
    await before.getToken(); // day 0: the configured token's first use
    await h.clock.advance(50 * DAY);
    await before.getToken(); // day 50: stores a token valid until day 140

    await h.clock.advance(45 * DAY); // day 95: the configured token has expired
    const restarted = provider(store);
    await expect(restarted.getToken()).resolves.toEqual(expect.any(String));
    expect(tokenRequests().map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('shares one exchange between concurrent callers', async () => {
    const tokens = provider(createMemoryRefreshTokenStore());
    const before = tokenRequests().length;
    const all = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    expect(new Set(all).size).toBe(1);
    expect(tokenRequests().length - before).toBe(1);
  });

  it('refuses with RefreshTokenRejected once every known token has expired, and keeps working on a store failure', async () => {
    const warn = jest.fn();
    const failing: RefreshTokenStore = {
      read: () => Promise.reject(new Error('vault down')),
      write: () => Promise.reject(new Error('vault down')),
    };
    const tokens = provider(failing, REFRESH_TOKEN, warn);
    await expect(tokens.getToken()).resolves.toEqual(expect.any(String));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Storing the rotated'));
    // The rotated token is kept in memory: day 100 still works though nothing could be stored.
    await h.clock.advance(60 * DAY);
    await tokens.getToken();
    await h.clock.advance(40 * DAY);
    await expect(tokens.getToken()).resolves.toEqual(expect.any(String));

    const stale = provider(createMemoryRefreshTokenStore(), REFRESH_TOKEN);
    await expect(stale.getToken()).rejects.toBeInstanceOf(RefreshTokenRejected);
    for (const message of warn.mock.calls.flat()) expect(message).not.toContain('pce-rt');
  });

  it('falls back to the stored token when the one in use is refused (another instance rotated it)', async () => {
    const shared = createMemoryRefreshTokenStore();
    const first = provider(shared);
    await first.getToken(); // day 0: first instance holds a token that expires on day 90
    await h.clock.advance(89 * DAY);
    await provider(shared).getToken(); // a second instance starts from it and stores a newer one
    await h.clock.advance(2 * DAY);

    await expect(first.getToken()).resolves.toEqual(expect.any(String));
  });
});
