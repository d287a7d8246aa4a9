/**
 * The host with the parts built beside it: the real durable engine (local/host/durable) and the Service
 * Bus emulator (local/emulators/service-bus) driven by the real @azure/service-bus SDK. Each block runs
 * once its part is in the tree (they are merged from other branches) and is skipped until then.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import type { DurableEngine, DurableEngineOptions } from '../../../local/host';
import { nativeProcess } from '../../../local/host/native-runtime';
import { startTestHost } from './host-fixture';

const root = path.resolve(__dirname, '../../..');
const durableModule = path.join(root, 'local/host/durable/index.ts');
const emulatorModule = path.join(root, 'local/emulators/service-bus/service-bus.emulator.ts');

interface EmulatorPart {
  startServiceBusEmulator(options: {
    port: number;
    queues: { name: string; maxDeliveryCount: number; lockDurationMs: number }[];
  }): Promise<{
    connectionString: string;
    queue(name: string): { activeCount: number; deadLetterCount: number };
    close(): Promise<void>;
  }>;
}

/** Waits for a condition; the test's timeout bounds the wait, not a guess at how fast the machine is. */
async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 25));
}

(existsSync(durableModule) ? describe : describe.skip)('with the durable engine', () => {
  it('runs an HTTP-started orchestration and its activity to completion', async () => {
    const { createDurableEngine } = (await import(durableModule)) as {
      createDurableEngine: (options: DurableEngineOptions) => DurableEngine;
    };
    const t = await startTestHost('durable', { durable: createDurableEngine });
    try {
      const res = await fetch(`${t.host.url}/api/start/ann`, { method: 'POST' });
      expect(res.status).toBe(202);
      const { statusQueryGetUri } = (await res.json()) as { statusQueryGetUri: string };
      let status = { runtimeStatus: '', output: null as unknown };
      await eventually(async () => {
        status = (await (await fetch(statusQueryGetUri)).json()) as typeof status;
        return status.runtimeStatus === 'Completed' || status.runtimeStatus === 'Failed';
      });
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'Hi ann' });
      expect(t.lines.some((l) => / sayHi activityTrigger \d+ms Succeeded/.test(l))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});

(existsSync(emulatorModule) ? describe : describe.skip)(
  'with the Service Bus emulator and the real SDK',
  () => {
    it('completes, abandons until the broker dead-letters, dead-letters with a reason, and sends outputs', async () => {
      const { startServiceBusEmulator } = (await import(emulatorModule)) as EmulatorPart;
      const emulator = await startServiceBusEmulator({
        port: 0,
        queues: [
          { name: 'orders', maxDeliveryCount: 3, lockDurationMs: 5000 },
          { name: 'validated', maxDeliveryCount: 3, lockDurationMs: 5000 },
        ],
      });
      const previous = nativeProcess.env.FixtureServiceBus;
      nativeProcess.env.FixtureServiceBus = emulator.connectionString;
      const t = await startTestHost('queue');
      const client = new ServiceBusClient(emulator.connectionString);
      try {
        await client.createSender('orders').sendMessages([
          { body: { id: 1 }, messageId: 'ok-1' },
          { body: { fail: true }, messageId: 'bad-1' },
        ]);
        await client.createSender('validated').sendMessages([
          { body: { valid: false }, messageId: 'invalid-1' },
          { body: { valid: true }, messageId: 'valid-1' },
        ]);
        expect((await fetch(`${t.host.url}/api/enqueue`, { method: 'POST', body: '{"id":2}' })).status).toBe(
          202,
        );
        await eventually(() => {
          const orders = emulator.queue('orders');
          const validated = emulator.queue('validated');
          return orders.activeCount === 0 && orders.deadLetterCount === 1 && validated.activeCount === 0;
        });
        expect(emulator.queue('validated')).toMatchObject({ activeCount: 0, deadLetterCount: 1 });

        const [invalid] = await client
          .createReceiver('validated', { subQueueType: 'deadLetter' })
          .receiveMessages(1, { maxWaitTimeInMs: 2000 });
        expect(invalid).toMatchObject({
          messageId: 'invalid-1',
          deadLetterReason: 'InvalidMessage',
          deadLetterErrorDescription: 'field "valid" must be true',
        });
        const [failed] = await client
          .createReceiver('orders', { subQueueType: 'deadLetter' })
          .receiveMessages(1, { maxWaitTimeInMs: 2000 });
        expect(failed).toMatchObject({ messageId: 'bad-1', deadLetterReason: 'MaxDeliveryCountExceeded' });

        const seen = (await (await fetch(`${t.host.url}/api/seen`)).json()) as {
          message: unknown;
          metadata: { deliveryCount: number };
        }[];
        expect(seen.map((s) => s.message)).toEqual(
          expect.arrayContaining([{ id: 1 }, { id: 2 }, { fail: true }]),
        );
        expect(
          seen
            .filter((s) => JSON.stringify(s.message) === '{"fail":true}')
            .map((s) => s.metadata.deliveryCount),
        ).toEqual([1, 2, 3]);
      } finally {
        await client.close();
        await t.stop();
        await emulator.close();
        if (previous === undefined) delete nativeProcess.env.FixtureServiceBus;
        else nativeProcess.env.FixtureServiceBus = previous;
      }
    });
  },
);
