/**
 * `npm run package` output (one esbuild bundle, no node_modules) runs on the local host like the
 * project: it registers every function and serves a customer end to end. (Its Service Bus SDK-binding
 * trigger carries the real extension, which settles through the Azure host: that path is tested on the
 * project build, where the local host stands in for the extension.)
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { APP_DIR } from '../../../local/stack';
import { startAppStack, type AppStack } from '../../helpers/app-stack';
import { TEST_SETTINGS, testCustomer } from '../workflow/onboarding-helpers';

jest.setTimeout(240_000);

const DIRECTLY_SIGNED = 'c0000000-0000-4000-8000-000000000001';
let app: AppStack | undefined;
let packageDir: string;

beforeAll(async () => {
  // Packaged from a copy of the sources, so the test never writes into the working tree.
  const root = mkdtempSync(path.join(tmpdir(), 'mca-package-'));
  for (const entry of ['functions', 'shared', 'web', 'package.json', 'host.json', 'tsconfig.json']) {
    cpSync(path.join(APP_DIR, entry), path.join(root, entry), { recursive: true });
  }
  symlinkSync(path.join(APP_DIR, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  await promisify(execFile)('node', [path.join(APP_DIR, 'scripts/package.js'), '--root', root], {
    cwd: APP_DIR,
  });
  packageDir = path.join(root, 'dist-package');
  app = await startAppStack({ settings: TEST_SETTINGS, appDir: packageDir });
});

afterAll(async () => {
  await app?.close();
  if (packageDir) rmSync(path.dirname(packageDir), { recursive: true, force: true });
});

it('registers the same functions as the project', () => {
  const names = app?.host.functions.map((f) => f.name) ?? [];
  expect(names).toEqual(
    expect.arrayContaining(['crmCustomerEvents', 'mcaOnboarding', 'mcaSendMail', 'apiStartOnboarding']),
  );
  expect(JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'))).toMatchObject({
    main: 'main.js',
  });
});

it('serves the dashboard page and its bundle from the package (web/ beside main.js)', async () => {
  if (!app) throw new Error('no stack');
  const page = await app.api('/api/dashboard');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(await page.text()).toContain('/api/dashboard/dashboard.js');
  const script = await app.api('/api/dashboard/dashboard.js');
  expect(script.status).toBe(200);
  expect(script.headers.get('content-type')).toContain('text/javascript');
  expect((await script.text()).length).toBeGreaterThan(10_000);
});

it('takes a customer through the HTTP API to Accepted', async () => {
  if (!app) throw new Error('no stack');
  const stack = app;
  const customer = testCustomer(DIRECTLY_SIGNED, 'Adatum Example Ltd');
  const started = await stack.api(`/api/customers/${DIRECTLY_SIGNED}/mca`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(customer),
  });
  expect(started.status).toBe(202);
  await stack.settle();
  const state = await stack.waitFor(async () => {
    const response = await stack.api(`/api/customers/${DIRECTLY_SIGNED}/mca`);
    const body = response.status === 200 ? ((await response.json()) as { state: string }) : undefined;
    return body?.state === 'Accepted' ? body : undefined;
  });
  expect(state).toMatchObject({ state: 'Accepted', purchaseAllowed: true });
});
