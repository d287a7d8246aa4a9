/**
 * The operator CLI end to end against the app stack: each command through the real app, the Service
 * Bus emulator's dead-letter queue, and the Partner Center emulator (webhooks, the sign-in).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_WEBHOOK_EVENTS } from '../../../cli/commands/webhook';
import { main } from '../../../cli/main';
import { REFRESH_TOKEN_CURSOR } from '../../../shared/partnerCenter';
import { createStore } from '../../../shared/store';
import { startAppStack, type AppStack } from '../../helpers/app-stack';

jest.setTimeout(180_000);

let app: AppStack;
let emptyDir: string;
let tenantSeq = 0x300;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mca ...` in-process with the stack's settings (no settings file) and its URL. */
async function mca(args: string[], openUrl?: (url: string) => Promise<unknown>): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { ...app.settings, MCA_URL: app.hostUrl },
    cwd: emptyDir,
    openUrl: async (url) => {
      if (!openUrl) throw new Error('no browser in this test');
      await openUrl(url);
    },
  });
  return { code, stdout, stderr };
}

function newTenant(): string {
  const tenantId = `e0000000-0000-4000-8000-${(tenantSeq++).toString(16).padStart(12, '0')}`;
  app.partnerCenter.addCustomer({ tenantId, companyName: `CLI Co ${tenantSeq}`, agreements: [] });
  return tenantId;
}

async function startCustomer(tenantId: string): Promise<void> {
  const response = await app.api(`/api/customers/${tenantId}/mca`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      tenantId,
      companyName: `CLI Co ${tenantId.slice(-4)}`,
      country: 'JP',
      language: 'ja-JP',
      signatory: { firstName: 'Hanako', lastName: 'Yamada', email: 'hanako@cli.example.com' },
      method: 'attestation',
    }),
  });
  expect(response.status).toBe(202);
  await app.waitFor(
    async () => {
      await app.settle();
      const r = await app.api(`/api/customers/${tenantId}/mca`);
      return r.status === 200 && ((await r.json()) as { state: string }).state === 'AttestationPending';
    },
    { what: `${tenantId} waiting for the attestation` },
  );
}

beforeAll(async () => {
  emptyDir = await mkdtemp(path.join(tmpdir(), 'mca-cli-'));
  app = await startAppStack();
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (emptyDir) await rm(emptyDir, { recursive: true, force: true });
});

