import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  ConfigError,
  Secret,
  loadConfig,
  redactConfig,
  type AppConfig,
  type PartnerCenterConfig,
} from '../../shared/config';

type Env = Record<string, string | undefined>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TENANT = '11111111-2222-3333-4444-555555555555';

/** Only what has no default, in the simplest valid form. */
const MINIMAL: Env = {
  PARTNER_TYPE: 'DirectBill',
  PARTNER_CENTER_TENANT_ID: TENANT,
  PARTNER_CENTER_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
  PARTNER_CENTER_CLIENT_SECRET: 'client-secret-value',
  SENDGRID_API_KEY: 'SG.api-key-value',
  MAIL_FROM: 'mca@partner.example',
  PARTNER_COMPANY_NAME: 'Contoso Cloud Partner',
  PARTNER_CONTACT_EMAIL: 'desk@partner.example',
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  ServiceBusConnection: 'Endpoint=sb://localhost;SharedAccessKeyName=Root;SharedAccessKey=sb-key-value',
};

/** The Partner Center settings, which every partner type but IndirectReseller has. */
function pc(config: AppConfig): PartnerCenterConfig {
  if (!config.partnerCenter) throw new Error('expected Partner Center settings');
  return config.partnerCenter;
}

function configError(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function problemsOf(env: Env): Record<string, string> {
  return Object.fromEntries(configError(env).problems.map((p) => [p.key, p.message]));
}

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

describe('local.settings.json.example', () => {
  const example = JSON.parse(readFileSync(join(__dirname, '../../local.settings.json.example'), 'utf8')) as {
    Values: Env;
  };

  it('passes loadConfig with the local emulator endpoints', () => {
    const config = loadConfig(example.Values);
    expect(pc(config).baseUrl).toBe('http://localhost:7081');
    expect(pc(config).authority).toBe('http://localhost:7081/b0000000-0000-4000-8000-000000000001');
    expect(config.mail.sendGridBaseUrl).toBe('http://localhost:7082');
    expect(config.storage.kind === 'connectionString' && config.storage.connectionString.reveal()).toBe(
      'UseDevelopmentStorage=true',
    );
    expect(config.serviceBus.kind).toBe('connectionString');
    expect(pc(config).credential.kind).toBe('secret');
    expect(pc(config).webhookCertificateUrls).toEqual([
      'http://localhost:7081/certificates/webhook-signing.pem',
      'http://127.0.0.1:7081/certificates/webhook-signing.pem',
    ]);
    expect(pc(config).webhookLocalTrustAnchorsFile).toBe(
      'local/emulators/partner-center/certs/webhook-signing.test-only.cert.pem',
    );
    expect(config.mail.partnerCompanyName).toBe('Contoso Cloud Partner');
    expect(config.mail.partnerContactName).toBe('Contoso CSP desk');
    expect(config.mail.indirectProviderName).toBe('Fabrikam Distribution');
  });
});

describe('defaults', () => {
  it('applies every default when only the required keys are set', () => {
    const config = loadConfig(MINIMAL);
    expect(redactConfig(config)).toEqual({
      partnerType: 'DirectBill',
      defaultMethod: 'direct',
      resellerStrategy: 'both',
      partnerCenter: {
        baseUrl: 'https://api.partnercenter.microsoft.com',
        authority: `https://login.microsoftonline.com/${TENANT}`,
        tenantId: TENANT,
        clientId: '00000000-0000-0000-0000-000000000001',
        credential: { kind: 'secret', clientSecret: '[redacted]' },
        refreshToken: undefined,
        refreshTokenSecretUri: undefined,
        attestationApiVersion: 'v1',
        maxRequestsPerSecond: 5,
        maxConcurrency: 4,
        maxInstances: 40,
        sweepPageSize: 100,
        webhookCertificateUrls: [
          'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer',
        ],
        webhookLocalTrustAnchorsFile: undefined,
        acceptanceUrlTemplate: undefined,
        onAgreementConflict: 'direct',
      },
      mail: {
        sendGridApiKey: '[redacted]',
        sendGridBaseUrl: undefined,
        from: '***@partner.example',
        partnerCompanyName: 'Contoso Cloud Partner',
        partnerContact: '***@partner.example',
        partnerContactName: undefined,
        partnerContactPhone: undefined,
        partnerLanguage: 'en',
        indirectProviderContact: undefined,
        indirectProviderName: undefined,
        indirectProviderLanguage: 'en',
      },
      timing: {
        reminderScheduleMs: [3 * DAY, 7 * DAY, 14 * DAY],
        acceptanceDeadlineMs: 30 * DAY,
        sendClaimReconcileAfterMs: 10 * 60_000,
        pollInitialDelayMs: 5 * 60_000,
        pollMaxDelayMs: 6 * HOUR,
        remediationRetryAfterMs: 30 * DAY,
        attestationPollIntervalMs: 15 * 60_000,
        confirmationTimeoutMs: 48 * HOUR,
        outageToleranceMs: 12 * HOUR,
        instanceRetentionMs: 90 * DAY,
      },
      storage: { kind: 'connectionString', connectionString: '[redacted]' },
      serviceBus: { kind: 'connectionString', connectionString: '[redacted]' },
      apiAuth: 'open',
    });
    expect(config.mail.from).toBe('mca@partner.example');
  });

  it.each([
    ['appService', 'appService'],
    ['open', 'open'],
  ])('reads API_AUTH %p', (value, expected) => {
    expect(loadConfig({ ...MINIMAL, API_AUTH: value }).apiAuth).toBe(expected);
  });

  it('refuses an API_AUTH it does not know and a bad INSTANCE_RETENTION', () => {
    const problems = problemsOf({ ...MINIMAL, API_AUTH: 'easyAuth', INSTANCE_RETENTION: '90 days' });
    expect(problems.API_AUTH).toMatch(/open, appService/);
    expect(problems.INSTANCE_RETENTION).toBeDefined();
  });

  it('treats empty and blank values as not set', () => {
    const config = loadConfig({ ...MINIMAL, DEFAULT_METHOD: '', REMINDER_SCHEDULE: '   ' });
    expect(config.defaultMethod).toBe('direct');
    expect(config.timing.reminderScheduleMs).toEqual([3 * DAY, 7 * DAY, 14 * DAY]);
    expect(problemsOf({ ...MINIMAL, MAIL_FROM: '  ' }).MAIL_FROM).toMatch(/^missing/);
  });

  it('trims values and strips a trailing slash from URLs', () => {
    const config = loadConfig({
      ...MINIMAL,
      PARTNER_TYPE: ' IndirectProvider ',
      PARTNER_CENTER_BASE_URL: 'https://api.partnercenter.microsoft.com/',
    });
    expect(config.partnerType).toBe('IndirectProvider');
    expect(pc(config).baseUrl).toBe('https://api.partnercenter.microsoft.com');
  });

  it('returns a frozen config', () => {
    const config = loadConfig(MINIMAL);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.timing.reminderScheduleMs)).toBe(true);
  });
});

