/**
 * A chaos fault run's counts that must come out zero (nothing doubled, lost, misrouted or crashed),
 * written out here rather than read from chaos/run.ts's MUST_BE_ZERO: a count dropped from that list
 * still fails the tests that expect it to be zero.
 */
export const ZERO_COUNTS = {
  duplicateMails: 0,
  duplicateAttestations: 0,
  duplicateAgreements: 0,
  lostMessages: 0,
  misroutedMessages: 0,
  outcomesMissingOrDoubled: 0,
  hostCrashes: 0,
} as const;
