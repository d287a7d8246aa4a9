import { sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkCertificateUrl,
  createWebhookVerifier,
  WebhookSignatureError,
  type CertificateFetcher,
  type WebhookRejectionReason,
} from '../../../shared/partnerCenter/webhook-signature';

const emulatorCerts = join(__dirname, '../../../local/emulators/partner-center/certs');
const fixtures = join(__dirname, 'webhook-fixtures');
const pc = {
  cert: readFileSync(join(emulatorCerts, 'webhook-signing.test-only.cert.pem'), 'utf8'),
  key: readFileSync(join(emulatorCerts, 'webhook-signing.test-only.key.pem'), 'utf8'),
};
const foreign = {
  cert: readFileSync(join(fixtures, 'foreign-org.test-only.cert.pem'), 'utf8'),
  key: readFileSync(join(fixtures, 'foreign-org.test-only.key.pem'), 'utf8'),
};

const MS_URL = 'https://pcnotifications.microsoft.com/cert/signing.cer';
const FOREIGN_URL = 'https://certs.microsoft.com/foreign.pem';
const LOCAL_URL = 'http://127.0.0.1:7081/certificates/webhook-signing.pem';
const ALLOWED = ['*.microsoft.com', '127.0.0.1'];
const NOW = new Date('2027-01-15T00:00:00Z');

const body = Buffer.from(
  JSON.stringify({
    EventName: 'reseller-relationship-accepted-by-customer',
    ResourceUri: 'https://api.partnercenter.microsoft.com/v1/customers/c0000000-0000-4000-8000-000000000042',
    ResourceName: 'customer',
    AuditUri: '',
    ResourceChangeUtcDate: '2027-01-15T00:00:00.000Z',
  }),
);

function signed(key: string, payload: Buffer = body): string {
  return `Signature ${sign('sha256', payload, key).toString('base64')}`;
}

function headers(values: Record<string, string | undefined>) {
  const lower = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return (name: string) => lower[name.toLowerCase()];
}

function fakeFetcher(): CertificateFetcher & { calls: string[] } {
  const calls: string[] = [];
  const served: Record<string, string> = {
    [MS_URL]: pc.cert,
    [LOCAL_URL]: pc.cert,
    [FOREIGN_URL]: foreign.cert,
    'https://junk.microsoft.com/x': 'not a certificate',
  };
  const fetcher = (url: URL) => {
    calls.push(url.href);
    const cert = served[url.href];
    return cert === undefined ? Promise.reject(new Error('HTTP 404')) : Promise.resolve(cert);
  };
  return Object.assign(fetcher, { calls });
}

const good = {
  Authorization: signed(pc.key),
  'X-MS-Signature-Algorithm': 'rsa-sha256',
  'X-MS-Certificate-Url': MS_URL,
};