describe('missing keys', () => {
  it.each(Object.keys(MINIMAL))('names %s alone', (key) => {
    const error = configError({ ...MINIMAL, [key]: undefined });
    expect(error.keys).toEqual([key]);
    expect(error.problems[0]?.message).toMatch(/^missing, expected /);
    expect(error.message).toContain(`${key}: missing`);
  });

  it('reports every missing key at once for an empty environment', () => {
    expect(configError({}).keys).toEqual([
      'PARTNER_TYPE',
      'PARTNER_CENTER_TENANT_ID',
      'PARTNER_CENTER_CLIENT_ID',
      'PARTNER_CENTER_CLIENT_SECRET',
      'SENDGRID_API_KEY',
      'MAIL_FROM',
      'PARTNER_COMPANY_NAME',
      'PARTNER_CONTACT_EMAIL',
      'AzureWebJobsStorage',
      'ServiceBusConnection',
    ]);
  });

  it('names PARTNER_COMPANY_NAME alone, with what it expects', () => {
    expect(problemsOf({ ...MINIMAL, PARTNER_COMPANY_NAME: undefined })).toEqual({
      PARTNER_COMPANY_NAME: 'missing, expected a name of 1-200 characters on one line',
    });
    expect(problemsOf({ ...MINIMAL, PARTNER_COMPANY_NAME: ' \t ' })).toEqual({
      PARTNER_COMPANY_NAME: 'missing, expected a name of 1-200 characters on one line',
    });
  });

  it.each([
    'PARTNER_CONTACT_NAME',
    'INDIRECT_PROVIDER_NAME',
    'WEBHOOK_CERTIFICATE_URLS',
    'WEBHOOK_LOCAL_TRUST_ANCHORS_FILE',
  ])('does not require %s', (key) => {
    expect(() => loadConfig({ ...MINIMAL, [key]: undefined })).not.toThrow();
    expect(() => loadConfig({ ...MINIMAL, [key]: '  ' })).not.toThrow();
  });
});

const URL_LIST = 'expected comma-separated https URLs';

