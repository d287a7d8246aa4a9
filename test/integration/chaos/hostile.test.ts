/**
 * The hostile-input part of the chaos run, reduced for CI: fuzzed CRM messages, hostile webhooks, and a
 * leak scan of everything the stack then shows. `npm run chaos` runs the same drivers at full size.
 */
import { runFuzz, type FuzzResult } from '../../../chaos/fuzz';
import { HOSTILE_KINDS } from '../../../chaos/hostile-webhooks-requests';
import { runHostileWebhooks } from '../../../chaos/hostile-webhooks';
import { scanForPii } from '../../../chaos/pii-scan';
import { collectPiiSources } from '../../../chaos/pii-scan-sources';
import type { ChaosTarget } from '../../../chaos/target';
import { startAppStack, type AppStack } from '../../helpers/app-stack';

const FUZZ_COUNT = Number(process.env.CHAOS_FUZZ_COUNT ?? 500);
const WEBHOOK_COUNT = Number(process.env.CHAOS_WEBHOOK_COUNT ?? 100);
const SEED = 20261204;

function targetOf(app: AppStack): ChaosTarget {
  return {
    hostUrl: app.hostUrl,
    serviceBusConnectionString: app.emulators.serviceBusConnectionString,
    storageConnectionString: app.emulators.storageConnectionString,
    partnerCenterUrl: app.emulators.partnerCenterUrl,
    logs: () => app.logs,
    // The host runs in this process.
    hostRssBytes: () => process.memoryUsage().rss,
  };
}

describe('hostile input through the app stack', () => {
  let app: AppStack;
  let target: ChaosTarget;
  const progress: string[] = [];
  const log = (line: string): void => void progress.push(line);

  beforeAll(async () => {
    app = await startAppStack();
    target = targetOf(app);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  let fuzz: FuzzResult | undefined;

  it('dead-letters every invalid fuzzed CRM message with a field named, starts nothing for them, processes the valid', async () => {
    fuzz = await runFuzz(target, { count: FUZZ_COUNT, seed: SEED, log });
    if (fuzz.failures.length > 0) console.log(progress.join('\n'));
    expect(fuzz.failures).toEqual([]);
    expect(fuzz.fuzzed).toBe(FUZZ_COUNT);
    expect(fuzz.deadLettered).toBe(fuzz.invalid);
    expect(fuzz.instancesStartedForInvalid).toBe(0);
    expect(fuzz.validProcessed).toBe(FUZZ_COUNT - fuzz.invalid);
  }, 180_000);

  it('refuses every hostile webhook, starts nothing for them, and stays within its memory bound', async () => {
    const result = await runHostileWebhooks(target, { count: WEBHOOK_COUNT, seed: SEED, log });
    if (result.failures.length > 0) console.log(progress.join('\n'), JSON.stringify(result.byKind));
    expect(result.failures).toEqual([]);
    expect(result.forged).toBe(WEBHOOK_COUNT);
    expect(result.rejected).toBe(WEBHOOK_COUNT);
    expect(Object.keys(result.byKind).sort()).toEqual([...HOSTILE_KINDS].sort());
    expect(result.peakRssMb).toBeLessThanOrEqual(result.rssBoundMb);
  }, 120_000);

  it("shows the signatories' personal data nowhere but where it must be", async () => {
    if (!fuzz) throw new Error('the fuzz run did not finish');
    // Some customers accept (their link, or directly) and an operator asks for a recheck: Accepted
    // (after the agreement shows in Partner Center), mails, outcome events.
    await app.settle();
    const rows = await app.apiJson<{ items: Array<{ tenantId: string; state: string }> }>('/api/customers');
    const invited = rows.items.filter((row) => row.state === 'InviteSent').slice(0, 5);
    invited.forEach((row) => app.partnerCenter.acceptDirectly(row.tenantId));
    const linked = app.partnerCenter.attestations().slice(0, 5);
    linked.forEach((attestation) => app.partnerCenter.acceptAttestation(attestation.id));
    for (const tenantId of [...invited.map((r) => r.tenantId), ...linked.map((a) => a.customerTenantId)]) {
      const recheck = await app.api(`/api/customers/${tenantId}/mca/recheck`, { method: 'POST' });
      expect(recheck.status).toBeLessThan(300);
    }
    await app.advance(10 * 60_000);
    expect(app.mails().length).toBeGreaterThan(0);
    const sources = await collectPiiSources(target);
    expect(sources.outcomes.length).toBeGreaterThan(0);
    expect(sources.logs.length).toBeGreaterThan(0);
    // The scan does find the signatories where they must be (the runs' inputs)...
    const inputs = sources.durable.map((instance) => (instance as { input?: unknown }).input);
    expect(
      scanForPii({ ...sources, logs: [], durable: [], outcomes: inputs, stateRows: [] }, fuzz.pii).hits
        .length,
    ).toBeGreaterThan(0);
    // ...and nowhere else.
    const { hits } = scanForPii(sources, fuzz.pii);
    expect(hits.slice(0, 20)).toEqual([]);
  }, 120_000);
});
