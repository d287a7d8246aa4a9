import { signalOnboarding, startOnboarding } from '../../../functions/onboarding-starter';
import type { OnboardingRequest } from '../../../shared/workflow/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onboardingPolicy } from '../../../functions/workflow';
import { loadConfig } from '../../../shared/config';
import { onboardingInputSchema, POLICY_VERSION } from '../../../shared/workflow/run-policy';
import { FakeDurableClient } from './fakes';

const LOCAL_SETTINGS = (
  JSON.parse(readFileSync(join(__dirname, '../../../local.settings.json.example'), 'utf8')) as {
    Values: Record<string, string>;
  }
).Values;

const TENANT = 'c0000000-0000-4000-8000-000000000004';
const INSTANCE = `mca-${TENANT}`;
const request = (reason: OnboardingRequest['reason'] = 'new'): OnboardingRequest => ({
  tenantId: TENANT,
  reason,
  source: 'crm',
  eventId: 'evt-1',
});

describe('startOnboarding', () => {
  it.each<[string, string | undefined, unknown, OnboardingRequest['reason'], string]>([
    ['no instance yet', undefined, undefined, 'new', 'started'],
    ['a running instance', 'Running', undefined, 'new', 'joined'],
    ['a finished Expired run', 'Completed', { state: 'Expired' }, 'new', 'started'],
    ['a finished Failed run', 'Completed', { state: 'Failed' }, 'new', 'started'],
    ['a finished Accepted run, new-customer event', 'Completed', { state: 'Accepted' }, 'new', 'skipped'],
    ['a finished HandedOff run, new-customer event', 'Completed', { state: 'HandedOff' }, 'new', 'skipped'],
    [
      'a finished Accepted run, purchase blocked',
      'Completed',
      { state: 'Accepted' },
      'purchaseBlocked',
      'started',
    ],
    ['a terminated run without output', 'Terminated', undefined, 'new', 'started'],
  ])('%s: %s', async (_name, runtimeStatus, output, reason, expected) => {
    const fake = new FakeDurableClient();
    if (runtimeStatus) fake.seed(INSTANCE, runtimeStatus, output);
    const outcome = await startOnboarding(fake.client, request(reason));
    expect(outcome.kind).toBe(expected);
    expect(fake.started).toHaveLength(expected === 'started' ? 1 : 0);
    expect(fake.raised).toHaveLength(expected === 'joined' ? 1 : 0);
  });

  it("pins the policy in a new run's input, so settings changed later do not reach it", async () => {
    const fake = new FakeDurableClient();
    const policy = onboardingPolicy(loadConfig(LOCAL_SETTINGS));
    await startOnboarding(fake.client, request(), { policy });
    expect(fake.started[0]?.input).toEqual({ ...request(), policy, policyVersion: POLICY_VERSION });
    expect(onboardingInputSchema.parse(fake.started[0]?.input).policy).toEqual(policy);
  });

  it('ifNew never touches a tenant that had an instance', async () => {
    const fake = new FakeDurableClient().seed(INSTANCE, 'Completed', { state: 'Expired' });
    expect((await startOnboarding(fake.client, request('stale'), { mode: 'ifNew' })).kind).toBe('skipped');
    expect(fake.started).toEqual([]);
  });

  it('joins the run another event started between its read and its start (409)', async () => {
    const fake = new FakeDurableClient();
    const startNew = fake.startNew.bind(fake);
    fake.startNew = (name, options) => {
      fake.seed(INSTANCE, 'Running');
      return startNew(name, options);
    };
    expect((await startOnboarding(fake.client, request())).kind).toBe('joined');
    expect(fake.raised).toEqual([
      expect.objectContaining({ instanceId: INSTANCE, eventName: 'CustomerUpdated' }),
    ]);
  });
});

describe('signalOnboarding', () => {
  it('raises only on a running instance', async () => {
    const fake = new FakeDurableClient().seed(INSTANCE, 'Running');
    expect(await signalOnboarding(fake.client, TENANT, 'Recheck', {})).toBe(true);
    fake.seed(INSTANCE, 'Completed');
    expect(await signalOnboarding(fake.client, TENANT, 'Recheck', {})).toBe(false);
    expect(fake.raised).toHaveLength(1);
  });
});