describe('malformed keys', () => {
  it.each<[string, string, string]>([
    ['PARTNER_TYPE', 'x', 'expected one of DirectBill, IndirectProvider, IndirectReseller, got "x"'],
    [
      'PARTNER_TYPE',
      'directbill',
      'expected one of DirectBill, IndirectProvider, IndirectReseller, got "directbill"',
    ],
    ['DEFAULT_METHOD', 'email', 'expected one of direct, attestation, got "email"'],
    ['RESELLER_STRATEGY', 'handoff', 'expected one of direct, handOff, both, got "handoff"'],
    ['PARTNER_CENTER_BASE_URL', 'api.partnercenter.microsoft.com', 'expected an https URL'],
    ['PARTNER_CENTER_BASE_URL', 'http://api.partnercenter.microsoft.com', 'http only for localhost'],
    ['PARTNER_CENTER_BASE_URL', 'ftp://localhost', 'expected an https URL'],
    ['PARTNER_CENTER_AUTHORITY', 'http://login.example.com/t', 'expected an https URL'],
    ['PARTNER_CENTER_TENANT_ID', 'not a tenant', "expected the partner's Entra tenant ID"],
    ['PARTNER_CENTER_CLIENT_ID', '1234', 'expected a GUID, got "1234"'],
    ['PARTNER_CENTER_MAX_REQUESTS_PER_SECOND', '0', 'above 0, at most 1000, got "0"'],
    ['PARTNER_CENTER_MAX_REQUESTS_PER_SECOND', '1001', 'got "1001"'],
    ['PARTNER_CENTER_MAX_REQUESTS_PER_SECOND', '-1', 'got "-1"'],
    ['PARTNER_CENTER_MAX_REQUESTS_PER_SECOND', 'fast', 'got "fast"'],
    ['PARTNER_CENTER_MAX_CONCURRENCY', '0', 'expected a whole number from 1 to 100, got "0"'],
    ['PARTNER_CENTER_MAX_CONCURRENCY', '101', 'got "101"'],
    ['PARTNER_CENTER_MAX_CONCURRENCY', '2.5', 'got "2.5"'],
    ['PARTNER_CENTER_MAX_INSTANCES', '0', 'expected a whole number from 1 to 1000, got "0"'],
    ['SWEEP_PAGE_SIZE', '501', 'expected a whole number from 1 to 500, got "501"'],
    ['SENDGRID_BASE_URL', 'localhost:7082', 'expected an https URL'],
    ['MAIL_FROM', 'not-an-address', 'expected an e-mail address'],
    ['PARTNER_CONTACT_EMAIL', 'desk@', 'expected an e-mail address'],
    ['INDIRECT_PROVIDER_CONTACT', 'provider', 'expected an e-mail address'],
    [
      'PARTNER_COMPANY_NAME',
      'x'.repeat(201),
      `expected a name of 1-200 characters on one line, got "${'x'.repeat(77)}..."`,
    ],
    [
      'PARTNER_COMPANY_NAME',
      'Contoso\nCloud Partner',
      'expected a name of 1-200 characters on one line, got "Contoso\\nCloud Partner"',
    ],
    ['PARTNER_COMPANY_NAME', 'Contoso\u0007', 'expected a name of 1-200 characters on one line'],
    [
      'PARTNER_CONTACT_NAME',
      'CSP\tdesk',
      'expected a name of 1-200 characters on one line, got "CSP\\tdesk"',
    ],
    ['PARTNER_CONTACT_NAME', 'y'.repeat(201), 'expected a name of 1-200 characters on one line'],
    ['INDIRECT_PROVIDER_NAME', 'Fabrikam\r\nBcc: x', 'expected a name of 1-200 characters on one line'],
    ['INDIRECT_PROVIDER_NAME', 'Fabrikam\u0000', 'expected a name of 1-200 characters on one line'],
    ['INDIRECT_PROVIDER_NAME', 'Fabrikam\u007f', 'expected a name of 1-200 characters on one line'],
    [
      'WEBHOOK_CERTIFICATE_URLS',
      '3psostorageacct.blob.core.windows.net',
      'expected comma-separated https URLs (http only for localhost), each exact or a prefix ending in /, got "3psostorageacct.blob.core.windows.net"',
    ],
    ['WEBHOOK_CERTIFICATE_URLS', 'https://a.example/c.cer,', 'got "https://a.example/c.cer,"'],
    ['WEBHOOK_CERTIFICATE_URLS', 'https://a.example/c,,https://b.example/c', URL_LIST],
    ['WEBHOOK_CERTIFICATE_URLS', 'http://certs.example.com/c.cer', URL_LIST],
    ['WEBHOOK_CERTIFICATE_URLS', 'ftp://certs.example.com/c.cer', URL_LIST],
    ['WEBHOOK_CERTIFICATE_URLS', 'https://u:p@certs.example.com/c.cer', URL_LIST],
    ['WEBHOOK_CERTIFICATE_URLS', 'https://certs.example.com/c.cer#x', URL_LIST],
    ['WEBHOOK_CERTIFICATE_URLS', 'https://a.example/c https://b.example/c', URL_LIST],
    [
      'WEBHOOK_LOCAL_TRUST_ANCHORS_FILE',
      'certs/emulator.pem',
      'only allowed when every WEBHOOK_CERTIFICATE_URLS entry is local, got "certs/emulator.pem"',
    ],
    ['REMINDER_SCHEDULE', 'P7D,P3D', 'expected strictly increasing durations'],
    ['REMINDER_SCHEDULE', 'P3D,P3D', 'expected strictly increasing durations'],
    ['REMINDER_SCHEDULE', 'P3D,,P7D', 'duration "":'],
    ['REMINDER_SCHEDULE', 'P1M', 'months are not supported'],
    ['REMINDER_SCHEDULE', 'P0D,P3D', '"P0D" is zero'],
    ['ACCEPTANCE_DEADLINE', 'P1Y', 'months are not supported'],
    ['ACCEPTANCE_DEADLINE', 'thirty days', 'expected a positive ISO-8601 duration'],
    ['ACCEPTANCE_DEADLINE', 'P14D', 'longer than the last REMINDER_SCHEDULE entry, got "P14D"'],
    ['ACCEPTANCE_DEADLINE', 'P13DT23H59M59S', 'longer than the last REMINDER_SCHEDULE entry'],
    ['POLL_INITIAL_DELAY', 'PT0S', 'is zero'],
    ['POLL_INITIAL_DELAY', 'PT7H', 'at least as long as POLL_INITIAL_DELAY, got the default "PT6H"'],
    ['POLL_MAX_DELAY', 'PT4M59S', 'at least as long as POLL_INITIAL_DELAY, got "PT4M59S"'],
    ['PARTNER_LANGUAGE', 'Japanese', 'expected a BCP 47 language tag such as en or ja-JP, got "Japanese"'],
    ['INDIRECT_PROVIDER_LANGUAGE', 'ja_JP', 'expected a BCP 47 language tag'],
    ['PARTNER_CONTACT_PHONE', '+81 3\n1234', 'expected a phone number of 1-40 characters on one line'],
    ['ATTESTATION_POLL_INTERVAL', 'PT0S', 'is zero'],
    ['ATTESTATION_POLL_INTERVAL', '15 minutes', 'expected a positive ISO-8601 duration'],
    ['CONFIRMATION_TIMEOUT', 'P1M', 'months are not supported'],
    ['OUTAGE_TOLERANCE', 'PT0S', 'is zero'],
    ['ON_AGREEMENT_CONFLICT', 'wait', 'expected one of direct, fail'],
    [
      'PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE',
      'https://accept.example/mca?c={country}',
      'expected the {attestationId} placeholder',
    ],
    [
      'PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE',
      'http://accept.example/{attestationId}',
      'expected an https URL (http only for localhost)',
    ],
    [
      'PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE',
      'https://accept.example/{attestationId}?t={tenant}',
      'unknown placeholder {tenant}',
    ],
    ['AzureWebJobsStorage__accountName', 'Not_Valid', 'expected a storage account name'],
    [
      'ServiceBusConnection__fullyQualifiedNamespace',
      'no spaces.example',
      'expected a fully qualified namespace',
    ],
  ])('%s=%j is named with what was expected', (key, value, fragment) => {
    const env: Env = { ...MINIMAL, [key]: value };
    // The identity forms replace their connection string rather than add to it.
    if (key === 'AzureWebJobsStorage__accountName') env.AzureWebJobsStorage = undefined;
    if (key === 'ServiceBusConnection__fullyQualifiedNamespace') env.ServiceBusConnection = undefined;
    const problems = problemsOf(env);
    const [problemKey, message = ''] = Object.entries(problems)[0] ?? [];
    expect(Object.keys(problems)).toHaveLength(1);
    // POLL_INITIAL_DELAY beyond the default max is reported on POLL_MAX_DELAY, the key that must grow.
    expect(problemKey).toBe(key === 'POLL_INITIAL_DELAY' && value === 'PT7H' ? 'POLL_MAX_DELAY' : key);
    expect(message).toContain(fragment);
  });

  it.each([
    ['ACCEPTANCE_DEADLINE', 'P14DT1S'],
    ['POLL_MAX_DELAY', 'PT5M'],
    ['PARTNER_CENTER_MAX_REQUESTS_PER_SECOND', '0.5'],
    ['PARTNER_CENTER_MAX_REQUESTS_PER_SECOND', '1000'],
    ['PARTNER_CENTER_MAX_CONCURRENCY', '1'],
    ['PARTNER_CENTER_MAX_CONCURRENCY', '100'],
    ['PARTNER_CENTER_MAX_INSTANCES', '1000'],
    ['SWEEP_PAGE_SIZE', '1'],
    ['SWEEP_PAGE_SIZE', '500'],
    ['REMINDER_SCHEDULE', 'PT1S'],
    ['PARTNER_CENTER_BASE_URL', 'http://127.0.0.1:7081'],
    ['PARTNER_CENTER_BASE_URL', 'http://[::1]:7081'],
    ['PARTNER_CENTER_TENANT_ID', 'contoso.onmicrosoft.com'],
    ['PARTNER_COMPANY_NAME', 'x'.repeat(200)],
    ['PARTNER_COMPANY_NAME', 'C'],
    ['PARTNER_CONTACT_NAME', 'y'.repeat(200)],
    ['INDIRECT_PROVIDER_NAME', 'z'.repeat(200)],
    ['WEBHOOK_CERTIFICATE_URLS', 'https://certs.example.com/pc/'],
    ['WEBHOOK_CERTIFICATE_URLS', 'http://[::1]:7081/c.pem'],
    ['PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE', 'https://accept.example/{attestationId}'],
    [
      'PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE',
      'http://localhost:7081/acceptance/{attestationId}?country={country}&language={language}',
    ],
    ['ON_AGREEMENT_CONFLICT', 'fail'],
    ['CONFIRMATION_TIMEOUT', 'PT4H'],
    ['OUTAGE_TOLERANCE', 'P2D'],
  ])('accepts the boundary value %s=%j', (key, value) => {
    expect(() => loadConfig({ ...MINIMAL, [key]: value })).not.toThrow();
  });

  it('explains when the default deadline no longer fits a custom schedule', () => {
    expect(problemsOf({ ...MINIMAL, REMINDER_SCHEDULE: 'P10D,P30D' })).toEqual({
      ACCEPTANCE_DEADLINE:
        'expected a duration longer than the last REMINDER_SCHEDULE entry, got the default "P30D"',
    });
  });

  it('reports an unresolved Key Vault reference without echoing it', () => {
    const message = problemsOf({
      ...MINIMAL,
      SENDGRID_API_KEY: '@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/sendgrid)',
    }).SENDGRID_API_KEY;
    expect(message).toContain('Key Vault reference not resolved');
    expect(message).not.toContain('vault.example');
  });

  it('reports several bad keys together, in one error', () => {
    const error = configError({
      ...MINIMAL,
      PARTNER_TYPE: 'Reseller',
      PARTNER_CENTER_CLIENT_ID: undefined,
      PARTNER_CENTER_MAX_CONCURRENCY: 'many',
      MAIL_FROM: 'nobody',
      REMINDER_SCHEDULE: 'P7D,P3D',
      ServiceBusConnection: 'Endpoint=http://wrong',
    });
    expect(error.keys).toEqual([
      'PARTNER_TYPE',
      'PARTNER_CENTER_CLIENT_ID',
      'PARTNER_CENTER_MAX_CONCURRENCY',
      'MAIL_FROM',
      'REMINDER_SCHEDULE',
      'ServiceBusConnection',
    ]);
    expect(error.message.split('\n')).toHaveLength(7);
    expect(error.message).toMatch(/^Invalid settings \(6\):\n {2}PARTNER_TYPE: expected one of/);
  });
});

