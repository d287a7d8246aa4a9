/**
 * The two sides of the settings contract, each derived from its source:
 * - the app: which keys `loadConfig` (shared/config.ts) reads and which become secrets, observed by
 *   running it on recording environments (nothing is listed by hand);
 * - Azure: the app settings the Bicep declares, block by block, rendered to an environment with
 *   sample values for what only exists at deployment time.
 */
import { ConfigError, Secret, loadConfig, type AppConfig } from '../../../shared/config';
import { objectEntries, params, readBicep, readRepoFile, stringLiteral, varObject } from './bicep-reader';

export type Env = Record<string, string | undefined>;

// ---- the app side ---------------------------------------------------------------------------------

/** Every key `loadConfig` looks up while reading `env` (whether the read succeeds or not). */
export function keysReadBy(env: Env): Set<string> {
  const read = new Set<string>();
  const recorder = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return typeof key === 'string' ? target[key] : undefined;
    },
  });
  try {
    loadConfig(recorder);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  return read;
}

export type LoadResult = { ok: true; config: AppConfig } | { ok: false; keys: string[]; message: string };

export function tryLoadConfig(env: Env): LoadResult {
  try {
    return { ok: true, config: loadConfig(env) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, keys: error.keys, message: error.message };
    throw error;
  }
}

/** The revealed values of every `Secret` in a config. */
export function secretValues(value: unknown): string[] {
  if (value instanceof Secret) return [value.reveal()];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(secretValues);
}

/** Keys whose value the config holds as a Secret (values in `env` must be distinct per key). */
export function secretKeysOf(env: Env): Set<string> {
  const result = tryLoadConfig(env);
  if (!result.ok) throw new Error(`expected a valid configuration:\n${result.message}`);
  const secrets = new Set(secretValues(result.config));
  return new Set(
    Object.entries(env)
      .filter(([, value]) => value !== undefined && secrets.has(value.trim().replace(/\\n/g, '\n')))
      .map(([key]) => key),
  );
}

/** local.settings.json.example: the local (connection-string) shape of the settings. */
export function exampleSettings(): Env {
  const parsed: unknown = JSON.parse(readRepoFile('local.settings.json.example'));
  const values = (parsed as { Values?: unknown }).Values;
  if (typeof values !== 'object' || values === null) throw new Error('example has no Values');
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}

// ---- the Azure side -------------------------------------------------------------------------------

export const FUNCTION_APP_BICEP = 'infra/app/function-app.bicep';
export const MAIN_BICEP = 'infra/main.bicep';

export type CredentialVariant = 'clientSecret' | 'certificate';

export interface AppSettingBlocks {
  /** Read by the Functions host only. */
  readonly host: Map<string, string>;
  readonly connection: Map<string, string>;
  /** From main.bicep parameters. */
  readonly workflow: Map<string, string>;
  readonly secret: Map<string, string>;
  readonly clientSecret: Map<string, string>;
  readonly certificate: Map<string, string>;
}

export function appSettingBlocks(): AppSettingBlocks {
  const functionApp = readBicep(FUNCTION_APP_BICEP);
  const block = (name: string) => objectEntries(varObject(functionApp, name));
  return {
    host: block('hostSettings'),
    connection: block('connectionSettings'),
    workflow: objectEntries(varObject(readBicep(MAIN_BICEP), 'workflowSettings')),
    secret: block('secretSettings'),
    clientSecret: block('clientSecretSettings'),
    certificate: block('certificateSettings'),
  };
}

/** The settings one deployment gets (the union in function-app.bicep), key -> Bicep expression. */
export function appSettingsFor(variant: CredentialVariant): Map<string, string> {
  const blocks = appSettingBlocks();
  const credential = variant === 'certificate' ? blocks.certificate : blocks.clientSecret;
  return new Map([...blocks.host, ...blocks.connection, ...blocks.workflow, ...blocks.secret, ...credential]);
}

export function allAppSettingKeys(): Set<string> {
  return new Set([...appSettingsFor('clientSecret').keys(), ...appSettingsFor('certificate').keys()]);
}

const KEY_VAULT_REFERENCE = /^keyVaultReference\(\s*keyVaultUri\s*,\s*'([^']+)'\s*\)$/;

/** The Key Vault secret name when the expression is a Key Vault reference. */
export function keyVaultSecretName(expression: string): string | undefined {
  return KEY_VAULT_REFERENCE.exec(expression)?.[1];
}

/**
 * An environment as the app would see it in Azure: literal values as written, main.bicep parameter
 * defaults for the workflow settings, and `samples` for what is only known at deployment (names, IDs,
 * required parameters, resolved Key Vault secrets). Anything else stays visibly unresolved.
 */
export function renderAppSettings(variant: CredentialVariant, samples: Env): Env {
  const mainParams = params(readBicep(MAIN_BICEP));
  const env: Env = {};
  for (const [key, expression] of appSettingsFor(variant)) {
    const paramDefault = mainParams.get(expression)?.defaultExpression;
    env[key] =
      samples[key] ??
      stringLiteral(expression) ??
      (paramDefault === undefined ? undefined : stringLiteral(paramDefault)) ??
      `<unresolved: ${expression}>`;
  }
  return env;
}
