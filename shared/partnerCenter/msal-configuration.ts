/**
 * Builds the msal-node configuration for the Partner Center app registration.
 *
 * Production: `authority` is `https://login.microsoftonline.com/<partner tenant>`; msal is configured
 * with nothing else (it knows that host's metadata).
 *
 * Local emulator: msal-node refuses non-https authorities (UrlString.validateAsUri throws
 * `authority_uri_insecure`) and, for an unknown host, calls instance discovery on the real
 * `https://login.microsoftonline.com/common/discovery/instance` and OIDC discovery on the authority.
 * So an `http://` authority on a loopback host (e.g. `http://localhost:7081/<tenant>`) is translated
 * into msal's documented options only:
 *   - `authority`: the same URL with `https:` (validated by msal, never contacted);
 *   - `knownAuthorities: ['localhost:7081']`: msal builds the cloud-discovery metadata from the host,
 *     so no instance-discovery request is made;
 *   - `authorityMetadata`: the OIDC endpoints, pointing at `http://localhost:7081/<tenant>/...`, so no
 *     OIDC-discovery request is made (and no issuer validation, which would reject an http issuer
 *     against an https authority).
 * msal-node's default network client is `fetch`, which speaks plain http. The emulator therefore only
 * has to serve `POST /<tenant>/oauth2/v2.0/token` (form-encoded; grant_type `client_credentials` or
 * `refresh_token`) answering `{ "token_type": "Bearer", "access_token", "expires_in" }`. Its OIDC
 * metadata and instance-discovery routes are not used by this client.
 */
import type { Configuration } from '@azure/msal-node';

export interface MsalAppOptions {
  /** `https://login.microsoftonline.com/<partner tenant>`, or `http://localhost:<port>/<tenant>` locally. */
  authority: string;
  clientId: string;
  clientSecret?: string;
  /** Certificate credential: PEM private key plus the certificate's thumbprint (SHA-256 preferred). */
  clientCertificate?: { privateKey: string; thumbprintSha256?: string; thumbprint?: string; x5c?: string };
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

export function buildMsalConfiguration(options: MsalAppOptions): Configuration {
  const credential = credentialOf(options);
  const url = parseAuthority(options.authority);
  if (url.protocol === 'https:') {
    return { auth: { clientId: options.clientId, authority: options.authority, ...credential } };
  }
  if (!loopbackHosts.has(url.hostname)) {
    throw new Error('PARTNER_CENTER_AUTHORITY must use https (http is only accepted for a local emulator)');
  }
  const tenantPath = url.pathname.replace(/\/+$/, '');
  const emulator = `http://${url.host}${tenantPath}`;
  const authorityMetadata = {
    token_endpoint: `${emulator}/oauth2/v2.0/token`,
    authorization_endpoint: `${emulator}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${emulator}/oauth2/v2.0/logout`,
    jwks_uri: `${emulator}/discovery/v2.0/keys`,
    issuer: `${emulator}/v2.0`,
  };
  return {
    auth: {
      clientId: options.clientId,
      authority: `https://${url.host}${tenantPath}`,
      knownAuthorities: [url.host],
      authorityMetadata: JSON.stringify(authorityMetadata),
      ...credential,
    },
  };
}

function credentialOf(
  options: MsalAppOptions,
): Pick<Configuration['auth'], 'clientSecret' | 'clientCertificate'> {
  if (options.clientSecret) return { clientSecret: options.clientSecret };
  const certificate = options.clientCertificate;
  if (certificate && (certificate.thumbprintSha256 || certificate.thumbprint)) {
    return { clientCertificate: certificate };
  }
  throw new Error(
    'Partner Center credentials need a client secret or a certificate (private key + thumbprint)',
  );
}

function parseAuthority(authority: string): URL {
  try {
    return new URL(authority);
  } catch {
    throw new Error('PARTNER_CENTER_AUTHORITY is not a valid URL');
  }
}