describe('display names', () => {
  it.each<[string, string, string]>([
    ['PARTNER_COMPANY_NAME', '  Contoso Cloud Partner  ', 'Contoso Cloud Partner'],
    [
      'PARTNER_COMPANY_NAME',
      "O'Brien & Söhne GmbH (Tokyo branch), Ltd.",
      "O'Brien & Söhne GmbH (Tokyo branch), Ltd.",
    ],
    ['PARTNER_COMPANY_NAME', '株式会社コントソ', '株式会社コントソ'],
    ['PARTNER_CONTACT_NAME', 'CSP desk\n', 'CSP desk'], // a trailing newline is trimmed, not refused
    ['INDIRECT_PROVIDER_NAME', 'Fabrikam Distribution', 'Fabrikam Distribution'],
    ['PARTNER_CONTACT_PHONE', ' +81 3-1234-5678 ', '+81 3-1234-5678'],
    ['PARTNER_LANGUAGE', 'ja-JP', 'ja-JP'],
    ['INDIRECT_PROVIDER_LANGUAGE', 'ja', 'ja'],
  ])('%s=%j is read as %j', (key, value, expected) => {
    const { mail } = loadConfig({ ...MINIMAL, [key]: value });
    const read = {
      PARTNER_COMPANY_NAME: mail.partnerCompanyName,
      PARTNER_CONTACT_NAME: mail.partnerContactName,
      INDIRECT_PROVIDER_NAME: mail.indirectProviderName,
      PARTNER_CONTACT_PHONE: mail.partnerContactPhone,
      PARTNER_LANGUAGE: mail.partnerLanguage,
      INDIRECT_PROVIDER_LANGUAGE: mail.indirectProviderLanguage,
    }[key];
    expect(read).toBe(expected);
  });

  it.each(['\u0001', '\u0008', '\u000b', '\u001b', '\u007f', '\u0085', '\u009f'])(
    'refuses a name containing the control character %j',
    (control) => {
      for (const key of ['PARTNER_COMPANY_NAME', 'PARTNER_CONTACT_NAME', 'INDIRECT_PROVIDER_NAME']) {
        expect(problemsOf({ ...MINIMAL, [key]: `Contoso${control}Partner` })).toEqual({
          [key]: expect.stringMatching(/^expected a name of 1-200 characters on one line, got /) as unknown,
        });
      }
    },
  );
});

