/**
 * Recognises Partner Center's refusal to sell to a customer whose only MCA attestation is stale.
 * Pure: pass the HTTP status and the response body (parsed JSON or its raw text).
 */

/**
 * Both 403s Microsoft documents: 900428 (the MCA page) when the customer's only attestation predates
 * 2023-04-01, 13605 (the REST error-code table) when the customer has no MCA at all.
 */
export const PURCHASE_BLOCK = { staleAttestation: 900428, noMca: 13605 } as const;
export type PurchaseBlockReason = keyof typeof PURCHASE_BLOCK;
export const PURCHASE_BLOCK_CODES: readonly number[] = Object.values(PURCHASE_BLOCK);

/** Why Partner Center refused a purchase, or undefined when the reply is not the MCA purchase block. */
export function purchaseBlockReason(status: number, body: unknown): PurchaseBlockReason | undefined {
  if (status !== 403) return undefined;
  const code = errorCode(typeof body === 'string' ? parseJson(body) : body);
  const reasons = Object.keys(PURCHASE_BLOCK) as PurchaseBlockReason[];
  return reasons.find((reason) => PURCHASE_BLOCK[reason] === code);
}

export function isPurchaseBlocked(status: number, body: unknown): boolean {
  return purchaseBlockReason(status, body) !== undefined;
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
