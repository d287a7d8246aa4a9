/**
 * The settings contract between the app (shared/config.ts), the Bicep app settings and the operator's
 * guide: every setting the app reads is set in Azure or documented as not set there, every setting
 * Azure gets is read by the app or the Functions host, secrets come from Key Vault only.
 */
import { generateKeyPairSync } from 'node:crypto';
import { METHODS, PARTNER_TYPES, RESELLER_STRATEGIES } from '../../../shared/mca';
import { params, readBicep, readRepoFile } from './bicep-reader';
import { documentedSettings } from './docs-settings';
import {
  MAIN_BICEP,
  allAppSettingKeys,
  appSettingBlocks,
  appSettingsFor,
  exampleSettings,
  keyVaultSecretName,
  keysReadBy,
  renderAppSettings,
  secretKeysOf,
  tryLoadConfig,
  type CredentialVariant,
  type Env,
} from './settings-contract';

const IDENTITY_CLIENT_ID = '7f3c1a52-6f3e-4a43-9a57-2f0c5b7e9d10';
const PRIVATE_KEY_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

/** What only exists at deployment time: resource names, the identity, required parameters, secrets. */
const SAMPLES: Env = {
  AzureWebJobsStorage__accountName: 'stmcaexample',
  AzureWebJobsStorage__clientId: IDENTITY_CLIENT_ID,
  ServiceBusConnection__fullyQualifiedNamespace: 'sb-mcaexample.servicebus.windows.net',
  ServiceBusConnection__clientId: IDENTITY_CLIENT_ID,
  PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI:
    'https://kv-mcaexample.vault.azure.net/secrets/PARTNER-CENTER-REFRESH-TOKEN',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${IDENTITY_CLIENT_ID};Authorization=AAD`,
  PARTNER_TYPE: 'DirectBill',
  PARTNER_CENTER_TENANT_ID: 'partner.onmicrosoft.com',
  PARTNER_CENTER_CLIENT_ID: '3d4c2b1a-0f9e-4d8c-b7a6-958473625140',
  MAIL_FROM: 'mca@partner.example',
  PARTNER_CONTACT_EMAIL: 'csp-desk@partner.example',
  PARTNER_COMPANY_NAME: 'Contoso Cloud Partner',
  // main.bicep's apiAuth: appService when MCA_API_CLIENT_ID names the app registration.
  API_AUTH: 'appService',
  // What the Key Vault references resolve to.
  SENDGRID_API_KEY: 'SG.sample-sendgrid-key',
  PARTNER_CENTER_REFRESH_TOKEN: 'sample-refresh-token',
  PARTNER_CENTER_CLIENT_SECRET: 'sample-client-secret',
  PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: PRIVATE_KEY_PEM,
};

const VARIANT_SAMPLES: Record<CredentialVariant, Env> = {
  clientSecret: SAMPLES,
  certificate: {
    ...SAMPLES,
    PARTNER_CENTER_CERTIFICATE_THUMBPRINT: 'A1B2C3D4E5F60718293A4B5C6D7E8F9011223344',
  },
};

const VARIANTS: CredentialVariant[] = ['clientSecret', 'certificate'];

const azureEnv = (variant: CredentialVariant): Env => renderAppSettings(variant, VARIANT_SAMPLES[variant]);

/** Every key the app reads, observed over the local shape, the Azure shapes and an empty env. */
function keysTheAppReads(): Set<string> {
  const envs = [{}, exampleSettings(), ...VARIANTS.map(azureEnv)];
  return new Set(envs.flatMap((env) => [...keysReadBy(env)]));
}

function secretKeys(): Set<string> {
  const envs = [exampleSettings(), ...VARIANTS.map(azureEnv)];
  return new Set(envs.flatMap((env) => [...secretKeysOf(env)]));
}

const sorted = (keys: Iterable<string>) => [...keys].sort();

describe('app settings in Azure', () => {
  it.each(VARIANTS)('form a valid configuration with identity-based connections (%s)', (variant) => {
    const result = tryLoadConfig(azureEnv(variant));
    if (!result.ok) throw new Error(result.message);
    expect(result.config.storage).toEqual({
      kind: 'identity',
      accountName: 'stmcaexample',
      tableEndpoint: 'https://stmcaexample.table.core.windows.net',
      clientId: IDENTITY_CLIENT_ID,
    });
    expect(result.config.serviceBus).toEqual({
      kind: 'identity',
      fullyQualifiedNamespace: 'sb-mcaexample.servicebus.windows.net',
      clientId: IDENTITY_CLIENT_ID,
    });
    expect(result.config.partnerCenter?.credential.kind).toBe(
      variant === 'certificate' ? 'certificate' : 'secret',
    );
    expect(result.config.partnerCenter?.refreshToken?.reveal()).toBe(SAMPLES.PARTNER_CENTER_REFRESH_TOKEN);
  });

  it('provide every setting the app reads, except those documented as not set in Azure', () => {
    const provided = allAppSettingKeys();
    const documented = documentedSettings();
    const missing = sorted(keysTheAppReads()).filter(
      (key) => !provided.has(key) && !/not set/i.test(documented.get(key)?.inAzure ?? ''),
    );
    expect(missing).toEqual([]);
  });

  it('are all read by the app, except the Functions host settings', () => {
    const appReads = keysTheAppReads();
    const unread = sorted(allAppSettingKeys()).filter((key) => !appReads.has(key));
    expect(unread).toEqual(sorted(appSettingBlocks().host.keys()));
  });

  it('default to what the app does when the setting is left out', () => {
    // A Bicep default must not silently differ from the app's own default (blank counts as unset).
    const mainParams = params(readBicep(MAIN_BICEP));
    const env = azureEnv('clientSecret');
    const full = tryLoadConfig(env);
    if (!full.ok) throw new Error(full.message);
    const defaulted = [...appSettingBlocks().workflow].filter(
      ([key, expression]) =>
        SAMPLES[key] === undefined && mainParams.get(expression)?.defaultExpression !== undefined,
    );
    expect(defaulted.length).toBeGreaterThan(5);
    for (const [key] of defaulted) {
      const { [key]: _removed, ...without } = env;
      const result = tryLoadConfig(without);
      expect([key, result.ok && JSON.stringify(result.config)]).toEqual([key, JSON.stringify(full.config)]);
    }
  });

  it('take secrets from Key Vault only, named after the setting', () => {
    const secrets = secretKeys();
    for (const variant of VARIANTS) {
      for (const [key, expression] of appSettingsFor(variant)) {
        const secretName = keyVaultSecretName(expression);
        if (secrets.has(key)) expect([key, secretName]).toEqual([key, key.replace(/_/g, '-')]);
        else expect([key, secretName]).toEqual([key, undefined]);
      }
    }
  });

  it('use no keys, connection strings or settings the Flex Consumption plan rejects', () => {
    const keys = allAppSettingKeys();
    const forbidden = [
      'AzureWebJobsStorage',
      'ServiceBusConnection',
      'APPINSIGHTS_INSTRUMENTATIONKEY',
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
      'WEBSITE_NODE_DEFAULT_VERSION',
      'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
      'WEBSITE_CONTENTSHARE',
    ];
    expect(forbidden.filter((key) => keys.has(key))).toEqual([]);
    for (const variant of VARIANTS) {
      for (const [key, expression] of appSettingsFor(variant)) {
        expect([key, expression]).not.toEqual([
          key,
          expect.stringMatching(/listKeys|AccountKey|SharedAccessKey|\.keys\[/i),
        ]);
      }
    }
    const credentials = [...appSettingBlocks().host].filter(([key]) => key.endsWith('__credential'));
    expect(credentials).toEqual([
      ['AzureWebJobsStorage__credential', "'managedidentity'"],
      ['ServiceBusConnection__credential', "'managedidentity'"],
    ]);
  });

  it('authenticate Application Insights telemetry with the app identity', () => {
    expect(appSettingBlocks().host.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe(
      "'ClientId=${identityClientId};Authorization=AAD'",
    );
  });

  it('offer exactly the values the app accepts for its choices', () => {
    const mainParams = params(readBicep(MAIN_BICEP));
    const workflow = appSettingBlocks().workflow;
    const allowedFor = (key: string) => mainParams.get(workflow.get(key) ?? '')?.allowed;
    expect(allowedFor('PARTNER_TYPE')).toEqual([...PARTNER_TYPES]);
    expect(allowedFor('DEFAULT_METHOD')).toEqual([...METHODS]);
    expect(allowedFor('RESELLER_STRATEGY')).toEqual([...RESELLER_STRATEGIES]);
  });
});

describe('the operator guide', () => {
  it('documents exactly the settings of the app and of the deployment', () => {
    const expected = new Set([...keysTheAppReads(), ...allAppSettingKeys()]);
    expect(sorted(documentedSettings().keys())).toEqual(sorted(expected));
  });

  it('marks exactly the secret settings as secret', () => {
    const secretRows = [...documentedSettings().values()].filter((row) => row.secret).map((row) => row.key);
    expect(sorted(secretRows)).toEqual(sorted(secretKeys()));
  });
});

describe('main.parameters.json', () => {
  it('maps parameters to azd environment variables only, never to a secret', () => {
    const parsed = JSON.parse(readRepoFile('infra/main.parameters.json')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const mainParams = params(readBicep(MAIN_BICEP));
    const secrets = secretKeys();
    for (const [name, { value }] of Object.entries(parsed.parameters)) {
      expect([name, mainParams.has(name)]).toEqual([name, true]);
      expect([name, value]).toEqual([name, expect.stringMatching(/^\$\{[A-Z][A-Z0-9_]*\}$/)]);
      const variable = String(value).slice(2, -1);
      expect([name, secrets.has(variable)]).toEqual([name, false]);
    }
  });
});