describe('WEBHOOK_CERTIFICATE_URLS', () => {
  const MICROSOFT =
    'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer';
  it.each<[string | undefined, string[]]>([
    [undefined, [MICROSOFT]],
    ['', [MICROSOFT]],
    [MICROSOFT.replace('3psostorageacct', '3PSOSTORAGEACCT'), [MICROSOFT]],
    [
      ' https://certs.example.com/pc/ , https://certs.example.com/x.cer ',
      ['https://certs.example.com/pc/', 'https://certs.example.com/x.cer'],
    ],
    ['http://localhost:7081/c.pem', ['http://localhost:7081/c.pem']],
  ])('%j is read as %j', (value, urls) => {
    expect(pc(loadConfig({ ...MINIMAL, WEBHOOK_CERTIFICATE_URLS: value })).webhookCertificateUrls).toEqual(
      urls,
    );
  });

  it('allows local trust anchors beside local certificate URLs only', () => {
    const local = { ...MINIMAL, WEBHOOK_LOCAL_TRUST_ANCHORS_FILE: '/tmp/emulator.pem' };
    expect(
      pc(loadConfig({ ...local, WEBHOOK_CERTIFICATE_URLS: 'http://127.0.0.1:7081/c.pem' }))
        .webhookLocalTrustAnchorsFile,
    ).toBe('/tmp/emulator.pem');
    expect(() =>
      loadConfig({ ...local, WEBHOOK_CERTIFICATE_URLS: `http://127.0.0.1:7081/c.pem,${MICROSOFT}` }),
    ).toThrow('WEBHOOK_LOCAL_TRUST_ANCHORS_FILE');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(pc(loadConfig(MINIMAL)).webhookCertificateUrls)).toBe(true);
  });
});

