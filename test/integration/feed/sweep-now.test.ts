/**
 * "Run the sweep now": the Functions host's admin API runs the sweep's timer function on demand
 * (`POST /admin/functions/mcaComplianceSweepTimer`, open locally), even while the timer is disabled,
 * as Azure runs a disabled function called with the master key.
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import { TEST_SETTINGS } from '../workflow/onboarding-helpers';

jest.setTimeout(180_000);

let app: AppStack;

beforeAll(async () => {
  // TEST_SETTINGS disables the sweep's timer: nothing but the manual run can start a sweep.
  app = await startAppStack({ settings: TEST_SETTINGS });
});

afterAll(async () => {
  await app?.close();
});

type Sweep = { instanceId: string; runtimeStatus: string; output?: unknown };

async function sweeps(): Promise<Sweep[]> {
  return app.apiJson<Sweep[]>('/runtime/webhooks/durabletask/instances/?instanceIdPrefix=mca-sweep-');
}

it('POST /admin/functions/mcaComplianceSweepTimer starts a compliance sweep now', async () => {
  expect(await sweeps()).toEqual([]);

  const response = await app.api('/admin/functions/mcaComplianceSweepTimer', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(202);

  const [sweep] = await app.waitFor(async () => {
    const found = await sweeps();
    return found.length > 0 && found.every((s) => s.runtimeStatus === 'Completed') ? found : undefined;
  });
  expect(sweep?.instanceId).toMatch(/^mca-sweep-\d{4}-\d{2}-\d{2}$/);
  expect(sweep?.output).toMatchObject({ customers: 17 });
});
