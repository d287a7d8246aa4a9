/**
 * The onboarding run's policy (the settings an orchestration uses) as data: the starter puts it in the
 * orchestration input, so a run keeps the policy it started with through settings changes and deploys;
 * every later generation (continue-as-new) carries it on. Pure: no Durable or Functions imports.
 */
import { z } from 'zod';
import { METHODS, PARTNER_TYPES, RESELLER_STRATEGIES } from '../mca';
import { AGREEMENT_CONFLICT_ACTIONS } from './attestation-rules';
import { onboardingRequestSchema, type OnboardingRequest } from './contracts';

/**
 * The version of the orchestrator's rules a run started under. Raise it when a rule (the path choice,
 * the timing) changes in a way a running customer must not see, and keep the old rule for older runs.
 * Runs started before versioning have none in their input: version 0.
 */
export const POLICY_VERSION = 1;

const ms = z.number().int().nonnegative();

export const activityRetrySchema = z.object({
  firstRetryIntervalMs: ms.min(1),
  maxNumberOfAttempts: z.number().int().min(1),
  backoffCoefficient: z.number().min(1),
  maxRetryIntervalMs: ms.min(1),
  /** How long a failing activity keeps being retried (OUTAGE_TOLERANCE); undefined: attempts only. */
  retryTimeoutMs: ms.min(1).optional(),
});
export type ActivityRetry = z.output<typeof activityRetrySchema>;

/** Spacing of activity retries: a minute, doubling, at most 15 minutes apart. */
export const ACTIVITY_BACKOFF = {
  firstRetryIntervalMs: 60_000,
  backoffCoefficient: 2,
  maxRetryIntervalMs: 15 * 60_000,
} as const;

/** The retries of runs started before OUTAGE_TOLERANCE: five attempts, then the step fails. */
export const VERSION_0_RETRY: ActivityRetry = { ...ACTIVITY_BACKOFF, maxNumberOfAttempts: 5 };

export const onboardingPolicySchema = z.object({
  partnerType: z.enum(PARTNER_TYPES),
  defaultMethod: z.enum(METHODS),
  resellerStrategy: z.enum(RESELLER_STRATEGIES),
  reminderScheduleMs: z.array(ms).readonly(),
  acceptanceDeadlineMs: ms,
  poll: z.object({ initialMs: ms.min(1), maxMs: ms.min(1) }),
  /** Fixed poll interval while an attestation link is out and not accepted. */
  attestationPollMs: ms.min(1),
  /** How long a created agreement may take to show in Partner Center's reads before the run fails. */
  confirmationTimeoutMs: ms,
  /** 600061 on a re-attestation with the customer still not covered. */
  onAgreementConflict: z.enum(AGREEMENT_CONFLICT_ACTIONS),
  retry: activityRetrySchema,
  /**
   * Wake-ups of the wait loop per generation: then the run continues as new with its state, so a
   * month of polling never grows one history without bound. Absent (older inputs): never.
   */
  wakeUpsPerGeneration: z.number().int().min(1).optional(),
});
export type OnboardingPolicy = z.output<typeof onboardingPolicySchema>;

/**
 * Attempts enough for retries to span `toleranceMs`: the attempts while the delay grows to its cap,
 * then one per capped interval, and one more for the last. The retry timeout ends them in time.
 */
export function attemptsWithin(
  toleranceMs: number,
  retry: Pick<ActivityRetry, 'firstRetryIntervalMs' | 'backoffCoefficient' | 'maxRetryIntervalMs'>,
): number {
  let attempts = 1;
  let elapsed = 0;
  let delay = retry.firstRetryIntervalMs;
  while (elapsed < toleranceMs) {
    elapsed += Math.min(delay, retry.maxRetryIntervalMs);
    delay *= retry.backoffCoefficient;
    attempts++;
  }
  return attempts;
}

/**
 * The orchestration's input: the request that started the run, the policy and rules version it runs
 * under (absent in runs started before policies were pinned: the registered policy, version 0), and
 * in a later generation the run's state so far.
 */
export const onboardingInputSchema = onboardingRequestSchema.extend({
  policy: onboardingPolicySchema.optional(),
  policyVersion: z.number().int().min(0).optional(),
  /** Set by continue-as-new: the orchestrator's run state (its own JSON) and its poll attempt. */
  carried: z.object({ run: z.record(z.string(), z.unknown()), attempt: z.number().int().min(0) }).optional(),
});
export type OnboardingInput = z.output<typeof onboardingInputSchema>;

/** A new run's input: the request with the policy it keeps for its whole life. */
export function pinnedInput(request: OnboardingRequest, policy: OnboardingPolicy): OnboardingInput {
  return { ...request, policy, policyVersion: POLICY_VERSION };
}
