/**
 * One customer's way onto the MCA (docs/architecture.md "States of one customer"): check Partner Center,
 * choose the path, send the invitation or run the attestation, then wait — polling with back-off,
 * reminding on schedule, listening for new details and operator actions — until the customer is
 * Accepted, or the deadline passes (Expired + escalation). Deterministic: time comes from
 * `context.df.currentUtcDateTime`, every side effect is an activity, settings arrive in the policy.
 * A run keeps the policy pinned in its input when it started, and every few wake-ups continues as new
 * with its state (`Run` is plain JSON), so its history stays small however long it waits.
 */
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import {
  decidePath,
  deadlineAt,
  instantAt,
  instantOf,
  nextReminder,
  readsPartnerCenter,
  type McaStatus,
  type Method,
  type Path,
} from '../../shared/mca';
import type { CustomerStateName, StateMethod } from '../../shared/store/customer-state';
import type { GetAttestationResult } from '../../shared/workflow/activities';
import {
  AGREEMENT_CONFLICT_REASON,
  afterAgreementConflict,
  agreedAt,
  isStaleUpdate,
  needsNewAttestation,
  pollInterval,
} from '../../shared/workflow/attestation-rules';
import {
  ONBOARDING_EVENTS,
  confirmationSchema,
  onboardingRequestSchema,
  type Customer,
  type OnboardingRequest,
  type OutcomeType,
} from '../../shared/workflow/contracts';
import { confirmationNote, reportedAcceptance, utcInstant } from '../../shared/workflow/confirmation';
import type { MailRequest } from '../../shared/workflow/mail-requests';
import {
  onboardingInputSchema,
  type OnboardingInput,
  type OnboardingPolicy,
  VERSION_0_RETRY,
} from '../../shared/workflow/run-policy';
import { onboardingSteps, type OnboardingSteps, type Step } from './onboarding-steps';

export type { OnboardingPolicy };

/** How a run ended: the orchestration's output. */
export interface OnboardingResult {
  state: CustomerStateName;
  reason: string | null;
}

/** States that wait on someone and remind them; HandedOff reminds the indirect provider. */
const WAITING: readonly CustomerStateName[] = ['InviteSent', 'AttestationPending', 'HandedOff'];
/** Unknown country (CLDR `ZZ`) for a tenant Partner Center told us about before the CRM did. */
const UNKNOWN_COUNTRY = 'ZZ';

interface Attestation {
  id: string;
  url: string;
  expiresAt: string | null;
  expired: boolean;
  /** Whom it was made for: the agreement names the same person, even if the CRM changes it later. */
  signatory: Customer['signatory'];
}

/** An external-event waiter; every one is kept until its event is handled (see `waitForAcceptance`). */
interface Waiter {
  name: string;
  task: Task;
  handled: boolean;
}

/**
 * Everything the run knows: the orchestrator's replayed locals, carried into the next generation by
 * continue-as-new, so plain JSON only (times as ISO strings, sets as arrays).
 */
interface Run {
  tenantId: string;
  runKey: string;
  reason: OnboardingRequest['reason'];
  method: Method | undefined;
  customer: Customer | undefined;
  companyName: string;
  startedAt: string;
  /** When the first invitation went out: reminders and the deadline count from here. */
  invitedAt: string | undefined;
  deadline: string;
  state: CustomerStateName;
  stateReason: string | null;
  acceptedMethod: Method | null;
  acceptedAt: string | null;
  path: Path | undefined;
  /** Every attestation of the run, oldest first; the last is the one reminders link to. */
  attestations: Attestation[];
  agreementCreatedAt: string | undefined;
  /** False while Partner Center answers 404 for the customer (a new relationship not shown yet). */
  visible: boolean;
  /** False until a status read succeeds: no path starts before the customer's status is known. */
  statusKnown: boolean;
  /** The customer had an earlier (stale) agreement: a 600061 then may mean nothing new was recorded. */
  reattestation: boolean;
  /** `occurredAt` of the latest CRM update applied: older ones are ignored. */
  lastAppliedAt: string | undefined;
  /** Attestation status words we did not know, each logged once. */
  unknownWords: string[];
  remindersSent: number;
  invitationsSent: number;
  seenEvents: string[];
  /** The rules version the run started under (`POLICY_VERSION`; 0: before versioning). */
  policyVersion: number;
  /** Partner Center refuses purchases (a purchase-block event, or a stale attestation past the cut-off). */
  purchaseBlocked: boolean;
  /** The starting event said the MCA is accepted (CRM `mcaAccepted`): when, as far as anyone knows. */
  reportedAcceptedAt: string | undefined;
}

