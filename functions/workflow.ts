/** Registers the onboarding orchestrator and its activities, each built from the app's dependencies. */
import * as df from 'durable-functions';
import type { AppConfig } from '../shared/config';
import { ACTIVITIES, ORCHESTRATORS } from '../shared/workflow/contracts';
import { ACTIVITY_BACKOFF, attemptsWithin, type OnboardingPolicy } from '../shared/workflow/run-policy';
import { createCreateAgreementActivity } from './activities/create-agreement.activity';
import {
  createCreateAttestationActivity,
  createGetAttestationActivity,
} from './activities/attestation.activity';
import { createCheckStatusActivity } from './activities/check-status.activity';
import { createPublishOutcomeActivity } from './activities/publish-outcome.activity';
import { createSaveStateActivity } from './activities/save-state.activity';
import { createSendMailActivity } from './activities/send-mail.activity';
import { partnerCenterDeps, type AppDeps } from './app-deps';
import { createOnboardingOrchestrator } from './orchestrators/mca-onboarding.orchestrator';

/** Wait-loop wake-ups per generation: a month of polling stays a few small histories. */
const WAKE_UPS_PER_GENERATION = 20;

/** The orchestrator's settings, read once here: orchestrators never read configuration themselves. */
export function onboardingPolicy(config: AppConfig): OnboardingPolicy {
  const { timing } = config;
  return {
    partnerType: config.partnerType,
    defaultMethod: config.defaultMethod,
    resellerStrategy: config.resellerStrategy,
    reminderScheduleMs: timing.reminderScheduleMs,
    acceptanceDeadlineMs: timing.acceptanceDeadlineMs,
    poll: { initialMs: timing.pollInitialDelayMs, maxMs: timing.pollMaxDelayMs },
    attestationPollMs: timing.attestationPollIntervalMs,
    confirmationTimeoutMs: timing.confirmationTimeoutMs,
    // A reseller never attests, so never meets 600061: the setting is read only with Partner Center.
    onAgreementConflict: config.partnerCenter?.onAgreementConflict ?? 'direct',
    retry: outageRetry(timing.outageToleranceMs),
    wakeUpsPerGeneration: WAKE_UPS_PER_GENERATION,
  };
}

/**
 * Failures beyond the client's own retries (429, 5xx, network, storage): minutes apart, then every 15
 * minutes on durable timers until OUTAGE_TOLERANCE has passed, so an outage of hours leaves customers
 * waiting instead of Failed.
 */
function outageRetry(toleranceMs: number): OnboardingPolicy['retry'] {
  return {
    ...ACTIVITY_BACKOFF,
    maxNumberOfAttempts: attemptsWithin(toleranceMs, ACTIVITY_BACKOFF),
    retryTimeoutMs: toleranceMs,
  };
}

export function registerWorkflow(deps: AppDeps): void {
  df.app.orchestration(ORCHESTRATORS.onboarding, createOnboardingOrchestrator(onboardingPolicy(deps.config)));
  // A reseller's orchestrations never call the Partner Center activities (it has no API access).
  const partnerCenter = partnerCenterDeps(deps);
  const activities = {
    ...(partnerCenter && {
      [ACTIVITIES.checkStatus]: createCheckStatusActivity(partnerCenter),
      [ACTIVITIES.createAttestation]: createCreateAttestationActivity(partnerCenter),
      [ACTIVITIES.getAttestation]: createGetAttestationActivity(partnerCenter),
      [ACTIVITIES.createAgreement]: createCreateAgreementActivity(partnerCenter),
    }),
    [ACTIVITIES.sendMail]: createSendMailActivity(deps),
    [ACTIVITIES.saveState]: createSaveStateActivity(deps),
    [ACTIVITIES.publishOutcome]: createPublishOutcomeActivity(deps),
  };
  for (const [name, handler] of Object.entries(activities)) df.app.activity(name, { handler });
}
