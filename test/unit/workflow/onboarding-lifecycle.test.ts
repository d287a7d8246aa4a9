/**
 * The onboarding orchestrator on the local durable engine with stand-in activities: a run keeps the
 * policy it started with across a deploy, waits out outages, publishes a failure it cannot save,
 * keeps its history small over a month, loses no event at a generation switch, and keeps asking a
 * stale customer to confirm again.
 */
import * as df from 'durable-functions';
import { startOnboarding } from '../../../functions/onboarding-starter';
import { createOnboardingOrchestrator } from '../../../functions/orchestrators/mca-onboarding.orchestrator';
import { VirtualClock } from '../../../local/clock';
import type { McaStatus } from '../../../shared/mca';
import type { CustomerStateInput } from '../../../shared/store';
import type { CheckStatusResult } from '../../../shared/workflow/activities';
import {
  ACTIVITIES,
  ONBOARDING_EVENTS,
  ORCHESTRATORS,
  onboardingInstanceId,
  type OnboardingRequest,
  type OutcomeEvent,
} from '../../../shared/workflow/contracts';
import type { MailRequest } from '../../../shared/workflow/mail-requests';
import { ACTIVITY_BACKOFF, attemptsWithin, type OnboardingPolicy } from '../../../shared/workflow/run-policy';
import {
  advanceUntil,
  startScratchDurableHarness,
  type ScratchDurableHarness,
} from '../../helpers/durable-harness';
import { entryCustomer } from '../mail/mail-data.fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2027, 0, 4, 9, 0, 0);
const T = (n: number) => `d0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function policy(overrides: Partial<OnboardingPolicy> = {}): OnboardingPolicy {
  return {
    partnerType: 'DirectBill',
    defaultMethod: 'direct',
    resellerStrategy: 'both',
    reminderScheduleMs: [3 * DAY, 7 * DAY, 14 * DAY],
    acceptanceDeadlineMs: 30 * DAY,
    poll: { initialMs: 5 * MINUTE, maxMs: 6 * HOUR },
    attestationPollMs: 15 * MINUTE,
    confirmationTimeoutMs: 48 * HOUR,
    onAgreementConflict: 'direct',
    retry: {
      ...ACTIVITY_BACKOFF,
      maxNumberOfAttempts: attemptsWithin(12 * HOUR, ACTIVITY_BACKOFF),
      retryTimeoutMs: 12 * HOUR,
    },
    wakeUpsPerGeneration: 20,
    ...overrides,
  };
}

/** What the stand-in activities do and what they saw; each test sets it up. */
interface World {
  status: (tenantId: string, call: number) => CheckStatusResult;
  partnerCenterDown: (now: number) => boolean;
  sendGridDown: (now: number) => boolean;
  storageDown: (now: number) => boolean;
  checks: Map<string, number>;
  mails: { at: number; request: MailRequest }[];
  rows: Map<string, CustomerStateInput>;
  published: OutcomeEvent[];
}

const none: CheckStatusResult = { kind: 'status', status: { kind: 'none' } };
let world: World;
let clock: VirtualClock;

function freshWorld(): World {
  return {
    status: () => none,
    partnerCenterDown: () => false,
    sendGridDown: () => false,
    storageDown: () => false,
    checks: new Map(),
    mails: [],
    rows: new Map(),
    published: [],
  };
}

function registerOrchestrator(registered: OnboardingPolicy): void {
  df.app.orchestration(ORCHESTRATORS.onboarding, createOnboardingOrchestrator(registered));
}

registerOrchestrator(policy());
df.app.activity(ACTIVITIES.checkStatus, {
  handler: (input: unknown) => {
    const { tenantId } = input as { tenantId: string };
    if (world.partnerCenterDown(clock.now())) throw new Error('Partner Center answered 503');
    const call = (world.checks.get(tenantId) ?? 0) + 1;
    world.checks.set(tenantId, call);
    return world.status(tenantId, call);
  },
});
df.app.activity(ACTIVITIES.createAttestation, {
  handler: (input: unknown) => {
    const { idempotencyKey } = input as { idempotencyKey: string };
    const id = `att-${idempotencyKey.length}-${world.mails.length}`;
    return {
      kind: 'created',
      attestationId: id,
      acceptanceUrl: `https://example.com/accept/${id}`,
      expiresAt: null,
    };
  },
});
df.app.activity(ACTIVITIES.getAttestation, {
  handler: () => ({ kind: 'attestation', state: 'pending', word: 'pending', acceptedAt: null }),
});
df.app.activity(ACTIVITIES.createAgreement, { handler: () => ({ kind: 'created' }) });
df.app.activity(ACTIVITIES.sendMail, {
  handler: (request: unknown) => {
    if (world.sendGridDown(clock.now())) throw new Error('SendGrid unreachable (ECONNREFUSED)');
    world.mails.push({ at: clock.now(), request: request as MailRequest });
    return { kind: 'sent' };
  },
});
df.app.activity(ACTIVITIES.saveState, {
  handler: (input: unknown) => {
    if (world.storageDown(clock.now())) throw new Error('Table storage answered 503');
    const { state } = input as { state: CustomerStateInput };
    world.rows.set(state.tenantId, state);
  },
});
df.app.activity(ACTIVITIES.publishOutcome, {
  handler: (input: unknown) => {
    world.published.push(input as OutcomeEvent);
  },
});

