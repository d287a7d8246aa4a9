/**
 * kill -9 of a process running the engine in the middle of an activity, then a restart on the same
 * data folder: the instance completes, completed activities never run again, and only the activity
 * that was in flight runs a second time (at-least-once, as in Azure).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as df from 'durable-functions';
import { buildSync } from 'esbuild';
import { durableClientFrom } from '../../helpers/durable-harness';

const root = path.resolve(__dirname, '../../..');
let workDir: string;
let bundle: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-crash-'));
  bundle = path.join(workDir, 'engine-process.js');
  buildSync({
    entryPoints: [path.join(root, 'test/fixtures/durable/engine-process.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['durable-functions', '@azure/functions', '@azure/functions-core'],
    logLevel: 'silent',
  });
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(workDir, { recursive: true, force: true });
});

function startEngineProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; bindingData: string }> {
  const child = spawn(process.execPath, [bundle], {
    env: { ...process.env, ...env, NODE_PATH: path.join(root, 'node_modules') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (output.includes('\n'))
        resolve({ child, bindingData: (JSON.parse(line) as { bindingData: string }).bindingData });
    });
    child.on('exit', (code) => reject(new Error(`engine process exited early (${code})`)));
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('survives kill -9 mid-activity and runs each recorded activity once', async () => {
  const log = path.join(workDir, 'activities.log');
  const env = { DURABLE_DATA_DIR: path.join(workDir, 'data'), DURABLE_CRASH_LOG: log };
  const lines = (): string[] => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);

  const first = await startEngineProcess(env);
  const id = await durableClientFrom(first.bindingData).startNew('CrashChain', { instanceId: 'crash-1' });
  await waitFor(() => lines().includes('start slow'));
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  expect(lines()).toEqual(['start first', 'end first', 'start slow']);

  fs.writeFileSync(`${log}.release`, '');
  const second = await startEngineProcess(env);
  const client = durableClientFrom(second.bindingData);
  await waitFor(
    async () => (await client.getStatus(id)).runtimeStatus === df.OrchestrationRuntimeStatus.Completed,
  );
  expect((await client.getStatus(id)).output).toEqual(['first', 'slow', 'last']);
  // `first` completed and was recorded before the crash: never again. `slow` was in flight: once more.
  expect(lines()).toEqual([
    'start first',
    'end first',
    'start slow',
    'start slow',
    'end slow',
    'start last',
    'end last',
  ]);
  second.child.kill('SIGKILL');
});
