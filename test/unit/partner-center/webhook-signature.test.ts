import { sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  checkCertificateUrl,
  createHttpCertificateFetcher,
  createWebhookVerifier,
  MICROSOFT_WEBHOOK_CERTIFICATE_URL,
  WebhookSignatureError,
  type CertificateFetcher,
  type WebhookRejectionReason,
  type WebhookVerifierOptions,
} from '../../../shared/partnerCenter/webhook-signature';

const emulatorCerts = join(__dirname, '../../../local/emulators/partner-center/certs');
const fixtures = join(__dirname, 'webhook-fixtures');
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const pc = {
  cert: read(emulatorCerts, 'webhook-signing.test-only.cert.pem'),
  key: read(emulatorCerts, 'webhook-signing.test-only.key.pem'),
};
const foreign = {
  cert: read(fixtures, 'foreign-org.test-only.cert.pem'),
  key: read(fixtures, 'foreign-org.test-only.key.pem'),
};
/** Root (O=Fixture Test Root) -> intermediate (O=Microsoft Corporation) -> leaf: Microsoft's shape. */
const chain = {
  root: read(fixtures, 'chain-root.test-only.cert.pem'),
  intermediate: read(fixtures, 'chain-intermediate.test-only.cert.pem'),
  leaf: read(fixtures, 'chain-leaf.test-only.cert.pem'),
  key: read(fixtures, 'chain-leaf.test-only.key.pem'),
  /** Subject O=Microsoft Corporation, but issued by the non-Microsoft root. */
  wrongIssuer: read(fixtures, 'wrong-issuer.test-only.cert.pem'),
  /** The intermediate's name and key identifier with another key. */
  impostor: read(fixtures, 'impostor-intermediate.test-only.cert.pem'),
};
const emulatorAnchor = [new X509Certificate(pc.cert)];
const fixtureRoot = [new X509Certificate(chain.root)];

const MS_URL = MICROSOFT_WEBHOOK_CERTIFICATE_URL;
const LOCAL_URL = 'http://127.0.0.1:7081/certificates/webhook-signing.pem';
const PREFIX = 'https://certs.example.com/pc/';
const ALLOWED = [MS_URL, LOCAL_URL, PREFIX];
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

const signature = (key: string, payload: Buffer = body) => sign('sha256', payload, key).toString('base64');
const signed = (key: string, payload: Buffer = body) => `Signature ${signature(key, payload)}`;

function headers(values: Record<string, string | undefined>) {
  const lower = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return (name: string) => lower[name.toLowerCase()];
}

/** Serves `certs` by URL; anything else is a 404. */
function fakeFetcher(certs: Record<string, string> = {}): CertificateFetcher & { calls: string[] } {
  const calls: string[] = [];
  const served: Record<string, string> = {
    [MS_URL]: pc.cert,
    [LOCAL_URL]: pc.cert,
    [`${PREFIX}foreign.pem`]: foreign.cert,
    [`${PREFIX}junk`]: 'not a certificate',
    [`${PREFIX}leaf.pem`]: chain.leaf,
    [`${PREFIX}bundle.pem`]: chain.leaf + chain.intermediate,
    [`${PREFIX}full.pem`]: chain.leaf + chain.intermediate + chain.root,
    [`${PREFIX}wrong-issuer.pem`]: chain.wrongIssuer,
    [`${PREFIX}impostor.pem`]: chain.leaf + chain.impostor,
    ...certs,
  };
  const fetcher = (url: URL) => {
    calls.push(url.href);
    const cert = served[url.href];
    return cert === undefined ? Promise.reject(new Error('HTTP 404')) : Promise.resolve(cert);
  };
  return Object.assign(fetcher, { calls });
}

function verifier(overrides: Partial<WebhookVerifierOptions> = {}) {
  return createWebhookVerifier({
    allowedUrls: ALLOWED,
    fetchCertificate: fakeFetcher(),
    now: () => NOW,
    trustAnchors: emulatorAnchor,
    ...overrides,
  });
}

