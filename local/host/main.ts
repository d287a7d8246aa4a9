/**
 * `npm run host -- --app <dir> [--port N] [--verbose] [--enforce-keys] [--data-dir <dir>]`: runs any
 * Node v4 programming-model Functions app folder, like `func start`. The project root is the default
 * app. Ctrl-C / SIGTERM stop it cleanly (in-flight invocations drain briefly, receivers close).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DurableEngine, DurableEngineOptions } from './contracts';
import { startHost, type RunningHost } from './host';

interface CliOptions {
  appDir: string;
  port: number;
  verbose: boolean;
  enforceKeys: boolean | undefined;
  dataDir: string | undefined;
}

const USAGE = 'usage: host [--app <dir>] [--port <n>] [--data-dir <dir>] [--verbose] [--enforce-keys]';

export function parseArgs(argv: string[], projectRoot: string): CliOptions {
  const options: CliOptions = {
    appDir: projectRoot,
    port: 7071,
    verbose: false,
    enforceKeys: undefined,
    dataDir: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--app') options.appDir = path.resolve(value());
    else if (arg === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port must be 0-65535\n${USAGE}`);
      options.port = port;
    } else if (arg === '--data-dir') options.dataDir = path.resolve(value());
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--enforce-keys') options.enforceKeys = true;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return options;
}

type DurableFactory = (options: DurableEngineOptions) => DurableEngine;

/** The durable engine in `./durable`, when it is part of this build. */
async function findDurableEngine(): Promise<DurableFactory | undefined> {
  const modulePath = path.join(__dirname, 'durable');
  if (!existsSync(`${modulePath}.js`) && !existsSync(path.join(modulePath, 'index.js'))) return undefined;
  const loaded = (await import(modulePath)) as { createDurableEngine?: unknown };
  return typeof loaded.createDurableEngine === 'function'
    ? (loaded.createDurableEngine as DurableFactory)
    : undefined;
}

async function main(): Promise<void> {
  const projectRoot = path.resolve(__dirname, '../../..');
  const options = parseArgs(process.argv.slice(2), projectRoot);
  const host: RunningHost = await startHost({
    appDir: options.appDir,
    port: options.port,
    verbose: options.verbose,
    dataDir: options.dataDir,
    durable: await findDurableEngine(),
    ...(options.enforceKeys ? { auth: { enforceKeys: true } } : {}),
  });
  console.log(`Host listening on ${host.url} (app: ${options.appDir})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping the host...`);
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
