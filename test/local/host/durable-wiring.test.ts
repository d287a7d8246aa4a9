/**
 * How the host plugs a durable engine in (dependency injection through the contract): the engine
 * gets the invoker, the functions, the hub name and URLs; its HTTP extension answers before the app's
 * routes; the `durableClient` input carries its binding data. The engine here is a small stand-in
 * that only records; the real one lives in local/host/durable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DurableEngine, DurableEngineOptions } from '../../../local/host';
import { startTestHost, type TestHost } from './host-fixture';

class RecordingEngine implements DurableEngine {
  readonly started: string[] = [];
  readonly requests: { method: string; url: string; body: string }[] = [];

  constructor(readonly options: DurableEngineOptions) {}

  start(): Promise<void> {
    this.started.push('start');
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.started.push('stop');
    return Promise.resolve();
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }

  clientBindingData(): string {
    const webhook = `${this.options.baseUrl}/runtime/webhooks/durabletask`;
    const instance = `${webhook}/instances/INSTANCEID?taskHub=${this.options.hubName}&connection=Storage`;
    return JSON.stringify({
      taskHubName: this.options.hubName,
      creationUrls: {
        createNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]`,
        createAndWaitOnNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}`,
      },
      managementUrls: {
        id: 'INSTANCEID',
        statusQueryGetUri: instance,
        sendEventPostUri: instance,
        terminatePostUri: instance,
        rewindPostUri: instance,
        purgeHistoryDeleteUri: instance,
        restartPostUri: instance,
        suspendPostUri: instance,
        resumePostUri: instance,
      },
      baseUrl: webhook,
      requiredQueryStringParameters: '',
      rpcBaseUrl: `${webhook}/`,
    });
  }

  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> {
    if (!req.url?.startsWith('/runtime/webhooks/durabletask/')) return Promise.resolve(false);
    this.requests.push({ method: req.method ?? '', url: req.url, body: body.toString() });
    const status = `${this.options.baseUrl}/runtime/webhooks/durabletask/instances/fixed-id`;
    res.writeHead(202, { 'content-type': 'application/json', location: status });
    res.end(JSON.stringify({ id: 'fixed-id', statusQueryGetUri: status }));
    return Promise.resolve(true);
  }
}

describe('durable engine wiring', () => {
  let t: TestHost;
  let engine: RecordingEngine | undefined;

  beforeAll(async () => {
    t = await startTestHost('durable', {
      durable: (options) => (engine = new RecordingEngine(options)),
    });
  });

  afterAll(async () => {
    await t.stop();
    expect(engine?.started).toEqual(['start', 'stop']);
  });

  it('gives the engine the invoker, the functions, hub name, data folder and base URL', () => {
    const options = engine?.options;
    expect(options?.hubName).toBe('FixtureHub');
    expect(options?.baseUrl).toBe(t.host.url);
    expect(options?.dataDir).toBe(`${t.dataDir}/durable`);
    expect(options?.clock).toBe(t.clock);
    expect(options?.functions.map((f) => [f.name, f.triggerType])).toEqual(
      expect.arrayContaining([
        ['helloOrchestrator', 'orchestrationTrigger'],
        ['sayHi', 'activityTrigger'],
        ['startHello', 'httpTrigger'],
      ]),
    );
    expect(t.host.durable).toBe(engine);
  });

  it('runs an activity through durable-functions when the engine invokes it', async () => {
    await expect(engine?.options.invoker.invoke('sayHi', 'Bob')).resolves.toBe('Hi Bob');
  });

  it('passes the client binding to the app and mounts the engine HTTP API before the routes', async () => {
    const res = await fetch(`${t.host.url}/api/start/ann`, { method: 'POST' });
    expect(res.status).toBe(202);
    const payload = (await res.json()) as { id: string; statusQueryGetUri: string };
    expect(payload.id).toBe('fixed-id');
    // Not rewritten to localhost:7071 by durable-functions: the host sets WEBSITE_HOSTNAME like Core Tools.
    expect(
      payload.statusQueryGetUri.startsWith(`${t.host.url}/runtime/webhooks/durabletask/instances/`),
    ).toBe(true);
    expect(engine?.requests).toEqual([
      {
        method: 'POST',
        url: '/runtime/webhooks/durabletask/orchestrators/helloOrchestrator',
        body: JSON.stringify('ann'),
      },
    ]);
  });
});

describe('durable functions without an engine', () => {
  it('starts, and warns that orchestrations and activities will not run', async () => {
    const t = await startTestHost('durable');
    try {
      expect(t.lines.join('\n')).toMatch(/WARNING: no durable engine.*helloOrchestrator, sayHi/);
      expect(t.host.durable).toBeUndefined();
      expect((await fetch(`${t.host.url}/api/start/ann`, { method: 'POST' })).status).toBe(500);
    } finally {
      await t.stop();
    }
  });
});
