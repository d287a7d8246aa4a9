/**
 * Every setting of the app, read and validated once (by the composition root) into a typed,
 * immutable `AppConfig`. A bad configuration fails with one `ConfigError` listing every bad key.
 *
 * Rules worth knowing:
 * - An empty or blank value counts as not set; values are trimmed.
 * - Authority: `PARTNER_CENTER_AUTHORITY` is used as given when set; otherwise `PARTNER_CENTER_TENANT_ID`
 *   is required and the authority is `https://login.microsoftonline.com/<PARTNER_CENTER_TENANT_ID>`.
 * - Credentials: exactly one kind, either `PARTNER_CENTER_CLIENT_SECRET` or the certificate pair
 *   `PARTNER_CENTER_CERTIFICATE_THUMBPRINT` + `PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY` (unencrypted PEM;
 *   `\n` escapes are accepted because app settings are single-line).
 * - Storage and Service Bus: exactly one of the connection string or its identity-based
 *   `__accountName` / `__fullyQualifiedNamespace` form (optional `__clientId` for a user-assigned identity).
 * - URLs must be https; plain http is accepted only for localhost (the local emulators).
 * - `INDIRECT_PROVIDER_CONTACT` is required when PARTNER_TYPE is IndirectReseller and RESELLER_STRATEGY
 *   is handOff or both. An IndirectReseller reads no PARTNER_CENTER_* or WEBHOOK_* setting at all.
 * - Durations are ISO-8601 `PnW` / `PnDTnHnMnS`; reminders strictly increase and end before the deadline.
 * Secrets are `Secret` objects; values of secret or e-mail keys, and credential-like values of any key,
 * never appear in error messages.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import {
  InvalidDurationError,
  METHODS,
  PARTNER_TYPES,
  RESELLER_STRATEGIES,
  parseIsoDuration,
  readsPartnerCenter,
  type Method,
  type PartnerType,
  type ResellerStrategy,
} from './mca';
import { languageTagSchema } from './mail/templates/language';
import { mailFields } from './mail/templates/mail-data.schema';
import { API_AUTH_MODES, type ApiAuthMode } from './access/caller';
import { REDACTED, Secret } from './secret';
import { AGREEMENT_CONFLICT_ACTIONS, type AgreementConflictAction } from './workflow/attestation-rules';
import { acceptanceUrlTemplateProblem } from './workflow/acceptance-link';

export { Secret } from './secret';

export interface AppConfig {
  readonly partnerType: PartnerType;
  readonly defaultMethod: Method;
  /** Used by IndirectReseller deployments only (which never attest). */
  readonly resellerStrategy: ResellerStrategy;
  /**
   * Undefined for IndirectReseller: Microsoft gives indirect resellers no Partner Center API access,
   * so their PARTNER_CENTER_* settings are neither required nor read.
   */
  readonly partnerCenter: PartnerCenterConfig | undefined;
  readonly mail: MailConfig;
  readonly timing: TimingConfig;
  readonly storage: StorageConfig;
  readonly serviceBus: ServiceBusConfig;
  /**
   * `API_AUTH`: `open` (locally: no sign-in, every route open) or `appService` (in Azure: every route
   * but the webhook checks the App Service Authentication principal's app roles).
   */
  readonly apiAuth: ApiAuthMode;
}

export interface PartnerCenterConfig {
  /** No trailing slash. */
  readonly baseUrl: string;
  /** Entra authority for msal-node, no trailing slash. */
  readonly authority: string;
  readonly tenantId: string | undefined;
  readonly clientId: string;
  readonly credential: ClientCredential;
  /** App+User (secure application model) refresh token, when configured. */
  readonly refreshToken: Secret | undefined;
  /**
   * The Key Vault secret that keeps the newest (rotated) refresh token, written by the app identity.
   * Unset: the newest is kept in the store's cursors table (local use only).
   */
  readonly refreshTokenSecretUri: string | undefined;
  /** Path segment of the enhanced-attestation API, e.g. `v1`. */
  readonly attestationApiVersion: string;
  readonly maxRequestsPerSecond: number;
  readonly maxConcurrency: number;
  /**
   * The most Function App instances that may run at once (Flex Consumption maximumInstanceCount). The
   * app-wide budget falls back to maxRequestsPerSecond / maxInstances per process when its table fails.
   */
  readonly maxInstances: number;
  /** Customers per page of the compliance sweep: one orchestration generation's work and history. */
  readonly sweepPageSize: number;
  /**
   * URLs a webhook's X-MS-Certificate-Url may name: exact URLs, or prefixes ending in `/`. Microsoft's
   * documented certificate URL in Azure; the local emulator's certificate URL locally.
   */
  readonly webhookCertificateUrls: readonly string[];
  /**
   * Local only: a PEM file whose certificates are trusted as webhook chain roots instead of Microsoft's
   * (the emulator's test certificate). Refused unless every certificate URL is a loopback one.
   */
  readonly webhookLocalTrustAnchorsFile: string | undefined;
  /**
   * Microsoft's parameterized acceptance link with `{attestationId}` (and optionally `{country}`,
   * `{language}`): used when the create response carries no link. Undefined: no template.
   */
  readonly acceptanceUrlTemplate: string | undefined;
  /** 600061 on a re-attestation with the customer still not covered: invite directly, or fail. */
  readonly onAgreementConflict: AgreementConflictAction;
}

