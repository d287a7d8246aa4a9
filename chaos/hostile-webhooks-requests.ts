/**
 * Hostile POSTs to the Partner Center webhook, built deterministically from a seed: forged and garbage
 * signatures, a wrong algorithm, certificate URLs on hosts (or paths) that are not allowed, oversize
 * bodies (declared and streamed) and certificate URLs, a genuine signature over a tampered body, a
 * genuinely signed body that is no event, and replays of a genuine event. Each names its own customer
 * tenant, so the driver can tell whether any of them started something.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { assetPath } from '../local/emulators/partner-center/assets';
import { WEBHOOK_CERTIFICATE_PATH } from '../local/emulators/partner-center/webhooks';

export const HOSTILE_KINDS = [
  'forgedSignature',
  'garbageSignature',
  'wrongAlgorithm',
  'certificateUrlNotAllowed',
  'oversizeBody',
  'oversizeStreamedBody',
  'oversizeCertificateUrl',
  'tamperedBody',
  'signedNonEvent',
  'replay',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

export interface HostileRequest {
  kind: HostileKind;
  /** The tenant the body names (none started by any hostile request). */
  tenantId: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Padded to this many bytes when sent (built then, so a flood holds no large buffers in advance). */
  padTo?: number;
  /** Streamed in chunks without a content length. */
  streamed?: boolean;
  /** What a correct endpoint answers: any 4xx, or (a replay) 200 `duplicate` with nothing done. */
  expect: 'clientError' | 'duplicate';
}

/** What the requests are built against. */
export interface HostileContext {
  partnerCenterUrl: string;
  /** A listener of ours: any request reaching it means the app fetched a URL it must not. */
  canaryUrl: string;
  /** The genuine signed event that replays repeat. */
  genuine: SignedEvent;
}

export interface SignedEvent {
  tenantId: string;
  body: Buffer;
  headers: Record<string, string>;
}

export const WEBHOOK_EVENT_NAME = 'reseller-relationship-accepted-by-customer';
const MAX_WEBHOOK_BODY = 64 * 1024;

/** The emulator's test-only signing key: what "Microsoft" signs with locally. */
function emulatorSigningKey(): string {
  return readFileSync(assetPath('certs/webhook-signing.test-only.key.pem'), 'utf8');
}

let attackerKey: KeyObject | undefined;
/** One RSA key for every forgery: generating one per request would be the slowest part of the run. */
function attacker(): KeyObject {
  attackerKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return attackerKey;
}