describe('secrets', () => {
  const MARK = 'Zq9-MARKER-';
  const secretValues: Env = {
    PARTNER_CENTER_CLIENT_SECRET: `${MARK}client-secret`,
    PARTNER_CENTER_REFRESH_TOKEN: `${MARK}refresh-token`,
    SENDGRID_API_KEY: `${MARK}sendgrid`,
    AzureWebJobsStorage: `AccountName=acct;AccountKey=${MARK}storage`,
    ServiceBusConnection: `Endpoint=sb://ns.example;SharedAccessKeyName=k;SharedAccessKey=${MARK}sb`,
  };

  it.each<[string, Env]>([
    [
      'malformed connection strings',
      { AzureWebJobsStorage: `Key=${MARK}x`, ServiceBusConnection: `${MARK}y` },
    ],
    [
      'malformed private key',
      {
        PARTNER_CENTER_CERTIFICATE_THUMBPRINT: 'A'.repeat(40),
        PARTNER_CENTER_CLIENT_SECRET: undefined,
        PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: `-----BEGIN PRIVATE KEY-----${MARK}-----END PRIVATE KEY-----`,
      },
    ],
    [
      'secret plus certificate',
      {
        PARTNER_CENTER_CERTIFICATE_THUMBPRINT: 'A'.repeat(40),
        PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: rsaPem,
      },
    ],
    [
      'connection string plus identity',
      {
        AzureWebJobsStorage__accountName: 'acct',
        ServiceBusConnection__fullyQualifiedNamespace: 'ns.example',
      },
    ],
    [
      'malformed e-mail addresses',
      { MAIL_FROM: `${MARK}@`, PARTNER_CONTACT_EMAIL: `${MARK}`, INDIRECT_PROVIDER_CONTACT: `x@${MARK}` },
    ],
    ['unresolved Key Vault reference', { PARTNER_CENTER_REFRESH_TOKEN: `@Microsoft.KeyVault(${MARK})` }],
    // The classic mix-up: the client secret's value pasted into the client id.
    ['an Entra client secret in PARTNER_CENTER_CLIENT_ID', { PARTNER_CENTER_CLIENT_ID: `Xy78Q~${MARK}` }],
    [
      'a private key in the thumbprint',
      {
        PARTNER_CENTER_CLIENT_SECRET: undefined,
        PARTNER_CENTER_CERTIFICATE_THUMBPRINT: `-----BEGIN PRIVATE KEY-----\n${MARK}`,
        PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: rsaPem,
      },
    ],
    [
      'connection strings in the identity-based keys',
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__accountName: `AccountName=a;AccountKey=${MARK}`,
        ServiceBusConnection: undefined,
        ServiceBusConnection__fullyQualifiedNamespace: `Endpoint=sb://n.example;SharedAccessKey=${MARK}`,
      },
    ],
    ['a SendGrid key in the tenant', { PARTNER_CENTER_TENANT_ID: `SG.${MARK}` }],
  ])('never appear in ConfigError messages: %s', (_name, overrides) => {
    const error = configError({ ...MINIMAL, ...secretValues, ...overrides });
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.message).not.toContain(MARK);
    expect(error.message).not.toContain('BEGIN PRIVATE KEY-----MII');
    expect(JSON.stringify(error.problems)).not.toContain(MARK);
  });

  it('never appear in JSON, string or inspect output of the config', () => {
    const config = loadConfig({ ...MINIMAL, ...secretValues });
    for (const text of [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      String(config.mail.sendGridApiKey),
      `${pc(config).refreshToken?.toString()}`,
    ]) {
      expect(text).not.toContain(MARK);
    }
    expect(JSON.stringify(redactConfig(config))).not.toContain(MARK);
    expect(JSON.stringify(config)).toContain('[redacted]');
  });

  it('are available through reveal()', () => {
    const config = loadConfig({ ...MINIMAL, ...secretValues });
    const { credential, refreshToken } = pc(config);
    expect(credential.kind === 'secret' && credential.clientSecret.reveal()).toBe(`${MARK}client-secret`);
    expect(refreshToken?.reveal()).toBe(`${MARK}refresh-token`);
    expect(config.mail.sendGridApiKey.reveal()).toBe(`${MARK}sendgrid`);
    expect(config.mail.sendGridApiKey).toBeInstanceOf(Secret);
  });

  it('redactConfig hides e-mail local parts but keeps the domain', () => {
    const redacted = redactConfig(loadConfig(MINIMAL)) as { mail: Record<string, unknown> };
    expect(redacted.mail.from).toBe('***@partner.example');
    expect(JSON.stringify(redacted)).not.toContain('desk@');
  });
});

