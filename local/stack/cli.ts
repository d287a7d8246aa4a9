/**
 * What `npm start` and `npm run emulators` share as command-line programs: the same flags, one-line
 * errors instead of stack traces, and a clean stop on Ctrl-C.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LocalStartError, messageOf } from '../emulators';
import type { StackPorts } from './stack';

const PORT_FLAGS: Record<string, keyof StackPorts> = {
  'host-port': 'host',
  'partner-center-port': 'partnerCenter',
  'sendgrid-port': 'sendGrid',
  'service-bus-port': 'serviceBus',
  'blob-port': 'blob',
  'queue-port': 'queue',
  'table-port': 'table',
};

export const CLI_USAGE = `options: --data-dir <dir> (default .local) ${Object.keys(PORT_FLAGS)
  .map((flag) => `--${flag} <n>`)
  .join(' ')} (0 = a free port)`;

export interface CliOptions {
  dataDir: string;
  ports: Partial<StackPorts>;
}

export function parseCli(argv: string[], cwd: string): CliOptions {
  let values: Record<string, string | undefined>;
  try {
    const flags = [...Object.keys(PORT_FLAGS), 'data-dir'];
    values = parseArgs({
      args: argv,
      options: Object.fromEntries(flags.map((flag) => [flag, { type: 'string' as const }])),
    }).values;
  } catch (error) {
    throw new LocalStartError(`${messageOf(error)}; ${CLI_USAGE}`);
  }
  const ports: Partial<StackPorts> = {};
  for (const [flag, key] of Object.entries(PORT_FLAGS)) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const port = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new LocalStartError(`--${flag} must be a port number 0-65535, got "${raw}"`);
    }
    ports[key] = port;
  }
  return { dataDir: path.resolve(cwd, values['data-dir'] ?? '.local'), ports };
}

/**
 * Ctrl-C / SIGTERM: run `stop` once, then exit; a second signal exits at once. Returns a function
 * that removes the handlers.
 */
export function stopOnSignals(stop: () => Promise<void>, say: (line: string) => void): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      say(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    say(`${signal}: stopping...`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        say(`Error while stopping: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Runs a program's main; a failure to start is its message on stderr (no stack trace) and exit code 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
