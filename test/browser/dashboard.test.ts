/**
 * The dashboard in a real browser: headless Chromium (Debian package `chromium`) driven by
 * playwright-core against the app stack (the built app on the local host, emulators, Azurite).
 * Leaves a screenshot in test-artifacts/dashboard.png. Without Chromium it skips locally and FAILS in CI.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { APP_DIR } from '../../local/stack';
import { startAppStack, type AppStack } from '../helpers/app-stack';

jest.setTimeout(240_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(APP_DIR, 'test-artifacts');
const UI_TIMEOUT_MS = 60_000;
const inCi = process.env.CI === 'true';
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium && !inCi) {
  console.warn(`dashboard browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}
const describeBrowser = haveChromium || inCi ? describe : describe.skip;

const tenant = (n: number) => `b0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const contact = { firstName: 'Test', lastName: 'Example', email: 'signatory@browser.example.com' };

/** Demo-like book: covered directly, covered by a recent attestation, no MCA, only a stale attestation. */
const BOOK = [
  {
    tenantId: tenant(1),
    companyName: 'Adatum Browser Ltd',
    directSigned: true,
    agreements: [],
    state: 'Accepted',
  },
  {
    tenantId: tenant(2),
    companyName: 'Fabrikam Browser Inc',
    directSigned: false,
    agreements: [{ dateAgreed: '2024-05-01', primaryContact: contact }],
    state: 'Accepted',
  },
  {
    tenantId: tenant(3),
    companyName: 'Northwind Browser KK',
    directSigned: false,
    agreements: [],
    state: 'AttestationPending',
  },
  {
    tenantId: tenant(4),
    companyName: 'Tailspin Browser GmbH',
    directSigned: false,
    agreements: [{ dateAgreed: '2021-03-10', primaryContact: { ...contact, firstName: 'Other' } }],
    state: 'AttestationPending',
  },
] as const;

