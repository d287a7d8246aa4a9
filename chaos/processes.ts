/**
 * The chaos run's child processes: the emulators in one, the Functions host in another, so a
 * `kill -9` of the host is a real one. Output goes to a log file; starting waits for a ready line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';

export interface ChildSpec {
  /** For messages, e.g. `host`. */
  name: string;
  /** The script node runs, then its arguments. */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Ready once the output (stdout and stderr) matches. */
  ready: RegExp;
  logFile: string;
  /** Default 120 s: a loaded 2-core machine is slow to start Azurite and the host. */
  startTimeoutMs?: number;
}

export interface RunningChild {
  readonly process: ChildProcess;
  /** Everything the child printed until it was ready. */
  readonly startOutput: string;
  /** `kill -9`: no clean-up, as a crash. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM: the child's own clean stop. Resolves once it exited (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/** Children still running: killed if this process is interrupted, so none outlives the run. */
const running = new Set<ChildProcess>();
let exitHooked = false;

function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.forEach((c) => c.kill('SIGKILL'));
      process.exit(130);
    });
  }
}

export async function startChild(spec: ChildSpec): Promise<RunningChild> {
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  log.write(`\n--- ${new Date().toISOString()} starting ${spec.name}\n`);
  const child = spawn(process.execPath, spec.args, { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => endStream(log)).catch(() => undefined);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const startOutput = await waitForReady(child, spec);
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    process: child,
    startOutput,
    kill: () => kill('SIGKILL'),
    stop: async (graceMs = 15_000) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await kill('SIGTERM');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function waitForReady(child: ChildProcess, spec: ChildSpec): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timeoutMs = spec.startTimeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${spec.name} did not start within ${timeoutMs} ms: ${output.slice(-500)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!spec.ready.test(output)) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      resolve(output);
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${spec.name} exited while starting (${String(code)}): ${output.slice(-500)}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function endStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs, everyMs = 500 }: { timeoutMs: number; everyMs?: number },
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
