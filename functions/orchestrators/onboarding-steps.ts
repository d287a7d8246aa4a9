/**
 * Typed calls of the onboarding activities from an orchestrator: one place for names, retry options
 * and result types, so the orchestrator reads as steps. Everything here only schedules tasks.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type {
  CheckStatusResult,
  CreateAgreementInput,
  CreateAgreementResult,
  CreateAttestationInput,
  CreateAttestationResult,
  GetAttestationResult,
  SaveStateInput,
} from '../../shared/workflow/activities';
import { ACTIVITIES } from '../../shared/workflow/contracts';
import type { MailRequest } from '../../shared/workflow/mail-requests';
import type { ActivityRetry } from '../../shared/workflow/run-policy';
import type { SendMailResult } from '../activities/send-mail.activity';
import type { PublishOutcomeInput } from '../activities/publish-outcome.activity';

export type { ActivityRetry };

/** A step's result: `yield*` it inside a generator to get the activity's typed output. */
export type Step<T> = Generator<Task, T, unknown>;

function* awaitTask<T>(task: Task): Step<T> {
  return (yield task) as T;
}

export function onboardingSteps(context: OrchestrationContext, retry: ActivityRetry) {
  const options = new df.RetryOptions(retry.firstRetryIntervalMs, retry.maxNumberOfAttempts);
  options.backoffCoefficient = retry.backoffCoefficient;
  options.maxRetryIntervalInMilliseconds = retry.maxRetryIntervalMs;
  // Retries span an outage (OUTAGE_TOLERANCE) on durable timers; the attempts are counted to fill it.
  if (retry.retryTimeoutMs !== undefined) options.retryTimeoutInMilliseconds = retry.retryTimeoutMs;
  const call = <T>(name: string, input: unknown): Step<T> =>
    awaitTask<T>(context.df.callActivityWithRetry(name, options, input));

  return {
    checkStatus: (tenantId: string, at: string) =>
      call<CheckStatusResult>(ACTIVITIES.checkStatus, { tenantId, at }),
    createAttestation: (input: CreateAttestationInput) =>
      call<CreateAttestationResult>(ACTIVITIES.createAttestation, input),
    getAttestation: (attestationId: string) =>
      call<GetAttestationResult>(ACTIVITIES.getAttestation, { attestationId }),
    createAgreement: (input: CreateAgreementInput) =>
      call<CreateAgreementResult>(ACTIVITIES.createAgreement, input),
    sendMail: (request: MailRequest) => call<SendMailResult>(ACTIVITIES.sendMail, request),
    saveState: (input: SaveStateInput) => call<void>(ACTIVITIES.saveState, input),
    publishOutcome: (input: PublishOutcomeInput) => call<void>(ACTIVITIES.publishOutcome, input),
  };
}

export type OnboardingSteps = ReturnType<typeof onboardingSteps>;
