/**
 * Verifies a Partner Center webhook POST (PARTNER-CENTER.md "Webhooks"; Microsoft's "How to authenticate
 * the callback"): `Authorization: Signature <base64>`, `X-MS-Signature-Algorithm: rsa-sha256` and
 * `X-MS-Certificate-Url`. The certificate must come from an allowed host over https, name
 * `O=Microsoft Corporation` as its subject organisation and be valid now; the signature is RSA-SHA256
 * (PKCS#1 v1.5) over the raw body bytes. Pure except for the injected certificate fetcher.
 *
 * Not done: chain building to a Microsoft root (Node has no platform chain verifier for a bare
 * certificate). The https host allow-list is what makes the certificate trustworthy instead.
 */
import { X509Certificate, verify as verifySignature, type KeyObject } from 'node:crypto';

export const WEBHOOK_REJECTION_REASONS = [
  'missingHeader',
  'badAuthorization',
  'unsupportedAlgorithm',
  'badCertificateUrl',
  'certificateHostNotAllowed',
  'insecureCertificateUrl',
  'certificateUnavailable',
  'badCertificate',
  'wrongCertificateSubject',
  'certificateNotValidNow',
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

/** Fetches the certificate (PEM or DER) at an already-allowed URL; throws when it cannot. */
export type CertificateFetcher = (url: URL) => Promise<Uint8Array | string>;

export interface WebhookVerifierOptions {
  /** `webhookCertificateHosts`: exact host names or `*.suffix`. */
  allowedHosts: readonly string[];
  fetchCertificate: CertificateFetcher;
  now: () => Date;
  /** Subject organisation the certificate must name. Default `Microsoft Corporation`. */
  organization?: string;
  /** Certificates kept by URL. Default 16. */
  cacheSize?: number;
  /** How long a fetched certificate is reused, so a rotated one at the same URL is picked up. Default 1 h. */
  cacheTtlMs?: number;
}

export interface WebhookVerifier {
  /** Resolves when the request is genuine; rejects with WebhookSignatureError otherwise. */
  verify(header: HeaderReader, rawBody: Uint8Array): Promise<void>;
}

export const WEBHOOK_HEADERS = {
  authorization: 'authorization',
  algorithm: 'x-ms-signature-algorithm',
  certificateUrl: 'x-ms-certificate-url',
} as const;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Whether `url` may serve a webhook certificate: https on an allowed host, or plain http on a loopback
 * host that the list names exactly (the local emulator). A wildcard never allows plain http.
 */
export function checkCertificateUrl(
  text: string,
  allowedHosts: readonly string[],
): { ok: true; url: URL } | { ok: false; reason: WebhookRejectionReason; detail: string } {
  if (!URL.canParse(text)) return { ok: false, reason: 'badCertificateUrl', detail: 'not a URL' };
  const url = new URL(text);
  if (url.username !== '' || url.password !== '')
    return { ok: false, reason: 'badCertificateUrl', detail: 'URL carries credentials' };
  const host = url.hostname.toLowerCase();
  const patterns = allowedHosts.map((entry) => entry.trim().toLowerCase());
  if (url.protocol === 'http:') {
    if (LOOPBACK_HOSTS.has(host) && patterns.includes(host)) return { ok: true, url };
    return { ok: false, reason: 'insecureCertificateUrl', detail: `plain http to ${host}` };
  }
  if (url.protocol !== 'https:')
    return { ok: false, reason: 'badCertificateUrl', detail: `scheme ${url.protocol}` };
  if (!patterns.some((pattern) => hostMatches(host, pattern)))
    return { ok: false, reason: 'certificateHostNotAllowed', detail: `host ${host}` };
  return { ok: true, url };
}

function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1); // ".microsoft.com": subdomains only, not the apex
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return host === pattern;
}

/** The subject's O= values (Node prints one attribute per line). */
export function subjectOrganizations(certificate: X509Certificate): string[] {
  return certificate.subject
    .split('\n')
    .filter((line) => line.startsWith('O='))
    .map((line) => line.slice(2).trim());
}

