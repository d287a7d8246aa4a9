/** Checks `Authorization: Bearer <key>` the way SendGrid's API does, in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';

export type ApiKeyCheck = 'ok' | 'missing' | 'invalid';

export function checkApiKey(authorization: string | undefined, expectedKey: string): ApiKeyCheck {
  if (authorization === undefined || authorization.trim() === '') return 'missing';
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (!match?.[1]) return 'invalid';
  // Hashing first gives equal-length buffers, so the comparison leaks nothing about the key's length.
  return timingSafeEqual(digest(match[1]), digest(expectedKey)) ? 'ok' : 'invalid';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