type Done = { done: true; result: OnboardingResult } | { done: false };
const CONTINUE: Done = { done: false };

/**
 * `registered`: the app's current policy, for runs started before policies were pinned in the input.
 * Every newer run uses the policy of its input, whatever the settings are now.
 */
export function createOnboardingOrchestrator(registered: OnboardingPolicy): OrchestrationHandler {
  return function* onboarding(context: OrchestrationContext): Generator<Task, OnboardingResult, unknown> {
    const input = parseInput(context.df.getInput());
    const policy = input.policy ?? asUnpinnedRunRan(registered);
    const steps = onboardingSteps(context, policy.retry);
    const flow = new OnboardingFlow(context, steps, policy, input);
    return yield* flow.execute();
  };
}

/**
 * A run started before policies were pinned replays its history as it ran: the retries it had then and
 * one history (continue-as-new at a point its history went on would break the replay).
 */
function asUnpinnedRunRan(registered: OnboardingPolicy): OnboardingPolicy {
  return { ...registered, retry: VERSION_0_RETRY, wakeUpsPerGeneration: undefined };
}

function parseInput(input: unknown): OnboardingInput {
  const parsed = onboardingInputSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(input)').join(', ');
    throw new Error(`invalid onboarding request: ${fields}`);
  }
  return parsed.data;
}

/** A new run's state, from the request that starts it. */
function newRun(input: OnboardingInput, policy: OnboardingPolicy, context: OrchestrationContext): Run {
  const startedAt = context.df.currentUtcDateTime;
  return {
    tenantId: input.tenantId,
    // Per execution: a later run started by the same event id (an operator's retry) may mail again.
    runKey: `${input.eventId}@${startedAt.toISOString()}`,
    reason: input.reason,
    method: input.method,
    customer: input.customer,
    companyName: input.customer?.companyName ?? input.companyName ?? input.tenantId,
    startedAt: startedAt.toISOString(),
    invitedAt: undefined,
    deadline: deadlineAt(startedAt, policy.acceptanceDeadlineMs).toISOString(),
    state: 'Checking',
    stateReason: null,
    acceptedMethod: null,
    acceptedAt: null,
    path: undefined,
    attestations: [],
    agreementCreatedAt: undefined,
    visible: true,
    statusKnown: false,
    reattestation: false,
    lastAppliedAt: input.occurredAt,
    unknownWords: [],
    remindersSent: 0,
    invitationsSent: 0,
    seenEvents: [input.eventId],
    policyVersion: input.policyVersion ?? 0,
    purchaseBlocked: input.reason === 'purchaseBlocked',
    reportedAcceptedAt: input.mcaAccepted ? reportedAcceptance(input, startedAt.toISOString()) : undefined,
  };
}

class OnboardingFlow {
  private readonly run: Run;
  /** Poll attempts so far (the back-off), carried across generations; undefined: a new run. */
  private readonly carriedAttempt: number | undefined;

  constructor(
    private readonly context: OrchestrationContext,
    private readonly steps: OnboardingSteps,
    private readonly policy: OnboardingPolicy,
    private readonly input: OnboardingInput,
  ) {
    // A later generation goes on with the state its predecessor carried over.
    this.run = input.carried ? (input.carried.run as unknown as Run) : newRun(input, policy, context);
    this.carriedAttempt = input.carried?.attempt;
  }

  *execute(): Step<OnboardingResult> {
    try {
      if (this.carriedAttempt !== undefined) return yield* this.waitForAcceptance(this.carriedAttempt);
      yield* this.record('Checking', 'RunStarted', `reason ${this.run.reason}`);
      if (!readsPartnerCenter(this.policy.partnerType)) return yield* this.withoutPartnerCenter();
      // A first check that fails (an outage, a refused token) is no verdict: keep Checking and poll.
      const first = (yield* this.tolerant(this.steps.checkStatus(this.run.tenantId, this.nowIso())))?.value;
      if (!first || first.kind === 'failed') {
        const reason = first ? first.reason : 'Partner Center could not be read';
        yield* this.record('Checking', 'CheckFailed', `${reason}; checking again`);
      } else if (first.kind === 'notVisible') {
        this.run.visible = false;
        yield* this.record('Checking', 'NotVisible', NOT_VISIBLE_YET);
      } else {
        this.run.statusKnown = true;
        const started = yield* this.proceedFrom(first.status);
        if (started.done) return started.result;
      }
      return yield* this.waitForAcceptance(0);
    } catch (error) {
      return yield* this.failed(describe(error));
    }
  }

