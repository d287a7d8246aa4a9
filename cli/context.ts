/**
 * What every command gets: where to print, the settings it may read, the parsed options, and the
 * Entra credential for Azure. Tests inject all of it; `main.ts` fills in the real process.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential, InteractiveBrowserCredential } from '@azure/identity';

export type Settings = Readonly<Record<string, string | undefined>>;

export interface CliDeps {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The process environment; it wins over the settings file, as with Core Tools. */
  env: Settings;
  /** Where `local.settings.json` is looked for. */
  cwd: string;
  /** Shows the sign-in page of `auth refresh-token` (default: the system browser). */
  openUrl: (url: string) => void | Promise<void>;
  /** The operator's Entra credential for Azure (default: DefaultAzureCredential, or interactive). */
  credential?: TokenCredential;
}

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface CommandContext {
  deps: CliDeps;
  settings: Settings;
  options: OptionValues;
  positionals: readonly string[];
  /** `--json`: machine-readable output. */
  json: boolean;
  /** The operator's credential, built once on first use. */
  credential(): TokenCredential;
}

/** A mistake in the command line: the usage is shown and the exit code is 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure to report as one line (no stack trace); exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A number option (seconds, a port): not negative; `whole` for integers. */
export function numberOption(
  options: OptionValues,
  name: string,
  fallback: number,
  { whole = false }: { whole?: boolean } = {},
): number {
  const raw = stringOption(options, name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0 || (whole && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a ${whole ? 'whole ' : ''}number of at least 0`);
  }
  return value;
}

/**
 * The settings the commands read: the environment over `Values` of the settings file. The file is
 * `--settings <file>` (e.g. `local.settings.json.example`: the settings `npm start` runs with on its
 * default ports), else `local.settings.json` in the working folder when there is one; `--settings none`
 * reads no file. The example is never read unasked: its emulator addresses must not leak into Azure use.
 */
export function loadSettings(
  deps: Pick<CliDeps, 'env' | 'cwd'>,
  settingsOption: string | undefined,
): Settings {
  const file = settingsFile(deps.cwd, settingsOption);
  if (file === undefined) return deps.env;
  let values: unknown;
  try {
    values = (JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as { Values?: unknown }).Values;
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fromFile =
    typeof values === 'object' && values !== null
      ? Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]))
      : {};
  const fromEnv = Object.fromEntries(Object.entries(deps.env).filter(([, value]) => value !== undefined));
  return { ...fromFile, ...fromEnv };
}

function settingsFile(cwd: string, option: string | undefined): string | undefined {
  if (option === 'none') return undefined;
  if (option !== undefined) {
    const file = path.resolve(cwd, option);
    if (!existsSync(file)) throw new CliError(`no settings file ${file}`);
    return file;
  }
  const local = path.join(cwd, 'local.settings.json');
  return existsSync(local) ? local : undefined;
}

/**
 * `--interactive` opens a browser sign-in (in `AZURE_TENANT_ID` when set); otherwise the Azure CLI,
 * environment or managed identity, as DefaultAzureCredential finds them.
 */
export function operatorCredential(deps: CliDeps, settings: Settings, interactive: boolean): TokenCredential {
  if (deps.credential) return deps.credential;
  const tenantId = settings.AZURE_TENANT_ID;
  return interactive
    ? new InteractiveBrowserCredential(tenantId ? { tenantId } : {})
    : new DefaultAzureCredential();
}
