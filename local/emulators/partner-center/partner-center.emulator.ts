/**
 * A local stand-in for Partner Center (and the slice of Entra ID it needs) over plain HTTP.
 * Production code reaches it only through configuration: the base URL and the authority.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealClock, type Clock } from '../../clock';
import { adminCenterRoutes } from './admin-center.routes';
import { agreementsRoutes } from './agreements.routes';
import { attestationsRoutes } from './attestations.routes';
import { authRoutes, type AuthDeps } from './auth.routes';
import { PartnerCenterControl } from './control';
import { controlRoutes } from './control.routes';
import { customersRoutes } from './customers.routes';
import { DEFAULT_AGREEMENT_VISIBILITY_DELAY_MS, StateStore, settingsSchema } from './emulator-state';
import { ErrorCodes } from './error-codes';
import { FaultInjector } from './faults';
import { pcError, writeReply } from './http-kit';
import { indexPage } from './index-page';
import { createRequestHandler } from './request-pipeline';
import { Router } from './router';
import { ordersRoutes } from './orders.routes';
import { loadSeed, stateFromSeed, type Seed } from './seed';
import { WebhookDispatcher, webhookRoutes } from './webhooks';

export interface PartnerCenterEmulatorOptions {
  /** Default 7081; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Scenario time: link expiry, agreement visibility, audit dates, MFA and purchase-block dates. Default: RealClock. */
  clock?: Clock;
  /** Path to a seed JSON file or the seed itself. Default: `seed.json` beside this file. */
  seed?: string | Seed;
  /** Folder for `state.json`: with it, a restart keeps the state. Omit for in-memory only. */
  dataDir?: string;
  /** How long an acceptance link stays valid. Default 7 days. */
  linkTtlMs?: number;
  /**
   * Whether attestation responses carry an `acceptanceLink`. Default false: Microsoft documents that
   * the partner builds the link (PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE). Switchable by the control API.
   */
  attestationLinkInResponse?: boolean;
  /**
   * How long a new agreement stays invisible to reads, on the scenario clock: 0 to 4 hours (Microsoft:
   * "within four hours"). Default 5 minutes. The control API can change it while running.
   */
  agreementVisibilityDelayMs?: number;
  /** Access token lifetime. Default 1 hour. */
  tokenTtlMs?: number;
  /**
   * Clock for token and client-assertion expiry. Default: RealClock, the clock msal-node's token cache
   * uses, so a scenario clock jumping days ahead does not invalidate tokens the client still trusts.
   */
  tokenClock?: Clock;
}

export interface PartnerCenterEmulator {
  /** Base URL, e.g. `http://127.0.0.1:7081` (no trailing slash). */
  url: string;
  control: PartnerCenterControl;
  close(): Promise<void>;
}

export const DEFAULT_PARTNER_CENTER_PORT = 7081;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function startPartnerCenterEmulator(
  options: PartnerCenterEmulatorOptions = {},
): Promise<PartnerCenterEmulator> {
  const clock = options.clock ?? new RealClock();
  const seed = loadSeed(options.seed);
  const initialState = (): ReturnType<typeof stateFromSeed> => stateFromSeed(seed);
  const store = StateStore.open(options.dataDir, initialState);
  let baseUrl = '';
  const initialSettings = settingsSchema.parse({
    agreementVisibilityDelayMs: options.agreementVisibilityDelayMs ?? DEFAULT_AGREEMENT_VISIBILITY_DELAY_MS,
  });
  const settings = { ...initialSettings };
  const faults = new FaultInjector();
  const attestationOptions = {
    linkInResponse: options.attestationLinkInResponse ?? false,
    reportedStatus: new Map<string, string>(),
  };
  const webhooks = new WebhookDispatcher(store, clock, () => baseUrl);
  const control = new PartnerCenterControl({
    store,
    clock,
    faults,
    webhooks,
    initialState,
    baseUrl: () => baseUrl,
    settings,
    initialSettings,
    attestationOptions,
  });
  const authDeps: AuthDeps = {
    store,
    clock,
    tokenClock: options.tokenClock ?? new RealClock(),
    tokenTtlMs: options.tokenTtlMs ?? 60 * 60 * 1000,
  };

  const router = new Router();
  router.add(
    { method: 'GET', pattern: '/', auth: 'none', handler: () => indexPage(store, clock) },
    ...authRoutes(authDeps),
    ...customersRoutes({ store, clock }),
    ...agreementsRoutes({ store, clock, settings }),
    ...ordersRoutes({ store, clock }),
    ...attestationsRoutes({
      store,
      clock,
      linkTtlMs: options.linkTtlMs ?? 7 * DAY_MS,
      options: attestationOptions,
    }),
    ...adminCenterRoutes(store),
    ...webhookRoutes(store, webhooks),
    ...controlRoutes(control),
  );

  const handle = createRequestHandler({
    router,
    faults,
    control,
    store,
    clock,
    authDeps,
    baseUrl: () => baseUrl,
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Never crash: an unexpected error becomes a Partner Center style 500.
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent)
        writeReply(res, pcError(500, ErrorCodes.serverError, `Internal error: ${message}`));
      else res.destroy();
    });
  });
  await listen(server, options.port ?? DEFAULT_PARTNER_CENTER_PORT, options.host ?? '127.0.0.1');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    control,
    close: async () => {
      await webhooks.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
