/**
 * `npm run package` (scripts/package.js) on throw-away projects: the bundle it writes must load with no
 * node_modules anywhere and register every function, the way the Functions worker loads it.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './bicep-reader';

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'scripts/package.js');

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function isExecError(error: unknown): error is { code: number; stdout: string; stderr: string } {
  return typeof error === 'object' && error !== null && 'stderr' in error && 'code' in error;
}

async function node(args: string[], cwd: string): Promise<RunResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (isExecError(error)) return { code: error.code, stdout: error.stdout, stderr: error.stderr };
    throw error;
  }
}

const temporaryDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

afterAll(() => temporaryDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A project with the repo's host.json and dependencies, `main` as given, and these sources. */
function project(main: string, files: Record<string, string>): string {
  const root = tempDir('package-project-');
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  cpSync(path.join(REPO_ROOT, 'host.json'), path.join(root, 'host.json'));
  const pkg = { name: 'sample-app', version: '1.2.3', main, engines: { node: '>=20' } };
  writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

/**
 * Loads the bundle from a copy in a directory with no node_modules above it, standing in for the
 * worker's `@azure/functions-core`, and returns the names of the functions it registered.
 */
async function registeredFunctions(packageDir: string): Promise<string[]> {
  const isolated = tempDir('package-isolated-');
  cpSync(packageDir, isolated, { recursive: true });
  const loader = `
    const Module = require('node:module');
    const names = [];
    const core = {
      setProgrammingModel() {},
      registerFunction(metadata) { names.push(metadata.name); return { dispose() {} }; },
      registerHook() { return { dispose() {} }; },
      log() {},
    };
    const load = Module._load;
    Module._load = function (request, ...rest) {
      return request === '@azure/functions-core' ? core : load.call(this, request, ...rest);
    };
    require(require('node:path').resolve(require('./package.json').main));
    console.log(JSON.stringify(names));`;
  const result = await node(['-e', loader], isolated);
  if (result.code !== 0) throw new Error(`bundle failed to load:\n${result.stderr}`);
  return (JSON.parse(result.stdout) as string[]).sort();
}

const FUNCTION_FILES = {
  'functions/ping.function.ts': `
    import { app } from '@azure/functions';
    import { greeting } from '../shared/greeting';
    app.http('ping', { methods: ['GET'], handler: () => ({ body: greeting('ping') }) });`,
  'functions/orchestrators/sample.function.ts': `
    import { app } from '@azure/functions';
    import * as df from 'durable-functions';
    df.app.activity('sampleActivity', { handler: (input: string) => input });
    app.timer('sampleTimer', { schedule: '0 */5 * * * *', handler: () => undefined });`,
  'functions/helpers.ts': `throw new Error('not an entry point: must not be bundled on its own');`,
  'shared/greeting.ts': `export const greeting = (name: string): string => 'hello ' + name;`,
};

describe('npm run package', () => {
  it('bundles every *.function.ts into one main.js that registers all functions without node_modules', async () => {
    const root = project('dist/functions/**/*.function.js', FUNCTION_FILES);
    const result = await node([SCRIPT, '--root', root], REPO_ROOT);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('functions/orchestrators/sample.function.ts');
    expect(result.stdout).toContain('functions/ping.function.ts');
    expect(await registeredFunctions(path.join(root, 'dist-package'))).toEqual([
      'ping',
      'sampleActivity',
      'sampleTimer',
    ]);
  });

  it('writes a package.json whose main is the bundle, the host.json, and the zip when zip is installed', async () => {
    const root = project('dist/functions/**/*.function.js', FUNCTION_FILES);
    const result = await node([SCRIPT, '--root', root], REPO_ROOT);
    expect(result).toMatchObject({ code: 0 });
    const manifest = JSON.parse(
      readFileSync(path.join(root, 'dist-package/package.json'), 'utf8'),
    ) as unknown;
    expect(manifest).toMatchObject({
      name: 'sample-app-bundle',
      version: '1.2.3',
      main: 'main.js',
      engines: { node: '>=20' },
    });
    expect(readFileSync(path.join(root, 'dist-package/host.json'), 'utf8')).toBe(
      readFileSync(path.join(REPO_ROOT, 'host.json'), 'utf8'),
    );
    const zipped = existsSync(path.join(root, 'dist-package.zip'));
    expect(zipped ? result.stdout : 'zip CLI not found').toMatch(
      zipped ? /Zipped to dist-package\.zip/ : /zip CLI not found/,
    );
    if (zipped) {
      const listing = await run('unzip', ['-Z1', path.join(root, 'dist-package.zip')]);
      expect(listing.stdout.split('\n').filter(Boolean).sort()).toEqual(
        ['host.json', 'main.js', 'main.js.LEGAL.txt', 'package.json'].sort(),
      );
    }
  });

  it('follows package.json main when it names a single composition root', async () => {
    const root = project('dist/functions/main.js', {
      ...FUNCTION_FILES,
      'functions/main.ts': `import './ping.function';`,
    });
    const result = await node([SCRIPT, '--root', root], REPO_ROOT);
    expect(result).toMatchObject({ code: 0 });
    expect(await registeredFunctions(path.join(root, 'dist-package'))).toEqual(['ping']);
  });

  it('fails naming the expected files when there are no entry points', async () => {
    const root = project('dist/functions/**/*.function.js', { 'shared/greeting.ts': 'export {};' });
    const result = await node([SCRIPT, '--root', root], REPO_ROOT);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no entry points');
    expect(result.stderr).toContain('functions/**/*.function.ts');
    expect(existsSync(path.join(root, 'dist-package'))).toBe(false);
  });

  it('fails clearly when package.json main does not name compiled files under dist/', async () => {
    const root = project('index.js', FUNCTION_FILES);
    const result = await node([SCRIPT, '--root', root], REPO_ROOT);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('package.json "main" must name compiled files under dist/');
  });

  it('fails when an entry point does not compile, and says where', async () => {
    const root = project('dist/functions/**/*.function.js', {
      'functions/broken.function.ts': `import { missing } from './does-not-exist';\nmissing();`,
    });
    const result = await node([SCRIPT, '--root', root], REPO_ROOT);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('does-not-exist');
  });
});
