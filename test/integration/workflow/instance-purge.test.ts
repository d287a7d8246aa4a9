/**
 * The daily instance purge (mcaInstancePurge, 03:30 UTC) through the real app on the app stack and its
 * virtual clock: an old finished run's durable history goes, a running or recently finished one stays,
 * and the customer state table stays the record. Also checks, on the same run, what the local host
 * logs: structured dimensions as key=value, and the caller (`local`) in the start's audit entry.
 */
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import { DAY, HOUR, TEST_SETTINGS, instanceId, testCustomer } from './onboarding-helpers';

jest.setTimeout(240_000);

const DURABLE = '/runtime/webhooks/durabletask';
const OLD = 'f0000000-0000-4000-8000-000000000a01';
const RUNNING = 'f0000000-0000-4000-8000-000000000a02';
const RECENT = 'f0000000-0000-4000-8000-000000000a03';

let app: AppStack;

beforeAll(async () => {
  // The app measures retention on the wall clock while durable instances carry the host's virtual
  // time: the virtual clock starts three days before now. Two days' retention keeps the run short.
  app = await startAppStack({
    startAt: Date.now() - 3 * DAY,
    settings: { ...TEST_SETTINGS, INSTANCE_RETENTION: 'P2D' },
  });
  app.partnerCenter.addCustomer({ tenantId: OLD, companyName: 'Old Co', directSigned: true, agreements: [] });
  app.partnerCenter.addCustomer({ tenantId: RUNNING, companyName: 'Waiting Co', agreements: [] });
  app.partnerCenter.addCustomer({
    tenantId: RECENT,
    companyName: 'Recent Co',
    directSigned: true,
    agreements: [],
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

async function start(tenantId: string, companyName: string): Promise<void> {
  const response = await app.api(`/api/customers/${tenantId}/mca`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...testCustomer(tenantId, companyName), method: 'direct' }),
  });
  expect(response.status).toBe(202);
  await app.settle();
}

async function durableStatus(tenantId: string): Promise<number | string> {
  const response = await app.api(`${DURABLE}/instances/${instanceId(tenantId)}`);
  if (response.status === 404) return 404;
  return ((await response.json()) as { runtimeStatus: string }).runtimeStatus;
}

describe('instance purge', () => {
  it('purges an old finished run, keeps running and recent ones, and keeps every state row', async () => {
    await start(OLD, 'Old Co');
    await start(RUNNING, 'Waiting Co');
    expect([await durableStatus(OLD), await durableStatus(RUNNING)]).toEqual(['Completed', 'Running']);

    // Two days and an hour later (a 03:30 purge ran meanwhile): OLD ended three days before the wall
    // clock the app measures retention on.
    await app.advance(2 * DAY + HOUR);
    expect(await durableStatus(OLD)).toBe(404);
    expect(await durableStatus(RUNNING)).toBe('Running');

    await start(RECENT, 'Recent Co');
    await app.advance(DAY); // the next 03:30 purge: RECENT ended less than two days ago
    expect(await durableStatus(RECENT)).toBe('Completed');
    expect(await durableStatus(RUNNING)).toBe('Running');
    const row = await app.apiJson<{ state: string }>(`/api/customers/${OLD}/mca`);
    expect(row.state).toBe('Accepted');
    const purges = app.logs.filter((line) => line.includes('Instance purge |'));
    expect(purges.length).toBeGreaterThanOrEqual(2);
    expect(purges.join('\n').match(/purged=1 /g)).toHaveLength(1);
    expect(purges).toContainEqual(expect.stringMatching(/purged=1 failed=0 kept=\d+ retentionDays=2/));
  });

  it('logs with the invocation dimensions on the local host, and audits the caller as local', async () => {
    const mailSent = app.logs.find((line) => line.includes('Mail sent |') && line.includes(RUNNING));
    expect(mailSent).toEqual(expect.stringContaining(`tenantId=${RUNNING}`));
    expect(mailSent).toEqual(expect.stringContaining(`instanceId=${instanceId(RUNNING)}`));
    const history = (
      await app.apiJson<{ history: { action: string; actorId: string | null }[] }>(
        `/api/customers/${RUNNING}/mca`,
      )
    ).history;
    expect(history).toContainEqual(expect.objectContaining({ action: 'StartRequested', actorId: 'local' }));
  });
});
