/** GUIDs for MS-RequestId / MS-CorrelationId. */
import { createHash, randomUUID } from 'node:crypto';

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Namespace of this app's name-based request ids (UUID v5, RFC 9562 section 5.5).
const namespace = Buffer.from('6f1d3c2a9b8e4f7d8c5a1e2b3d4c5f60', 'hex');

export function newGuid(): string {
  return randomUUID();
}

/**
 * A stable MS-RequestId for an idempotency key: the key itself when it is a GUID, otherwise a
 * name-based UUID, so a caller can derive it from e.g. tenant + purpose and survive a restart.
 */
export function requestIdForKey(key: string): string {
  if (guidPattern.test(key)) return key.toLowerCase();
  const bytes = createHash('sha1').update(namespace).update(key, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
