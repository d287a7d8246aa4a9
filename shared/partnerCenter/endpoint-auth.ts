/**
 * Which credential each call uses, as Microsoft documents it ("This scenario supports ... "):
 * - get agreement metadata, get customer agreements, direct-signed status: App+User only
 *   (learn.microsoft.com/partner-center/developer/get-confirmation-of-customer-agreement,
 *   .../get-direct-sign-status-of-customer-agreement, .../get-customer-agreement-metadata);
 * - enhanced attestation and creating the agreement with its attestation id: AppOnly only
 *   (.../partner-center/customers/integrate-sandbox-confirm-customer-accept);
 * - list customers, audit records: both (.../get-a-list-of-customers, .../audit). App-only is preferred
 *   there: it needs no refresh token and no MFA claim.
 */
import type { TokenProvider } from './token-providers';

export type AuthMode = 'appOnly' | 'appUser' | 'either';

export const endpointAuth = {
  getAgreementMetadata: 'appUser',
  getDirectSignedStatus: 'appUser',
  listCustomerAgreements: 'appUser',
  createEnhancedAttestation: 'appOnly',
  getEnhancedAttestation: 'appOnly',
  createAgreement: 'appOnly',
  listCustomers: 'either',
  listAuditRecords: 'either',
} as const satisfies Record<string, AuthMode>;

export type PartnerCenterOperation = keyof typeof endpointAuth;

export interface TokenProviders {
  /** Client credentials (secret or certificate). */
  appOnly?: TokenProvider;
  /** Secure application model (refresh token). */
  appUser?: TokenProvider;
}

export function tokenProviderFor(
  operation: PartnerCenterOperation,
  providers: TokenProviders,
): TokenProvider {
  const mode: AuthMode = endpointAuth[operation];
  const provider =
    mode === 'appOnly'
      ? providers.appOnly
      : mode === 'appUser'
        ? providers.appUser
        : (providers.appOnly ?? providers.appUser);
  if (provider) return provider;
  const needed =
    mode === 'appOnly'
      ? 'App-only credentials (client secret or certificate)'
      : mode === 'appUser'
        ? 'App+User credentials (PARTNER_CENTER_REFRESH_TOKEN)'
        : 'App-only or App+User credentials';
  throw new Error(`Partner Center ${operation} needs ${needed}, and none were configured`);
}
