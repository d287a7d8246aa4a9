import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHost } from '../../../local/host';
import { globFiles, globToRegExp } from '../../../local/host/glob';

describe('entry point globs', () => {
  it.each([
    ['dist/functions/**/*.function.js', 'dist/functions/a.function.js', true],
    ['dist/functions/**/*.function.js', 'dist/functions/x/y/b.function.js', true],
    ['dist/functions/**/*.function.js', 'dist/functions/a.function.js.map', false],
    ['dist/functions/**/*.function.js', 'dist/shared/a.function.js', false],
    ['src/*.js', 'src/a.js', true],
    ['src/*.js', 'src/x/a.js', false],
    ['src/{a,b}.js', 'src/b.js', true],
    ['src/?.js', 'src/ab.js', false],
  ])('%s against %s is %s', (pattern, file, expected) => {
    expect(globToRegExp(pattern).test(file)).toBe(expected);
  });

  it('lists matching files sorted, skipping node_modules', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'glob-'));
    try {
      for (const file of [
        'dist/f/b.function.js',
        'dist/f/a.function.js',
        'dist/f/x/c.function.js',
        'dist/f/node_modules/d.function.js',
        'dist/f/e.js',
      ]) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), '');
      }
      expect(globFiles('dist/f/**/*.function.js', dir)).toEqual([
        'dist/f/a.function.js',
        'dist/f/b.function.js',
        'dist/f/x/c.function.js',
      ]);
      expect(globFiles('nowhere/**/*.js', dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('app folders the host refuses', () => {
  let dir: string;

  beforeEach(() => {
    // Inside the project, so `require('@azure/functions')` resolves from its node_modules.
    const scratch = path.resolve(__dirname, '../../../.local');
    mkdirSync(scratch, { recursive: true });
    dir = mkdtempSync(path.join(scratch, 'bad-app-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const start = () =>
    startHost({ appDir: dir, port: 0, dataDir: path.join(dir, '.local'), log: () => undefined });

  it('names a main pattern that matches nothing, as the worker does', async () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main: 'dist/**/*.function.js' }));
    await expect(start()).rejects.toThrow(
      /unable to load entry point "dist\/\*\*\/\*\.function\.js": Found zero files/,
    );
  });

  it('names a missing main file', async () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main: 'index.js' }));
    await expect(start()).rejects.toThrow(/entry point "index\.js": File does not exist/);
  });

  it('reports an entry point that throws while loading, with its file', async () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main: 'index.js' }));
    writeFileSync(path.join(dir, 'index.js'), "throw new Error('broken at load');");
    await expect(start()).rejects.toThrow(/entry point "index\.js": broken at load/);
  });

  it('names the file and field of an invalid host.json', async () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main: 'index.js' }));
    writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ extensions: { http: { routePrefix: 5 } } }));
    await expect(start()).rejects.toThrow(/host\.json is invalid: extensions\.http\.routePrefix/);
  });

  it('rejects an invalid timer schedule at start-up', async () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main: 'index.js' }));
    writeFileSync(
      path.join(dir, 'index.js'),
      "require('@azure/functions').app.timer('bad', { schedule: '*/5 * * * *', handler: () => {} });",
    );
    await expect(start()).rejects.toThrow(
      /'\*\/5 \* \* \* \*' is not a valid NCRONTAB expression: expected 6 fields/,
    );
  });
});