const good = {
  Authorization: signed(pc.key),
  'X-MS-Signature-Algorithm': 'rsa-sha256',
  'X-MS-Certificate-Url': MS_URL,
};
const byLeaf = { ...good, Authorization: signed(chain.key) };

async function rejection(promise: Promise<unknown>): Promise<WebhookSignatureError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookSignatureError);
  return error as WebhookSignatureError;
}

describe('webhook signature verification', () => {
  it('accepts a body signed with the certificate at an allowed URL whose chain ends at an anchor', async () => {
    await expect(verifier().verify(headers(good), body)).resolves.toEqual({
      chain: 'verified',
      detail: expect.stringContaining('partner-center-emulator.invalid') as unknown,
    });
  });

  it('accepts the local emulator over http when the allow-list names its URL', async () => {
    await expect(
      verifier().verify(headers({ ...good, 'X-MS-Certificate-Url': LOCAL_URL }), body),
    ).resolves.toMatchObject({ chain: 'verified' });
  });

  it.each([
    ['bare', signature(pc.key)],
    ['with the Signature scheme', signed(pc.key)],
  ])('accepts the signature in x-ms-signature (%s)', async (_name, value) => {
    const values = { ...good, Authorization: undefined, 'x-ms-signature': value };
    await expect(verifier().verify(headers(values), body)).resolves.toMatchObject({ chain: 'verified' });
  });

  const tampered = Buffer.from(body.toString('utf8').replace('000000000042', '000000000043'));
  const at = (url: string) => ({ ...good, 'X-MS-Certificate-Url': url });

  const rejections: [string, Record<string, string | undefined>, Buffer, WebhookRejectionReason, Date?][] = [
    ['tampered body', good, tampered, 'badSignature'],
    ['signature by another key', { ...good, Authorization: signed(foreign.key) }, body, 'badSignature'],
    [
      'x-ms-signature by another key',
      { ...at(MS_URL), 'x-ms-signature': signature(foreign.key) },
      body,
      'badSignature',
    ],
    ['wrong algorithm', { ...good, 'X-MS-Signature-Algorithm': 'rsa-sha1' }, body, 'unsupportedAlgorithm'],
    ['foreign host', at('https://evil.example.com/c.pem'), body, 'certificateUrlNotAllowed'],
    [
      'another path on the documented host',
      at('https://3psostorageacct.blob.core.windows.net/cert/x.cer'),
      body,
      'certificateUrlNotAllowed',
    ],
    ['the documented URL with a query', at(`${MS_URL}?x=1`), body, 'certificateUrlNotAllowed'],
    [
      'another storage account',
      at('https://evil.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer'),
      body,
      'certificateUrlNotAllowed',
    ],
    ['outside a prefix', at('https://certs.example.com/other/c.pem'), body, 'certificateUrlNotAllowed'],
    [
      'dot segments out of a prefix',
      at('https://certs.example.com/pc/../other/c.pem'),
      body,
      'certificateUrlNotAllowed',
    ],
    ['http to an allowed https URL', at(MS_URL.replace('https:', 'http:')), body, 'insecureCertificateUrl'],
    ['http on an unlisted loopback', at('http://localhost:7081/c.pem'), body, 'certificateUrlNotAllowed'],
    ['not a URL', at('pcnotifications'), body, 'badCertificateUrl'],
    ['URL with credentials', at('https://u:p@certs.example.com/pc/leaf.pem'), body, 'badCertificateUrl'],
    [
      'issuer organisation not Microsoft',
      { ...at(`${PREFIX}foreign.pem`), Authorization: signed(foreign.key) },
      body,
      'wrongCertificateIssuer',
    ],
    [
      'Microsoft as subject only, issuer not Microsoft',
      { ...at(`${PREFIX}wrong-issuer.pem`), Authorization: signed(chain.key) },
      body,
      'wrongCertificateIssuer',
    ],
    ['certificate not found', at(`${PREFIX}gone.pem`), body, 'certificateUnavailable'],
    ['not a certificate', at(`${PREFIX}junk`), body, 'badCertificate'],
    ['expired certificate', good, body, 'certificateNotValidNow', new Date('2127-01-01T00:00:00Z')],
    ['certificate not yet valid', good, body, 'certificateNotValidNow', new Date('2026-01-01T00:00:00Z')],
    ['missing signature', { ...good, Authorization: undefined }, body, 'missingHeader'],
    ['missing algorithm', { ...good, 'X-MS-Signature-Algorithm': undefined }, body, 'missingHeader'],
    ['missing certificate URL', { ...good, 'X-MS-Certificate-Url': '' }, body, 'missingHeader'],
    ['Bearer scheme', { ...good, Authorization: 'Bearer abc' }, body, 'badAuthorization'],
    ['bare base64 in Authorization', { ...good, Authorization: signature(pc.key) }, body, 'badAuthorization'],
    ['signature not base64', { ...good, Authorization: 'Signature ***' }, body, 'badAuthorization'],
  ];

  it.each(rejections)('rejects: %s', async (_name, values, payload, reason, now = NOW) => {
    const error = await rejection(verifier({ now: () => now }).verify(headers(values), payload));
    expect(error.reason).toBe(reason);
    // A rejection never echoes the body.
    expect(error.message).not.toContain('c0000000');
  });

  describe('certificate chain', () => {
    const leafAt = (file: string) => ({ ...byLeaf, 'X-MS-Certificate-Url': `${PREFIX}${file}` });

    it('is verified through a served intermediate up to an anchor', async () => {
      const result = await verifier({ trustAnchors: fixtureRoot }).verify(
        headers(leafAt('bundle.pem')),
        body,
      );
      expect(result).toEqual({ chain: 'verified', detail: 'chain verified up to Fixture Test Root CA' });
    });

    it('is incomplete, and accepted on the issuer check, when the intermediate is not served', async () => {
      const result = await verifier({ trustAnchors: fixtureRoot }).verify(headers(leafAt('leaf.pem')), body);
      expect(result).toEqual({
        chain: 'incomplete',
        detail: 'issuer Fixture Test Issuing CA not served: chain not built',
      });
    });

    it('refuses a self-signed certificate naming Microsoft that is not an anchor (the default: Microsoft roots)', async () => {
      const error = await rejection(verifier({ trustAnchors: undefined }).verify(headers(good), body));
      expect(error.reason).toBe('untrustedCertificateChain');
      expect(error.message).toContain('self-signed and not trusted');
    });

    it('refuses a served chain that ends at a root that is not an anchor', async () => {
      const error = await rejection(
        verifier({ trustAnchors: undefined }).verify(headers(leafAt('full.pem')), body),
      );
      expect(error.reason).toBe('untrustedCertificateChain');
    });

    it('refuses a served "intermediate" that did not sign the certificate', async () => {
      // Same name and key identifier as the real intermediate, another key.
      const result = verifier({ trustAnchors: fixtureRoot }).verify(headers(leafAt('impostor.pem')), body);
      const error = await rejection(result);
      expect(error.reason).toBe('untrustedCertificateChain');
      expect(error.message).toContain('not signed by its issuer');
    });
  });

  it('fetches a certificate once per URL and keeps at most cacheSize of them', async () => {
    const fetcher = fakeFetcher();
    const v = verifier({ fetchCertificate: fetcher, cacheSize: 1 });
    await v.verify(headers(good), body);
    await v.verify(headers(good), body);
    expect(fetcher.calls).toEqual([MS_URL]);
    await v.verify(headers({ ...good, 'X-MS-Certificate-Url': LOCAL_URL }), body);
    await v.verify(headers(good), body); // evicted by the local URL: fetched again
    expect(fetcher.calls).toEqual([MS_URL, LOCAL_URL, MS_URL]);
    expect(v.cachedCertificates()).toBe(1);
  });

  it('remembers a failed download for failureTtlMs: a flood naming it does not refetch', async () => {
    let now = NOW;
    const fetcher = fakeFetcher({ [MS_URL]: undefined as unknown as string });
    const v = verifier({ fetchCertificate: fetcher, now: () => now, failureTtlMs: 30_000 });
    for (let i = 0; i < 2_000; i++) {
      expect((await rejection(v.verify(headers(good), body))).reason).toBe('certificateUnavailable');
    }
    expect(fetcher.calls).toEqual([MS_URL]);
    now = new Date(NOW.getTime() + 31_000);
    await rejection(v.verify(headers(good), body));
    expect(fetcher.calls).toEqual([MS_URL, MS_URL]);
  });

  it('refetches after the cache lifetime, so a rotated certificate is picked up', async () => {
    let now = NOW;
    const fetcher = fakeFetcher();
    const v = verifier({ fetchCertificate: fetcher, now: () => now, cacheTtlMs: 60_000 });
    await v.verify(headers(good), body);
    now = new Date(NOW.getTime() + 61_000);
    await v.verify(headers(good), body);
    expect(fetcher.calls).toEqual([MS_URL, MS_URL]);
  });

  it('accepts a DER certificate as Microsoft serves .cer files', async () => {
    const der = new X509Certificate(pc.cert).raw;
    const v = verifier({ fetchCertificate: () => Promise.resolve(new Uint8Array(der)) });
    await expect(v.verify(headers(good), body)).resolves.toMatchObject({ chain: 'verified' });
  });
});

