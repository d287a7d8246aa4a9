/**
 * Checks the shared access signatures clients put on `$cbs`, as Service Bus does for a namespace key:
 * `SharedAccessSignature sr=<url-encoded audience>&sig=<url-encoded HMAC-SHA256>&se=<expiry s>&skn=<key name>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SharedAccessKey {
  keyName: string;
  key: string;
}

/** The key every Service Bus emulator connection string uses. Not a secret. */
export const DEVELOPMENT_KEY: SharedAccessKey = {
  keyName: 'RootManageSharedAccessKey',
  key: 'SAS_KEY_VALUE',
};

export type TokenCheck = { valid: true; audience: string } | { valid: false; reason: string };

/** Validates signature, key name and expiry; `nowMs` is wall-clock time, as the SDK signs with it. */
export function checkSasToken(token: unknown, key: SharedAccessKey, nowMs: number): TokenCheck {
  const prefix = 'SharedAccessSignature ';
  if (typeof token !== 'string' || !token.startsWith(prefix))
    return { valid: false, reason: 'not a SAS token' };
  const fields = new Map<string, string>();
  for (const pair of token.slice(prefix.length).split('&')) {
    const at = pair.indexOf('=');
    if (at > 0) fields.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const [sr, sig, se, skn] = ['sr', 'sig', 'se', 'skn'].map((name) => fields.get(name));
  if (!sr || !sig || !se || !skn) return { valid: false, reason: 'missing sr, sig, se or skn' };
  if (safeDecode(skn) !== key.keyName) return { valid: false, reason: 'unknown key name' };
  const expected = createHmac('sha256', key.key).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(safeDecode(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { valid: false, reason: 'invalid signature' };
  }
  if (!(Number(se) * 1000 > nowMs)) return { valid: false, reason: 'token expired' };
  return { valid: true, audience: safeDecode(sr) };
}

/** Whether a token for `audience` (e.g. `sb://host:port/queue`) grants access to `entityPath`. */
export function audienceCovers(audience: string, entityPath: string): boolean {
  const path = audience
    .replace(/^[a-z]+:\/\/[^/]*/i, '')
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();
  const entity = entityPath.toLowerCase();
  return path === '' || entity === path || entity.startsWith(`${path}/`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