describe('command line', () => {
  it.each([
    [[] as string[], 'Usage: mca'],
    [['status'], 'mca status takes <tenant>'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['list', '--colour'], "Unknown option '--colour'"],
    [['dlq', 'resend'], 'exactly one of --id <messageId> or --all'],
    [['webhook', 'test', '--wait', 'soon'], '--wait must be a number of at least 0'],
    [['auth', 'refresh-token', '--port', '84.5'], '--port must be a whole number of at least 0'],
    [['confirm', 'c0000000-0000-4000-8000-000000000001', '--method', 'direct'], '--date is required'],
  ])('%j is a usage error: exit 2 and the usage', async (args, message) => {
    const run = await mca(args);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(message);
    expect(run.stdout + run.stderr).toContain('Usage: mca <command>');
  });

  it('fails with the reason, not a stack trace, when the app is not there', async () => {
    const run = await mca(['status', 'e0000000-0000-4000-8000-000000000001', '--url', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^mca: cannot reach http:\/\/127\.0\.0\.1:9 /);
    expect(run.stderr).not.toContain('    at ');
  });
});

describe('customer commands through the HTTP API', () => {
  let tenantId: string;

  beforeAll(async () => {
    tenantId = newTenant();
    await startCustomer(tenantId);
  });

  it('status: an unknown tenant exits 1 with the API problem', async () => {
    const run = await mca(['status', 'e0000000-0000-4000-8000-0000000fffff']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'GET /api/customers/e0000000-0000-4000-8000-0000000fffff/mca: HTTP 404 NotFound',
    );
    expect(run.stdout).toBe('');
  });

  it('status: fields and history for people, the API body with --json', async () => {
    const people = await mca(['status', tenantId]);
    expect(people.code).toBe(0);
    expect(people.stdout).toMatch(/^tenantId: +e0000000/m);
    expect(people.stdout).toMatch(/^state: +AttestationPending$/m);
    expect(people.stdout).toMatch(/^at +actor +action/m);

    const machine = await mca(['status', tenantId, '--json']);
    expect(JSON.parse(machine.stdout)).toMatchObject({
      tenantId,
      state: 'AttestationPending',
      purchaseAllowed: false,
    });
  });

  it('list: filters by state, follows every page with --all', async () => {
    const other = newTenant();
    await startCustomer(other);
    const onePage = JSON.parse(
      (await mca(['list', '--state', 'AttestationPending', '--page-size', '1', '--json'])).stdout,
    ) as {
      items: { tenantId: string }[];
      continuationToken: string | null;
    };
    expect(onePage.items).toHaveLength(1);
    expect(onePage.continuationToken).not.toBeNull();

    const all = await mca(['list', '--state', 'AttestationPending', '--page-size', '1', '--all', '--json']);
    const tenants = (JSON.parse(all.stdout) as { items: { tenantId: string }[] }).items.map(
      (i) => i.tenantId,
    );
    expect(tenants).toEqual(expect.arrayContaining([tenantId, other]));

    const table = await mca(['list', '--state', 'Accepted']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^tenantId +companyName +country +state/);
    expect(table.stdout).not.toContain(tenantId);

    const bad = await mca(['list', '--state', 'Sleeping']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('HTTP 400 ValidationFailed: state: Invalid option');
  });

  it('report: the CSV on stdout, as the API serves it', async () => {
    const run = await mca(['report']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(await (await app.api('/api/reports/mca.csv')).text());
    expect(run.stdout).toContain(tenantId);
  });

  it('remind and recheck raise the events on the running workflow', async () => {
    for (const action of ['remind', 'recheck']) {
      const run = await mca([action, tenantId, '--json']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ tenantId, instanceId: `mca-${tenantId}` });
    }
  });

  it('confirm: a deployment that reads Partner Center refuses it, and the CLI says why', async () => {
    const run = await mca([
      'confirm',
      tenantId,
      '--method',
      'direct',
      '--date',
      '2026-03-01',
      '--by',
      'operator',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'HTTP 409 Conflict: Partner Center is read for acceptance here: use /recheck',
    );
  });
});

describe('dead letters of crm-customer-events', () => {
  it('lists them without personal data and resends one: copy sent, dead letter completed', async () => {
    await app.sendCrmEvent(
      {
        type: 'CustomerCreated',
        eventId: 'cli-dlq-1',
        customer: { tenantId: 'not-a-guid', companyName: 'X' },
      },
      { messageId: 'cli-dlq-message-1' },
    );
    await app.waitFor(async () => (await dlqIds()).includes('cli-dlq-message-1'), {
      what: 'the dead letter',
    });

    const listed = await mca(['dlq', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^messageId +enqueuedAt +reason/);
    expect(listed.stdout).toMatch(/cli-dlq-message-1 .*CustomerCreated +cli-dlq-1/);

    const missing = await mca(['dlq', 'resend', '--id', 'no-such-message']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no dead letter with message id no-such-message');
    expect(await dlqIds()).toContain('cli-dlq-message-1'); // the others were only unlocked

    const resent = await mca(['dlq', 'resend', '--id', 'cli-dlq-message-1']);
    expect(resent.code).toBe(0);
    expect(resent.stdout).toContain('resent cli-dlq-message-1 (CustomerCreated cli-dlq-1)');
    // Still invalid: the app dead-letters the copy again, under its own message id.
    await app.waitFor(async () => (await dlqIds()).some((id) => id.startsWith('cli-dlq-message-1-resent-')), {
      what: 'the resent copy to be processed',
    });
    expect(await dlqIds()).not.toContain('cli-dlq-message-1');
  });

  async function dlqIds(): Promise<string[]> {
    const run = await mca(['dlq', 'list', '--json']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('@');
    return (JSON.parse(run.stdout) as { messageId: string }[]).map((letter) => letter.messageId);
  }
});

describe('Partner Center webhook registration', () => {
  it('shows, registers the app, and a test event reaches the app with a 200', async () => {
    expect((await mca(['webhook', 'show'])).stdout).toBe('No webhook registration.\n');

    const registered = await mca(['webhook', 'register', '--json']);
    expect(registered.code).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({
      webhookUrl: `${app.hostUrl}/api/webhooks/partner-center`,
      webhookEvents: [...DEFAULT_WEBHOOK_EVENTS],
    });
    const updated = await mca(['webhook', 'register', '--events', 'test-created', '--json']);
    expect(JSON.parse(updated.stdout)).toMatchObject({ webhookEvents: ['test-created'] });

    const tested = await mca(['webhook', 'test', '--interval', '0.1', '--wait', '20', '--json']);
    expect(tested.code).toBe(0);
    expect(JSON.parse(tested.stdout)).toMatchObject({
      status: 'completed',
      callbackUrl: `${app.hostUrl}/api/webhooks/partner-center`,
      results: [{ responseCode: '200', systemError: false }],
    });
  });

  it('a test event that is not registered fails at once, saying nothing was sent', async () => {
    await mca(['webhook', 'register', '--events', 'reseller-relationship-accepted-by-customer']);
    const startedAt = Date.now();
    const run = await mca(['webhook', 'test', '--interval', '0.1', '--wait', '60']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nothing was sent (is test-created registered? mca webhook show)');
    expect(Date.now() - startedAt).toBeLessThan(30_000); // did not poll out its minute
  });

  it('a test event nobody answers with a 2xx fails the command', async () => {
    await mca([
      'webhook',
      'register',
      '--callback',
      'http://127.0.0.1:9/nowhere',
      '--events',
      'test-created',
    ]);
    const run = await mca(['webhook', 'test', '--interval', '0.1', '--wait', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the test event \(correlationId [\w-]+\) was not delivered with a 2xx answer/);
  });
});

describe('auth refresh-token', () => {
  /** The "browser": the emulator's sign-in redirects at once; follow it to the CLI's listener. */
  async function followSignIn(signInUrl: string): Promise<string> {
    const signIn = await fetch(signInUrl, { redirect: 'manual' });
    const location = signIn.headers.get('location');
    if (!location) throw new Error(`no redirect from the sign-in (${signIn.status})`);
    return (await fetch(location)).text();
  }

  it('signs in through the loopback redirect and stores the refresh token where the app reads it', async () => {
    const run = await mca(['auth', 'refresh-token', '--port', '0'], async (signInUrl) => {
      expect(new URL(signInUrl).searchParams.get('code_challenge_method')).toBe('S256');
      expect(await followSignIn(signInUrl)).toContain('Signed in');
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Stored the new refresh token in the cursors table');

    const store = createStore({ connectionString: app.settings.AzureWebJobsStorage ?? '' });
    const stored = (await store.cursors.get(REFRESH_TOKEN_CURSOR))?.value;
    expect(stored).toMatch(/^pce-rt-mfa\./);
    expect(run.stdout + run.stderr).not.toContain(stored);

    // The stored token works: the emulator's Entra exchanges it.
    const exchange = await fetch(`${app.settings.PARTNER_CENTER_AUTHORITY}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: stored ?? '',
        client_id: app.settings.PARTNER_CENTER_CLIENT_ID ?? '',
        client_secret: app.settings.PARTNER_CENTER_CLIENT_SECRET ?? '',
        scope: 'https://api.partnercenter.microsoft.com/.default',
      }),
    });
    expect(exchange.status).toBe(200);
  });

  it('--client-secret-file replaces the secret of the settings (a wrong one is refused by Entra)', async () => {
    await writeFile(path.join(emptyDir, 'secret.txt'), 'not-the-client-secret\n');
    const run = await mca(
      ['auth', 'refresh-token', '--port', '0', '--client-secret-file', 'secret.txt'],
      followSignIn,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid_client');
  });

  it('a sign-in answered with an error fails with that error', async () => {
    const browser = async (signInUrl: string): Promise<void> => {
      const url = new URL(signInUrl);
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      back.searchParams.set('error', 'access_denied');
      await fetch(back);
    };
    const run = await mca(['auth', 'refresh-token', '--port', '0'], browser);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('sign-in failed: access_denied');
  });
});
