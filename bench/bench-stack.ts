/**
 * What the sweep bench runs on: the emulators in this process (Partner Center in memory, seeded with the
 * bench's book, with a rate limit and latency), and the local Functions host in a child process running
 * the built app (dist/), so its peak RSS is its own. Wall clock throughout: the sweep's cost is what is
 * measured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulators, type Emulators } from '../local/emulators';
import {
  startPartnerCenterEmulator,
  type PartnerCenterEmulator,
} from '../local/emulators/partner-center/partner-center.emulator';
import { APP_DIR, localAppSettings } from '../local/stack';
import { benchSeed } from './book';

export interface PartnerCenterLimits {
  /** The emulator's rate limit, and the app's own PARTNER_CENTER_MAX_REQUESTS_PER_SECOND. */
  ratePerSecond: number;
  /** Added to every Partner Center API answer (real time). */
  latencyMs: number;
}

/**
 * Requests in flight the app allows (PARTNER_CENTER_MAX_CONCURRENCY), which is also the sweep's lane
 * count: 8 lanes kept the sweep at half the rate limit (README, Performance); the budget still caps the rate.
 */
export const BENCH_CONCURRENCY = 32;

/** Every timer off: the bench starts the sweep itself (the admin API runs a disabled timer). */
const QUIET_TIMERS = {
  'AzureWebJobs.partnerCenterAuditFeed.Disabled': 'true',
  'AzureWebJobs.mcaReminders.Disabled': 'true',
  'AzureWebJobs.mcaSendClaims.Disabled': 'true',
  'AzureWebJobs.mcaComplianceSweepTimer.Disabled': 'true',
  'AzureWebJobs.instancePurge.Disabled': 'true',
};

export interface BenchStack {
  hostUrl: string;
  partnerCenter: PartnerCenterEmulator;
  /** The app's settings (what the host child runs with). */
  settings: Record<string, string>;
  /** Peak resident set of the host process so far (VmHWM), in MB; undefined off Linux. */
  hostPeakRssMb(): number | undefined;
  close(): Promise<void>;
}

/** Stacks not yet closed: stopped on Ctrl-C so no emulator or host child outlives the bench. */
const openStacks = new Set<() => Promise<void>>();

export async function closeOpenStacks(): Promise<void> {
  await Promise.allSettled([...openStacks].map((close) => close()));
}

export async function startBenchStack(customers: number, limits: PartnerCenterLimits): Promise<BenchStack> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mca-bench-'));
  const closers: Array<() => Promise<void>> = [() => rm(dataDir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    openStacks.delete(close);
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  openStacks.add(close);
  try {
    const emulators = await startEmulators({
      dataDir,
      ports: { partnerCenter: 0, sendGrid: 0, serviceBus: 0, blob: 0, queue: 0, table: 0 },
    });
    closers.push(() => emulators.close());
    // In memory: the state file would be rewritten on every write, which with 20,000 customers is the
    // emulator's cost, not the app's.
    const partnerCenter = await startPartnerCenterEmulator({ port: 0, seed: benchSeed(customers) });
    closers.push(() => partnerCenter.close());
    partnerCenter.control.setFault({ path: '/v1/**', kind: 'latency', latencyMs: limits.latencyMs });
    partnerCenter.control.setFault({
      path: '/v1/**',
      kind: 'rateLimit',
      requestsPerSecond: limits.ratePerSecond,
    });
    const settings = benchSettings(emulators, partnerCenter.url, limits);
    const host = await startHostChild(settings, path.join(dataDir, 'host'));
    closers.push(() => host.stop());
    return {
      hostUrl: host.url,
      partnerCenter,
      settings,
      hostPeakRssMb: () => peakRssMb(host.child.pid),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function benchSettings(
  emulators: Emulators,
  partnerCenterUrl: string,
  limits: PartnerCenterLimits,
): Record<string, string> {
  const local = localAppSettings(emulators, {
    ...QUIET_TIMERS,
    PARTNER_CENTER_MAX_REQUESTS_PER_SECOND: String(limits.ratePerSecond),
    PARTNER_CENTER_MAX_CONCURRENCY: String(BENCH_CONCURRENCY),
  });
  // Every address of the stack's own Partner Center emulator points at the bench's seeded one.
  return Object.fromEntries(
    Object.entries(local).map(([key, value]) => [
      key,
      value.split(emulators.partnerCenterUrl).join(partnerCenterUrl),
    ]),
  );
}

interface HostChild {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const HOST_MAIN = path.join(APP_DIR, 'dist', 'local', 'host', 'main.js');

/** `node dist/local/host/main.js` on a free port; resolves once it says where it listens. */
function startHostChild(settings: Record<string, string>, dataDir: string): Promise<HostChild> {
  const child = spawn(process.execPath, [HOST_MAIN, '--app', APP_DIR, '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timeout);
  };
  return new Promise((resolve, reject) => {
    let buffered = '';
    // Always drained: a full pipe would stall the host.
    child.stderr?.on('data', (chunk: Buffer) => keep(recent, chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        keep(recent, line);
        const listening = /Host listening on (http:\/\/\S+)/.exec(line);
        if (listening?.[1]) resolve({ url: listening[1], child, stop });
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`the host exited (${String(code)}) before listening:\n${recent.join('\n')}`)),
    );
  });
}

/** `BENCH_HOST_LOG=<file>`: every host line is also appended there (to see what a slow run did). */
const HOST_LOG = process.env.BENCH_HOST_LOG;

function keep(recent: string[], line: string): void {
  if (HOST_LOG) appendFileSync(HOST_LOG, `${line}\n`);
  recent.push(line);
  if (recent.length > 40) recent.shift();
}

/** VmHWM of a process (its peak resident set), from /proc. */
export function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
