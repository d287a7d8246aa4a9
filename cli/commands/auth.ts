/**
 * `auth refresh-token`: the partner's admin agent signs in once, with MFA, and the App+User refresh
 * token the app exchanges (the secure application model) is stored where the app reads it: the Key Vault
 * secret `PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI` (with the operator's Entra credential), or locally the
 * cursors-table row of the store (`AzureWebJobsStorage`). The token is never printed.
 *
 * The authorization-code flow of msal-node's ConfidentialClientApplication, as the app registration is
 * a Web app with the app's own credential (a refresh token issued to it must be redeemed with that
 * credential): PKCE, a `state` check, and a loopback redirect `http://localhost:<port>` (default 8400,
 * the redirect URI docs/operations.md registers). The new refresh token is read from msal's serialized
 * cache, as the app's token provider does (shared/partnerCenter/token-providers.ts).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { loadConfigSection, type PartnerCenterConfig } from '../../shared/config';
import {
  buildMsalConfiguration,
  createCursorRefreshTokenStore,
  createKeyVaultRefreshTokenStore,
  msalOptionsFor,
  refreshTokensInCache,
  type RefreshTokenStore,
} from '../../shared/partnerCenter';
import { createStore } from '../../shared/store';
import { CliError, numberOption, stringOption, type CommandContext, type Settings } from '../context';
import { formatJson } from '../output';
import type { CommandSpec } from './command';

/** The delegated permission the app registration holds (docs/operations.md, prerequisites step 3). */
export const PARTNER_CENTER_USER_SCOPE = 'https://api.partnercenter.microsoft.com/user_impersonation';
export const DEFAULT_REDIRECT_PORT = 8400;
const DEFAULT_TIMEOUT_S = 300;

interface Destination {
  kind: 'keyVault' | 'table';
  where: string;
  store: RefreshTokenStore;
}

export function destination(ctx: CommandContext, settings: PartnerCenterConfig): Destination {
  if (settings.refreshTokenSecretUri !== undefined) {
    const uri = settings.refreshTokenSecretUri;
    return { kind: 'keyVault', where: uri, store: createKeyVaultRefreshTokenStore(uri, ctx.credential()) };
  }
  const storage = loadConfigSection('storage', ctx.settings);
  if (storage.kind !== 'connectionString') {
    throw new CliError('set PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI: in Azure the token goes to Key Vault');
  }
  const store = createStore({ connectionString: storage.connectionString.reveal() });
  return {
    kind: 'table',
    where: 'the cursors table (AzureWebJobsStorage)',
    store: createCursorRefreshTokenStore(store.cursors),
  };
}

/** `--client-secret-file` over the settings' secret, so it stays out of the shell history. */
function withClientSecretFile(ctx: CommandContext): Settings {
  const file = stringOption(ctx.options, 'client-secret-file');
  if (!file) return ctx.settings;
  let secret: string;
  try {
    secret = readFileSync(path.resolve(ctx.deps.cwd, file), 'utf8').trim();
  } catch (error) {
    throw new CliError(
      `cannot read --client-secret-file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    ...ctx.settings,
    PARTNER_CENTER_CLIENT_SECRET: secret,
    PARTNER_CENTER_CERTIFICATE_THUMBPRINT: undefined,
    PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: undefined,
  };
}

interface Loopback {
  redirectUri: string;
  /** The `code` of the redirect whose `state` matches. */
  code: Promise<string>;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 for the one redirect that carries the sign-in's answer. The redirect URI says
 * `localhost` (what the app registration lists); browsers fall back to 127.0.0.1 when ::1 refuses.
 */
export async function listenForCode(port: number, state: string, timeoutMs: number): Promise<Loopback> {
  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Awaited only after the browser was opened; a failure meanwhile is not an unhandled rejection.
  code.catch(() => undefined);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const error = url.searchParams.get('error');
    const received = url.searchParams.get('code');
    if (url.searchParams.get('state') !== state || (!error && !received)) {
      res
        .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Not the sign-in this CLI started.');
      return;
    }
    const done = !error;
    res
      .writeHead(done ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
      .end(
        done
          ? 'Signed in. You can close this tab and return to the terminal.'
          : 'Sign-in failed: see the terminal.',
      );
    if (error)
      settle?.reject(
        new CliError(`sign-in failed: ${error} ${url.searchParams.get('error_description') ?? ''}`.trim()),
      );
    else settle?.resolve(received ?? '');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new CliError(`cannot listen on 127.0.0.1:${port}: ${error.message}`)),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const timer = setTimeout(
    () => settle?.reject(new CliError(`no sign-in within ${timeoutMs / 1000} s`)),
    timeoutMs,
  );
  const { port: actual } = server.address() as AddressInfo;
  return {
    redirectUri: `http://localhost:${actual}`,
    code,
    close: () =>
      new Promise((resolve) => {
        clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function refreshToken(ctx: CommandContext): Promise<void> {
  const port = numberOption(ctx.options, 'port', DEFAULT_REDIRECT_PORT, { whole: true });
  const timeoutMs = numberOption(ctx.options, 'timeout', DEFAULT_TIMEOUT_S) * 1000;
  const settings = loadConfigSection('partnerCenter', withClientSecretFile(ctx));
  const target = destination(ctx, settings);
  const app = new ConfidentialClientApplication(buildMsalConfiguration(msalOptionsFor(settings)));
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const state = randomBytes(16).toString('base64url');
  const loopback = await listenForCode(port, state, timeoutMs);
  try {
    const scopes = [PARTNER_CENTER_USER_SCOPE];
    const { redirectUri } = loopback;
    const signInUrl = await app.getAuthCodeUrl({
      scopes,
      redirectUri,
      state,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      prompt: 'login',
    });
    ctx.deps.stderr(
      `Sign in as a Partner Center admin agent, with MFA:\n  ${signInUrl}\nWaiting for the sign-in on ${redirectUri} ...\n`,
    );
    await ctx.deps.openUrl(signInUrl);
    const code = await loopback.code;
    await app.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: verifier });
    const [token] = refreshTokensInCache(app.getTokenCache().serialize());
    if (!token)
      throw new CliError('Entra returned no refresh token (is offline_access allowed for the app?)');
    await target.store.write(token);
  } finally {
    await loopback.close();
  }
  if (ctx.json) ctx.deps.stdout(formatJson({ stored: target.kind, where: target.where }));
  else
    ctx.deps.stdout(
      `Stored the new refresh token in ${target.where}. The app reads it when it starts, and whenever the token it holds is refused.\n`,
    );
}

export const authCommands: CommandSpec[] = [
  {
    name: 'auth refresh-token',
    args: '[--port <n>] [--timeout <s>] [--client-secret-file <file>]',
    summary: 'admin-agent sign-in (MFA); stores the App+User refresh token where the app reads it',
    options: {
      port: { type: 'string' },
      timeout: { type: 'string' },
      'client-secret-file': { type: 'string' },
    },
    run: refreshToken,
  },
];