export type ClientCredential =
  | { readonly kind: 'secret'; readonly clientSecret: Secret }
  | {
      readonly kind: 'certificate';
      /** Upper-case hex; 40 digits = SHA-1 (msal `thumbprint`), 64 = SHA-256 (msal `thumbprintSha256`). */
      readonly thumbprint: string;
      readonly thumbprintAlgorithm: 'sha1' | 'sha256';
      readonly privateKeyPem: Secret;
    };

export interface MailConfig {
  readonly sendGridApiKey: Secret;
  /** Overrides SendGrid's API host (the local sink); undefined in Azure. */
  readonly sendGridBaseUrl: string | undefined;
  readonly from: string;
  /** The partner's company name, as customers know it: it signs every mail. */
  readonly partnerCompanyName: string;
  readonly partnerContact: string;
  /** Greets the partner's desk and names whom customers may ask; the company name when unset. */
  readonly partnerContactName: string | undefined;
  /** Shown with the partner contact in customer and provider mails; none when unset. */
  readonly partnerContactPhone: string | undefined;
  /** BCP 47 tag: the language of mails to the partner's desk (default en). */
  readonly partnerLanguage: string;
  readonly indirectProviderContact: string | undefined;
  /** The indirect provider's company name in hand-off mails. */
  readonly indirectProviderName: string | undefined;
  /** BCP 47 tag: the language of hand-off mails to the indirect provider (default en). */
  readonly indirectProviderLanguage: string;
}

export interface TimingConfig {
  /** Offsets from the workflow start, strictly increasing. */
  readonly reminderScheduleMs: readonly number[];
  /** Offset from the workflow start; longer than the last reminder. */
  readonly acceptanceDeadlineMs: number;
  /** How old a mail's send claim must be, still unsettled, before it is reported as an unknown send. */
  readonly sendClaimReconcileAfterMs: number;
  readonly pollInitialDelayMs: number;
  readonly pollMaxDelayMs: number;
  /** The sweep starts a new run for a still uncovered customer whose last run ended this long ago. */
  readonly remediationRetryAfterMs: number;
  /** Fixed poll interval while an attestation link is out and not accepted. */
  readonly attestationPollIntervalMs: number;
  /** How long a created agreement may take to show in Partner Center's reads. */
  readonly confirmationTimeoutMs: number;
  /** How long a failing activity (SendGrid, Partner Center or storage down) is retried before it fails. */
  readonly outageToleranceMs: number;
  /** Finished durable instances whose last update is older than this are purged daily (state rows stay). */
  readonly instanceRetentionMs: number;
}

export type StorageConfig =
  | { readonly kind: 'connectionString'; readonly connectionString: Secret }
  | {
      readonly kind: 'identity';
      readonly accountName: string;
      readonly tableEndpoint: string;
      readonly clientId: string | undefined;
    };

export type ServiceBusConfig =
  | { readonly kind: 'connectionString'; readonly connectionString: Secret }
  | {
      readonly kind: 'identity';
      readonly fullyQualifiedNamespace: string;
      readonly clientId: string | undefined;
    };

