/**
 * `startHost`: the local Azure Functions host. Loads a Node v4 programming-model app the way the
 * worker does, then serves its triggers: HTTP (with HttpExtensions such as the durable management
 * API mounted first), timers on the injected Clock, Service Bus queues; output bindings for HTTP and
 * Service Bus; the `durableClient` input from an optional, injected durable engine.
 */
import path from 'node:path';
import { RealClock, type Clock } from '../clock';
import { AppRegistry } from './app-registry';
import { loadApp, resolveEntryPoints } from './app-loader';
import { applyLocalValues, hubNameOf, readAppSettings, routePrefixOf } from './app-settings';
import type {
  DurableEngine,
  DurableEngineOptions,
  FunctionInvoker,
  HttpExtension,
  RegisteredFunctionInfo,
} from './contracts';
import { installCoreModule, setCoreApiListener, currentListener } from './core-api';
import { LocalFunctionInvoker } from './function-invoker';
import { HostLogger, describeError, type LogSink } from './host-logger';
import { AdminFunctionsApi } from './admin-functions';
import { HttpTriggerServer, type HttpAuthOptions } from './http-trigger';
import { nativeProcess } from './native-runtime';
import { sdkMessageSource, ServiceBusClients, type MessageSource } from './service-bus-client';
import { sendServiceBusOutput } from './service-bus-output';
import { ServiceBusTriggers } from './service-bus-trigger';
import { TimerTriggers } from './timer-trigger';

export interface StartHostOptions {
  /** The Functions app folder (its package.json, host.json, local.settings.json). Default: cwd. */
  appDir?: string;
  /** HTTP port; 0 picks a free one. Default 7071. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  hostname?: string;
  clock?: Clock;
  /** Local state (timer status, durable data). Default `<appDir>/.local`. */
  dataDir?: string;
  /** Builds the durable engine; without it orchestration/activity functions cannot run. */
  durable?: (options: DurableEngineOptions) => DurableEngine;
  /** Extra HTTP handlers consulted before the app's routes. */
  httpExtensions?: HttpExtension[];
  /** Where log lines go. Default: console.log. */
  log?: LogSink;
  /** System and per-request detail too. */
  verbose?: boolean;
  /** Key checks; default from settings LOCAL_HOST_ENFORCE_KEYS / LOCAL_HOST_FUNCTION_KEYS / LOCAL_HOST_MASTER_KEY. */
  auth?: Partial<HttpAuthOptions>;
  /** How Service Bus triggers receive; default the real SDK. */
  serviceBusSource?: MessageSource;
  /**
   * The clock the Service Bus broker measures message locks on, for renewing them. Default the wall
   * clock (Azure, or the emulator on its default clock), whatever `clock` the host runs on.
   */
  serviceBusLockClock?: Clock;
  /** How long close() waits for running invocations. Default 5000 ms. */
  drainTimeoutMs?: number;
}

export interface RunningHost {
  /** Base URL, e.g. `http://127.0.0.1:7071`. */
  url: string;
  functions: RegisteredFunctionInfo[];
  invoker: FunctionInvoker;
  durable: DurableEngine | undefined;
  close(): Promise<void>;
}

/** host.json `extensions.serviceBus.maxAutoLockRenewalDuration`'s default in Azure (5 minutes). */
const DEFAULT_MAX_LOCK_RENEWAL_MS = 5 * 60_000;
const DURABLE_TRIGGERS = new Set(['orchestrationtrigger', 'activitytrigger', 'entitytrigger']);

function authFromSettings(
  env: NodeJS.ProcessEnv,
  given: Partial<HttpAuthOptions> | undefined,
): HttpAuthOptions {
  const list = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
  return {
    enforceKeys: given?.enforceKeys ?? /^(true|1)$/i.test(env.LOCAL_HOST_ENFORCE_KEYS ?? ''),
    functionKeys: given?.functionKeys ?? list(env.LOCAL_HOST_FUNCTION_KEYS),
    masterKey: given?.masterKey ?? env.LOCAL_HOST_MASTER_KEY,
  };
}

