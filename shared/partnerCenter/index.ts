/** Public surface of the Partner Center client. */
export {
  createPartnerCenterClient,
  type PartnerCenterClient,
  type PartnerCenterClientOptions,
  type ReadOptions,
  type WriteOptions,
  type Signatory,
  type EnhancedAttestationInput,
  type EnhancedAttestation,
  type CreateAgreementInput,
  type AuditRecordQuery,
  type CustomerPage,
} from './partner-center.client';
export {
  createPartnerCenterClientFromConfig,
  createWebhookRegistrationClientFromConfig,
  msalOptionsFor,
  type PartnerCenterClientDeps,
} from './from-config';
export {
  createWebhookRegistrationClient,
  type WebhookRegistration,
  type WebhookRegistrationClient,
  type WebhookValidationStatus,
} from './webhook-registration.client';
export {
  createAppOnlyTokenProvider,
  createAppUserTokenProvider,
  partnerCenterScope,
  refreshTokensInCache,
  RefreshTokenRejected,
  type TokenProvider,
  type AppUserTokenOptions,
} from './token-providers';
export {
  createCursorRefreshTokenStore,
  createKeyVaultRefreshTokenStore,
  createMemoryRefreshTokenStore,
  REFRESH_TOKEN_CURSOR,
  type RefreshTokenStore,
} from './refresh-token-store';
export { buildMsalConfiguration, type MsalAppOptions } from './msal-configuration';
export {
  endpointAuth,
  type AuthMode,
  type PartnerCenterOperation,
  type TokenProviders,
} from './endpoint-auth';
export {
  createRateLimiter,
  defaultRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
} from './rate-limiter';
export {
  budgetPlan,
  claim,
  createSharedBudget,
  RING_SIZE,
  type BudgetPlan,
  type BudgetRow,
  type BudgetStore,
  type SharedBudget,
  type SharedBudgetOptions,
} from './shared-budget';
export { BUDGET_CURSOR_PREFIX, createCursorBudgetStore } from './shared-budget.cursors';
export { defaultRetryPolicy, type RetryPolicy } from './retry-policy';
export { requestIdForKey } from './request-ids';
export * from './errors';
export {
  mcaAgreementType,
  type AgreementMetadata,
  type AuditRecord,
  type CreatedAgreement,
  type Customer,
  type CustomerAgreement,
  type DirectSignedStatus,
} from './schemas';
export {
  checkCertificateUrl,
  createHttpCertificateFetcher,
  createWebhookVerifier,
  MICROSOFT_WEBHOOK_CERTIFICATE_URL,
  WebhookSignatureError,
  WEBHOOK_HEADERS,
  WEBHOOK_REJECTION_REASONS,
  type CertificateFetcher,
  type HeaderReader,
  type WebhookRejectionReason,
  type WebhookVerification,
  type WebhookVerifier,
  type WebhookVerifierOptions,
} from './webhook-signature';
export { BodyTooLargeError, declaresMoreThan, readCapped } from './capped-body';
export { parseCertificates } from './certificate-chain';
export { createReplayGuard, type ReplayGuard } from './webhook-replay';
export {
  AUDIT_FEED_CURSOR,
  defaultAuditFeedPolicy,
  newCustomerFromAuditRecord,
  planAuditWindows,
  runAuditFeed,
  type AuditFeedPolicy,
  type AuditFeedPorts,
  type AuditFeedSummary,
  type AuditPlan,
  type AuditWindow,
  type NewCustomer,
} from './audit-feed';
export { readMcaStatus, type McaStatusReader, type ReadMcaStatusOptions } from './mca-status';
