/** The CLI, as `npm run host -- --app <dir>` runs it: spawn, serve HTTP, stop cleanly on SIGTERM. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { parseArgs } from '../../../local/host/main';
import { fixtureApp } from './host-fixture';

const root = path.resolve(__dirname, '../../..');
// Inside the worktree so the bundle's external packages resolve from its node_modules.
const bundle = path.join(root, '.local', 'test-build', 'host-main.js');

function waitForOutput(
  child: ChildProcessWithoutNullStreams,
  pattern: RegExp,
  output: { text: string },
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; output:\n${output.text}`)),
      10_000,
    );
    const check = () => {
      const found = pattern.exec(output.text);
      if (found) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(found);
      }
    };
    child.stdout.on('data', check);
    check();
  });
}

describe('host CLI', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'host-cli-'));
    await build({
      entryPoints: [path.join(root, 'local/host/main.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outfile: bundle,
      logLevel: 'silent',
    });
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('parses its arguments and rejects bad ones', () => {
    expect(parseArgs([], '/project')).toEqual({
      appDir: '/project',
      port: 7071,
      verbose: false,
      enforceKeys: undefined,
      dataDir: undefined,
    });
    expect(
      parseArgs(['--app', '/x', '--port', '0', '--verbose', '--enforce-keys'], '/project'),
    ).toMatchObject({
      appDir: '/x',
      port: 0,
      verbose: true,
      enforceKeys: true,
    });
    expect(() => parseArgs(['--port', '99999'], '/p')).toThrow(/--port must be/);
    expect(() => parseArgs(['--bogus'], '/p')).toThrow(/unknown argument --bogus/);
  });

  it('runs a fixture app with --app, serves its routes and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [bundle, '--app', fixtureApp('http-timer'), '--port', '0', '--data-dir', dataDir],
      {
        cwd: root,
        env: { ...process.env, LOCAL_HOST_ENFORCE_KEYS: '' },
      },
    );
    const output = { text: '' };
    child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const [, url] = await waitForOutput(child, /Host listening on (http:\/\/127\.0\.0\.1:\d+)/, output);
      expect(output.text).toMatch(
        /echo: \[GET,POST,PUT\] http:\/\/127\.0\.0\.1:\d+\/api\/echo\/\{id\}\/\{name\?\}/,
      );
      const res = await fetch(`${url}/api/hello`);
      expect(res.status).toBe(201);
      await waitForOutput(child, / hello httpTrigger \d+ms Succeeded/, output);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output.text).toMatch(/SIGTERM: stopping the host/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