describe('checkCertificateUrl', () => {
  const table: [string, readonly string[], boolean][] = [
    [MS_URL, [MS_URL], true],
    [MS_URL.replace('3psostorageacct', '3PSOSTORAGEACCT'), [MS_URL], true],
    [MS_URL.replace('.cer', '.pem'), [MS_URL], false],
    ['https://a.microsoft.com/c', [MS_URL], false],
    ['https://certs.example.com/pc/a.cer', ['https://certs.example.com/pc/'], true],
    ['https://certs.example.com/pc', ['https://certs.example.com/pc/'], false],
    ['https://certs.example.com/pcx/a.cer', ['https://certs.example.com/pc/'], false],
    ['https://certs.example.com:444/pc/a.cer', ['https://certs.example.com/pc/'], false],
    ['http://127.0.0.1:7081/c', ['http://127.0.0.1:7081/c'], true],
    ['http://127.0.0.1:7082/c', ['http://127.0.0.1:7081/c'], false],
    ['ftp://a.example.com/c', ['ftp://a.example.com/c'], false],
  ];
  it.each(table)('%s with %j -> %s', (url, allowed, ok) => {
    expect(checkCertificateUrl(url, allowed).ok).toBe(ok);
  });
});

describe('createHttpCertificateFetcher', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/announced-huge') {
        // Announces 10 MB and sends nothing: must be refused on the header alone.
        res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
        res.flushHeaders();
        return;
      }
      if (req.url === '/endless') {
        // Chunked, never ends: must be cut off at the cap.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(16 * 1024, 0x41);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on('drain', pump);
        pump();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pc.cert);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const fetcher = createHttpCertificateFetcher({ maxBytes: 64 * 1024, timeoutMs: 60_000 });

  it('downloads a certificate', async () => {
    expect(Buffer.from(await fetcher(new URL(`${base}/cert.pem`))).toString('utf8')).toBe(pc.cert);
  });

  it('refuses a Content-Length over the cap before reading', async () => {
    await expect(fetcher(new URL(`${base}/announced-huge`))).rejects.toThrow('larger than 65536 bytes');
  });

  it('stops reading a streamed body past the cap', async () => {
    await expect(fetcher(new URL(`${base}/endless`))).rejects.toThrow('larger than 65536 bytes');
  });

  it('a too-large download is a bad certificate, not a retryable outage', async () => {
    const v = verifier({ allowedUrls: [`${base}/`], fetchCertificate: fetcher });
    const error = await rejection(
      v.verify(headers({ ...good, 'X-MS-Certificate-Url': `${base}/endless` }), body),
    );
    expect(error.reason).toBe('badCertificate');
  });
});
