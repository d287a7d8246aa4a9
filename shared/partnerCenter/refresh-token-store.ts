/**
 * Where the newest App+User refresh token is kept. Entra returns a new refresh token with every
 * exchange and each one expires 90 days after it was issued, so the app stores the newest after each
 * exchange and starts from it (learn.microsoft.com/entra/identity-platform/refresh-tokens).
 *
 * - Azure: a new version of one Key Vault secret (PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI), written
 *   with the app's managed identity; the operator's re-consent writes a version there too.
 * - Locally: a row of the store's cursors table (Azurite), beside the emulator state it belongs to.
 *
 * Several instances may write at once: last writer wins. That is fine because Entra does not revoke
 * an older refresh token when a newer one is issued; each stays valid until its own expiry, and every
 * token an instance writes was issued moments before.
 */
import type { TokenCredential } from '@azure/core-auth';
import { parseKeyVaultSecretIdentifier, SecretClient } from '@azure/keyvault-secrets';
import { ConflictError, type CursorsRepository } from '../store';

export interface RefreshTokenStore {
  /** The newest refresh token stored, or undefined when none has been stored yet. */
  read(): Promise<string | undefined>;
  /** Stores `token` as the newest. */
  write(token: string): Promise<void>;
}

/** Keeps the token in memory only (tests; a process that may not persist it). */
export function createMemoryRefreshTokenStore(initial?: string): RefreshTokenStore {
  let token = initial;
  return {
    read: () => Promise.resolve(token),
    write: (newest) => {
      token = newest;
      return Promise.resolve();
    },
  };
}

type SecretsClient = Pick<SecretClient, 'getSecret' | 'setSecret'>;

/**
 * The secret named by `secretUri` (`https://<vault>.vault.azure.net/secrets/<name>`, any version
 * part is ignored: reads take the latest version, writes add one).
 */
export function createKeyVaultRefreshTokenStore(
  secretUri: string,
  credential: TokenCredential,
  createClient: (vaultUrl: string) => SecretsClient = (vaultUrl) => new SecretClient(vaultUrl, credential),
): RefreshTokenStore {
  const { vaultUrl, name } = parseKeyVaultSecretIdentifier(secretUri);
  const client = createClient(vaultUrl);
  return {
    async read() {
      try {
        return (await client.getSecret(name)).value || undefined;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async write(token) {
      await client.setSecret(name, token, { contentType: 'Partner Center App+User refresh token' });
    },
  };
}

/** The local stand-in: one row of the cursors table. Not for Azure: Table storage is no secret store. */
export const REFRESH_TOKEN_CURSOR = 'partnerCenterRefreshToken';

export function createCursorRefreshTokenStore(
  cursors: Pick<CursorsRepository, 'get' | 'set'>,
): RefreshTokenStore {
  return {
    async read() {
      return (await cursors.get(REFRESH_TOKEN_CURSOR))?.value;
    },
    async write(token) {
      const current = await cursors.get(REFRESH_TOKEN_CURSOR);
      try {
        await cursors.set(REFRESH_TOKEN_CURSOR, token, current?.etag);
      } catch (error) {
        // Another instance stored its own new token meanwhile: both are valid, theirs is kept.
        if (!(error instanceof ConflictError)) throw error;
      }
    },
  };
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}
