/**
 * Verifies a Partner Center webhook POST as Microsoft documents it (docs/partner-center.md "Webhooks";
 * Microsoft's "How to authenticate the callback"): the signature comes as `Authorization: Signature
 * <base64>` or in `x-ms-signature`, with `X-MS-Signature-Algorithm: rsa-sha256` and
 * `X-MS-Certificate-Url`.
 *
 * 1. The certificate URL must be on the allow-list (exact URLs or `/`-ended prefixes; https, plain
 *    http only for a loopback entry: the local emulator).
 * 2. The certificate is downloaded (capped, see capped-body.ts) and cached by URL (bounded, with TTL).
 * 3. Its **issuer** organisation must be `Microsoft Corporation`, as Microsoft's sample checks, and it
 *    must be valid now.
 * 4. Chain: walked up through any intermediates served with it to a trust anchor (default: Microsoft's
 *    roots in Node's bundle). A chain that reaches an anchor is `verified`. When the issuer was not
 *    served (Microsoft serves the bare certificate), the chain cannot be built here: it is accepted as
 *    `incomplete` on the strength of 1 and 3, like Microsoft's sample. A broken link, an expired
 *    intermediate, or a self-signed certificate that is not an anchor is refused.
 * 5. RSA-SHA256 (PKCS#1 v1.5) over the raw body bytes.
 * Pure except for the injected certificate fetcher.
 */
import { verify as verifySignature, type X509Certificate } from 'node:crypto';
import { BodyTooLargeError, declaresMoreThan, readCapped } from './capped-body';
import { BoundedCache } from './bounded-cache';
import {
  isValidAt,
  microsoftRootCertificates,
  organizationsOf,
  parseCertificates,
  verifyChain,
} from './certificate-chain';

export const WEBHOOK_REJECTION_REASONS = [
  'missingHeader',
  'badAuthorization',
  'unsupportedAlgorithm',
  'badCertificateUrl',
  'certificateUrlNotAllowed',
  'insecureCertificateUrl',
  'certificateUnavailable',
  'badCertificate',
  'wrongCertificateIssuer',
  'certificateNotValidNow',
  'untrustedCertificateChain',
  'badSignature',
] as const;
export type WebhookRejectionReason = (typeof WEBHOOK_REJECTION_REASONS)[number];

/** Why a webhook was refused. The message names headers and hosts, never the body. */
export class WebhookSignatureError extends Error {
  constructor(
    readonly reason: WebhookRejectionReason,
    detail: string,
  ) {
    super(`Partner Center webhook rejected (${reason}): ${detail}`);
    this.name = 'WebhookSignatureError';
  }
}

/** Reads one request header, case-insensitively (e.g. `HttpRequest.headers.get`). */
export type HeaderReader = (name: string) => string | null | undefined;

/** Fetches the certificate (PEM, possibly with its intermediates, or DER) at an allowed URL; throws when it cannot. */
export type CertificateFetcher = (url: URL) => Promise<Uint8Array | string>;

/** Microsoft's documented certificate URL: the default allow-list. */
export const MICROSOFT_WEBHOOK_CERTIFICATE_URL =
  'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer';

export interface WebhookVerifierOptions {
  /** `webhookCertificateUrls`: exact URLs, or prefixes ending in `/`. */
  allowedUrls: readonly string[];
  fetchCertificate: CertificateFetcher;
  now: () => Date;
  /** Roots a chain may end at. Default: Microsoft's roots in Node's bundle. Locally: the emulator's certificate. */
  trustAnchors?: readonly X509Certificate[];
  /** Issuer organisation the certificate must name. Default `Microsoft Corporation`. */
  organization?: string;
  /** Certificates kept by URL. Default 16. */
  cacheSize?: number;
  /** How long a fetched certificate is reused, so a rotated one at the same URL is picked up. Default 1 h. */
  cacheTtlMs?: number;
  /** How long a failed download is remembered, so a flood naming it does not refetch. Default 30 s. */
  failureTtlMs?: number;
}

export interface WebhookVerification {
  /** `verified` up to `root`, or `incomplete` when the issuer was not served (see above). */
  chain: 'verified' | 'incomplete';
  detail: string;
}

export interface WebhookVerifier {
  /** Resolves when the request is genuine; rejects with WebhookSignatureError otherwise. */
  verify(header: HeaderReader, rawBody: Uint8Array): Promise<WebhookVerification>;
  /** Certificates (and remembered failures) currently cached. */
  cachedCertificates(): number;
}

export const WEBHOOK_HEADERS = {
  authorization: 'authorization',
  signature: 'x-ms-signature',
  algorithm: 'x-ms-signature-algorithm',
  certificateUrl: 'x-ms-certificate-url',
} as const;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether an allow-list entry covers `url`: the same URL, or under an entry that ends in `/`. */
export function urlAllowed(url: URL, entry: string): boolean {
  if (!URL.canParse(entry)) return false;
  const allowed = new URL(entry).href;
  return allowed.endsWith('/') ? url.href.startsWith(allowed) : url.href === allowed;
}

/**
 * Whether `text` may serve a webhook certificate: covered by an allow-list entry, over https, or plain
 * http to a loopback host (the local emulator).
 */
export function checkCertificateUrl(
  text: string,
  allowedUrls: readonly string[],
): { ok: true; url: URL } | { ok: false; reason: WebhookRejectionReason; detail: string } {
  if (!URL.canParse(text)) return { ok: false, reason: 'badCertificateUrl', detail: 'not a URL' };
  const url = new URL(text);
  if (url.username !== '' || url.password !== '')
    return { ok: false, reason: 'badCertificateUrl', detail: 'URL carries credentials' };
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname))
    return { ok: false, reason: 'insecureCertificateUrl', detail: `plain http to ${url.hostname}` };
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: 'badCertificateUrl', detail: `scheme ${url.protocol}` };
  if (!allowedUrls.some((entry) => urlAllowed(url, entry.trim())))
    return { ok: false, reason: 'certificateUrlNotAllowed', detail: `${url.host}${url.pathname}` };
  return { ok: true, url };
}

