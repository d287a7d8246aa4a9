/**
 * Runs the Service Bus emulator on its own:
 *   node dist/local/emulators/service-bus/main.js [--port 5672] [--host 127.0.0.1]
 *     [--data-dir .local/service-bus] [--config local/emulators/service-bus/config.json] [--verbose]
 * Prints the connection string; Ctrl-C stops it after pending writes reach the disk.
 */
import { parseArgs } from 'node:util';
import { stopOnSignals } from '../stop-on-signals';
import { startServiceBusEmulator } from './service-bus.emulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5672' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.local/service-bus' },
      config: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`Invalid --port ${values.port}`);

  const emulator = await startServiceBusEmulator({
    port,
    host: values.host,
    dataDir: values['data-dir'],
    configFile: values.config,
    log: values.verbose ? (line) => console.log(`[service-bus] ${line}`) : undefined,
  });
  console.log(`Service Bus emulator on ${values.host}:${emulator.port}`);
  console.log(`ServiceBusConnection=${emulator.connectionString}`);
  stopOnSignals(emulator, (error) => console.error(error));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