  // ---- choosing and starting the path ------------------------------------------------------------

  /** The customer's first readable status: settled, or a path started (or waiting for details). */
  private *proceedFrom(status: McaStatus): Step<Done> {
    const settled = yield* this.settleIfAccepted(status);
    if (settled.done) return settled;
    if (status.kind === 'reattestationRequired') {
      this.run.reattestation = true;
      if (status.purchaseBlocked) this.run.purchaseBlocked = true;
      const note = `latest attestation dated ${status.attestedAt.slice(0, 10)} predates 2023-04-01`;
      yield* this.record('ReattestationRequired', 'StaleAttestation', note);
    }
    return yield* this.startPath();
  }

  /** Sends the first mail of the path; without the signatory's details it waits for them instead. */
  private *startPath(): Step<Done> {
    const run = this.run;
    if (!run.customer) return yield* this.awaitContact();
    const path = decidePath({
      requestedMethod: run.method,
      defaultMethod: this.policy.defaultMethod,
      partnerType: this.policy.partnerType,
      resellerStrategy: this.policy.resellerStrategy,
      reason: run.reason,
    });
    run.path = path;
    switch (path.kind) {
      case 'direct':
        return yield* this.invite('directInvite', 'InviteSent', 'admin center invitation sent');
      case 'attestation': {
        const created = yield* this.createAttestation();
        if (created.done) return created;
        return yield* this.invite('attestationLink', 'AttestationPending', 'attestation link sent');
      }
      case 'handOff': {
        const handedOff = yield* this.mail({ kind: 'handOff' });
        if (handedOff.done) return handedOff;
        if (path.alsoInviteDirect) {
          return yield* this.invite(
            'directInvite',
            'InviteSent',
            'handed to the indirect provider; invitation sent',
          );
        }
        // The provider is reminded and the deadline counts from here, as for an invitation.
        this.startDeadlineClock();
        yield* this.record(
          'HandedOff',
          'HandedOff',
          'handed to the indirect provider; waiting for acceptance',
        );
        yield* this.publish('McaHandedOff', 'handOff');
        return CONTINUE;
      }
    }
  }

  /**
   * Not covered and nobody to invite: the desk is told at once (once per run) and the run waits for the
   * details (CustomerUpdated) instead of waiting silently until the deadline.
   */
  private *awaitContact(): Step<Done> {
    const run = this.run;
    const alert = this.mailRequest({ kind: 'contactMissing', purchaseBlocked: run.purchaseBlocked });
    const sent = (yield* this.tolerant(this.steps.sendMail(alert)))?.value;
    const told =
      sent?.kind === 'sent' || sent?.kind === 'duplicate' ? 'desk told' : 'the desk alert could not be sent';
    yield* this.record('AwaitingContact', 'AwaitingContact', `no MCA and no signatory on file; ${told}`);
    return CONTINUE;
  }

  /**
   * An indirect reseller's deployment: no status check, no attestation. The path starts at once and
   * acceptance is learned from people (the /confirm API, the CRM's mcaAccepted).
   */
  private *withoutPartnerCenter(): Step<OnboardingResult> {
    // Nothing to read: what the CRM or the operator says is all there is, so details may start the path.
    this.run.statusKnown = true;
    const reported = this.run.reportedAcceptedAt;
    const started = reported
      ? yield* this.accept(this.run.method ?? null, reported, 'accepted, as the CRM reports')
      : yield* this.startPath();
    return started.done ? started.result : yield* this.waitForAcceptance(0);
  }

  private *invite(
    kind: 'directInvite' | 'attestationLink',
    state: CustomerStateName,
    note: string,
  ): Step<Done> {
    const sent = yield* this.mail(
      kind === 'directInvite' ? { kind } : { kind, ...this.link(), n: this.run.attestations.length - 1 },
    );
    if (sent.done) return sent;
    this.startDeadlineClock();
    yield* this.record(state, 'InvitationSent', note);
    return CONTINUE;
  }

  /** Reminders and the deadline count from the first invitation (or hand-off). */
  private startDeadlineClock(): void {
    const run = this.run;
    if (run.invitedAt !== undefined) return;
    const invitedAt = this.context.df.currentUtcDateTime;
    run.invitedAt = invitedAt.toISOString();
    run.deadline = deadlineAt(invitedAt, this.policy.acceptanceDeadlineMs).toISOString();
  }

