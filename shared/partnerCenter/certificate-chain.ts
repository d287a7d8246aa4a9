/**
 * Chain checks for the webhook signing certificate without a platform verifier: Node's X509Certificate
 * can tell whether one certificate issued another (`checkIssued`: names and key identifiers) and whether
 * a signature matches (`verify`). That is enough to walk from the downloaded certificate through any
 * intermediates served with it up to a trusted root.
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

const MICROSOFT = 'Microsoft Corporation';
const MAX_CHAIN_LENGTH = 8;

/** The O= values of a distinguished name as Node prints it (one attribute per line). */
export function organizationsOf(distinguishedName: string): string[] {
  return distinguishedName
    .split('\n')
    .filter((line) => line.startsWith('O='))
    .map((line) => line.slice(2).trim());
}

/**
 * Microsoft's own roots in the Mozilla bundle Node ships (`tls.rootCertificates`): today "Microsoft RSA
 * Root Certificate Authority 2017" and "Microsoft ECC Root Certificate Authority 2017".
 */
export function microsoftRootCertificates(): X509Certificate[] {
  return rootCertificates
    .map((pem) => new X509Certificate(pem))
    .filter((root) => organizationsOf(root.subject).includes(MICROSOFT));
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text (leaf first, as served) or the one DER certificate; throws if none. */
export function parseCertificates(raw: Uint8Array | string): X509Certificate[] {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('latin1');
  const blocks = text.match(PEM_BLOCK);
  if (blocks) return blocks.map((pem) => new X509Certificate(pem));
  return [new X509Certificate(typeof raw === 'string' ? raw : Buffer.from(raw))];
}

export function isValidAt(certificate: X509Certificate, nowMs: number): boolean {
  return nowMs >= Date.parse(certificate.validFrom) && nowMs <= Date.parse(certificate.validTo);
}

export type ChainResult =
  /** Every link verified up to `root`, a trust anchor. */
  | { kind: 'verified'; root: string }
  /** The next issuer was not served and is not an anchor: the chain cannot be built here. */
  | { kind: 'incomplete'; missingIssuer: string }
  /** A link is broken, expired, or the chain ends at a self-signed certificate that is not trusted. */
  | { kind: 'untrusted'; detail: string };

const commonName = (dn: string): string =>
  dn
    .split('\n')
    .find((line) => line.startsWith('CN='))
    ?.slice(3) ?? dn.replace(/\n/g, ', ');

/** Walks leaf -> served intermediates -> a trust anchor, checking each link's signature and dates. */
export function verifyChain(
  leaf: X509Certificate,
  served: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  nowMs: number,
): ChainResult {
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
    if (!isValidAt(current, nowMs))
      return { kind: 'untrusted', detail: `${commonName(current.subject)} is not valid now` };
    if (anchors.some((anchor) => anchor.fingerprint256 === current.fingerprint256))
      return { kind: 'verified', root: commonName(current.subject) };
    const namedAnchors = anchors.filter((anchor) => anchor.ca && current.checkIssued(anchor));
    const anchor = namedAnchors.find((candidate) => current.verify(candidate.publicKey));
    if (anchor) return { kind: 'verified', root: commonName(anchor.subject) };
    if (namedAnchors.length > 0)
      return {
        kind: 'untrusted',
        detail: `${commonName(current.subject)} is not signed by the root it names`,
      };
    if (current.checkIssued(current))
      return { kind: 'untrusted', detail: `${commonName(current.subject)} is self-signed and not trusted` };
    const issuer = served.find((candidate) => candidate !== current && current.checkIssued(candidate));
    if (!issuer) return { kind: 'incomplete', missingIssuer: commonName(current.issuer) };
    if (!issuer.ca || !current.verify(issuer.publicKey))
      return { kind: 'untrusted', detail: `${commonName(current.subject)} is not signed by its issuer` };
    current = issuer;
  }
  return { kind: 'untrusted', detail: 'chain too long' };
}