describe('client credential', () => {
  const certificate = (overrides: Env): PartnerCenterConfig['credential'] =>
    pc(loadConfig({ ...MINIMAL, PARTNER_CENTER_CLIENT_SECRET: undefined, ...overrides })).credential;

  it('accepts a certificate with a SHA-1 thumbprint', () => {
    const credential = certificate({
      PARTNER_CENTER_CERTIFICATE_THUMBPRINT: 'ab'.repeat(20),
      PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: rsaPem,
    });
    expect(credential).toMatchObject({
      kind: 'certificate',
      thumbprint: 'AB'.repeat(20),
      thumbprintAlgorithm: 'sha1',
    });
    expect(credential.kind === 'certificate' && credential.privateKeyPem.reveal()).toBe(rsaPem.trim());
  });

  it('accepts a SHA-256 thumbprint and a PEM written with \\n escapes on one line', () => {
    const credential = certificate({
      PARTNER_CENTER_CERTIFICATE_THUMBPRINT: 'C'.repeat(64),
      PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: rsaPem.replace(/\n/g, '\\n'),
    });
    expect(credential).toMatchObject({ kind: 'certificate', thumbprintAlgorithm: 'sha256' });
    expect(credential.kind === 'certificate' && credential.privateKeyPem.reveal()).toContain('\n');
  });

  const THUMBPRINT = 'PARTNER_CENTER_CERTIFICATE_THUMBPRINT';
  const PRIVATE_KEY = 'PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY';

  it.each<[string, Env, Record<string, string>]>([
    ['thumbprint without key', { [THUMBPRINT]: 'A'.repeat(40) }, { [PRIVATE_KEY]: 'missing' }],
    ['key without thumbprint', { [PRIVATE_KEY]: rsaPem }, { [THUMBPRINT]: 'missing' }],
    [
      'a PEM that is not a key, and no thumbprint',
      { [PRIVATE_KEY]: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' },
      { [THUMBPRINT]: 'missing', [PRIVATE_KEY]: 'expected an unencrypted PEM private key' },
    ],
    [
      'a certificate instead of a key',
      {
        [THUMBPRINT]: 'A'.repeat(40),
        [PRIVATE_KEY]: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      },
      { [PRIVATE_KEY]: 'expected an unencrypted PEM private key' },
    ],
    [
      'thumbprint of 39 digits',
      { [THUMBPRINT]: 'A'.repeat(39), [PRIVATE_KEY]: rsaPem },
      { [THUMBPRINT]: 'thumbprint in hex' },
    ],
    [
      'thumbprint of 41 digits',
      { [THUMBPRINT]: 'A'.repeat(41), [PRIVATE_KEY]: rsaPem },
      { [THUMBPRINT]: 'thumbprint in hex' },
    ],
    [
      'non-hex thumbprint',
      { [THUMBPRINT]: 'G'.repeat(40), [PRIVATE_KEY]: rsaPem },
      { [THUMBPRINT]: 'thumbprint in hex' },
    ],
    [
      'secret and a certificate',
      { PARTNER_CENTER_CLIENT_SECRET: 's', [THUMBPRINT]: 'A'.repeat(40), [PRIVATE_KEY]: rsaPem },
      { PARTNER_CENTER_CLIENT_SECRET: 'not both' },
    ],
    [
      'secret and a malformed thumbprint: both problems',
      { PARTNER_CENTER_CLIENT_SECRET: 's', [THUMBPRINT]: 'abc' },
      { PARTNER_CENTER_CLIENT_SECRET: 'not both', [THUMBPRINT]: 'got "abc"', [PRIVATE_KEY]: 'missing' },
    ],
  ])('rejects %s', (_name, overrides, expected) => {
    const problems = problemsOf({ ...MINIMAL, PARTNER_CENTER_CLIENT_SECRET: undefined, ...overrides });
    expect(Object.keys(problems).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, fragment] of Object.entries(expected)) expect(problems[key]).toContain(fragment);
  });

  it('names the missing credential when none is set', () => {
    expect(
      problemsOf({ ...MINIMAL, PARTNER_CENTER_CLIENT_SECRET: undefined }).PARTNER_CENTER_CLIENT_SECRET,
    ).toContain(
      'or a certificate (PARTNER_CENTER_CERTIFICATE_THUMBPRINT + PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY)',
    );
  });
});

describe('authority rule', () => {
  it.each<[string, Env, string]>([
    [
      'tenant only: Entra login for that tenant',
      { PARTNER_CENTER_TENANT_ID: TENANT },
      `https://login.microsoftonline.com/${TENANT}`,
    ],
    [
      'authority only: used as given',
      {
        PARTNER_CENTER_TENANT_ID: undefined,
        PARTNER_CENTER_AUTHORITY: 'https://login.microsoftonline.us/t/',
      },
      'https://login.microsoftonline.us/t',
    ],
    [
      'both: the authority wins',
      { PARTNER_CENTER_AUTHORITY: 'https://login.partner.microsoftonline.cn/x' },
      'https://login.partner.microsoftonline.cn/x',
    ],
  ])('%s', (_name, overrides, authority) => {
    expect(pc(loadConfig({ ...MINIMAL, ...overrides })).authority).toBe(authority);
  });

  it('requires the tenant when no authority is given', () => {
    expect(problemsOf({ ...MINIMAL, PARTNER_CENTER_TENANT_ID: undefined })).toEqual({
      PARTNER_CENTER_TENANT_ID: expect.stringContaining('(or set PARTNER_CENTER_AUTHORITY)') as unknown,
    });
  });
});