  /**
   * Creates the run's next attestation (0 first, then one per renewal or new signatory) for the
   * current signatory; the numbered key keeps retries idempotent.
   */
  private *createAttestation(): Step<Done> {
    const run = this.run;
    if (!run.customer) return CONTINUE;
    const n = run.attestations.length;
    const result = yield* this.steps.createAttestation({
      tenantId: run.tenantId,
      customer: run.customer,
      idempotencyKey: `${run.tenantId}:attestation:${run.runKey}:${n}`,
    });
    if (result.kind === 'failed') return { done: true, result: yield* this.failed(result.reason) };
    run.attestations.push({
      id: result.attestationId,
      url: result.acceptanceUrl,
      expiresAt: result.expiresAt,
      expired: false,
      signatory: run.customer.signatory,
    });
    return CONTINUE;
  }

  /** The attestation reminders link to: the newest. */
  private current(): Attestation | undefined {
    return this.run.attestations.at(-1);
  }

  // ---- waiting ----------------------------------------------------------------------------------

  /**
   * Waits round by round on one durable timer (next poll, next reminder or the limit, whichever comes
   * first) and on fresh waiters for the three events. A waiter whose round the timer won is kept: the
   * library hands an event to the newest waiter of its name, even one from an earlier round, so every
   * waiter is checked after every step and no event raised meanwhile is lost.
   *
   * After `wakeUpsPerGeneration` rounds, at a point where every event received has been handled, the
   * run continues as new with its state: the history starts afresh and so do the waiters. Events
   * raised after the switch go to the new generation (Durable delivers them to the instance's newest
   * execution); one raised before it has been handled by this one.
   */
  private *waitForAcceptance(firstAttempt: number): Step<OnboardingResult> {
    const run = this.run;
    const waiters: Waiter[] = [];
    const rounds = this.policy.wakeUpsPerGeneration ?? Infinity;
    for (let attempt = firstAttempt, round = 0; ; attempt++, round++) {
      // Events that arrived during the previous round's steps.
      const pending = yield* this.handleEvents(waiters);
      if ('done' in pending) return pending.result;
      if (pending.poll || pending.remind) {
        const acted = yield* this.pollThenRemind(pending.remind);
        if (acted.done) return acted.result;
      }
      if (round >= rounds) {
        const drained = yield* this.drainEvents(waiters);
        if (drained.done) return drained.result;
        return this.continueAsNew(attempt);
      }
      const now = this.now();
      const limit = this.limit();
      if (now >= limit.getTime()) {
        return yield* run.state === 'Confirming' ? this.failed(NOT_VISIBLE) : this.expire();
      }
      const linkOut = run.state === 'AttestationPending';
      const wakeAt = Math.min(
        now + pollInterval(attempt, linkOut, this.policy.poll, this.policy.attestationPollMs),
        limit.getTime(),
        this.nextReminderAt()?.getTime() ?? Infinity,
      );
      const timer = this.context.df.createTimer(instantAt(wakeAt));
      const fresh = Object.values(ONBOARDING_EVENTS).map((name) => ({
        name,
        task: this.context.df.waitForExternalEvent(name),
        handled: false,
      }));
      waiters.push(...fresh);
      yield this.context.df.Task.any([timer, ...fresh.map((waiter) => waiter.task)]);
      if (!timer.isCompleted) timer.cancel();

      const woken = yield* this.handleEvents(waiters);
      if ('done' in woken) return woken.result;
      const acted = yield* this.pollThenRemind(woken.remind);
      if (acted.done) return acted.result;
    }
  }

  /** Handles events until none received is left unhandled (those raised during the steps included). */
  private *drainEvents(waiters: Waiter[]): Step<Done> {
    while (waiters.some((waiter) => !waiter.handled && waiter.task.isCompleted)) {
      const pending = yield* this.handleEvents(waiters);
      if ('done' in pending) return pending;
      if (pending.poll || pending.remind) {
        const acted = yield* this.pollThenRemind(pending.remind);
        if (acted.done) return acted;
      }
    }
    return CONTINUE;
  }

  /** Ends this generation; the next one goes on waiting with the run's state and poll attempt. */
  private continueAsNew(attempt: number): OnboardingResult {
    const carried = { run: this.run as unknown as Record<string, unknown>, attempt };
    if (!this.context.df.isReplaying) this.context.log(`${this.run.tenantId}: continuing as new`);
    this.context.df.continueAsNew({ ...this.input, carried });
    return { state: this.run.state, reason: this.run.stateReason };
  }