export interface ConfigProblem {
  readonly key: string;
  readonly message: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `  ${p.key}: ${p.message}`);
    super(`Invalid settings (${problems.length}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }

  get keys(): string[] {
    return [...new Set(this.problems.map((p) => p.key))];
  }
}

/** Keys whose values are never echoed: secrets (Secret in the config) and e-mail addresses. */
const HIDDEN_KEYS = new Set([
  'PARTNER_CENTER_CLIENT_SECRET',
  'PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY',
  'PARTNER_CENTER_REFRESH_TOKEN',
  'SENDGRID_API_KEY',
  'AzureWebJobsStorage',
  'ServiceBusConnection',
  'MAIL_FROM',
  'PARTNER_CONTACT_EMAIL',
  'INDIRECT_PROVIDER_CONTACT',
  'PARTNER_CONTACT_PHONE',
]);

/**
 * Values that look like a credential, whatever key holds them (e.g. the client secret pasted into the
 * client id): an Entra client secret (contains `~`), a PEM, a key or signature inside a connection
 * string, a SendGrid key. They are not echoed either.
 */
const CREDENTIAL_LIKE = /~|-----BEGIN|(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig)=|^SG\./i;

const DEFAULTS = {
  DEFAULT_METHOD: 'direct',
  RESELLER_STRATEGY: 'both',
  PARTNER_CENTER_BASE_URL: 'https://api.partnercenter.microsoft.com',
  PARTNER_CENTER_MAX_REQUESTS_PER_SECOND: '5',
  PARTNER_CENTER_MAX_CONCURRENCY: '4',
  // Flex Consumption's default maximum instance count (infra sets the same number).
  PARTNER_CENTER_MAX_INSTANCES: '40',
  // Partner Center's customer list answers up to 500 per page; 100 keeps one generation small.
  SWEEP_PAGE_SIZE: '100',
  PARTNER_CENTER_ATTESTATION_API_VERSION: 'v1',
  REMINDER_SCHEDULE: 'P3D,P7D,P14D',
  ACCEPTANCE_DEADLINE: 'P30D',
  // Far longer than one send (the SendGrid timeout is 30 s), so only a crashed send is this old.
  SEND_CLAIM_RECONCILE_AFTER: 'PT10M',
  POLL_INITIAL_DELAY: 'PT5M',
  POLL_MAX_DELAY: 'PT6H',
  REMEDIATION_RETRY_AFTER: 'P30D',
  // The one certificate URL Microsoft documents for webhook signatures (exact: anyone can own another
  // *.blob.core.windows.net, and other paths on this host are not Microsoft's promise).
  WEBHOOK_CERTIFICATE_URLS:
    'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer',
  PARTNER_LANGUAGE: 'en',
  INDIRECT_PROVIDER_LANGUAGE: 'en',
  ATTESTATION_POLL_INTERVAL: 'PT15M',
  // Microsoft: attestations show in reads within four hours; a margin for slow days.
  CONFIRMATION_TIMEOUT: 'PT48H',
  // An outage of hours (SendGrid, Partner Center, storage) is waited out; the customer is not Failed.
  OUTAGE_TOLERANCE: 'PT12H',
  ON_AGREEMENT_CONFLICT: 'direct',
  // Local runs are open; the Azure deployment sets appService.
  API_AUTH: 'open',
  // Durable history is for debugging a run; the state table and audit trail stay the record.
  INSTANCE_RETENTION: 'P90D',
} as const;

const ENTRA_LOGIN = 'https://login.microsoftonline.com';

// ---- value schemas: string in, parsed value out ------------------------------------------------------

/** What a setting must look like: `expected` completes "expected ..." in messages. */
interface Spec<T> {
  readonly expected: string;
  readonly schema: z.ZodType<T>;
}

const spec = <T>(expected: string, schema: z.ZodType<T>): Spec<T> => ({ expected, schema });

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  spec(`one of ${values.join(', ')}`, z.enum(values));
const partnerType = oneOf(PARTNER_TYPES);
const method = oneOf(METHODS);
const resellerStrategy = oneOf(RESELLER_STRATEGIES);
const agreementConflict = oneOf(AGREEMENT_CONFLICT_ACTIONS);
const apiAuth = oneOf(API_AUTH_MODES);

/** A DNS name with at least two labels, e.g. contoso.onmicrosoft.com. */
const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const url = spec(
  'an https URL (http only for localhost)',
  z
    .string()
    .refine(isAllowedUrl)
    .transform((text) => text.replace(/\/+$/, '')),
);

function isAllowedUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol, hostname } = new URL(text);
  return protocol === 'https:' || (protocol === 'http:' && LOOPBACK_HOSTS.has(hostname));
}

const ACCEPTANCE_TEMPLATE_FORMS =
  'an https URL (http only for localhost) with {attestationId}, optionally {country} and {language}';
const acceptanceUrlTemplate = spec(
  ACCEPTANCE_TEMPLATE_FORMS,
  z.string().superRefine((text, ctx) => {
    const problem = acceptanceUrlTemplateProblem(text);
    if (problem)
      ctx.addIssue({ code: 'custom', message: `expected ${ACCEPTANCE_TEMPLATE_FORMS}; ${problem}` });
  }),
);

const email = spec('an e-mail address', z.email());
const displayName = spec(
  'a name of 1-200 characters on one line',
  z
    .string()
    .max(200)
    .regex(/^[^\p{Cc}]+$/u),
);
/** https (http only for a loopback host), no credentials or fragment; an entry ending in `/` is a prefix. */
function isCertificateUrlEntry(text: string): boolean {
  if (/\s/.test(text) || !isAllowedUrl(text)) return false;
  const parsed = new URL(text);
  return parsed.username === '' && parsed.password === '' && parsed.hash === '' && !text.includes('#');
}
const urlList = spec(
  'comma-separated https URLs (http only for localhost), each exact or a prefix ending in /',
  z
    .string()
    .transform((text) => text.split(',').map((item) => item.trim()))
    .refine((items) => items.length > 0 && items.every(isCertificateUrlEntry))
    .transform((items) => items.map((item) => new URL(item).href)),
);
const filePath = spec('a file path', z.string().min(1));
const guid = spec('a GUID', z.guid());
/** The same rule as a customer's `language`. */
const languageTag = spec('a BCP 47 language tag such as en or ja-JP', languageTagSchema);
const phoneNumber = spec('a phone number of 1-40 characters on one line', mailFields.phone);
const tenant = spec(
  "the partner's Entra tenant ID (GUID) or domain",
  z.union([z.guid(), z.string().regex(DOMAIN_NAME)]),
);
const secretSpec = (expected: string) =>
  spec(
    expected,
    z.string().transform((text) => new Secret(text)),
  );
const clientSecret = secretSpec('the app registration client secret');
const refreshToken = secretSpec('an App+User refresh token');
const keyVaultSecretUri = spec(
  'a Key Vault secret URI, e.g. https://<vault>.vault.azure.net/secrets/<name>',
  z
    .string()
    .regex(/^https:\/\/[^/]+\/secrets\/[A-Za-z0-9-]{1,127}(?:\/[A-Za-z0-9]*)?\/?$/)
    .transform((text) => text.replace(/\/+$/, '')),
);
const apiVersion = spec('an API version path segment such as v1', z.string().regex(/^v\d+(?:\.\d+)?$/));
const sendGridApiKey = secretSpec('a SendGrid API key');

function numberSpec(expected: string, isValid: (n: number) => boolean): Spec<number> {
  return spec(
    expected,
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number)
      .refine(isValid),
  );
}

const requestsPerSecond = numberSpec(
  'a number of requests per second above 0, at most 1000',
  (n) => n > 0 && n <= 1000,
);
const concurrency = numberSpec(
  'a whole number from 1 to 100',
  (n) => Number.isInteger(n) && n >= 1 && n <= 100,
);

const instanceCount = numberSpec(
  'a whole number from 1 to 1000',
  (n) => Number.isInteger(n) && n >= 1 && n <= 1000,
);
const pageSize = numberSpec('a whole number from 1 to 500', (n) => Number.isInteger(n) && n >= 1 && n <= 500);

const thumbprint = spec(
  'the certificate thumbprint in hex (40 digits SHA-1 or 64 digits SHA-256)',
  z
    .string()
    .regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i)
    .transform((hex) => hex.toUpperCase()),
);

const privateKeyPem = spec(
  'an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- ...)',
  z
    .string()
    .transform((text) => text.replace(/\\n/g, '\n'))
    .refine((pem) => /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(pem) && isPrivateKey(pem))
    .transform((pem) => new Secret(pem)),
);

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

const DURATION_FORMS = 'a positive ISO-8601 duration such as PT5M, P3D or P2W';

/** A duration, positive; the parser's own reason (e.g. months rejected) becomes the message. */
const positiveDurationMs = z.string().transform((text, ctx) => {
  try {
    const ms = parseIsoDuration(text);
    if (ms > 0) return ms;
    ctx.addIssue({ code: 'custom', message: `expected ${DURATION_FORMS}; ${JSON.stringify(text)} is zero` });
  } catch (error) {
    if (!(error instanceof InvalidDurationError)) throw error;
    ctx.addIssue({ code: 'custom', message: `expected ${DURATION_FORMS}; ${error.message}` });
  }
  return z.NEVER;
});

const duration = spec(DURATION_FORMS, positiveDurationMs);

const reminderSchedule = spec(
  'comma-separated, strictly increasing ISO-8601 durations such as P3D,P7D,P14D',
  z
    .string()
    .transform((text) => text.split(',').map((item) => item.trim()))
    .pipe(z.array(positiveDurationMs))
    .refine((offsets) => offsets.every((ms, i) => i === 0 || ms > (offsets[i - 1] ?? 0)), {
      message: 'expected strictly increasing durations (each reminder later than the one before)',
    }),
);

/** `Key=Value;Key=Value` (values may contain `=`), keys compared case-insensitively. */
function connectionStringParts(text: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const pair of text.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) parts.set(pair.slice(0, at).trim().toLowerCase(), pair.slice(at + 1).trim());
  }
  return parts;
}

const storageConnectionString = spec(
  'a storage connection string (UseDevelopmentStorage=true, or AccountName=...;AccountKey=... or endpoints)',
  z
    .string()
    .refine((text) => {
      const parts = connectionStringParts(text);
      return (
        parts.get('usedevelopmentstorage')?.toLowerCase() === 'true' ||
        parts.has('accountname') ||
        parts.has('tableendpoint')
      );
    })
    .transform((text) => new Secret(text)),
);

const serviceBusConnectionString = spec(
  'a Service Bus connection string (Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...)',
  z
    .string()
    .refine((text) => /^sb:\/\/[^/\s]+/i.test(connectionStringParts(text).get('endpoint') ?? ''))
    .transform((text) => new Secret(text)),
);

const storageAccountName = spec(
  'a storage account name (3-24 lower-case letters and digits)',
  z.string().regex(/^[a-z0-9]{3,24}$/),
);
const namespaceHost = spec(
  'a fully qualified namespace such as my-namespace.servicebus.windows.net',
  z.string().regex(DOMAIN_NAME),
);

// ---- reading -------------------------------------------------------------------------------------------

type Env = Record<string, string | undefined>;

/** Thrown inside the reader once a problem has been recorded; never escapes loadConfig. */
class InvalidSetting extends Error {}

class SettingsReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: Env) {}

  raw(key: string): string | undefined {
    const value = this.env[key]?.trim();
    return value === '' ? undefined : value;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  optional<T>(key: string, { expected, schema }: Spec<T>): T | undefined {
    const raw = this.raw(key);
    if (raw === undefined) return undefined;
    if (raw.startsWith('@Microsoft.KeyVault(')) {
      return this.fail(key, 'Key Vault reference not resolved: check the app identity may read the secret');
    }
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    const custom = result.error.issues.find((issue) => issue.code === 'custom' && issue.message !== '');
    return this.fail(key, custom?.message.startsWith('expected') ? custom.message : `expected ${expected}`);
  }

  required<T>(key: string, setting: Spec<T>, alternative = ''): T {
    const value = this.optional(key, setting);
    return value !== undefined
      ? value
      : this.fail(key, `missing, expected ${setting.expected}${alternative}`);
  }

  withDefault<K extends keyof typeof DEFAULTS, T>(key: K, setting: Spec<T>): T {
    const value = this.optional(key, setting);
    if (value !== undefined) return value;
    const parsed = setting.schema.safeParse(DEFAULTS[key]);
    if (!parsed.success) throw new Error(`default of ${key} is invalid`);
    return parsed.data;
  }

  /** Records a problem for `key`, quoting its value unless the key is hidden, and abandons this read. */
  fail(key: string, message: string): never {
    const full = `${message}${this.shownValue(key)}`;
    if (!this.problems.some((p) => p.key === key && p.message === full))
      this.problems.push({ key, message: full });
    throw new InvalidSetting();
  }

  /** `, got "<value>"` (or the default that applied) unless the key is hidden or the value a credential. */
  private shownValue(key: string): string {
    if (HIDDEN_KEYS.has(key)) return '';
    const raw = this.raw(key);
    if (raw !== undefined) return CREDENTIAL_LIKE.test(raw) ? '' : `, got ${JSON.stringify(truncate(raw))}`;
    return isDefaulted(key) ? `, got the default ${JSON.stringify(DEFAULTS[key])}` : '';
  }

  /**
   * Reads every part even when some fail, so one run reports every bad key; fails if any part did.
   */
  collect<S extends Record<string, () => unknown>>(parts: S): { [K in keyof S]: ReturnType<S[K]> } {
    const result: Record<string, unknown> = {};
    let failed = false;
    for (const [name, read] of Object.entries(parts)) {
      try {
        result[name] = read();
      } catch (error) {
        if (!(error instanceof InvalidSetting)) throw error;
        failed = true;
      }
    }
    if (failed) throw new InvalidSetting();
    return result as { [K in keyof S]: ReturnType<S[K]> };
  }
}

function isDefaulted(key: string): key is keyof typeof DEFAULTS {
  return Object.hasOwn(DEFAULTS, key);
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ---- sections ------------------------------------------------------------------------------------------

function readPartnerCenter(r: SettingsReader): PartnerCenterConfig {
  return r.collect({
    baseUrl: () => r.withDefault('PARTNER_CENTER_BASE_URL', url),
    tenantId: () => r.optional('PARTNER_CENTER_TENANT_ID', tenant),
    authority: () => readAuthority(r),
    clientId: () => r.required('PARTNER_CENTER_CLIENT_ID', guid),
    credential: () => readCredential(r),
    refreshToken: () => r.optional('PARTNER_CENTER_REFRESH_TOKEN', refreshToken),
    refreshTokenSecretUri: () => r.optional('PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI', keyVaultSecretUri),
    attestationApiVersion: () => r.withDefault('PARTNER_CENTER_ATTESTATION_API_VERSION', apiVersion),
    maxRequestsPerSecond: () => r.withDefault('PARTNER_CENTER_MAX_REQUESTS_PER_SECOND', requestsPerSecond),
    maxConcurrency: () => r.withDefault('PARTNER_CENTER_MAX_CONCURRENCY', concurrency),
    maxInstances: () => r.withDefault('PARTNER_CENTER_MAX_INSTANCES', instanceCount),
    sweepPageSize: () => r.withDefault('SWEEP_PAGE_SIZE', pageSize),
    webhookCertificateUrls: () => r.withDefault('WEBHOOK_CERTIFICATE_URLS', urlList),
    webhookLocalTrustAnchorsFile: () => readLocalTrustAnchors(r),
    acceptanceUrlTemplate: () => r.optional('PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE', acceptanceUrlTemplate),
    onAgreementConflict: () => r.withDefault('ON_AGREEMENT_CONFLICT', agreementConflict),
  });
}

const LOCAL_TRUST_ANCHORS_KEY = 'WEBHOOK_LOCAL_TRUST_ANCHORS_FILE';

/** Extra webhook trust anchors are for the local emulator only: never beside a non-loopback URL. */
function readLocalTrustAnchors(r: SettingsReader): string | undefined {
  const file = r.optional(LOCAL_TRUST_ANCHORS_KEY, filePath);
  if (file === undefined) return undefined;
  const urls = r.optional('WEBHOOK_CERTIFICATE_URLS', urlList) ?? [DEFAULTS.WEBHOOK_CERTIFICATE_URLS];
  if (!urls.every((entry) => LOOPBACK_HOSTS.has(new URL(entry).hostname)))
    return r.fail(LOCAL_TRUST_ANCHORS_KEY, 'only allowed when every WEBHOOK_CERTIFICATE_URLS entry is local');
  return file;
}

function readAuthority(r: SettingsReader): string {
  const authority = r.optional('PARTNER_CENTER_AUTHORITY', url);
  if (authority !== undefined) return authority;
  const tenantId = r.required('PARTNER_CENTER_TENANT_ID', tenant, ' (or set PARTNER_CENTER_AUTHORITY)');
  return `${ENTRA_LOGIN}/${tenantId}`;
}

const CLIENT_SECRET_KEY = 'PARTNER_CENTER_CLIENT_SECRET';
const THUMBPRINT_KEY = 'PARTNER_CENTER_CERTIFICATE_THUMBPRINT';
const PRIVATE_KEY_KEY = 'PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY';
const CERTIFICATE = `a certificate (${THUMBPRINT_KEY} + ${PRIVATE_KEY_KEY})`;

/** Exactly one kind of client credential; every present part is still validated. */
function readCredential(r: SettingsReader): ClientCredential {
  const certificateWanted = r.has(THUMBPRINT_KEY) || r.has(PRIVATE_KEY_KEY);
  const parts = r.collect({
    clientSecret: () =>
      certificateWanted
        ? r.optional(CLIENT_SECRET_KEY, clientSecret)
        : r.required(CLIENT_SECRET_KEY, clientSecret, ` (or ${CERTIFICATE})`),
    thumbprint: () => (certificateWanted ? r.required(THUMBPRINT_KEY, thumbprint) : undefined),
    privateKeyPem: () => (certificateWanted ? r.required(PRIVATE_KEY_KEY, privateKeyPem) : undefined),
    onlyOneKind: () => {
      if (certificateWanted && r.has(CLIENT_SECRET_KEY)) {
        r.fail(CLIENT_SECRET_KEY, `set either a client secret or ${CERTIFICATE}, not both`);
      }
    },
  });
  if (parts.thumbprint !== undefined && parts.privateKeyPem !== undefined) {
    const { thumbprint: hex, privateKeyPem: pem } = parts;
    return {
      kind: 'certificate',
      thumbprint: hex,
      thumbprintAlgorithm: hex.length === 40 ? 'sha1' : 'sha256',
      privateKeyPem: pem,
    };
  }
  if (parts.clientSecret !== undefined) return { kind: 'secret', clientSecret: parts.clientSecret };
  return r.fail(CLIENT_SECRET_KEY, `missing, expected a client secret or ${CERTIFICATE}`);
}

function readMail(r: SettingsReader): MailConfig {
  return r.collect({
    sendGridApiKey: () => r.required('SENDGRID_API_KEY', sendGridApiKey),
    sendGridBaseUrl: () => r.optional('SENDGRID_BASE_URL', url),
    from: () => r.required('MAIL_FROM', email),
    partnerCompanyName: () => r.required('PARTNER_COMPANY_NAME', displayName),
    partnerContact: () => r.required('PARTNER_CONTACT_EMAIL', email),
    partnerContactName: () => r.optional('PARTNER_CONTACT_NAME', displayName),
    partnerContactPhone: () => r.optional('PARTNER_CONTACT_PHONE', phoneNumber),
    partnerLanguage: () => r.withDefault('PARTNER_LANGUAGE', languageTag),
    indirectProviderName: () => r.optional('INDIRECT_PROVIDER_NAME', displayName),
    indirectProviderLanguage: () => r.withDefault('INDIRECT_PROVIDER_LANGUAGE', languageTag),
    indirectProviderContact: () => {
      const contact = r.optional('INDIRECT_PROVIDER_CONTACT', email);
      if (contact === undefined && handsOffToProvider(r)) {
        r.fail(
          'INDIRECT_PROVIDER_CONTACT',
          'missing, expected an e-mail address (required when PARTNER_TYPE is IndirectReseller and RESELLER_STRATEGY is handOff or both)',
        );
      }
      return contact;
    },
  });
}

/** A missing or bad PARTNER_TYPE is reported on its own; the Partner Center settings are checked too. */
function isReseller(r: SettingsReader): boolean {
  const type = partnerType.schema.safeParse(r.raw('PARTNER_TYPE'));
  return type.success && !readsPartnerCenter(type.data);
}

function handsOffToProvider(r: SettingsReader): boolean {
  return (
    r.required('PARTNER_TYPE', partnerType) === 'IndirectReseller' &&
    r.withDefault('RESELLER_STRATEGY', resellerStrategy) !== 'direct'
  );
}

function readTiming(r: SettingsReader): TimingConfig {
  return r.collect({
    reminderScheduleMs: () => r.withDefault('REMINDER_SCHEDULE', reminderSchedule),
    acceptanceDeadlineMs: () => {
      const deadlineMs = r.withDefault('ACCEPTANCE_DEADLINE', duration);
      const lastReminderMs = r.withDefault('REMINDER_SCHEDULE', reminderSchedule).at(-1) ?? 0;
      if (deadlineMs <= lastReminderMs) {
        r.fail('ACCEPTANCE_DEADLINE', 'expected a duration longer than the last REMINDER_SCHEDULE entry');
      }
      return deadlineMs;
    },
    sendClaimReconcileAfterMs: () => r.withDefault('SEND_CLAIM_RECONCILE_AFTER', duration),
    pollInitialDelayMs: () => r.withDefault('POLL_INITIAL_DELAY', duration),
    pollMaxDelayMs: () => {
      const maxMs = r.withDefault('POLL_MAX_DELAY', duration);
      if (maxMs < r.withDefault('POLL_INITIAL_DELAY', duration)) {
        r.fail('POLL_MAX_DELAY', 'expected a duration at least as long as POLL_INITIAL_DELAY');
      }
      return maxMs;
    },
    remediationRetryAfterMs: () => r.withDefault('REMEDIATION_RETRY_AFTER', duration),
    attestationPollIntervalMs: () => r.withDefault('ATTESTATION_POLL_INTERVAL', duration),
    confirmationTimeoutMs: () => r.withDefault('CONFIRMATION_TIMEOUT', duration),
    outageToleranceMs: () => r.withDefault('OUTAGE_TOLERANCE', duration),
    instanceRetentionMs: () => r.withDefault('INSTANCE_RETENTION', duration),
  });
}

/** A setting given either as a connection string or in its identity-based `__` form, never both. */
function readConnectionPair<T>(
  r: SettingsReader,
  key: string,
  connectionString: Spec<Secret>,
  identityKey: string,
  fromConnectionString: (connectionString: Secret) => T,
  fromIdentity: () => T,
): T {
  const hasConnectionString = r.has(key);
  const hasIdentity = r.has(identityKey);
  if (hasConnectionString && hasIdentity) r.fail(key, `set either ${key} or ${identityKey}, not both`);
  if (hasIdentity) return fromIdentity();
  return fromConnectionString(
    r.required(key, connectionString, ` (or ${identityKey} for a managed identity)`),
  );
}

function readStorage(r: SettingsReader): StorageConfig {
  return readConnectionPair<StorageConfig>(
    r,
    'AzureWebJobsStorage',
    storageConnectionString,
    'AzureWebJobsStorage__accountName',
    (connectionString) => ({ kind: 'connectionString', connectionString }),
    () => {
      const identity = r.collect({
        accountName: () => r.required('AzureWebJobsStorage__accountName', storageAccountName),
        clientId: () => r.optional('AzureWebJobsStorage__clientId', guid),
      });
      return {
        kind: 'identity',
        ...identity,
        tableEndpoint: `https://${identity.accountName}.table.core.windows.net`,
      };
    },
  );
}

