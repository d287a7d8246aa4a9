/**
 * Which way a customer gets onto the MCA. Pure.
 */

export const PARTNER_TYPES = ['DirectBill', 'IndirectProvider', 'IndirectReseller'] as const;
export type PartnerType = (typeof PARTNER_TYPES)[number];

export const METHODS = ['direct', 'attestation'] as const;
export type Method = (typeof METHODS)[number];

/** What an IndirectReseller deployment does instead of attesting. */
export const RESELLER_STRATEGIES = ['direct', 'handOff', 'both'] as const;
export type ResellerStrategy = (typeof RESELLER_STRATEGIES)[number];

export type PathReason = 'new' | 'stale' | 'purchaseBlocked';

export interface PathInput {
  /** The `method` of the CRM message or HTTP request, when it named one. */
  requestedMethod?: Method | undefined;
  defaultMethod: Method;
  partnerType: PartnerType;
  resellerStrategy: ResellerStrategy;
  /**
   * Why a path is needed: no MCA yet, a stale attestation, or a purchase already blocked. The rule is
   * deliberately the same for all three (re-attestation is an attestation like any other); callers
   * pass it so the decision stays one function if that ever changes.
   */
  reason: PathReason;
}

export type Path =
  | { kind: 'direct' }
  | { kind: 'attestation' }
  /** Mail the indirect provider; `alsoInviteDirect` also sends the customer the direct invitation. */
  | { kind: 'handOff'; alsoInviteDirect: boolean };

/**
 * Only DirectBill and IndirectProvider partners may attest (Microsoft's attestation API is closed to
 * indirect resellers), so an IndirectReseller deployment follows its strategy whatever was requested.
 */
export function decidePath(input: PathInput): Path {
  if (input.partnerType === 'IndirectReseller') {
    switch (input.resellerStrategy) {
      case 'direct':
        return { kind: 'direct' };
      case 'handOff':
        return { kind: 'handOff', alsoInviteDirect: false };
      case 'both':
        return { kind: 'handOff', alsoInviteDirect: true };
    }
  }
  const method = input.requestedMethod ?? input.defaultMethod;
  return method === 'attestation' ? { kind: 'attestation' } : { kind: 'direct' };
}

/**
 * Microsoft gives indirect resellers no Partner Center API access: such a deployment never reads it
 * (no status checks, feed, sweep or webhook); people confirm the acceptance instead.
 */
export function readsPartnerCenter(partnerType: PartnerType): boolean {
  return partnerType !== 'IndirectReseller';
}