  /**
   * Handles every completed, unhandled event in arrival order: new details are joined at once; a
   * recheck or a reminder request is returned for `pollThenRemind`.
   */
  private *handleEvents(
    waiters: Waiter[],
  ): Step<{ done: true; result: OnboardingResult } | { poll: boolean; remind: boolean }> {
    const wanted = { poll: false, remind: false };
    for (const waiter of waiters) {
      if (waiter.handled || !waiter.task.isCompleted) continue;
      waiter.handled = true;
      const payload: unknown = waiter.task.result;
      if (waiter.name === ONBOARDING_EVENTS.customerUpdated) {
        const joined = yield* this.join(payload);
        if (joined.done) return joined;
        wanted.poll = true;
      } else if (waiter.name === ONBOARDING_EVENTS.recheck) {
        wanted.poll = true;
      } else if (waiter.name === ONBOARDING_EVENTS.confirmed) {
        const confirmed = yield* this.confirmed(payload);
        if (confirmed.done) return confirmed;
        wanted.poll = true;
      } else if (this.wantsReminder(payload)) {
        wanted.remind = true;
      }
    }
    return wanted;
  }

  /** Checks Partner Center first, so a customer who has just accepted gets no reminder. */
  private *pollThenRemind(requested: boolean): Step<Done> {
    const status = yield* this.poll();
    if (status.done) return status;
    const reminderAt = this.nextReminderAt();
    const due = reminderAt !== undefined && this.now() >= reminderAt.getTime();
    return (due || requested) && WAITING.includes(this.run.state) ? yield* this.remind() : CONTINUE;
  }

  /** The deadline while waiting for the customer; the confirmation timeout once the agreement exists. */
  private limit(): Date {
    const created = this.run.agreementCreatedAt;
    return created
      ? deadlineAt(instantOf(created), this.policy.confirmationTimeoutMs)
      : instantOf(this.run.deadline);
  }

  private nextReminderAt(): Date | undefined {
    const run = this.run;
    if (!WAITING.includes(run.state)) return undefined;
    const at = nextReminder(
      instantOf(run.invitedAt ?? run.startedAt),
      this.policy.reminderScheduleMs,
      run.remindersSent,
    );
    return at && at.getTime() < instantOf(run.deadline).getTime() ? at : undefined;
  }

  /**
   * An operator's reminder (no number) goes out now. A numbered one comes from the safety-net timer,
   * which judges lateness by its own clock: it is honoured only when that reminder is due by ours and
   * not sent yet, so a nudge can neither send twice nor early.
   */
  private wantsReminder(payload: unknown): boolean {
    if (!WAITING.includes(this.run.state)) return false;
    const wanted = (payload as { reminderNumber?: unknown } | undefined)?.reminderNumber;
    if (typeof wanted !== 'number') return true;
    const dueAt = this.nextReminderAt();
    return wanted === this.run.remindersSent + 1 && dueAt !== undefined && this.now() >= dueAt.getTime();
  }

