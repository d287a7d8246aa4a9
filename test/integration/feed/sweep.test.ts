/**
 * The nightly compliance sweep end to end: at 02:00 UTC it pages through every Partner Center
 * customer, records the accepted ones, and starts remediation once for those without a valid MCA.
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import { HOUR, TEST_SETTINGS } from '../workflow/onboarding-helpers';

jest.setTimeout(180_000);

const T = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
let app: AppStack;

beforeAll(async () => {
  app = await startAppStack({
    // Only the sweep's timer: the feed would start the same customers from their audit records.
    settings: { ...TEST_SETTINGS, 'AzureWebJobs.mcaComplianceSweepTimer.Disabled': undefined },
  });
});

afterAll(async () => {
  await app?.close();
});

async function instance(id: string): Promise<{ runtimeStatus: string; output?: unknown } | undefined> {
  const response = await app.api(`/runtime/webhooks/durabletask/instances/${id}`);
  return response.status === 404 ? undefined : ((await response.json()) as { runtimeStatus: string });
}

async function state(tenantId: string): Promise<string | undefined> {
  const response = await app.api(`/api/customers/${tenantId}/mca`);
  return response.status === 200 ? ((await response.json()) as { state: string }).state : undefined;
}

type Sweep = { instanceId: string; runtimeStatus: string; output?: unknown };

/** The sweep instances (their ids carry the wall-clock date of the timer, so they are found by prefix). */
async function sweeps(): Promise<Sweep[]> {
  return app.apiJson<Sweep[]>('/runtime/webhooks/durabletask/instances/?instanceIdPrefix=mca-sweep-');
}

it('records accepted customers and starts remediation once for the others', async () => {
  // The stack starts at 09:00 UTC: the next 02:00 is 17 hours away.
  await app.advance(17 * HOUR + 60_000);
  const [nightly] = await app.waitFor(async () => {
    const found = await sweeps();
    return found.length > 0 && found.every((s) => s.runtimeStatus === 'Completed') ? found : undefined;
  });
  expect(nightly?.output).toMatchObject({ customers: 17 });

  expect(await state(T(1))).toBe('Accepted'); // signed directly, recorded by the sweep
  expect(await state(T(2))).toBe('Accepted'); // attested 2023
  // Stale, no signatory known: remediation waits for the details and the desk is told at once.
  expect(await state(T(3))).toBe('AwaitingContact');
  expect((await instance(`mca-${T(3)}`))?.runtimeStatus).toBe('Running');
  expect((await instance(`mca-${T(4)}`))?.runtimeStatus).toBe('Running');
  expect(await instance(`mca-${T(1)}`)).toBeUndefined();

  // Another sweep (an operator's run) finds every customer known: nothing started twice.
  const again = await app.api(
    '/runtime/webhooks/durabletask/orchestrators/mcaComplianceSweep/mca-sweep-operator',
    {
      method: 'POST',
    },
  );
  expect(again.status).toBe(202);
  const second = await app.waitFor(async () => {
    const found = await instance('mca-sweep-operator');
    return found?.runtimeStatus === 'Completed' ? found : undefined;
  });
  expect(second.output).toMatchObject({ customers: 17, started: 0 });
});