/** `AttestationPending` -> `Attestation pending`, as the page shows it. */
const label = (state: string) => {
  const words = state.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

let app: AppStack;
let browser: BrowserContext;
let page: Page;
let profileDir: string;

function announce(tenantId: string, companyName: string, eventId: string): Promise<void> {
  return app.sendCrmEvent({
    type: 'CustomerCreated',
    eventId,
    occurredAt: new Date(app.clock.now()).toISOString(),
    customer: { tenantId, companyName, country: 'JP', language: 'ja-JP', signatory: contact },
    method: 'attestation',
  });
}

async function stateOf(tenantId: string): Promise<string | undefined> {
  await app.settle();
  const response = await app.api(`/api/customers/${tenantId}/mca`);
  return response.status === 200 ? ((await response.json()) as { state: string }).state : undefined;
}

const rows = () => page.locator('#rows tr');
const rowOf = (companyName: string) => rows().filter({ hasText: companyName });

beforeAll(async () => {
  // The page and its bundle: `npm run build` makes them; the app stack only compiles the server.
  await promisify(execFile)(process.execPath, [path.join(APP_DIR, 'scripts', 'build-web.js')], {
    cwd: APP_DIR,
  });
  // Today on the virtual clock too: the API's "now" (links expiring, the per-day chart) is the wall clock.
  app = await startAppStack({ startAt: Date.now() });
  for (const customer of BOOK) {
    const { state: _state, ...seed } = customer;
    app.partnerCenter.addCustomer({ ...seed, agreements: [...seed.agreements], country: 'JP' });
    await announce(customer.tenantId, customer.companyName, `browser-${customer.tenantId}`);
  }
  // An invalid CRM message: dead-lettered, so the dashboard has one to count.
  await app.sendCrmEvent({ type: 'CustomerCreated', eventId: 'browser-invalid', customer: {} });
  for (const customer of BOOK) {
    await app.waitFor(async () => (await stateOf(customer.tenantId)) === customer.state, {
      timeoutMs: 60_000,
      what: `${customer.companyName} in ${customer.state}`,
    });
  }
  await app.waitFor(async () => (await app.peekDeadLetters()).length === 1, { what: 'the dead letter' });

  profileDir = await mkdtemp(path.join(tmpdir(), 'dashboard-chromium-'));
  // A fresh profile (--user-data-dir) each run: nothing cached from an earlier build of the page.
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  await page.goto(`${app.hostUrl}/api/dashboard`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

describeBrowser('dashboard in Chromium', () => {
  it('shows every company with its state, the coverage, the dead letter and that everything is open locally', async () => {
    for (const customer of BOOK) {
      await rowOf(customer.companyName)
        .locator('.badge', { hasText: label(customer.state) })
        .waitFor();
    }
    await page.locator('#access', { hasText: 'Local: everything is open (no sign-in)' }).waitFor();
    await page.locator('[data-testid=coverage] .card-value', { hasText: '2 / 4' }).waitFor();
    await page
      .locator('.card', { hasText: 'Dead-lettered CRM messages' })
      .locator('.card-value', { hasText: /^1$/ })
      .waitFor();
  });

  it('knows when the attestation links it sent expire (the link expiry is kept on the state row)', async () => {
    const overview = await app.apiJson<{ expiringLinks: { tenantId: string; linkExpiresAt: string }[] }>(
      '/api/reports/overview?expiringWithinHours=720',
    );
    const northwind = overview.expiringLinks.find((link) => link.tenantId === BOOK[2].tenantId);
    // The emulator's links live 7 days.
    expect(Date.parse(northwind?.linkExpiresAt ?? '')).toBeGreaterThan(
      app.clock.now() + 6 * 24 * 60 * 60_000,
    );
  });

  it('keeps the page current without a reload: a new customer appears by itself', async () => {
    const marker = await page.evaluate('window.performance.timeOrigin');
    const tenantId = tenant(5);
    app.partnerCenter.addCustomer({ tenantId, companyName: 'Wingtip Browser Pty', agreements: [] });
    await announce(tenantId, 'Wingtip Browser Pty', 'browser-late');
    await app.waitFor(async () => (await stateOf(tenantId)) === 'AttestationPending', { what: 'Wingtip' });

    await rowOf('Wingtip Browser Pty').waitFor();
    expect(await page.evaluate('window.performance.timeOrigin')).toBe(marker);
  });

  it('narrows the table with the state filter and the search box', async () => {
    await page.selectOption('#filter-state', 'Accepted');
    await page.locator('#table-caption', { hasText: '2 customers matching the filter' }).waitFor();
    expect((await rows().allTextContents()).join('|')).not.toContain('Northwind');

    await page.selectOption('#filter-state', '');
    await page.fill('#filter-search', 'northwind');
    await page.locator('#table-caption', { hasText: '1 customer matching the filter' }).waitFor();
    expect(await rows().count()).toBe(1);
    await page.fill('#filter-search', '');
    await page.locator('#table-caption', { hasText: /^5 customers$/ }).waitFor();
  });

  it('is usable from the keyboard: skip link, a customer opened with Enter, an action confirmed in the dialog', async () => {
    await page.goto(`${app.hostUrl}/api/dashboard`);
    await rowOf('Northwind Browser KK').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to the customer table');

    await rowOf('Northwind Browser KK').getByRole('link').focus();
    await page.keyboard.press('Enter');
    await page.locator('#detail-heading', { hasText: 'Northwind Browser KK' }).waitFor();
    await page.waitForFunction("document.activeElement?.id === 'detail-heading'");
    await page.locator('#timeline li', { hasText: 'InvitationSent' }).waitFor();

    const northwind = BOOK[2].tenantId;
    const checksOf = () =>
      app.partnerCenter.requestLog().filter((entry) => entry.path.includes(northwind)).length;
    const checksBefore = checksOf();
    await page.locator('#actions button', { hasText: 'Recheck now' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('#confirm-dialog[open]');
    await dialog.waitFor();
    expect(await page.evaluate('document.activeElement.id')).toBe('confirm-ok');
    // Nothing is sent before the operator confirms.
    await app.settle();
    expect(checksOf()).toBe(checksBefore);

    await page.keyboard.press('Enter');
    await page.locator('#action-result', { hasText: 'Recheck now: done. The API answered' }).waitFor();
    await app.waitFor(
      async () => {
        await app.settle();
        return checksOf() > checksBefore;
      },
      { what: 'the recheck to reach Partner Center' },
    );

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-customer.png') });
  });

  it('under App Service Authentication shows the roles and hides the actions without Mca.Operate', async () => {
    const readOnly = await browser.newPage();
    await readOnly.route('**/api/me', (route) =>
      route.fulfill({ json: { mode: 'appService', roles: ['Mca.Read'] } }),
    );
    await readOnly.goto(`${app.hostUrl}/api/dashboard#customer=${BOOK[2].tenantId}`);
    await readOnly.locator('#access', { hasText: 'Roles: Mca.Read' }).waitFor();
    await readOnly.locator('#actions', { hasText: 'Read only' }).waitFor();
    expect(await readOnly.locator('#actions button').count()).toBe(0);
    await readOnly.close();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${app.hostUrl}/api/dashboard`);
    await phone.locator('#rows tr', { hasText: 'Northwind Browser KK' }).waitFor();
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await mkdir(ARTIFACTS, { recursive: true });
    await phone.screenshot({ path: path.join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    await phone.close();
  });

  it('saves a screenshot of the overview', async () => {
    await page.goto(`${app.hostUrl}/api/dashboard`);
    for (const customer of BOOK) await rowOf(customer.companyName).waitFor();
    await page.locator('#changes-chart canvas').waitFor();
    // Still counted after many refreshes (each peeks from the first message again).
    await page
      .locator('.card', { hasText: 'Dead-lettered CRM messages' })
      .locator('.card-value', { hasText: /^1$/ })
      .waitFor();
    await mkdir(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);
  });
});