let harness: ScratchDurableHarness;

beforeEach(async () => {
  world = freshWorld();
  clock = new VirtualClock(START);
  registerOrchestrator(policy());
  harness = await startScratchDurableHarness(clock, 'onboarding-lifecycle-');
});
afterEach(() => harness.close());

function request(n: number, extra: Partial<OnboardingRequest> = {}): OnboardingRequest {
  const customer = entryCustomer(T(n));
  return { tenantId: T(n), customer, reason: 'new', source: 'crm', eventId: `crm-${n}`, ...extra };
}

async function start(n: number, pinned: OnboardingPolicy, extra: Partial<OnboardingRequest> = {}) {
  await startOnboarding(harness.client, request(n, extra), { policy: pinned });
  await harness.engine.idle();
}

const advanceTo = (at: number) => advanceUntil(clock, harness.engine, at);
const status = (n: number) => harness.client.getStatus(onboardingInstanceId(T(n)));
/** The current generation's history as the engine's status API shows it (the JS client drops it). */
async function historyLength(n: number): Promise<number> {
  const url = `${harness.baseUrl}/runtime/webhooks/durabletask/instances/${onboardingInstanceId(T(n))}?showHistory=true`;
  const body = (await (await fetch(url)).json()) as { historyEvents?: unknown[] };
  return body.historyEvents?.length ?? 0;
}
const mailsTo = (n: number) => world.mails.filter((m) => m.request.tenantId === T(n));
const kinds = (n: number) => mailsTo(n).map((m) => m.request.mail.kind);

describe('a run keeps the policy it started with', () => {
  it('keeps its path and timing through a deploy with other settings; a new customer gets the new ones', async () => {
    const before = policy({ defaultMethod: 'direct', reminderScheduleMs: [3 * DAY] });
    await start(1, before);
    await advanceTo(START + HOUR);
    expect(kinds(1)).toEqual(['directInvite']);

    // DEFAULT_METHOD and REMINDER_SCHEDULE change, and the host restarts with them.
    const after = policy({
      defaultMethod: 'attestation',
      reminderScheduleMs: [1 * DAY],
      attestationPollMs: 6 * HOUR,
    });
    registerOrchestrator(after);
    await harness.restart();
    await start(2, after);
    await advanceTo(START + 4 * DAY);

    expect((await status(1)).runtimeStatus).toBe('Running');
    expect(kinds(1)).toEqual(['directInvite', 'reminder']);
    const reminder = mailsTo(1)[1];
    expect(reminder?.request.mail).toEqual({ kind: 'reminder', n: 1, path: 'direct' });
    expect(reminder?.at).toBe(START + 3 * DAY);

    expect(kinds(2)).toEqual(['attestationLink', 'reminder']);
    expect(mailsTo(2)[1]?.at).toBeLessThanOrEqual(START + HOUR + DAY + 5 * MINUTE);
  });
});

