#!/usr/bin/env node
/**
 * `mca`: the operator CLI (`npx mca ...` or `npm run mca -- ...`). A client of the app's HTTP API, of
 * Service Bus (dead letters) and of Partner Center (webhook registration, the App+User refresh token).
 * Exit codes: 0 done, 1 failed (the message says why), 2 bad command line (the usage follows).
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { TokenCredential } from '@azure/core-auth';
import { ConfigError } from '../shared/config';
import { authCommands } from './commands/auth';
import type { CommandSpec, OptionSpec } from './commands/command';
import { customerCommands } from './commands/customers';
import { dlqCommands } from './commands/dlq';
import { webhookCommands } from './commands/webhook';
import {
  CliError,
  loadSettings,
  operatorCredential,
  stringOption,
  UsageError,
  type CliDeps,
  type CommandContext,
} from './context';

export const COMMANDS: readonly CommandSpec[] = [
  ...customerCommands,
  ...dlqCommands,
  ...webhookCommands,
  ...authCommands,
];

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: { type: 'string' },
  scope: { type: 'string' },
  'function-key': { type: 'string' },
  interactive: { type: 'boolean' },
  settings: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
};

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) =>
    `  ${c.name.padEnd(width)}  ${c.summary}\n  ${' '.repeat(width)}  mca ${c.name} ${c.args}`.trimEnd(),
  );
  return `Usage: mca <command> [options]

Commands:
${lines.join('\n')}

Options for every command:
  --url <url>            the app (default MCA_URL, else http://127.0.0.1:7071)
  --scope <scope>        Azure: Entra scope of the app, api://<app-id>/.default (default MCA_SCOPE)
  --function-key <key>   Azure: the API's function key (default MCA_FUNCTION_KEY)
  --interactive          Azure: sign in with a browser instead of DefaultAzureCredential
  --settings <file|none> app settings to read (default: local.settings.json if present)
  --json                 JSON output for programs
`;
}

/** The command named by the first one or two words, and the rest of the arguments. */
function findCommand(argv: readonly string[]): { spec: CommandSpec; rest: string[] } {
  const twoWords = `${argv[0] ?? ''} ${argv[1] ?? ''}`;
  const spec = COMMANDS.find((c) => c.name === twoWords) ?? COMMANDS.find((c) => c.name === argv[0]);
  if (!spec)
    throw new UsageError(
      argv[0] === undefined ? 'no command given' : `unknown command "${argv.slice(0, 2).join(' ')}"`,
    );
  return { spec, rest: argv.slice(spec.name.split(' ').length) };
}

function parse(spec: CommandSpec, rest: string[]) {
  try {
    return parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...spec.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Runs one command line; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], deps: Partial<CliDeps> = {}): Promise<number> {
  const io: CliDeps = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    openUrl: openInBrowser,
    ...deps,
  };
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout(usage());
      return argv.length === 0 ? 2 : 0;
    }
    const { spec, rest } = findCommand(argv);
    const { values, positionals } = parse(spec, rest);
    if (values.help === true) {
      io.stdout(`mca ${spec.name} ${spec.args}\n  ${spec.summary}\n`);
      return 0;
    }
    if (positionals.length !== (spec.positionals ?? 0)) {
      throw new UsageError(`mca ${spec.name} takes ${spec.args ? `${spec.args}` : 'no arguments'}`);
    }
    let credential: TokenCredential | undefined;
    const settings = loadSettings(io, stringOption(values, 'settings'));
    const ctx: CommandContext = {
      deps: io,
      settings,
      options: values,
      positionals,
      json: values.json === true,
      credential: () => (credential ??= operatorCredential(io, settings, values.interactive === true)),
    };
    await spec.run(ctx);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mca: ${error.message}\n\n${usage()}`);
      return 2;
    }
    io.stderr(`mca: ${messageOf(error)}\n`);
    return 1;
  }
}

/** One line; SDK errors keep their name; missing or bad settings are named with what is wrong. */
function messageOf(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof ConfigError) {
    const problems = error.problems.map((p) => `${p.key}: ${p.message}`).join('; ');
    return `settings: ${problems} (from the environment, local.settings.json or --settings <file>)`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`.split('\n')[0] ?? error.name;
  return String(error);
}

/** The system browser; where there is none the URL printed beside it is enough. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser here: the operator opens the printed URL.
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
