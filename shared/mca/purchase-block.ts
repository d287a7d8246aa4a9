/**
 * Recognises Partner Center's refusal to sell to a customer whose only MCA attestation is stale.
 * Pure: pass the HTTP status and the response body (parsed JSON or its raw text).
 */

/** 900428 is the documented code; some public pages name 13605 for the same block. */
export const PURCHASE_BLOCK_CODES: readonly number[] = [900428, 13605];

export function isPurchaseBlocked(status: number, body: unknown): boolean {
  if (status !== 403) return false;
  const code = errorCode(typeof body === 'string' ? parseJson(body) : body);
  return code !== undefined && PURCHASE_BLOCK_CODES.includes(code);
}

/**
 * The `code` of either Partner Center error shape: `{ code, description, data, source }` or the newer
 * `{ code, message, description, errorName, isRetryable, ... }`. Both carry it at the top level, as a
 * number or as a numeric string.
 */
function errorCode(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || !('code' in body)) return undefined;
  const { code } = body;
  if (typeof code === 'number') return Number.isInteger(code) ? code : undefined;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