describe('outages and failures', () => {
  it('keeps Checking when the first status check fails, and starts the path once a read succeeds', async () => {
    world.status = (_tenantId, call) =>
      call === 1 ? { kind: 'failed', reason: 'Partner Center App+User sign-in needs renewing' } : none;
    await start(1, policy());
    expect(world.rows.get(T(1))?.state).toBe('Checking');
    expect((await status(1)).runtimeStatus).toBe('Running');

    await advanceTo(START + HOUR);
    expect(kinds(1)).toEqual(['directInvite']);
    expect(world.rows.get(T(1))?.state).toBe('InviteSent');
    expect(world.published).toEqual([]);
  });

  it('waits out three hours of Partner Center, then three of SendGrid, being down, then proceeds', async () => {
    world.partnerCenterDown = (now) => now < START + 3 * HOUR;
    world.sendGridDown = (now) => now < START + 6 * HOUR;
    await start(1, policy());
    await advanceTo(START + 5 * HOUR);
    expect((await status(1)).runtimeStatus).toBe('Running');
    expect(world.rows.get(T(1))?.state).toBe('Checking');
    expect(kinds(1)).toEqual([]);

    await advanceTo(START + 7 * HOUR);
    expect(kinds(1)).toEqual(['directInvite']);
    expect(world.rows.get(T(1))?.state).toBe('InviteSent');
    expect((await status(1)).runtimeStatus).toBe('Running');
    expect(world.published).toEqual([]);
  });

  it('publishes a failed run even when its state cannot be saved', async () => {
    world.storageDown = () => true;
    await start(1, policy({ retry: { ...ACTIVITY_BACKOFF, maxNumberOfAttempts: 2 } }));
    await advanceTo(START + DAY);
    const finished = await status(1);
    expect(finished.runtimeStatus).toBe('Completed');
    expect(finished.output).toMatchObject({ state: 'Failed' });
    expect(world.published).toEqual([expect.objectContaining({ type: 'McaFailed', tenantId: T(1) })]);
  });
});

describe('bounded history', () => {
  it('keeps each generation small over 30 days of polling, with the reminders and the deadline intact', async () => {
    await start(1, policy());
    const lengths: number[] = [];
    for (let at = START + 6 * HOUR; at <= START + 31 * DAY; at += 6 * HOUR) {
      await advanceTo(at);
      const current = await status(1);
      if (current.runtimeStatus !== df.OrchestrationRuntimeStatus.Running) break;
      lengths.push(await historyLength(1));
    }
    // The history shrank at least once (a new generation), and never grew past one generation's worth.
    expect(lengths.some((length, i) => i > 0 && length < (lengths[i - 1] ?? 0))).toBe(true);
    expect(Math.max(...lengths)).toBeLessThan(250);

    const finished = await status(1);
    expect(finished.output).toMatchObject({ state: 'Expired' });
    expect(kinds(1)).toEqual(['directInvite', 'reminder', 'reminder', 'reminder', 'escalation']);
    const invitedAt = mailsTo(1)[0]?.at ?? 0;
    expect(mailsTo(1).map((m) => m.at - invitedAt)).toEqual([0, 3 * DAY, 7 * DAY, 14 * DAY, 30 * DAY]);
    expect(world.published.map((e) => e.type)).toEqual(['McaExpired']);
  });

  it('loses no operator reminder raised right before or right after a generation switch', async () => {
    const hourly = policy({ poll: { initialMs: HOUR, maxMs: HOUR }, wakeUpsPerGeneration: 2 });
    await start(1, hourly);
    const instanceId = onboardingInstanceId(T(1));
    let raised = 0;
    const lengths: number[] = [];
    for (let hour = 1; hour <= 6; hour++) {
      // Just before the wake-up (that may switch generations), then just after it.
      await advanceTo(START + hour * HOUR - 1);
      await harness.client.raiseEvent(instanceId, ONBOARDING_EVENTS.reminderDue, {});
      raised++;
      await advanceTo(START + hour * HOUR + 1);
      await harness.client.raiseEvent(instanceId, ONBOARDING_EVENTS.reminderDue, {});
      raised++;
      lengths.push(await historyLength(1));
    }
    // Generations did switch meanwhile: twelve events and six hours of polls, yet each history is short.
    expect(Math.max(...lengths)).toBeLessThan(10);
    await advanceTo(START + 7 * HOUR);
    const reminders = mailsTo(1).filter((m) => m.request.mail.kind === 'reminder');
    expect(reminders.map((m) => (m.request.mail as { n: number }).n)).toEqual(
      Array.from({ length: raised }, (_, i) => i + 1),
    );
    expect((await status(1)).runtimeStatus).toBe('Running');
  });
});

describe('re-acceptance wording', () => {
  it('keeps asking a stale customer to confirm again in every reminder, after the state moved on', async () => {
    const stale: McaStatus = {
      kind: 'reattestationRequired',
      attestedAt: '2022-05-01T00:00:00Z',
      purchaseBlocked: true,
    };
    world.status = () => ({ kind: 'status', status: stale });
    await start(1, policy({ reminderScheduleMs: [3 * DAY], attestationPollMs: 6 * HOUR }), {
      method: 'attestation',
    });
    await advanceTo(START + 4 * DAY);
    expect(kinds(1)).toEqual(['attestationLink', 'reminder']);
    expect(world.rows.get(T(1))?.state).toBe('AttestationPending');
    expect(mailsTo(1).map((m) => m.request.reacceptance)).toEqual([true, true]);
  });
});