describe('webhook signature verification', () => {
  it('accepts a body signed with the certificate at an allowed https URL', async () => {
    const verifier = createWebhookVerifier({
      allowedHosts: ALLOWED,
      fetchCertificate: fakeFetcher(),
      now: () => NOW,
    });
    await expect(verifier.verify(headers(good), body)).resolves.toBeUndefined();
  });

  it('accepts the local emulator over http when the allow-list names its loopback host', async () => {
    const verifier = createWebhookVerifier({
      allowedHosts: ALLOWED,
      fetchCertificate: fakeFetcher(),
      now: () => NOW,
    });
    await expect(
      verifier.verify(headers({ ...good, 'X-MS-Certificate-Url': LOCAL_URL }), body),
    ).resolves.toBeUndefined();
  });

  const tampered = Buffer.from(body.toString('utf8').replace('000000000042', '000000000043'));

  const rejections: [string, Record<string, string | undefined>, Buffer, WebhookRejectionReason, Date?][] = [
    ['tampered body', good, tampered, 'badSignature'],
    ['signature by another key', { ...good, Authorization: signed(foreign.key) }, body, 'badSignature'],
    ['wrong algorithm', { ...good, 'X-MS-Signature-Algorithm': 'rsa-sha1' }, body, 'unsupportedAlgorithm'],
    [
      'foreign host',
      { ...good, 'X-MS-Certificate-Url': 'https://evil.example.com/c.pem' },
      body,
      'certificateHostNotAllowed',
    ],
    [
      'look-alike host',
      { ...good, 'X-MS-Certificate-Url': 'https://microsoft.com.evil.io/c.pem' },
      body,
      'certificateHostNotAllowed',
    ],
    [
      'apex of a wildcard',
      { ...good, 'X-MS-Certificate-Url': 'https://microsoft.com/c.pem' },
      body,
      'certificateHostNotAllowed',
    ],
    [
      'http on an allowed host',
      { ...good, 'X-MS-Certificate-Url': 'http://pcnotifications.microsoft.com/c.pem' },
      body,
      'insecureCertificateUrl',
    ],
    [
      'http on an unlisted loopback',
      { ...good, 'X-MS-Certificate-Url': 'http://localhost:7081/c.pem' },
      body,
      'insecureCertificateUrl',
    ],
    ['not a URL', { ...good, 'X-MS-Certificate-Url': 'pcnotifications' }, body, 'badCertificateUrl'],
    [
      'URL with credentials',
      { ...good, 'X-MS-Certificate-Url': 'https://u:p@a.microsoft.com/c' },
      body,
      'badCertificateUrl',
    ],
    [
      'wrong subject organisation',
      { ...good, Authorization: signed(foreign.key), 'X-MS-Certificate-Url': FOREIGN_URL },
      body,
      'wrongCertificateSubject',
    ],
    [
      'certificate not found',
      { ...good, 'X-MS-Certificate-Url': 'https://gone.microsoft.com/c.pem' },
      body,
      'certificateUnavailable',
    ],
    [
      'not a certificate',
      { ...good, 'X-MS-Certificate-Url': 'https://junk.microsoft.com/x' },
      body,
      'badCertificate',
    ],
    ['expired certificate', good, body, 'certificateNotValidNow', new Date('2127-01-01T00:00:00Z')],
    ['certificate not yet valid', good, body, 'certificateNotValidNow', new Date('2026-01-01T00:00:00Z')],
    ['missing Authorization', { ...good, Authorization: undefined }, body, 'missingHeader'],
    ['missing algorithm', { ...good, 'X-MS-Signature-Algorithm': undefined }, body, 'missingHeader'],
    ['missing certificate URL', { ...good, 'X-MS-Certificate-Url': '' }, body, 'missingHeader'],
    ['Bearer scheme', { ...good, Authorization: 'Bearer abc' }, body, 'badAuthorization'],
    ['signature not base64', { ...good, Authorization: 'Signature ***' }, body, 'badAuthorization'],
  ];

  it.each(rejections)('rejects: %s', async (_name, values, payload, reason, now = NOW) => {
    const verifier = createWebhookVerifier({
      allowedHosts: ALLOWED,
      fetchCertificate: fakeFetcher(),
      now: () => now,
    });
    const error = await verifier.verify(headers(values), payload).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as WebhookSignatureError).reason).toBe(reason);
    // A rejection never echoes the body.
    expect((error as Error).message).not.toContain('c0000000');
  });

  it('fetches a certificate once per URL and keeps at most cacheSize of them', async () => {
    const fetcher = fakeFetcher();
    const verifier = createWebhookVerifier({
      allowedHosts: ALLOWED,
      fetchCertificate: fetcher,
      now: () => NOW,
      cacheSize: 1,
    });
    await verifier.verify(headers(good), body);
    await verifier.verify(headers(good), body);
    expect(fetcher.calls).toEqual([MS_URL]);
    await verifier.verify(headers({ ...good, 'X-MS-Certificate-Url': LOCAL_URL }), body);
    await verifier.verify(headers(good), body); // evicted by the local URL: fetched again
    expect(fetcher.calls).toEqual([MS_URL, LOCAL_URL, MS_URL]);
  });

  it('refetches after the cache lifetime and does not remember a failed fetch', async () => {
    let now = NOW;
    let failNext = true;
    const calls: string[] = [];
    const verifier = createWebhookVerifier({
      allowedHosts: ALLOWED,
      now: () => now,
      cacheTtlMs: 60_000,
      fetchCertificate: (url) => {
        calls.push(url.href);
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('timeout'));
        }
        return Promise.resolve(pc.cert);
      },
    });
    await expect(verifier.verify(headers(good), body)).rejects.toMatchObject({
      reason: 'certificateUnavailable',
    });
    await verifier.verify(headers(good), body);
    now = new Date(NOW.getTime() + 61_000);
    await verifier.verify(headers(good), body);
    expect(calls).toHaveLength(3);
  });

  it('accepts a DER certificate as Microsoft serves .cer files', async () => {
    const der = new X509Certificate(pc.cert).raw;
    const verifier = createWebhookVerifier({
      allowedHosts: ALLOWED,
      now: () => NOW,
      fetchCertificate: () => Promise.resolve(new Uint8Array(der)),
    });
    await expect(verifier.verify(headers(good), body)).resolves.toBeUndefined();
  });
});

describe('checkCertificateUrl', () => {
  const table: [string, readonly string[], boolean][] = [
    ['https://a.microsoft.com/c', ['*.microsoft.com'], true],
    ['https://a.b.microsoft.com/c', ['*.microsoft.com'], true],
    ['https://A.MICROSOFT.COM/c', ['*.microsoft.com'], true],
    ['https://amicrosoft.com/c', ['*.microsoft.com'], false],
    [
      'https://3psostorageacct.blob.core.windows.net/cert/x.cer',
      ['3psostorageacct.blob.core.windows.net'],
      true,
    ],
    ['https://other.blob.core.windows.net/cert/x.cer', ['3psostorageacct.blob.core.windows.net'], false],
    ['http://127.0.0.1:7081/c', ['127.0.0.1'], true],
    ['http://localhost/c', ['*.localhost', 'localhost'], true],
    ['http://localhost/c', ['*.microsoft.com'], false],
    ['ftp://a.microsoft.com/c', ['*.microsoft.com'], false],
  ];
  it.each(table)('%s with %j -> %s', (url, hosts, ok) => {
    expect(checkCertificateUrl(url, hosts).ok).toBe(ok);
  });
});