function readServiceBus(r: SettingsReader): ServiceBusConfig {
  return readConnectionPair<ServiceBusConfig>(
    r,
    'ServiceBusConnection',
    serviceBusConnectionString,
    'ServiceBusConnection__fullyQualifiedNamespace',
    (connectionString) => ({ kind: 'connectionString', connectionString }),
    () => ({
      kind: 'identity',
      ...r.collect({
        fullyQualifiedNamespace: () =>
          r.required('ServiceBusConnection__fullyQualifiedNamespace', namespaceHost),
        clientId: () => r.optional('ServiceBusConnection__clientId', guid),
      }),
    }),
  );
}

// ---- public API ----------------------------------------------------------------------------------------

/** Reads and validates every setting; throws ConfigError naming every bad key. */
export function loadConfig(env: Env = process.env): AppConfig {
  const r = new SettingsReader(env);
  try {
    return deepFreeze<AppConfig>(
      r.collect({
        partnerType: () => r.required('PARTNER_TYPE', partnerType),
        defaultMethod: () => r.withDefault('DEFAULT_METHOD', method),
        resellerStrategy: () => r.withDefault('RESELLER_STRATEGY', resellerStrategy),
        partnerCenter: () => (isReseller(r) ? undefined : readPartnerCenter(r)),
        mail: () => readMail(r),
        timing: () => readTiming(r),
        storage: () => readStorage(r),
        serviceBus: () => readServiceBus(r),
        apiAuth: () => r.withDefault('API_AUTH', apiAuth),
      }),
    );
  } catch (error) {
    if (error instanceof InvalidSetting) throw new ConfigError(r.problems);
    throw error;
  }
}