interface CacheEntry {
  certificate: Promise<X509Certificate>;
  fetchedAt: number;
}

export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const organization = options.organization ?? 'Microsoft Corporation';
  const cacheSize = options.cacheSize ?? 16;
  const cacheTtlMs = options.cacheTtlMs ?? 60 * 60_000;
  const cache = new Map<string, CacheEntry>();

  function certificateAt(url: URL): Promise<X509Certificate> {
    const key = url.href;
    const nowMs = options.now().getTime();
    const cached = cache.get(key);
    if (cached && nowMs - cached.fetchedAt < cacheTtlMs) {
      // Most recently used last: Map keeps insertion order, so the first key is the eviction candidate.
      cache.delete(key);
      cache.set(key, cached);
      return cached.certificate;
    }
    const certificate = loadCertificate(url);
    cache.delete(key);
    cache.set(key, { certificate, fetchedAt: nowMs });
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    // A failed fetch is not remembered: the next delivery tries again.
    void certificate.catch(() => {
      if (cache.get(key)?.certificate === certificate) cache.delete(key);
    });
    return certificate;
  }

  async function loadCertificate(url: URL): Promise<X509Certificate> {
    let raw: Uint8Array | string;
    try {
      raw = await options.fetchCertificate(url);
    } catch (error) {
      const why = error instanceof Error ? error.message : 'unknown error';
      throw new WebhookSignatureError('certificateUnavailable', `${url.host}: ${why}`);
    }
    try {
      return new X509Certificate(typeof raw === 'string' ? raw : Buffer.from(raw));
    } catch {
      throw new WebhookSignatureError('badCertificate', `${url.host} did not serve an X.509 certificate`);
    }
  }

  return {
    async verify(header, rawBody) {
      const authorization = required(header, WEBHOOK_HEADERS.authorization);
      const algorithm = required(header, WEBHOOK_HEADERS.algorithm);
      const certificateUrl = required(header, WEBHOOK_HEADERS.certificateUrl);

      const match = /^Signature\s+(\S+)$/i.exec(authorization.trim());
      if (!match || !BASE64.test(match[1]))
        throw new WebhookSignatureError('badAuthorization', 'expected "Signature <base64>"');
      const signature = Buffer.from(match[1], 'base64');
      if (algorithm.trim().toLowerCase() !== 'rsa-sha256')
        throw new WebhookSignatureError('unsupportedAlgorithm', 'only rsa-sha256 is accepted');

      const checked = checkCertificateUrl(certificateUrl.trim(), options.allowedHosts);
      if (!checked.ok) throw new WebhookSignatureError(checked.reason, checked.detail);

      const certificate = await certificateAt(checked.url);
      if (!subjectOrganizations(certificate).includes(organization))
        throw new WebhookSignatureError(
          'wrongCertificateSubject',
          `subject organisation is not ${organization}`,
        );
      const nowMs = options.now().getTime();
      if (!(nowMs >= Date.parse(certificate.validFrom) && nowMs <= Date.parse(certificate.validTo)))
        throw new WebhookSignatureError(
          'certificateNotValidNow',
          `valid ${certificate.validFrom} to ${certificate.validTo}`,
        );
      const key: KeyObject = certificate.publicKey;
      if (key.asymmetricKeyType !== 'rsa')
        throw new WebhookSignatureError('badCertificate', 'certificate key is not RSA');
      if (!verifySignature('sha256', rawBody, key, signature))
        throw new WebhookSignatureError('badSignature', 'signature does not match the body');
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
  /** Certificates are a few KB; anything much larger is not one. */
  maxBytes?: number;
}

/** The production fetcher: GET without following redirects (they could leave the allowed host). */
export function createHttpCertificateFetcher(
  options: HttpCertificateFetcherOptions = {},
): CertificateFetcher {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return async (url) => {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.byteLength > maxBytes) throw new Error(`response larger than ${maxBytes} bytes`);
    return body;
  };
}
