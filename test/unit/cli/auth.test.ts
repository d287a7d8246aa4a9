import type { TokenCredential } from '@azure/core-auth';
import { destination, listenForCode } from '../../../cli/commands/auth';
import type { CommandContext, Settings } from '../../../cli/context';
import { loadConfigSection } from '../../../shared/config';

const PARTNER_CENTER: Settings = {
  PARTNER_CENTER_TENANT_ID: 'b0000000-0000-4000-8000-000000000001',
  PARTNER_CENTER_CLIENT_ID: 'a0000000-0000-4000-8000-000000000001',
  PARTNER_CENTER_CLIENT_SECRET: 'secret-value',
};

function contextWith(settings: Settings): CommandContext {
  const credential: TokenCredential = { getToken: () => Promise.resolve(null) };
  return {
    deps: { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '.', openUrl: () => undefined },
    settings,
    options: {},
    positionals: [],
    json: false,
    credential: () => credential,
  };
}

describe('where auth refresh-token stores the token', () => {
  it('Key Vault when PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI is set (no storage setting needed)', () => {
    const uri = 'https://kv-mca.vault.azure.net/secrets/PARTNER-CENTER-REFRESH-TOKEN';
    const settings = { ...PARTNER_CENTER, PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI: uri };
    const target = destination(contextWith(settings), loadConfigSection('partnerCenter', settings));
    expect(target).toMatchObject({ kind: 'keyVault', where: uri });
  });

  it('the cursors table of a storage connection string (local)', () => {
    const settings = { ...PARTNER_CENTER, AzureWebJobsStorage: 'UseDevelopmentStorage=true' };
    const target = destination(contextWith(settings), loadConfigSection('partnerCenter', settings));
    expect(target.kind).toBe('table');
  });

  it('refuses identity-based storage without a Key Vault secret: Azure keeps the token in Key Vault', () => {
    const settings = { ...PARTNER_CENTER, AzureWebJobsStorage__accountName: 'stmca' };
    expect(() => destination(contextWith(settings), loadConfigSection('partnerCenter', settings))).toThrow(
      /set PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI/,
    );
  });
});

describe('the loopback listener', () => {
  it('answers other requests with 400 and resolves with the code of the matching state', async () => {
    const loopback = await listenForCode(0, 'the-state', 10_000);
    try {
      expect(loopback.redirectUri).toMatch(/^http:\/\/localhost:\d+$/);
      const local = loopback.redirectUri.replace('localhost', '127.0.0.1');
      expect((await fetch(`${local}/favicon.ico`)).status).toBe(400);
      expect((await fetch(`${local}/?code=stolen&state=other`)).status).toBe(400);
      expect((await fetch(`${local}/?code=the-code&state=the-state`)).status).toBe(200);
      await expect(loopback.code).resolves.toBe('the-code');
    } finally {
      await loopback.close();
    }
  });

  it('gives up after the timeout', async () => {
    const loopback = await listenForCode(0, 's', 1);
    try {
      await expect(loopback.code).rejects.toThrow('no sign-in within');
    } finally {
      await loopback.close();
    }
  });
});