export function hostileTenantId(seed: number, index: number): string {
  return `f0440000-${(seed % 0x10000).toString(16).padStart(4, '0')}-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

export function eventBody(partnerCenterUrl: string, tenantId: string, at: Date): Buffer {
  return Buffer.from(
    JSON.stringify({
      EventName: WEBHOOK_EVENT_NAME,
      ResourceUri: `${partnerCenterUrl}/v1/customers/${tenantId}`,
      ResourceName: 'customer',
      AuditUri: '',
      ResourceChangeUtcDate: at.toISOString(),
    }),
  );
}

function signatureHeaders(
  partnerCenterUrl: string,
  body: Buffer,
  key: KeyObject | string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    authorization: `Signature ${sign('sha256', body, key).toString('base64')}`,
    'x-ms-certificate-url': `${partnerCenterUrl}${WEBHOOK_CERTIFICATE_PATH}`,
    'x-ms-signature-algorithm': 'rsa-sha256',
  };
}

/** A customer event signed as the emulator (Partner Center) signs it: accepted once, then only replayed. */
export function genuineEvent(partnerCenterUrl: string, tenantId: string, at: Date): SignedEvent {
  const body = eventBody(partnerCenterUrl, tenantId, at);
  return { tenantId, body, headers: signatureHeaders(partnerCenterUrl, body, emulatorSigningKey()) };
}

interface Choice {
  kind: HostileKind;
  variant: number;
  size: number;
}

const choice: fc.Arbitrary<Choice> = fc.record({
  kind: fc.constantFrom(...HOSTILE_KINDS),
  variant: fc.nat(),
  size: fc.integer({ min: MAX_WEBHOOK_BODY + 1, max: 1024 * 1024 }),
});

/** `count` hostile requests, the same for the same seed; every kind appears when count >= its number. */
export function hostileRequests(count: number, seed: number, context: HostileContext): HostileRequest[] {
  const choices = fc.sample(choice, { numRuns: count, seed });
  // Every kind at least once, whatever the sample drew.
  HOSTILE_KINDS.forEach((kind, i) => {
    const drawn = choices[i];
    if (drawn && i < count) drawn.kind = kind;
  });
  const signingKey = emulatorSigningKey();
  return choices.map((c, index) => build(c, hostileTenantId(seed, index), context, signingKey));
}

function build(c: Choice, tenantId: string, context: HostileContext, signingKey: string): HostileRequest {
  const { partnerCenterUrl } = context;
  const body = eventBody(partnerCenterUrl, tenantId, new Date(Date.UTC(2026, 0, 1) + c.variant));
  const forged = signatureHeaders(partnerCenterUrl, body, attacker());
  const clientError = (
    headers: Record<string, string>,
    sent: Pick<HostileRequest, 'body' | 'padTo' | 'streamed'> = { body },
  ): HostileRequest => ({ kind: c.kind, tenantId, headers, ...sent, expect: 'clientError' });
  switch (c.kind) {
    case 'forgedSignature':
      return clientError(forged);
    case 'garbageSignature': {
      const values = [
        '',
        'Signature',
        'Signature !!!not-base64!!!',
        'Bearer abc.def.ghi',
        `Signature ${'A'.repeat(344)}`,
      ];
      return clientError({ ...forged, authorization: pick(values, c.variant) });
    }
    case 'wrongAlgorithm': {
      // A genuine signature, but the header claims another algorithm: refused before any download.
      const genuine = signatureHeaders(partnerCenterUrl, body, signingKey);
      return clientError({
        ...genuine,
        'x-ms-signature-algorithm': pick(['rsa-sha1', 'none', 'HS256', ''], c.variant),
      });
    }
    case 'certificateUrlNotAllowed': {
      const urls = [
        `${context.canaryUrl}/cert.pem`,
        `${partnerCenterUrl}/certificates/other.pem`,
        'https://evil.example/cert/pcnotifications-dispatch.microsoft.com.cer',
        'https://3psostorageacct.blob.core.windows.net.evil.example/cert/pcnotifications-dispatch.microsoft.com.cer',
        `${partnerCenterUrl.replace('://', '://user:secret@')}${WEBHOOK_CERTIFICATE_PATH}`,
        'file:///etc/passwd',
        'not a url',
      ];
      return clientError({ ...forged, 'x-ms-certificate-url': pick(urls, c.variant) });
    }
    case 'oversizeBody':
      return clientError(forged, { body, padTo: c.size });
    case 'oversizeStreamedBody':
      return clientError(forged, { body, padTo: c.size, streamed: true });
    case 'oversizeCertificateUrl': {
      // Under Node's 16 KB header limit (the app must refuse it), or over it (the server refuses it).
      const length = c.variant % 2 === 0 ? 8 * 1024 : 20 * 1024;
      const url = `${context.canaryUrl}/${'c'.repeat(length)}.pem`;
      return clientError({ ...forged, 'x-ms-certificate-url': url });
    }
    case 'tamperedBody': {
      const original = eventBody(partnerCenterUrl, context.genuine.tenantId, new Date(Date.UTC(2026, 0, 2)));
      return clientError(signatureHeaders(partnerCenterUrl, original, signingKey));
    }
    case 'signedNonEvent': {
      const nonEvent = Buffer.from(
        pick(
          [
            '[]',
            '{"EventName":""}',
            `{"EventName":"${WEBHOOK_EVENT_NAME}","ResourceUri":"/v1/orders/${tenantId}"}`,
            'x',
          ],
          c.variant,
        ),
      );
      return clientError(signatureHeaders(partnerCenterUrl, nonEvent, signingKey), { body: nonEvent });
    }
    case 'replay':
      return {
        kind: 'replay',
        tenantId: context.genuine.tenantId,
        headers: context.genuine.headers,
        body: context.genuine.body,
        expect: 'duplicate',
      };
  }
}

function pick<T>(values: readonly T[], n: number): T {
  return values[n % values.length];
}

/** The event with an extra field that makes it `size` bytes: still JSON, just too large. */
export function padded(body: Buffer, size: number): Buffer {
  const prefix = body.subarray(0, body.length - 1).toString('utf8');
  const filler = Math.max(0, size - body.length - 12);
  return Buffer.from(`${prefix},"Padding":"${'p'.repeat(filler)}"}`);
}
