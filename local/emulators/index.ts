/**
 * Starts every local stand-in the app talks to (Azurite, Partner Center, SendGrid, Service Bus) on one
 * shared clock, with their state under one folder, and stops them together.
 */
import path from 'node:path';
import { RealClock, type Clock } from '../clock';
import { startAzurite, type Azurite } from './azurite';
import {
  DEFAULT_PARTNER_CENTER_PORT,
  startPartnerCenterEmulator,
  type PartnerCenterEmulator,
} from './partner-center/partner-center.emulator';
import { DEFAULT_SENDGRID_SINK_PORT, startSendGridSink, type SendGridSink } from './sendgrid';
import { startServiceBusEmulator, type ServiceBusEmulator } from './service-bus/service-bus.emulator';

export interface EmulatorPorts {
  partnerCenter: number;
  sendGrid: number;
  /** AMQP. */
  serviceBus: number;
  blob: number;
  queue: number;
  table: number;
}

/** docs/architecture.md "Local runtime". */
export const DEFAULT_EMULATOR_PORTS: Readonly<EmulatorPorts> = {
  partnerCenter: DEFAULT_PARTNER_CENTER_PORT,
  sendGrid: DEFAULT_SENDGRID_SINK_PORT,
  serviceBus: 5672,
  blob: 10000,
  queue: 10001,
  table: 10002,
};

/** The key the sink accepts, as in local.settings.json.example (not a secret). */
export const LOCAL_SENDGRID_API_KEY = 'SG.local-emulator-key';

export interface StartEmulatorsOptions {
  /** Default: real time. */
  clock?: Clock;
  /** State of every emulator, one subfolder each. Default `.local` in the working directory. */
  dataDir?: string;
  /** Per emulator; missing = its default port, 0 = a free port. */
  ports?: Partial<EmulatorPorts>;
  /** The key SendGrid clients must send. Default LOCAL_SENDGRID_API_KEY. */
  sendGridApiKey?: string;
  /** Operational lines of the emulators that have them (never message content). Quiet when absent. */
  log?: (line: string) => void;
  /** Partner Center access-token lifetime (real time). Default 1 hour. */
  partnerCenterTokenTtlMs?: number;
}

export interface Emulators {
  clock: Clock;
  dataDir: string;
  partnerCenterUrl: string;
  sendGridUrl: string;
  serviceBusConnectionString: string;
  /** With explicit endpoints for the ports Azurite listens on. */
  storageConnectionString: string;
  /** In-process handles: `partnerCenter.control`, `sendGrid.messages()`, `serviceBus.queue(name)`. */
  partnerCenter: PartnerCenterEmulator;
  sendGrid: SendGridSink;
  serviceBus: ServiceBusEmulator;
  azurite: Azurite;
  close(): Promise<void>;
}

/** A local component could not start; the message is one line a person can act on. */
export class LocalStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalStartError';
  }
}

/** Turns a listen failure into one line naming the component and the port. */
export function startFailure(component: string, port: number, error: unknown): LocalStartError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail =
    code === 'EADDRINUSE'
      ? `port ${port} is already in use`
      : code === 'EACCES'
        ? `port ${port} needs privileges`
        : messageOf(error);
  return new LocalStartError(`${component} could not start: ${detail}`, { cause: error });
}

/** A component's start, failing with startFailure's one line when it cannot listen. */
function starting<T>(component: string, port: number, start: Promise<T>): Promise<T> {
  return start.catch((error: unknown) => Promise.reject(startFailure(component, port, error)));
}

export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const clock = options.clock ?? new RealClock();
  const dataDir = path.resolve(options.dataDir ?? '.local');
  const ports: EmulatorPorts = { ...DEFAULT_EMULATOR_PORTS, ...options.ports };
  for (const [name, port] of Object.entries(ports)) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new LocalStartError(`${name} port must be an integer 0-65535, got ${String(port)}`);
    }
  }
  const at = (name: string): string => path.join(dataDir, name);

  // Started together; if one fails, the others are stopped before the error surfaces.
  const started = await Promise.allSettled([
    starting(
      'Partner Center emulator',
      ports.partnerCenter,
      startPartnerCenterEmulator({
        port: ports.partnerCenter,
        clock,
        dataDir: at('partner-center'),
        tokenTtlMs: options.partnerCenterTokenTtlMs,
      }),
    ),
    starting(
      'SendGrid sink',
      ports.sendGrid,
      startSendGridSink({
        port: ports.sendGrid,
        clock,
        apiKey: options.sendGridApiKey ?? LOCAL_SENDGRID_API_KEY,
        dataDir: at('sendgrid'),
        log: options.log,
      }),
    ),
    starting(
      'Service Bus emulator',
      ports.serviceBus,
      startServiceBusEmulator({
        port: ports.serviceBus,
        clock,
        dataDir: at('service-bus'),
        log: options.log,
      }),
    ),
    startAzurite({
      dataDir: at('azurite'),
      blobPort: ports.blob,
      queuePort: ports.queue,
      tablePort: ports.table,
    }).catch((error: unknown) =>
      // The launcher already says which port; keep its sentence.
      Promise.reject(new LocalStartError(messageOf(error), { cause: error })),
    ),
  ]);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.allSettled(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.close()] : [])));
    throw failed.reason;
  }
  const [partnerCenter, sendGrid, serviceBus, azurite] = [
    valueOf(started[0]),
    valueOf(started[1]),
    valueOf(started[2]),
    valueOf(started[3]),
  ];

  let closing: Promise<void> | undefined;
  return {
    clock,
    dataDir,
    partnerCenterUrl: partnerCenter.url,
    sendGridUrl: sendGrid.url,
    serviceBusConnectionString: serviceBus.connectionString,
    storageConnectionString: azurite.connectionString,
    partnerCenter,
    sendGrid,
    serviceBus,
    azurite,
    close: () => {
      closing ??= closeAll([partnerCenter, sendGrid, serviceBus, azurite]);
      return closing;
    },
  };
}

/** Also for errors from Node's own realm, which are not `instanceof Error` under Jest. */
export function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error
    ? String(error.message)
    : String(error);
}

function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/** Closes every component even if one fails, then reports the first failure. */
export async function closeAll(components: { close(): Promise<void> }[]): Promise<void> {
  const results = await Promise.allSettled(components.map((c) => c.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