/** The base64 signature from `x-ms-signature` (bare or `Signature <base64>`) or `Authorization: Signature <base64>`. */
export function signatureFrom(header: HeaderReader): Buffer {
  const dedicated = header(WEBHOOK_HEADERS.signature)?.trim();
  const authorization = header(WEBHOOK_HEADERS.authorization)?.trim();
  const value = dedicated || authorization;
  if (!value) throw new WebhookSignatureError('missingHeader', 'authorization or x-ms-signature is missing');
  const match = /^(?:Signature\s+)?(\S+)$/i.exec(value);
  const encoded = match?.[1];
  const schemeOk = value === dedicated || /^Signature\s/i.test(value);
  if (!schemeOk || !encoded || !BASE64.test(encoded))
    throw new WebhookSignatureError('badAuthorization', 'expected "Signature <base64>"');
  return Buffer.from(encoded, 'base64');
}

interface LoadedCertificate {
  leaf: X509Certificate;
  served: X509Certificate[];
}

export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const organization = options.organization ?? 'Microsoft Corporation';
  const anchors = options.trustAnchors ?? microsoftRootCertificates();
  const failureTtlMs = options.failureTtlMs ?? 30_000;
  const cache = new BoundedCache<Promise<LoadedCertificate>>({
    maxEntries: options.cacheSize ?? 16,
    ttlMs: options.cacheTtlMs ?? 60 * 60_000,
    now: () => options.now().getTime(),
  });

  /** One download per URL at a time and per TTL; a failure is kept briefly too (then retried). */
  function certificateAt(url: URL): Promise<LoadedCertificate> {
    const key = url.href;
    const cached = cache.get(key);
    if (cached) return cached;
    const loading = loadCertificate(url);
    cache.set(key, loading);
    void loading.catch(() => {
      if (cache.get(key) === loading) cache.set(key, loading, failureTtlMs);
    });
    return loading;
  }

  async function loadCertificate(url: URL): Promise<LoadedCertificate> {
    let raw: Uint8Array | string;
    try {
      raw = await options.fetchCertificate(url);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        throw new WebhookSignatureError(
          'badCertificate',
          `${url.host} served more than ${error.maxBytes} bytes`,
        );
      const why = error instanceof Error ? error.message : 'unknown error';
      throw new WebhookSignatureError('certificateUnavailable', `${url.host}: ${why}`);
    }
    try {
      const [leaf, ...served] = parseCertificates(raw);
      return { leaf, served };
    } catch {
      throw new WebhookSignatureError('badCertificate', `${url.host} did not serve an X.509 certificate`);
    }
  }

  return {
    cachedCertificates: () => cache.size,
    async verify(header, rawBody) {
      const signature = signatureFrom(header);
      const algorithm = required(header, WEBHOOK_HEADERS.algorithm);
      const certificateUrl = required(header, WEBHOOK_HEADERS.certificateUrl);
      if (algorithm.trim().toLowerCase() !== 'rsa-sha256')
        throw new WebhookSignatureError('unsupportedAlgorithm', 'only rsa-sha256 is accepted');

      const checked = checkCertificateUrl(certificateUrl.trim(), options.allowedUrls);
      if (!checked.ok) throw new WebhookSignatureError(checked.reason, checked.detail);

      const { leaf, served } = await certificateAt(checked.url);
      if (!organizationsOf(leaf.issuer).includes(organization))
        throw new WebhookSignatureError(
          'wrongCertificateIssuer',
          `issuer organisation is not ${organization}`,
        );
      const nowMs = options.now().getTime();
      if (!isValidAt(leaf, nowMs))
        throw new WebhookSignatureError(
          'certificateNotValidNow',
          `valid ${leaf.validFrom} to ${leaf.validTo}`,
        );
      const chain = verifyChain(leaf, served, anchors, nowMs);
      if (chain.kind === 'untrusted')
        throw new WebhookSignatureError('untrustedCertificateChain', chain.detail);
      if (leaf.publicKey.asymmetricKeyType !== 'rsa')
        throw new WebhookSignatureError('badCertificate', 'certificate key is not RSA');
      if (!verifySignature('sha256', rawBody, leaf.publicKey, signature))
        throw new WebhookSignatureError('badSignature', 'signature does not match the body');
      return chain.kind === 'verified'
        ? { chain: 'verified', detail: `chain verified up to ${chain.root}` }
        : { chain: 'incomplete', detail: `issuer ${chain.missingIssuer} not served: chain not built` };
    },
  };
}

function required(header: HeaderReader, name: string): string {
  const value = header(name);
  if (value === null || value === undefined || value.trim() === '')
    throw new WebhookSignatureError('missingHeader', `${name} is missing`);
  return value;
}

export interface HttpCertificateFetcherOptions {
  timeoutMs?: number;
  /** Certificates are a few KB; anything much larger is not one. Default 64 KiB. */
  maxBytes?: number;
}

/**
 * The production fetcher: GET without following redirects (they could leave the allow-list); refuses an
 * announced Content-Length over the cap before reading, and stops reading a streamed body at the cap.
 */
export function createHttpCertificateFetcher(
  options: HttpCertificateFetcherOptions = {},
): CertificateFetcher {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return async (url) => {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok || declaresMoreThan(response.headers.get('content-length'), maxBytes)) {
      await response.body?.cancel();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      throw new BodyTooLargeError(maxBytes);
    }
    return readCapped(response.body, maxBytes);
  };
}
