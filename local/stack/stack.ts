/**
 * The whole app running locally: the emulators, and the local Functions host with the durable engine
 * running this project's app (from dist/) with its settings pointing at the emulators.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RealClock, type Clock } from '../clock';
import {
  LOCAL_SENDGRID_API_KEY,
  LocalStartError,
  startEmulators,
  startFailure,
  type EmulatorPorts,
  type Emulators,
} from '../emulators';
import { WEBHOOK_CERTIFICATE_FILE, WEBHOOK_CERTIFICATE_PATH } from '../emulators/partner-center/webhooks';
import { nativeProcess, startHost, type RunningHost } from '../host';
import { createDurableEngine } from '../host/durable';

export interface StackPorts extends EmulatorPorts {
  /** The Functions host: HTTP API and durable client API. */
  host: number;
}

export const DEFAULT_HOST_PORT = 7071;

export type AppSettingsOverrides = Record<string, string | undefined>;

export interface StartStackOptions {
  /** Default: real time. */
  clock?: Clock;
  /** Everything the stack keeps: emulator state, durable history, timer status. Default `.local`. */
  dataDir?: string;
  /** Per component; missing = its default port, 0 = a free port. */
  ports?: Partial<StackPorts>;
  /** App settings on top of the local ones; `undefined` removes a setting. */
  settings?: AppSettingsOverrides;
  /** Host log lines. Default console.log. */
  log?: (line: string) => void;
  /** Host system detail and emulator lines too. */
  verbose?: boolean;
  /** The Functions app folder the host loads. Default: the project (its dist/); e.g. dist-package. */
  appDir?: string;
  /** Partner Center access-token lifetime (real time), e.g. short so the app exchanges its refresh token often. */
  partnerCenterTokenTtlMs?: number;
}

export interface Stack {
  /** e.g. `http://127.0.0.1:7071` */
  readonly hostUrl: string;
  readonly emulators: Emulators;
  /** The running host; a new object after `restartHost()`. */
  readonly host: RunningHost;
  readonly clock: Clock;
  /** The app settings the host runs with. */
  readonly settings: Readonly<Record<string, string>>;
  /** Stops the host only and starts it again on the same port and state: durable instances resume. */
  restartHost(): Promise<void>;
  /** Stops the host, then the emulators; restores the environment it changed. */
  close(): Promise<void>;
}

/** The project root: the app the host loads (`package.json` `main` = dist/functions/main.js). */
export const APP_DIR = findAppDir(__dirname);

function findAppDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

/**
 * The app's settings for these emulators: the keys of local.settings.json.example (the documented
 * local set) with the addresses the emulators really listen on, then `overrides`.
 */
export function localAppSettings(
  emulators: Pick<
    Emulators,
    'partnerCenterUrl' | 'sendGridUrl' | 'serviceBusConnectionString' | 'storageConnectionString'
  >,
  overrides: AppSettingsOverrides = {},
): Record<string, string> {
  const example = readExampleSettings();
  const partnerCenter = new URL(emulators.partnerCenterUrl);
  const authorityPath = new URL(example.PARTNER_CENTER_AUTHORITY ?? partnerCenter.href).pathname;
  const merged: AppSettingsOverrides = {
    ...example,
    AzureWebJobsStorage: emulators.storageConnectionString,
    ServiceBusConnection: emulators.serviceBusConnectionString,
    PARTNER_CENTER_BASE_URL: emulators.partnerCenterUrl,
    PARTNER_CENTER_AUTHORITY: `${partnerCenter.origin}${authorityPath}`.replace(/\/$/, ''),
    SENDGRID_API_KEY: LOCAL_SENDGRID_API_KEY,
    SENDGRID_BASE_URL: emulators.sendGridUrl,
    // The emulator's certificate URL only, trusted as its own root (its test-only self-signed certificate).
    WEBHOOK_CERTIFICATE_URLS: `${emulators.partnerCenterUrl}${WEBHOOK_CERTIFICATE_PATH}`,
    WEBHOOK_LOCAL_TRUST_ANCHORS_FILE: WEBHOOK_CERTIFICATE_FILE,
    // The emulator's acceptance page, where Microsoft's parameterized link would point.
    PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE: `${emulators.partnerCenterUrl}/acceptance/{attestationId}?country={country}&language={language}`,
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function readExampleSettings(): Record<string, string> {
  const file = path.join(APP_DIR, 'local.settings.json.example');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(parsed.Values ?? {}).map(([k, v]) => [k, String(v)]));
}

export async function startStack(options: StartStackOptions = {}): Promise<Stack> {
  const clock = options.clock ?? new RealClock();
  const dataDir = path.resolve(options.dataDir ?? '.local');
  const hostPort = options.ports?.host ?? DEFAULT_HOST_PORT;
  const say = options.log ?? ((line: string) => console.log(line));
  const appDir = options.appDir ?? APP_DIR;
  if (appDir === APP_DIR && !existsSync(path.join(APP_DIR, 'dist', 'functions', 'main.js'))) {
    throw new LocalStartError('the app is not built (no dist/functions/main.js): run `npm run build`');
  }
  const emulators = await startEmulators({
    clock,
    dataDir,
    ports: options.ports,
    log: options.verbose ? say : undefined,
    partnerCenterTokenTtlMs: options.partnerCenterTokenTtlMs,
  });
  const settings = localAppSettings(emulators, options.settings);
  const restoreEnv = applyEnvironment(settings, options.settings ?? {});

  const launchHost = async (port: number): Promise<RunningHost> => {
    try {
      return await startHost({
        appDir,
        port,
        clock,
        dataDir,
        durable: createDurableEngine,
        log: say,
        verbose: options.verbose ?? false,
      });
    } catch (error) {
      throw startFailure('Functions host', port, error);
    }
  };

  let host: RunningHost;
  try {
    host = await launchHost(hostPort);
  } catch (error) {
    restoreEnv();
    await emulators.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const stack: Stack = {
    get hostUrl() {
      return host.url;
    },
    emulators,
    get host() {
      return host;
    },
    clock,
    settings,
    async restartHost() {
      const port = Number(new URL(host.url).port);
      await host.close();
      host = await launchHost(port);
    },
    close() {
      closing ??= (async () => {
        try {
          await host.close();
        } finally {
          restoreEnv();
          await emulators.close();
        }
      })();
      return closing;
    },
  };
  return stack;
}

/**
 * Puts the settings into the environment the app reads (the real process's, also under Jest), as
 * Core Tools does with local.settings.json; returns how to put the previous values back.
 */
function applyEnvironment(settings: Record<string, string>, overrides: AppSettingsOverrides): () => void {
  const env = nativeProcess.env;
  const removed = Object.keys(overrides).filter((key) => overrides[key] === undefined);
  // The host sets WEBSITE_HOSTNAME to its own address.
  const touched = [...Object.keys(settings), ...removed, 'WEBSITE_HOSTNAME'];
  const previous = new Map(touched.map((key) => [key, env[key]]));
  for (const key of removed) delete env[key];
  Object.assign(env, settings);
  return () => {
    for (const [key, value] of previous) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
  };
}
