/** Starts the host on a fixture app for a test file, on a free port with a temporary data folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../../../local/clock';
import { startHost, type RunningHost, type StartHostOptions } from '../../../local/host';

export const fixtureApp = (name: string): string => path.resolve(__dirname, '../../fixtures/apps', name);

export interface TestHost {
  host: RunningHost;
  clock: VirtualClock;
  lines: string[];
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestHost(app: string, options: StartHostOptions = {}): Promise<TestHost> {
  const clock =
    options.clock instanceof VirtualClock ? options.clock : new VirtualClock(Date.UTC(2026, 0, 1));
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'local-host-'));
  const lines: string[] = [];
  const host = await startHost({
    appDir: fixtureApp(app),
    port: 0,
    clock,
    dataDir,
    log: (line) => lines.push(line),
    ...options,
  });
  return {
    host,
    clock,
    lines,
    dataDir,
    stop: async () => {
      await host.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
