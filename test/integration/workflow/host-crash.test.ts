/**
 * `kill -9` of the Functions host in the middle of a customer's attestation, twice: first while it
 * creates the attestation, then right after the link mail went out. The emulators live on in this
 * process (as Partner Center, SendGrid and Storage do in Azure); the host restarts on the same data and
 * the workflow resumes with one attestation and one mail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulators, type Emulators } from '../../../local/emulators';
import { APP_DIR, localAppSettings } from '../../../local/stack';
import { ensureBuilt } from '../../helpers/app-stack';
import { testCustomer } from './onboarding-helpers';

jest.setTimeout(120_000);

const TENANT = 'f0000000-0000-4000-8000-000000000001';
let workDir: string;
let emulators: Emulators;
let hostUrl: string;
let start: () => Promise<ChildProcess>;
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

beforeAll(async () => {
  await ensureBuilt();
  workDir = mkdtempSync(path.join(tmpdir(), 'host-crash-'));
  emulators = await startEmulators({
    dataDir: path.join(workDir, 'emulators'),
    ports: { partnerCenter: 0, sendGrid: 0, serviceBus: 0, blob: 0, queue: 0, table: 0 },
  });
  const settings = localAppSettings(emulators, {
    POLL_INITIAL_DELAY: 'PT1S',
    POLL_MAX_DELAY: 'PT2S',
    REMINDER_SCHEDULE: 'PT10M',
    ACCEPTANCE_DEADLINE: 'PT20M',
    'AzureWebJobs.partnerCenterAuditFeed.Disabled': 'true',
    'AzureWebJobs.mcaReminders.Disabled': 'true',
    'AzureWebJobs.mcaSendClaims.Disabled': 'true',
    'AzureWebJobs.mcaComplianceSweepTimer.Disabled': 'true',
  });
  const port = await freePort();
  hostUrl = `http://127.0.0.1:${port}`;
  const main = path.join(APP_DIR, 'dist/local/host/main.js');
  const args = [main, '--app', APP_DIR, '--port', String(port), '--data-dir', path.join(workDir, 'host')];
  start = () =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, {
        env: { ...process.env, ...settings },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Host listening')) resolve(child);
      });
      child.on('exit', (code) => reject(new Error(`host exited early (${code}): ${output.slice(-500)}`)));
    });
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await emulators?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const attestations = () =>
  emulators.partnerCenter.control.attestations().filter((a) => a.customerTenantId === TENANT);

it('resumes after kill -9 mid-attestation and mid-mail with one attestation and one mail', async () => {
  emulators.partnerCenter.control.addCustomer({ tenantId: TENANT, companyName: 'Crash Test Dummies Ltd' });
  const customer = testCustomer(TENANT, 'Crash Test Dummies Ltd');
  const mails = () =>
    emulators.sendGrid
      .messages()
      .filter((m) => m.personalizations.some((p) => p.to.some((t) => t.email === customer.signatory.email)));

  let host = await start();
  const response = await fetch(`${hostUrl}/api/customers/${TENANT}/mca`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...customer, method: 'attestation' }),
  });
  expect(response.status).toBe(202);

  // 1: the attestation exists in Partner Center, the host has not recorded it yet.
  await until(() => attestations().length > 0 || undefined, 'the attestation');
  await killHard(host);
  host = await start();

  // 2: the link mail is in the inbox; kill before the workflow records it.
  await until(() => mails().length > 0 || undefined, 'the link mail');
  await killHard(host);
  host = await start();

  await until(async () => {
    const state = await fetch(`${hostUrl}/api/customers/${TENANT}/mca`);
    return state.status === 200 && ((await state.json()) as { state: string }).state === 'AttestationPending';
  }, 'AttestationPending');
  // A few polls later nothing more has been created or sent.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(attestations()).toHaveLength(1);
  expect(mails()).toHaveLength(1);
  await killHard(host);
});