export async function startHost(options: StartHostOptions = {}): Promise<RunningHost> {
  const appDir = path.resolve(options.appDir ?? process.cwd());
  const clock = options.clock ?? new RealClock();
  const dataDir = path.resolve(options.dataDir ?? path.join(appDir, '.local'));
  const env = nativeProcess.env;
  const settings = readAppSettings(appDir);
  applyLocalValues(settings.localValues, env);
  const logger = new HostLogger(
    options.log ?? ((line) => console.log(line)),
    settings.hostJson.logging?.logLevel ?? {},
    options.verbose ?? false,
    () => clock.now(),
  );

  installCoreModule();
  const registry = new AppRegistry((level, category, message) =>
    category === 'user' ? logger.user('app', level, message) : logger.system(level, message),
  );
  setCoreApiListener(registry);
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        logger.system('warning', `Error while stopping: ${describeError(error)}`);
      }
    }
    if (currentListener() === registry) setCoreApiListener(undefined);
  };

  try {
    const programmingModel = loadApp(settings, registry);
    registry.lock();
    // `AzureWebJobs.<name>.Disabled`, as in Azure: the function is loaded but its trigger never fires.
    const registered = [...registry.functions.values()].filter((fn) => !isDisabled(env, fn.info.name));
    const functions = registry.infos();

    const serviceBusClients = new ServiceBusClients();
    cleanups.push(() => serviceBusClients.closeAll());
    const warnedOutputs = new Set<string>();
    let durable: DurableEngine | undefined;

    const invoker = new LocalFunctionInvoker({
      registry,
      programmingModel,
      logger,
      now: () => clock.now(),
      inputFor: (type) =>
        type.toLowerCase() === 'durableclient' && durable
          ? { string: durable.clientBindingData() }
          : undefined,
      handleOutput: async (fn, bindingName, data) => {
        const binding = fn.info.bindings[bindingName];
        const type = binding?.type.toLowerCase();
        if (!binding || type === 'http') return;
        if (type === 'servicebus') return sendServiceBusOutput(serviceBusClients, binding, data, env);
        if (!warnedOutputs.has(`${fn.info.name}/${bindingName}`)) {
          warnedOutputs.add(`${fn.info.name}/${bindingName}`);
          logger.system(
            'warning',
            `${fn.info.name}: output binding type "${binding.type}" is not supported locally; output dropped.`,
          );
        }
      },
    });
    cleanups.push(() => invoker.drain(options.drainTimeoutMs ?? 5000));

    await registry.runHooks('appStart', appStartContext(registry, appDir));
    cleanups.push(() => registry.runHooks('appTerminate', terminateContext(registry)));

    const auth = authFromSettings(env, options.auth);
    const timers = new TimerTriggers({
      clock,
      invoker,
      logger,
      env,
      statusDir: path.join(dataDir, 'timers'),
    });
    const extensions: HttpExtension[] = [
      ...(options.httpExtensions ?? []),
      new AdminFunctionsApi({
        functions: () => [...registry.functions.values()],
        runTimer: (fn) => timers.runNow(fn),
        auth,
        logger,
      }),
    ];
    const http = new HttpTriggerServer({
      invoker,
      logger,
      routePrefix: routePrefixOf(settings.hostJson),
      auth,
      extensions: () => extensions,
    });
    const url = await http.listen(registered, options.port ?? 7071, options.hostname ?? '127.0.0.1');
    cleanups.push(() => http.close(options.drainTimeoutMs ?? 5000));
    // durable-functions rewrites client URLs to localhost:7071 unless WEBSITE_HOSTNAME is set, as Core Tools sets it.
    env.WEBSITE_HOSTNAME = new URL(url).host;

    const needsDurable = functions.filter((f) => DURABLE_TRIGGERS.has(f.triggerType.toLowerCase()));
    if (options.durable) {
      durable = options.durable({
        invoker,
        functions,
        clock,
        dataDir: path.join(dataDir, 'durable'),
        hubName: hubNameOf(settings.hostJson),
        baseUrl: url,
        log: (line) => logger.info(line),
      });
      extensions.unshift(durable);
      await durable.start();
      const engine = durable;
      cleanups.push(() => engine.stop());
    } else if (needsDurable.length > 0) {
      logger.info(
        `WARNING: no durable engine was given, so these durable functions will never run: ${needsDurable.map((f) => f.name).join(', ')}`,
      );
    }

    timers.start(registered);
    cleanups.push(() => timers.stop());

    const serviceBus = new ServiceBusTriggers({
      invoker,
      logger,
      env,
      source: options.serviceBusSource ?? sdkMessageSource(serviceBusClients),
      maxConcurrentCalls: settings.hostJson.extensions?.serviceBus?.maxConcurrentCalls ?? 16,
      autoCompleteMessages: settings.hostJson.extensions?.serviceBus?.autoCompleteMessages ?? true,
      lockRenewal: {
        clock: options.serviceBusLockClock ?? new RealClock(),
        maxDurationMs: DEFAULT_MAX_LOCK_RENEWAL_MS,
      },
      appEntryPoint: path.join(appDir, resolveEntryPoints(settings)[0] ?? 'package.json'),
    });
    serviceBus.start(registered);
    cleanups.push(() => serviceBus.stop());

    logger.info(describeFunctions(http, functions));
    let closed: Promise<void> | undefined;
    return {
      url,
      functions,
      invoker,
      durable,
      close: () => (closed ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function isDisabled(env: NodeJS.ProcessEnv, functionName: string): boolean {
  const value =
    env[`AzureWebJobs.${functionName}.Disabled`] ?? env[`AzureWebJobs__${functionName}__Disabled`];
  return /^(true|1)$/i.test(value?.trim() ?? '');
}

function appStartContext(registry: AppRegistry, functionAppDirectory: string): Record<string, unknown> {
  return { ...terminateContext(registry), functionAppDirectory };
}

function terminateContext(registry: AppRegistry): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  Object.defineProperty(context, 'hookData', { get: () => registry.appLevelHookData, enumerable: true });
  Object.defineProperty(context, 'appHookData', { get: () => registry.appHookData, enumerable: true });
  return context;
}

function describeFunctions(http: HttpTriggerServer, functions: RegisteredFunctionInfo[]): string {
  const routes = new Map(http.routeTemplates().map((r) => [r.name, r]));
  const lines = functions.map((f) => {
    const route = routes.get(f.name);
    return route ? `  ${f.name}: [${route.methods.join(',')}] ${route.url}` : `  ${f.name}: ${f.triggerType}`;
  });
  return `Functions:\n${lines.join('\n')}`;
}
