/**
 * One process, several apps (a test run): another copy of `@azure/functions` (the packaged app
 * bundles its own) setting its programming model must not take over an app loaded after it, whose
 * own copy is already loaded and does not set its model again.
 */
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { MessageSettler, MessageSource } from '../../../local/host';
import { nativeRequire } from '../../../local/host/native-runtime';
import { fixtureApp, startTestHost } from './host-fixture';

/** What another copy of the library does on its first registration. */
function setForeignProgrammingModel(): void {
  const core = nativeRequire(path(fixtureApp('queue'), 'package.json'))('@azure/functions-core') as {
    setProgrammingModel(model: unknown): void;
  };
  core.setProgrammingModel({
    name: '@azure/functions',
    version: 'bundled-elsewhere',
    getInvocationModel: () => {
      throw new Error('Factory for type "AzureServiceBusReceivedMessage" is not registered.');
    },
    getCapabilities: (capabilities: unknown) => Promise.resolve(capabilities),
  });
}

function path(dir: string, file: string): string {
  return `${dir}/${file}`;
}

/** Hands one message to the SDK-binding function and records how it was settled. */
function oneMessage(body: unknown): { source: MessageSource; settled: Promise<string> } {
  let settle: (outcome: string) => void = () => undefined;
  const settled = new Promise<string>((resolve) => (settle = resolve));
  const settler: MessageSettler = {
    complete: () => Promise.resolve(settle('completed')),
    abandon: () => Promise.resolve(settle('abandoned')),
    deadLetter: (_m, reason) => Promise.resolve(settle(`dead-lettered: ${reason ?? ''}`)),
    defer: () => Promise.resolve(settle('deferred')),
    renewLock: () => Promise.resolve(),
  };
  const source: MessageSource = ({ queueName }, handler) => {
    if (queueName === 'validated') {
      const message = { body, messageId: 'm-1', deliveryCount: 0, lockToken: 'lock-1' };
      void handler(message as unknown as ServiceBusReceivedMessage, settler);
    }
    return { close: () => Promise.resolve() };
  };
  return { source, settled };
}

it("runs an app on its own library's programming model after another copy set one", async () => {
  const first = await startTestHost('queue', { serviceBusSource: oneMessage({ valid: true }).source });
  await first.stop();
  setForeignProgrammingModel();

  const { source, settled } = oneMessage({ valid: true });
  const t = await startTestHost('queue', { serviceBusSource: source });
  try {
    expect(await settled).toBe('completed');
    expect((await fetch(`${t.host.url}/api/seen`)).status).toBe(200);
  } finally {
    await t.stop();
  }
});