/**
 * One section alone, for tools that need only part of the app's settings (the operator CLI): the
 * same rules and messages as `loadConfig`, and no complaint about keys the section does not read.
 */
export function loadConfigSection<K extends 'partnerCenter' | 'storage' | 'serviceBus'>(
  section: K,
  env: Env = process.env,
): NonNullable<AppConfig[K]> {
  const readers = { partnerCenter: readPartnerCenter, storage: readStorage, serviceBus: readServiceBus };
  const r = new SettingsReader(env);
  try {
    return deepFreeze(readers[section](r) as NonNullable<AppConfig[K]>);
  } catch (error) {
    if (error instanceof InvalidSetting) throw new ConfigError(r.problems);
    throw error;
  }
}

/**
 * A plain copy of the config that is safe to log: secrets become `[redacted]` and e-mail addresses
 * keep only their domain (`***@partner.example`).
 */
export function redactConfig(config: AppConfig): Record<string, unknown> {
  return redact(config) as Record<string, unknown>;
}

function redact(value: unknown): unknown {
  if (value instanceof Secret) return REDACTED;
  if (typeof value === 'string') return value.replace(/[^\s@<>"]+@([^\s@<>"]+\.[^\s@<>"]+)/g, '***@$1');
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item)]));
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof Secret)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