  /** New details from the CRM or the API (or a duplicate event, ignored). */
  private *join(payload: unknown): Step<Done> {
    const parsed = onboardingRequestSchema.safeParse(payload);
    const run = this.run;
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
      this.warn(`ignored a CustomerUpdated event with invalid fields: ${fields}`);
      return CONTINUE;
    }
    if (run.seenEvents.includes(parsed.data.eventId)) return CONTINUE;
    const request = parsed.data;
    run.seenEvents.push(request.eventId);
    if (isStaleUpdate(request.occurredAt, run.lastAppliedAt)) {
      yield* this.audit('EventIgnored', `${request.source} update older than the last one applied`);
      return CONTINUE;
    }
    if (request.occurredAt !== undefined) run.lastAppliedAt = request.occurredAt;
    if (request.reason === 'purchaseBlocked') run.purchaseBlocked = true;
    yield* this.audit('EventJoined', `${request.source} ${request.reason}`);
    // Partner Center deployments check instead (every joined update is followed by a poll).
    if (request.mcaAccepted && !readsPartnerCenter(this.policy.partnerType)) {
      const at = reportedAcceptance(request, this.nowIso());
      return yield* this.accept(request.method ?? null, at, `accepted, as the ${request.source} reports`);
    }
    if (!request.customer) return CONTINUE;
    const firstDetails = run.customer === undefined;
    run.customer = request.customer;
    run.companyName = request.customer.companyName;
    run.method ??= request.method;
    const current = this.current();
    const pending = run.state === 'AttestationPending';
    if (current && needsNewAttestation(pending, current.signatory, request.customer.signatory)) {
      return yield* this.attestForNewSignatory();
    }
    return firstDetails && run.path === undefined && run.statusKnown ? yield* this.startPath() : CONTINUE;
  }

  /**
   * The signatory changed while a link was out: a new attestation for the new person, mailed to them
   * only. The earlier link stays valid at Microsoft; if it is accepted, the agreement names its person.
   */
  private *attestForNewSignatory(): Step<Done> {
    const created = yield* this.createAttestation();
    if (created.done) return created;
    yield* this.audit('AttestationReissued', 'signatory changed; new attestation for the new signatory');
    const n = this.run.attestations.length - 1;
    return yield* this.mail({ kind: 'attestationLink', ...this.link(), n });
  }

  /**
   * One status check; the attestation's own state while the customer has not accepted yet. A read
   * that fails, even for good (a credential to renew, an endpoint that moved), is logged and tried
   * again at the next poll: only the deadline ends a waiting customer.
   */
  private *poll(): Step<Done> {
    const run = this.run;
    if (!readsPartnerCenter(this.policy.partnerType)) return CONTINUE;
    const checked = (yield* this.tolerant(this.steps.checkStatus(run.tenantId, this.nowIso())))?.value;
    if (checked?.kind === 'failed') this.warn(`status check failed: ${checked.reason}`);
    if (checked?.kind === 'status') {
      if (!run.statusKnown) {
        run.statusKnown = true;
        if (!run.visible) {
          run.visible = true;
          yield* this.audit('CustomerVisible', 'Partner Center shows the customer now');
        }
        return yield* this.proceedFrom(checked.status);
      }
      const settled = yield* this.settleIfAccepted(checked.status);
      if (settled.done) return settled;
    }
    if (run.state !== 'AttestationPending') return CONTINUE;
    // Newest first; an earlier link (made for an earlier signatory) may still be the one accepted.
    for (const attestation of [...run.attestations].reverse()) {
      if (attestation.expired) continue;
      const seen = (yield* this.tolerant(this.steps.getAttestation(attestation.id)))?.value;
      if (seen?.kind === 'failed') this.warn(`attestation read failed: ${seen.reason}`);
      if (seen?.kind !== 'attestation') continue;
      yield* this.noteUnknownWord(seen);
      if (seen.state === 'expired') attestation.expired = true;
      if (seen.state === 'accepted') return yield* this.createAgreement(attestation, seen.acceptedAt);
    }
    return CONTINUE;
  }

  /** An attestation status word we do not know: noted once per run, then treated as pending. */
  private *noteUnknownWord(seen: Extract<GetAttestationResult, { kind: 'attestation' }>): Step<void> {
    const word = (seen.word ?? '').replace(/[^\w .-]/g, '?');
    if (seen.state !== 'unknown' || this.run.unknownWords.includes(word)) return;
    this.run.unknownWords.push(word);
    this.warn(`unknown attestation status "${word}"; treated as pending`);
    yield* this.audit('UnknownAttestationStatus', `status "${word}" treated as pending`);
  }

  /** `dateAgreed` is when the customer accepted: Partner Center's time if it says, else now (first seen). */
  private *createAgreement(attestation: Attestation, reportedAcceptedAt: string | null): Step<Done> {
    const run = this.run;
    const result = yield* this.steps.createAgreement({
      tenantId: run.tenantId,
      attestationId: attestation.id,
      signatory: attestation.signatory,
      acceptedAt: agreedAt(reportedAcceptedAt, this.nowIso(), this.nowIso()),
      idempotencyKey: `${run.tenantId}:agreement:${attestation.id}`,
    });
    if (result.kind === 'failed') return { done: true, result: yield* this.failed(result.reason) };
    if (result.kind === 'alreadyExists' && run.reattestation) {
      const resolved = yield* this.agreementConflict();
      if (resolved) return resolved;
    }
    run.agreementCreatedAt = this.nowIso();
    const note =
      result.kind === 'alreadyExists'
        ? 'agreement already existed; confirming'
        : 'agreement created; confirming';
    yield* this.record('Confirming', 'AgreementCreated', note);
    return CONTINUE;
  }

  /**
   * 600061 on a re-attestation: the same signatory's earlier agreement may be all Partner Center
   * has. Re-read at once; covered = done; not covered = invite directly or fail (ON_AGREEMENT_CONFLICT).
   * An unreadable status leaves the run to wait in Confirming (undefined).
   */
  private *agreementConflict(): Step<Done | undefined> {
    const run = this.run;
    const read = (yield* this.tolerant(this.steps.checkStatus(run.tenantId, this.nowIso())))?.value;
    if (read?.kind !== 'status') return undefined;
    const settled = yield* this.settleIfAccepted(read.status);
    if (settled.done) return settled;
    const action = afterAgreementConflict(false, this.policy.onAgreementConflict);
    if (action === 'fail') return { done: true, result: yield* this.failed(AGREEMENT_CONFLICT_REASON) };
    yield* this.audit('AgreementConflict', `${AGREEMENT_CONFLICT_REASON}; inviting directly`);
    run.path = { kind: 'direct' };
    return yield* this.invite('directInvite', 'InviteSent', 'agreement refused (600061); invitation sent');
  }

  /** The next reminder; an expired attestation link is renewed first (once per reminder). */
  private *remind(): Step<Done> {
    const run = this.run;
    const n = run.remindersSent + 1;
    if (run.path?.kind === 'attestation' && this.current()?.expired) {
      const renewed = yield* this.createAttestation();
      if (renewed.done) return renewed;
      yield* this.audit('AttestationRenewed', `link expired; new attestation for reminder ${n}`);
    }
    const sent = yield* this.mail(
      run.state === 'HandedOff'
        ? { kind: 'handOff', n }
        : run.path?.kind === 'attestation'
          ? { kind: 'reminder', n, path: 'attestation', ...this.link() }
          : { kind: 'reminder', n, path: 'direct' },
    );
    if (sent.done) return sent;
    run.remindersSent = n;
    yield* this.record(run.state, 'ReminderSent', `reminder ${n}`);
    return CONTINUE;
  }

  // ---- endings ----------------------------------------------------------------------------------

  private *settleIfAccepted(status: McaStatus): Step<Done> {
    if (status.kind !== 'accepted') return CONTINUE;
    const acceptedAt = status.method === 'attestation' ? status.attestedAt : this.nowIso();
    return yield* this.accept(status.method, acceptedAt, `accepted (${status.method})`);
  }

  /** Covered: purchases are allowed again, and the CRM is told. */
  private *accept(method: Method | null, acceptedAt: string, note: string): Step<Done> {
    const run = this.run;
    run.acceptedMethod = method;
    run.acceptedAt = acceptedAt;
    run.purchaseBlocked = false;
    yield* this.record('Accepted', 'Accepted', note);
    yield* this.publish('McaAccepted', method);
    return { done: true, result: { state: run.state, reason: run.stateReason } };
  }

  /** An operator or the indirect provider confirmed the acceptance (reseller deployments only). */
  private *confirmed(payload: unknown): Step<Done> {
    const parsed = confirmationSchema.safeParse(payload);
    if (!parsed.success) {
      this.warn('ignored a Confirmed event with invalid fields');
      return CONTINUE;
    }
    if (readsPartnerCenter(this.policy.partnerType)) return CONTINUE;
    const confirmation = parsed.data;
    const at = utcInstant(confirmation.acceptedAt);
    return yield* this.accept(confirmation.method, at, confirmationNote(confirmation));
  }

  private *expire(): Step<OnboardingResult> {
    const run = this.run;
    const path = run.path?.kind ?? 'direct';
    // The escalation is best effort: the customer is Expired whether or not the desk's mail went out.
    const escalated = (yield* this.tolerant(
      this.steps.sendMail(
        this.mailRequest({
          kind: 'escalation',
          path,
          invitationsSent: run.invitationsSent,
          ...(run.visible ? {} : { notVisible: true }),
        }),
      ),
    ))?.value;
    const escalation =
      escalated?.kind === 'sent' || escalated?.kind === 'duplicate'
        ? 'escalated'
        : 'the escalation mail could not be sent';
    const note = run.visible
      ? `deadline passed; ${escalation}`
      : `deadline passed and Partner Center never showed the customer (404); ${escalation}`;
    yield* this.record('Expired', 'Expired', note);
    yield* this.publish('McaExpired', this.pathMethod());
    return { state: 'Expired', reason: note };
  }

  private *failed(reason: string): Step<OnboardingResult> {
    // The CRM hears of it even when the state cannot be saved (storage down past OUTAGE_TOLERANCE).
    yield* this.tolerant(this.record('Failed', 'Failed', reason));
    yield* this.publish('McaFailed', this.run.path?.kind === 'attestation' ? 'attestation' : null);
    return { state: 'Failed', reason };
  }

  // ---- side effects -----------------------------------------------------------------------------

  /** Sends one mail; a refused one fails the run (its reason names the mail, never the address). */
  private *mail(spec: MailRequest['mail']): Step<Done> {
    const result = yield* this.steps.sendMail(this.mailRequest(spec));
    if (result.kind === 'rejected') return { done: true, result: yield* this.failed(result.reason) };
    this.run.invitationsSent++;
    return CONTINUE;
  }

  /** A mail with a link goes to the person the link was made for, whoever the CRM names now. */
  private mailRequest(spec: MailRequest['mail']): MailRequest {
    const run = this.run;
    const linked = 'acceptanceUrl' in spec ? this.current() : undefined;
    const customer = run.customer && linked ? { ...run.customer, signatory: linked.signatory } : run.customer;
    return {
      tenantId: run.tenantId,
      runKey: run.runKey,
      companyName: run.companyName,
      language: run.customer?.language ?? 'en',
      deadline: run.deadline,
      customer,
      // Kept for the whole run: reminders after a "confirm again" mail keep saying it.
      reacceptance: run.reason !== 'new' || run.reattestation,
      mail: spec,
    };
  }

  private link(): { acceptanceUrl: string; linkExpiresAt: string | null } {
    const attestation = this.current();
    if (!attestation) throw new Error('no attestation to link to');
    return { acceptanceUrl: attestation.url, linkExpiresAt: attestation.expiresAt };
  }

  /** Saves the state row and an audit entry; `reason` is what the status API shows for the state. */
  private *record(state: CustomerStateName, action: string, detail: string, reason = detail): Step<void> {
    const run = this.run;
    run.state = state;
    run.stateReason = state === 'Accepted' ? null : reason;
    const nextReminderAt = this.nextReminderAt()?.toISOString() ?? null;
    this.context.df.setCustomStatus({ state, nextReminderAt, remindersSent: run.remindersSent });
    if (!this.context.df.isReplaying) this.context.log(`${run.tenantId}: ${state} (${action})`);
    yield* this.steps.saveState({
      state: {
        tenantId: run.tenantId,
        state,
        method: run.acceptedMethod ?? this.pathMethod(),
        acceptedAt: run.acceptedAt,
        reason: run.stateReason,
        nextReminderAt,
        remindersSent: run.remindersSent,
        attestationId: this.current()?.id ?? null,
        // For the dashboard's "links expiring soon"; absent outside AttestationPending.
        linkExpiresAt: state === 'AttestationPending' ? (this.current()?.expiresAt ?? undefined) : undefined,
        startedAt: run.startedAt,
        updatedAt: this.nowIso(),
        companyName: run.companyName,
        language: run.customer?.language ?? 'en',
        country: run.customer?.country ?? UNKNOWN_COUNTRY,
        purchaseBlocked: run.purchaseBlocked,
      },
      audit: { actor: 'workflow', action, detail },
    });
  }

  /** The path the row and the outcome name: handOff when only the provider was asked. */
  private pathMethod(): StateMethod | null {
    const path = this.run.path;
    if (!path) return null;
    if (path.kind === 'handOff') return path.alsoInviteDirect ? 'direct' : 'handOff';
    return path.kind;
  }

  /** An audit entry without a state change (the row is rewritten with the same state). */
  private *audit(action: string, detail: string): Step<void> {
    yield* this.record(this.run.state, action, detail, this.run.stateReason ?? detail);
  }

  /**
   * The outcome for the CRM. The state is recorded already and stays what it is: a publish that keeps
   * failing is noted in the audit trail (and the log), never turned into a Failed customer.
   */
  private *publish(type: OutcomeType, method: Method | 'handOff' | null): Step<void> {
    const outcome = { type, tenantId: this.run.tenantId, method, at: this.nowIso(), runKey: this.run.runKey };
    const published = yield* this.tolerant(this.steps.publishOutcome(outcome));
    if (!published) yield* this.audit('OutcomeNotPublished', `${type} could not be published`);
  }

  /** A read that may fail for a while (Partner Center down): the next poll tries again. */
  private *tolerant<T>(step: Step<T>): Step<{ value: T } | undefined> {
    try {
      return { value: yield* step };
    } catch (error) {
      this.warn(`step failed, will try again: ${describe(error)}`);
      return undefined;
    }
  }

  /** Reasons carry codes and correlation ids, never personal data (activities see to that). */
  private warn(message: string): void {
    if (!this.context.df.isReplaying) this.context.warn(`${this.run.tenantId}: ${message}`);
  }

  private now(): number {
    return this.context.df.currentUtcDateTime.getTime();
  }

  private nowIso(): string {
    return this.context.df.currentUtcDateTime.toISOString();
  }
}

const NOT_VISIBLE = 'the agreement was created but Partner Center did not show it in time';
const NOT_VISIBLE_YET = 'Partner Center does not show this customer yet (404); checking again';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
