import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../cli/main';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mca-main-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env,
    cwd: dir,
    openUrl: () => undefined,
  });
  return { code, stdout, stderr };
}

describe('mca without the settings a command needs', () => {
  it.each([
    [['dlq', 'list'], 'ServiceBusConnection'],
    [['webhook', 'show'], 'PARTNER_CENTER_CLIENT_ID'],
    [['auth', 'refresh-token'], 'PARTNER_CENTER_CLIENT_ID'],
  ])('%j names the missing key in one line, exit 1', async (args, key) => {
    const result = await run(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^mca: settings: .*${key}: .*--settings <file>\\)\\n$`));
  });

  it('never echoes a secret from the settings it rejects', async () => {
    const result = await run(['dlq', 'list'], {
      ServiceBusConnection: 'Endpoint=nope;SharedAccessKey=hunter2',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ServiceBusConnection');
    expect(result.stderr).not.toContain('hunter2');
  });
});

describe('help', () => {
  it('mca --help and mca <command> --help exit 0', async () => {
    expect((await run(['--help'])).stdout).toContain('Usage: mca <command>');
    const one = await run(['dlq', 'resend', '--help']);
    expect(one).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('mca dlq resend --id <messageId> | --all') as unknown,
    });
  });
});
