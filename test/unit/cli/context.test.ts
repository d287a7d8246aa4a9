import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError, loadSettings, numberOption, UsageError } from '../../../cli/context';

describe('loadSettings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mca-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, values: Record<string, unknown>) =>
    writeFileSync(path.join(dir, name), JSON.stringify({ IsEncrypted: false, Values: values }));

  it('the environment wins over local.settings.json', () => {
    write('local.settings.json', { A: 'file', B: 'file', N: 5 });
    expect(loadSettings({ cwd: dir, env: { A: 'env', U: undefined } }, undefined)).toEqual({
      A: 'env',
      B: 'file',
      N: '5',
    });
  });

  it('never reads local.settings.json.example unasked (its emulator addresses are local only)', () => {
    write('local.settings.json.example', { C: 'example' });
    expect(loadSettings({ cwd: dir, env: {} }, undefined)).toEqual({});
    expect(loadSettings({ cwd: dir, env: {} }, 'local.settings.json.example')).toEqual({ C: 'example' });
  });

  it('--settings names the file; none reads only the environment', () => {
    write('other.json', { D: 'other' });
    write('local.settings.json', { A: 'file' });
    expect(loadSettings({ cwd: dir, env: {} }, 'other.json')).toEqual({ D: 'other' });
    expect(loadSettings({ cwd: dir, env: { E: 'env' } }, 'none')).toEqual({ E: 'env' });
    expect(() => loadSettings({ cwd: dir, env: {} }, 'missing.json')).toThrow(CliError);
  });

  it('a broken file is a one-line error naming it', () => {
    writeFileSync(path.join(dir, 'local.settings.json'), '{ nope');
    expect(() => loadSettings({ cwd: dir, env: {} }, undefined)).toThrow(
      /cannot read .*local\.settings\.json/,
    );
  });
});

describe('numberOption', () => {
  it.each([
    [{}, {}, 7],
    [{ n: '0.5' }, {}, 0.5],
    [{ n: '8400' }, { whole: true }, 8400],
    [{ n: '0' }, { whole: true }, 0],
  ])('%j %j -> %s', (options, flags, expected) => {
    expect(numberOption(options, 'n', 7, flags)).toBe(expected);
  });

  it.each([
    [{ n: 'soon' }, {}],
    [{ n: '-1' }, {}],
    [{ n: '1.5' }, { whole: true }],
    [{ n: 'Infinity' }, {}],
  ])('%j %j is a usage error', (options, flags) => {
    expect(() => numberOption(options, 'n', 7, flags)).toThrow(UsageError);
  });
});
