export {
  ATTESTATION_VALID_FROM,
  MCA_AGREEMENT_TYPE,
  MCA_TEMPLATE_ID,
  PURCHASE_BLOCKED_FROM,
  InvalidAgreementDateError,
  assessMcaEvidence,
  evaluateMcaStatus,
  isMcaAgreement,
  parseAgreementDate,
  type AgreementItem,
  type IgnoredAgreement,
  type McaAssessment,
  type McaEvidence,
  type McaStatus,
} from './status';
export {
  METHODS,
  PARTNER_TYPES,
  RESELLER_STRATEGIES,
  decidePath,
  type Method,
  type PartnerType,
  type Path,
  type PathInput,
  type PathReason,
  type ResellerStrategy,
} from './path';
export {
  InvalidDurationError,
  deadlineAt,
  instantAt,
  nextReminder,
  parseIsoDuration,
  pollDelay,
  reminderTimes,
  type PollBackoff,
} from './schedule';
export { PURCHASE_BLOCK_CODES, isPurchaseBlocked } from './purchase-block';