describe('INDIRECT_PROVIDER_CONTACT', () => {
  it.each<[string, string | undefined, boolean]>([
    ['IndirectReseller', 'handOff', true],
    ['IndirectReseller', 'both', true],
    ['IndirectReseller', undefined, true], // default strategy is both
    ['IndirectReseller', 'direct', false],
    ['DirectBill', 'both', false],
    ['IndirectProvider', 'handOff', false],
  ])('with %s and strategy %s is required: %s', (partnerType, strategy, required) => {
    const env = { ...MINIMAL, PARTNER_TYPE: partnerType, RESELLER_STRATEGY: strategy };
    if (required) {
      expect(problemsOf(env)).toEqual({
        INDIRECT_PROVIDER_CONTACT: expect.stringMatching(/^missing.*IndirectReseller/) as unknown,
      });
      expect(
        loadConfig({ ...env, INDIRECT_PROVIDER_CONTACT: 'desk@provider.example' }).mail
          .indirectProviderContact,
      ).toBe('desk@provider.example');
    } else {
      expect(loadConfig(env).mail.indirectProviderContact).toBeUndefined();
    }
  });

  it('is not demanded when PARTNER_TYPE itself is invalid', () => {
    expect(Object.keys(problemsOf({ ...MINIMAL, PARTNER_TYPE: 'Reseller' }))).toEqual(['PARTNER_TYPE']);
  });
});

describe('storage and Service Bus connections', () => {
  const identityEnv: Env = {
    ...MINIMAL,
    AzureWebJobsStorage: undefined,
    AzureWebJobsStorage__accountName: 'mcastore01',
    AzureWebJobsStorage__clientId: '99999999-8888-7777-6666-555555555555',
    ServiceBusConnection: undefined,
    ServiceBusConnection__fullyQualifiedNamespace: 'mca-bus.servicebus.windows.net',
  };

  it('accepts the identity-based forms', () => {
    const config = loadConfig(identityEnv);
    expect(config.storage).toEqual({
      kind: 'identity',
      accountName: 'mcastore01',
      clientId: '99999999-8888-7777-6666-555555555555',
      tableEndpoint: 'https://mcastore01.table.core.windows.net',
    });
    expect(config.serviceBus).toEqual({
      kind: 'identity',
      fullyQualifiedNamespace: 'mca-bus.servicebus.windows.net',
      clientId: undefined,
    });
  });

  it('accepts account-key and endpoint storage connection strings', () => {
    for (const connectionString of [
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5==;EndpointSuffix=core.windows.net',
      'TableEndpoint=https://acct.table.core.windows.net/;SharedAccessSignature=sv=x',
    ]) {
      expect(loadConfig({ ...MINIMAL, AzureWebJobsStorage: connectionString }).storage.kind).toBe(
        'connectionString',
      );
    }
  });

  it('rejects both forms at once, naming both keys', () => {
    const problems = problemsOf({
      ...identityEnv,
      AzureWebJobsStorage: MINIMAL.AzureWebJobsStorage,
      ServiceBusConnection: MINIMAL.ServiceBusConnection,
    });
    expect(problems).toEqual({
      AzureWebJobsStorage: 'set either AzureWebJobsStorage or AzureWebJobsStorage__accountName, not both',
      ServiceBusConnection:
        'set either ServiceBusConnection or ServiceBusConnection__fullyQualifiedNamespace, not both',
    });
  });

  it('names the identity alternative when neither form is set', () => {
    const problems = problemsOf({
      ...MINIMAL,
      AzureWebJobsStorage: undefined,
      ServiceBusConnection: undefined,
    });
    expect(problems.AzureWebJobsStorage).toContain('or AzureWebJobsStorage__accountName');
    expect(problems.ServiceBusConnection).toContain('or ServiceBusConnection__fullyQualifiedNamespace');
  });

  it('rejects a malformed identity client id', () => {
    expect(Object.keys(problemsOf({ ...identityEnv, AzureWebJobsStorage__clientId: 'me' }))).toEqual([
      'AzureWebJobsStorage__clientId',
    ]);
  });
});

// Microsoft gives indirect resellers no Partner Center API access: nothing of it is required or read.
describe('an IndirectReseller deployment', () => {
  const reseller: Env = {
    ...Object.fromEntries(Object.entries(MINIMAL).filter(([key]) => !key.startsWith('PARTNER_CENTER_'))),
    PARTNER_TYPE: 'IndirectReseller',
    RESELLER_STRATEGY: 'direct',
  };

  it('needs no PARTNER_CENTER_* setting and has no Partner Center config', () => {
    const config = loadConfig(reseller);

    expect(config.partnerType).toBe('IndirectReseller');
    expect(config.partnerCenter).toBeUndefined();
  });

  it('ignores Partner Center settings it is given, even invalid ones', () => {
    const config = loadConfig({
      ...reseller,
      PARTNER_CENTER_CLIENT_ID: 'not-a-guid',
      PARTNER_CENTER_BASE_URL: 'ftp://x',
      WEBHOOK_CERTIFICATE_URLS: 'nope',
    });

    expect(config.partnerCenter).toBeUndefined();
  });

  it('still requires them for the other partner types', () => {
    expect(Object.keys(problemsOf({ ...reseller, PARTNER_TYPE: 'IndirectProvider' })).sort()).toEqual([
      'PARTNER_CENTER_CLIENT_ID',
      'PARTNER_CENTER_CLIENT_SECRET',
      'PARTNER_CENTER_TENANT_ID',
    ]);
  });
});
