/**
 * The real Partner Center client, built from the settings in local.settings.json.example, against the
 * Partner Center emulator over HTTP (real msal-node token requests included).
 */
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RealClock, VirtualClock } from '../../../local/clock';
import {
  startPartnerCenterEmulator,
  type PartnerCenterEmulator,
} from '../../../local/emulators/partner-center/partner-center.emulator';
import type { Seed } from '../../../local/emulators/partner-center/seed';
import { loadConfig, type AppConfig } from '../../../shared/config';
import { evaluateMcaStatus, type McaStatus } from '../../../shared/mca';
import {
  AgreementAlreadyExists,
  MfaRequired,
  Unauthorized,
  Validation,
  createPartnerCenterClientFromConfig,
  requestIdForKey,
  type EnhancedAttestationInput,
  type PartnerCenterClient,
} from '../../../shared/partnerCenter';
import { CUSTOMERS, MCA_TEMPLATE_ID, seed } from '../emulators/partner-center.helpers';
import { collect } from './test-client';

const SCENARIO_START = Date.UTC(2026, 0, 15, 9);
/** Microsoft: attestations show in reads "within four hours"; the emulator is set to the longest. */
const VISIBILITY_DELAY_MS = 4 * 60 * 60_000;
/** The emulator address the example file names; replaced by the running emulator's. */
const EXAMPLE_EMULATOR_URL = 'http://localhost:7081';
const exampleValues = (
  JSON.parse(readFileSync(join(__dirname, '../../../local.settings.json.example'), 'utf8')) as {
    Values: Record<string, string>;
  }
).Values;

/** The example settings, pointed at `emulatorUrl`, with `overrides` applied. */
function settingsFor(emulatorUrl: string, overrides: Record<string, string> = {}): AppConfig {
  const values = Object.fromEntries(
    Object.entries(exampleValues).map(([key, value]) => [
      key,
      key.startsWith('PARTNER_CENTER_') && value.startsWith(EXAMPLE_EMULATOR_URL)
        ? `${emulatorUrl}${value.slice(EXAMPLE_EMULATOR_URL.length)}`
        : value,
    ]),
  );
  return loadConfig({ ...values, ...overrides });
}

/** The client's own time: every wait it asks for is recorded and passes at once. */
function clientTime() {
  let now = SCENARIO_START;
  const sleeps: number[] = [];
  return {
    sleeps,
    deps: {
      now: () => now,
      sleep: (ms: number) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
    },
  };
}

const tailspinSignatory = {
  firstName: 'Erika',
  lastName: 'Example',
  email: 'erika.example@tailspin.example.com',
};
const tailspinAttestation: EnhancedAttestationInput = {
  country: 'DE',
  language: 'de-DE',
  companyName: 'Tailspin Example GmbH',
  signatory: tailspinSignatory,
  customerTenantId: CUSTOMERS.none,
};

/** `yyyy-mm-ddThh:mm:ss`, the form Partner Center uses for dateAgreed. */
const partnerCenterDate = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

