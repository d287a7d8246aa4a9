/**
 * Runs the durable engine behind a real HTTP server on 127.0.0.1:0 with a durable-functions
 * DurableClient built from the engine's binding data, the way `df.getClient(context)` builds it.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { Clock, VirtualClock } from '../../local/clock';
import type { DurableEngine } from '../../local/host/contracts';
import { createDurableEngine } from '../../local/host/durable';
import { createTestInvoker, registeredFunctions } from './functions-core.fake';

export interface DurableHarness {
  engine: DurableEngine;
  client: df.DurableClient;
  baseUrl: string;
  /** Stops the engine and starts a fresh one on the same data folder (a host restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startDurableHarness(options: {
  clock: Clock;
  dataDir: string;
  hubName?: string;
}): Promise<DurableHarness> {
  let engine: DurableEngine | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const handled = engine ? engine.handle(req, res, Buffer.concat(chunks)) : Promise.resolve(false);
      void handled.then((done) => {
        if (!done) res.writeHead(404).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const newEngine = async (): Promise<DurableEngine> => {
    const created = createDurableEngine({
      invoker: createTestInvoker(),
      functions: registeredFunctions(),
      clock: options.clock,
      dataDir: options.dataDir,
      hubName: options.hubName ?? 'TestHub',
      baseUrl,
    });
    await created.start();
    return created;
  };
  engine = await newEngine();
  const harness: DurableHarness = {
    engine,
    client: durableClientFrom(engine.clientBindingData()),
    baseUrl,
    async restart() {
      await engine?.stop();
      engine = await newEngine();
      harness.engine = engine;
    },
    async close() {
      await engine?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return harness;
}

export interface ScratchDurableHarness extends DurableHarness {
  /** The engine's data folder, a fresh temporary one that `close()` removes. */
  dataDir: string;
}

/** A harness on a fresh temporary data folder (named `<prefix>XXXXXX`); `close()` also removes it. */
export async function startScratchDurableHarness(
  clock: Clock,
  prefix: string,
): Promise<ScratchDurableHarness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const harness = await startDurableHarness({ clock, dataDir });
  const stop = harness.close.bind(harness);
  // Same object, not a copy: restart() replaces harness.engine on it.
  return Object.assign(harness, {
    dataDir,
    async close() {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** A DurableClient exactly as a client function gets it: the binding data set on the context's input. */
export function durableClientFrom(bindingData: string): df.DurableClient {
  const clientInput = df.input.durableClient();
  const context = new InvocationContext({ options: { extraInputs: [clientInput] } });
  context.extraInputs.set(clientInput, JSON.parse(bindingData));
  return df.getClient(context);
}

/** Advances a virtual clock timer by timer up to `target`, letting the engine settle after each. */
export async function advanceUntil(
  clock: VirtualClock,
  engine: DurableEngine,
  target: number,
): Promise<void> {
  for (;;) {
    await engine.idle();
    const next = clock.nextWakeUp();
    if (next === undefined || next > target) break;
    await clock.advanceTo(next);
  }
  await clock.advanceTo(target);
  await engine.idle();
}
