/**
 * Runs Azurite (Blob, Queue, Table) as a child process for `npm start` and the tests, and hands back
 * the connection string for the ports it actually listens on (port 0 = a free port, which Azurite
 * supports and reports on stdout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

export interface AzuriteOptions {
  /** Azurite's workspace (`--location`); data there survives a restart. */
  dataDir: string;
  /** Default 10000; 0 = a free port. */
  blobPort?: number;
  /** Default 10001; 0 = a free port. */
  queuePort?: number;
  /** Default 10002; 0 = a free port. */
  tablePort?: number;
  /** Default true: no access log, and Azurite's own output is not forwarded to `log`. */
  silent?: boolean;
  /** Default 127.0.0.1. */
  host?: string;
  /** How long to wait for all three services to accept connections. Default 30 s. */
  startTimeoutMs?: number;
  /** How long `close()` waits after SIGTERM before SIGKILL. Default 5 s. */
  stopTimeoutMs?: number;
  /** Where Azurite's output goes when not silent. Default console.log. */
  log?: (line: string) => void;
}

export type AzuriteService = 'blob' | 'queue' | 'table';
export type AzurePorts = Record<AzuriteService, number>;

export interface Azurite {
  connectionString: string;
  ports: AzurePorts;
  pid: number;
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; resolves once the process is gone. */
  close(): Promise<void>;
}

/** Azurite could not start; the child process (if one was started) is gone when this is thrown. */
export class AzuriteStartError extends Error {
  constructor(
    message: string,
    readonly pid: number | undefined,
  ) {
    super(message);
    this.name = 'AzuriteStartError';
  }
}

/** The emulator's fixed, publicly documented development account (not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const SERVICES: AzuriteService[] = ['blob', 'queue', 'table'];

export function azuriteConnectionString(host: string, ports: AzurePorts): string {
  const endpoint = (service: AzuriteService): string =>
    `http://${host}:${ports[service]}/${AZURITE_ACCOUNT_NAME}`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT_NAME}`,
    `AccountKey=${AZURITE_ACCOUNT_KEY}`,
    `BlobEndpoint=${endpoint('blob')}`,
    `QueueEndpoint=${endpoint('queue')}`,
    `TableEndpoint=${endpoint('table')}`,
  ].join(';');
}

export async function startAzurite(options: AzuriteOptions): Promise<Azurite> {
  const host = options.host ?? '127.0.0.1';
  const requested: AzurePorts = {
    blob: options.blobPort ?? 10000,
    queue: options.queuePort ?? 10001,
    table: options.tablePort ?? 10002,
  };
  const silent = options.silent ?? true;
  const log = options.log ?? ((line: string) => console.log(line));
  await mkdir(options.dataDir, { recursive: true });

  const child = spawn(process.execPath, [require.resolve('azurite/dist/src/azurite.js'), ...args()], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If our process ends without calling close(), do not leave Azurite running.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = (): Promise<void> => {
    process.off('exit', killOnExit);
    return stopChild(child, options.stopTimeoutMs ?? 5000);
  };

  try {
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const ports = await waitUntilReady(child, host, requested, timeoutMs, silent ? undefined : log);
    return {
      connectionString: azuriteConnectionString(host, ports),
      ports,
      pid: child.pid ?? -1,
      close: stop,
    };
  } catch (err) {
    await stop();
    throw new AzuriteStartError(err instanceof Error ? err.message : String(err), child.pid);
  }

  function args(): string[] {
    const portArgs = SERVICES.flatMap((s) => [`--${s}Host`, host, `--${s}Port`, String(requested[s])]);
    const quiet = silent ? ['--silent'] : [];
    return [
      '--location',
      options.dataDir,
      ...portArgs,
      '--skipApiVersionCheck',
      '--loose',
      '--disableTelemetry',
      ...quiet,
    ];
  }
}

/**
 * Reads Azurite's startup lines for the ports it listens on, then checks each accepts a connection.
 * Fails with the port when Azurite exits (e.g. EADDRINUSE) or does not get there in time.
 */
async function waitUntilReady(
  child: ChildProcess,
  host: string,
  requested: AzurePorts,
  timeoutMs: number,
  forward: ((line: string) => void) | undefined,
): Promise<AzurePorts> {
  const deadline = Date.now() + timeoutMs;
  const listening: Partial<AzurePorts> = {};
  let starting: AzuriteService | undefined;
  const errorLines: string[] = [];

  const ready = new Promise<AzurePorts>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      forward?.(`azurite: ${line}`);
      const event =
        /Azurite (Blob|Queue|Table) service is (starting|successfully listening) at .*:(\d+)/.exec(line);
      if (!event) return;
      const service = (event[1] ?? '').toLowerCase() as AzuriteService;
      if (event[2] === 'starting') starting = service;
      else listening[service] = Number(event[3]);
      if (SERVICES.every((s) => listening[s] !== undefined)) resolve(listening as AzurePorts);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      forward?.(`azurite: ${line}`);
      errorLines.push(line);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const output = errorLines.slice(-5).join(' | ');
      if (starting && /EADDRINUSE/.test(output)) {
        reject(
          new Error(`Azurite could not start: the ${starting} port ${requested[starting]} is already in use`),
        );
      } else {
        reject(
          new Error(
            `Azurite exited (${signal ?? `code ${code}`}) before it was ready: ${output || 'no output'}`,
          ),
        );
      }
    });
  });
  ready.catch(() => undefined); // a late exit after a timeout must not surface as an unhandled rejection
  const ports = await withDeadline(ready, deadline, () => {
    const missing = SERVICES.filter((s) => listening[s] === undefined);
    return `Azurite did not start within ${timeoutMs} ms: ${missing.map((s) => `${s} port ${requested[s]}`).join(', ')} not listening`;
  });
  for (const service of SERVICES) {
    await withDeadline(
      acceptsConnections(host, ports[service], deadline),
      deadline,
      () => `Azurite ${service} port ${ports[service]} does not accept connections`,
    );
  }
  return ports;
}

async function acceptsConnections(host: string, port: number, deadline: number): Promise<void> {
  while (!(await tryConnect(host, port))) {
    if (Date.now() > deadline) throw new Error(`port ${port} does not accept connections`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function tryConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function withDeadline<T>(work: Promise<T>, deadline: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