describe('Partner Center client (from settings) against the emulator', () => {
  let emulator: PartnerCenterEmulator;
  /** The emulator this test started, if any: what afterEach closes. */
  let running: PartnerCenterEmulator | undefined;
  let clock: VirtualClock;
  let client: PartnerCenterClient;
  let sleeps: number[];

  async function start(options: { seed?: Seed; overrides?: Record<string, string> } = {}): Promise<void> {
    clock = new VirtualClock(SCENARIO_START);
    emulator = running = await startPartnerCenterEmulator({
      port: 0,
      host: '127.0.0.1',
      clock,
      // Token expiry on the wall clock, like msal-node's token cache.
      tokenClock: new RealClock(),
      agreementVisibilityDelayMs: VISIBILITY_DELAY_MS,
      seed: options.seed,
    });
    const time = clientTime();
    sleeps = time.sleeps;
    client = createPartnerCenterClientFromConfig(settingsFor(emulator.url, options.overrides), time.deps);
  }

  /** What the workflow would decide for a customer from Partner Center's reads right now. */
  async function mcaStatusOf(customerTenantId: string): Promise<McaStatus> {
    return evaluateMcaStatus(
      {
        directSigned: (await client.getDirectSignedStatus(customerTenantId)).isSigned,
        attestations: await client.listCustomerAgreements(customerTenantId),
      },
      new Date(clock.now()),
    );
  }

  const requestsTo = (method: string, path: string) =>
    emulator.control.requestLog().filter((entry) => entry.method === method && entry.path === path);

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  describe('with the seeded book', () => {
    beforeEach(() => start());

    it('reads the MCA agreement metadata', async () => {
      const metadata = await client.getAgreementMetadata();
      expect(metadata).toEqual([
        expect.objectContaining({ templateId: MCA_TEMPLATE_ID, agreementType: 'MicrosoftCustomerAgreement' }),
      ]);
    });

    it.each<[string, string, McaStatus]>([
      ['01', CUSTOMERS.direct, { kind: 'accepted', method: 'direct' }],
      [
        '02',
        CUSTOMERS.attested,
        { kind: 'accepted', method: 'attestation', attestedAt: '2023-06-15T00:00:00.000Z' },
      ],
      [
        '03',
        CUSTOMERS.stale,
        { kind: 'reattestationRequired', attestedAt: '2021-03-10T00:00:00.000Z', purchaseBlocked: true },
      ],
      ['04', CUSTOMERS.none, { kind: 'none' }],
      ['05', CUSTOMERS.indirect, { kind: 'none' }],
    ])(
      'evaluates seeded customer %s from its direct-signed status and agreements',
      async (_, id, expected) => {
        const status = await mcaStatusOf(id);
        expect(status).toEqual(expected);
        // The emulator's own view of the same customer agrees.
        const coverage = {
          direct: 'accepted',
          attested: 'accepted',
          stale: 'reattestationRequired',
          none: 'none',
        };
        expect(coverage[emulator.control.customer(id).coverage]).toBe(status.kind);
      },
    );

    it('pages through every seeded customer exactly once', async () => {
      const customers = await collect(client.listCustomers({ pageSize: 5 }));
      const ids = customers.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(seed.customers.map((c) => c.tenantId).sort());
      expect(customers.find((c) => c.id === CUSTOMERS.attested)?.companyProfile?.domain).toBe(
        'fabrikam.example.com',
      );
      const pages = requestsTo('GET', '/v1/customers');
      expect(pages.length).toBe(Math.ceil(seed.customers.length / 5));
      expect(pages.length).toBeGreaterThanOrEqual(3);
    });

    it('finds the audit record of a customer added through the control API', async () => {
      const added = await fetch(`${emulator.url}/_control/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ companyName: 'Example Audit Customer', country: 'JP' }),
      });
      expect(added.status).toBe(201);
      const { tenantId } = (await added.json()) as { tenantId: string };
      const today = partnerCenterDate(clock.now()).slice(0, 10);

      const filtered = await collect(
        client.listAuditRecords({
          startDate: today,
          filter: { field: 'CustomerId', value: tenantId, operator: 'equals' },
        }),
      );
      expect(filtered).toEqual([
        expect.objectContaining({
          operationType: 'add_customer',
          customerId: tenantId,
          operationDate: new Date(clock.now()).toISOString(),
        }),
      ]);
      const sinceToday = await collect(client.listAuditRecords({ startDate: today }));
      expect(sinceToday.map((r) => r.customerId)).toEqual([tenantId]);
    });

    it('runs the enhanced attestation flow up to a visible, accepted agreement', async () => {
      const [mca] = await client.getAgreementMetadata();
      const attestation = await client.createEnhancedAttestation(tailspinAttestation);
      expect(attestation.status).toBe('required');
      // Microsoft has the partner build the link; the emulator's responses carry none by default.
      expect(attestation.acceptanceLink).toBeUndefined();
      const agreement = {
        attestationId: attestation.attestationId,
        templateId: mca?.templateId ?? '',
        dateAgreed: partnerCenterDate(clock.now()),
        primaryContact: tailspinSignatory,
      };
      await expect(client.createAgreement(CUSTOMERS.none, agreement)).rejects.toBeInstanceOf(Validation);

      await acceptThroughPage(`${emulator.url}/acceptance/${attestation.attestationId}`);
      expect(emulator.control.attestations()).toEqual([
        expect.objectContaining({ id: attestation.attestationId, state: 'accepted' }),
      ]);
      expect(await client.getEnhancedAttestation(attestation.attestationId)).toEqual(
        expect.objectContaining({
          attestationId: attestation.attestationId,
          status: 'accepted',
          acceptedAt: new Date(clock.now()).toISOString(),
        }),
      );

      const created = await client.createAgreement(CUSTOMERS.none, agreement);
      expect(created).toEqual(expect.objectContaining({ dateAgreed: agreement.dateAgreed }));
      const duplicate = client.createAgreement(CUSTOMERS.none, agreement);
      await expect(duplicate).rejects.toBeInstanceOf(AgreementAlreadyExists);
      await expect(duplicate).rejects.toMatchObject({ code: 600061, status: 400 });

      expect(await mcaStatusOf(CUSTOMERS.none)).toEqual({ kind: 'none' });
      await clock.advance(VISIBILITY_DELAY_MS - 1);
      expect(await mcaStatusOf(CUSTOMERS.none)).toEqual({ kind: 'none' });
      await clock.advance(1);
      expect(await mcaStatusOf(CUSTOMERS.none)).toEqual({
        kind: 'accepted',
        method: 'attestation',
        attestedAt: new Date(SCENARIO_START).toISOString(),
      });
    });

    /** Opens the acceptance link and submits its form, as the customer's browser would. */
    async function acceptThroughPage(link: string): Promise<void> {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      const form = /<form method="post" action="([^"]+)">/.exec(await page.text());
      expect(form?.[1]).toBeDefined();
      const submitted = await fetch(new URL(form?.[1] ?? '', link), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
        redirect: 'manual',
      });
      expect(submitted.status).toBe(303);
      const after = await fetch(new URL(submitted.headers.get('location') ?? '', link));
      expect(await after.text()).toContain('Accepted.');
    }

    it('absorbs a 429 by waiting the Retry-After it names', async () => {
      const path = `/v1/customers/${CUSTOMERS.direct}/directSignedMicrosoftCustomerAgreementStatus`;
      emulator.control.setFault({ path, kind: 'throttle', retryAfterSeconds: 7, times: 1 });

      expect(await client.getDirectSignedStatus(CUSTOMERS.direct)).toEqual({ isSigned: true });
      expect(sleeps).toEqual([7000]);
      expect(requestsTo('GET', path).map((r) => [r.status, r.note])).toEqual([
        [429, 'fault'],
        [200, undefined],
      ]);
    });

    it('keeps the MS-RequestId of a write across its retry, so the emulator replays rather than repeats', async () => {
      const path = '/v1/attestations/enhanced';
      emulator.control.setFault({ path, method: 'POST', kind: 'error', status: 503, times: 1 });
      const idempotencyKey = `${CUSTOMERS.none}:attestation:1`;

      const first = await client.createEnhancedAttestation(tailspinAttestation, { idempotencyKey });
      const again = await client.createEnhancedAttestation(tailspinAttestation, { idempotencyKey });

      const posts = requestsTo('POST', path);
      expect(posts.map((r) => [r.status, r.note])).toEqual([
        [503, 'fault'],
        [201, undefined],
        [201, 'replay'],
      ]);
      expect(new Set(posts.map((r) => r.requestId))).toEqual(new Set([requestIdForKey(idempotencyKey)]));
      expect(posts[0]?.correlationId).toBe(posts[1]?.correlationId);
      expect(again.attestationId).toBe(first.attestationId);
      expect(emulator.control.attestations()).toHaveLength(1);
    });
  });

  it('surfaces MfaRequired for an App+User refresh token without MFA once Partner Center enforces it', async () => {
    const withoutMfa = seed.apps[0].refreshTokens.find((t) => !t.mfa)?.token ?? '';
    await start({ overrides: { PARTNER_CENTER_REFRESH_TOKEN: withoutMfa } });
    expect(await client.getDirectSignedStatus(CUSTOMERS.direct)).toEqual({ isSigned: true });
    await clock.advanceTo(Date.UTC(2026, 3, 1));
    const refused = client.getDirectSignedStatus(CUSTOMERS.direct);
    await expect(refused).rejects.toBeInstanceOf(MfaRequired);
    await expect(refused).rejects.toMatchObject({ status: 401, code: 900421 });
  });

  describe('request pacing from the settings', () => {
    it('spaces request starts by 1 / PARTNER_CENTER_MAX_REQUESTS_PER_SECOND', async () => {
      await start({ overrides: { PARTNER_CENTER_MAX_REQUESTS_PER_SECOND: '4' } });
      for (const id of [CUSTOMERS.direct, CUSTOMERS.attested, CUSTOMERS.stale]) {
        await client.getDirectSignedStatus(id);
      }
      expect(sleeps).toEqual([250, 250]);
    });

    it('keeps at most PARTNER_CENTER_MAX_CONCURRENCY requests in flight', async () => {
      await start({ overrides: { PARTNER_CENTER_MAX_CONCURRENCY: '1' } });
      await client.getDirectSignedStatus(CUSTOMERS.direct); // fetches the token outside the timing
      emulator.control.setFault({ path: '/v1/customers/*/**', kind: 'latency', latencyMs: 100 });
      const startedAt = performance.now();
      await Promise.all(
        [CUSTOMERS.attested, CUSTOMERS.stale, CUSTOMERS.none].map((id) => client.getDirectSignedStatus(id)),
      );
      // One at a time: three latencies in a row (concurrently it would take about one).
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(290);
    });
  });

  describe('with a certificate credential', () => {
    const certs = join(__dirname, '../../../local/emulators/partner-center/certs');
    const certificatePem = readFileSync(join(certs, 'webhook-signing.test-only.cert.pem'), 'utf8');
    const privateKeyPem = readFileSync(join(certs, 'webhook-signing.test-only.key.pem'), 'utf8');
    const certificate = new X509Certificate(certificatePem);
    // The seed ships no app certificate: the test registers the emulator's test-only pair.
    const seedWithCertificate: Seed = { ...seed, apps: [{ ...seed.apps[0], certificatePem }] };
    /** App settings are single-line: the PEM goes in with `\n` escapes. */
    const certificateSettings = (thumbprint: string, pem = privateKeyPem) => ({
      PARTNER_CENTER_CLIENT_SECRET: '',
      PARTNER_CENTER_CERTIFICATE_THUMBPRINT: thumbprint,
      PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    });

    it.each([
      ['SHA-256', certificate.fingerprint256],
      ['SHA-1', certificate.fingerprint],
    ])('signs in with the %s thumbprint for app-only and App+User calls', async (_, fingerprint) => {
      const thumbprint = fingerprint.replace(/:/g, '');
      await start({ seed: seedWithCertificate, overrides: certificateSettings(thumbprint) });
      expect(await collect(client.listCustomers())).toHaveLength(seed.customers.length);
      expect((await client.createEnhancedAttestation(tailspinAttestation)).status).toBe('required');
      expect(await client.getDirectSignedStatus(CUSTOMERS.direct)).toEqual({ isSigned: true });
    });

    it('is refused when the private key does not match the registered certificate', async () => {
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      }) as string;
      const thumbprint = certificate.fingerprint256.replace(/:/g, '');
      await start({ seed: seedWithCertificate, overrides: certificateSettings(thumbprint, otherKey) });
      await expect(collect(client.listCustomers())).rejects.toBeInstanceOf(Unauthorized);
    });
  });
});
