/**
 * Local Durable Functions engine: the host side of the out-of-process protocol that the
 * durable-functions v3 library speaks, with state persisted under `dataDir`. See README.md.
 */
import type { DurableEngine, DurableEngineOptions } from '../contracts';
import { clientBindingData } from './client-binding';
import { Engine } from './engine';
import { ManagementApi } from './management-api';

export function createDurableEngine(options: DurableEngineOptions): DurableEngine {
  const engine = new Engine(options);
  const api = new ManagementApi(engine, options.hubName, options.baseUrl);
  const bindingData = JSON.stringify(clientBindingData(options.baseUrl, options.hubName));
  return {
    start: () => Promise.resolve(engine.start()),
    stop: () => Promise.resolve(engine.stop()),
    idle: () => engine.idle(),
    clientBindingData: () => bindingData,
    handle: (req, res, body) => api.handle(req, res, body),
  };
}
