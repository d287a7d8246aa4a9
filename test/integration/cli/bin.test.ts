/** `npx mca` / `npm run mca`: package.json names the compiled CLI, and it runs as a program. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_DIR } from '../../../local/stack';
import { ensureBuilt } from '../../helpers/app-stack';

const packageJson = JSON.parse(readFileSync(path.join(APP_DIR, 'package.json'), 'utf8')) as {
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
};

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const entry = path.join(APP_DIR, packageJson.bin?.mca ?? 'missing');
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { cwd: APP_DIR }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => ensureBuilt(), 120_000);

it('package.json: bin mca and the npm script run dist/cli/main.js, a node program', () => {
  expect(packageJson.bin).toEqual({ mca: 'dist/cli/main.js' });
  expect(packageJson.scripts?.mca).toBe('node dist/cli/main.js');
  expect(readFileSync(path.join(APP_DIR, 'dist/cli/main.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
});

it('--help prints the usage and exits 0; a bad command line exits 2 with the usage on stderr', async () => {
  const help = await run(['--help']);
  expect(help).toMatchObject({ code: 0, stderr: '' });
  expect(help.stdout).toContain('mca auth refresh-token');

  const bad = await run(['status']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/^mca: mca status takes <tenant>\n\nUsage: mca <command>/);
});
