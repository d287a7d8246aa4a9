/**
 * Runs the SendGrid sink on its own:
 *   SENDGRID_API_KEY=SG.local node dist/local/emulators/sendgrid/main.js [--port 7082] [--host 127.0.0.1]
 *     [--data-dir .local/sendgrid]
 * The key comes from the environment only, so it never shows in a process list.
 */
import { parseArgs } from 'node:util';
import { stopOnSignals } from '../stop-on-signals';
import { DEFAULT_SENDGRID_SINK_PORT, startSendGridSink } from './sendgrid-sink';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(DEFAULT_SENDGRID_SINK_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.local/sendgrid' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got "${values.port}"`);
  const apiKey = process.env.SENDGRID_API_KEY;
  if (!apiKey) throw new Error('Set SENDGRID_API_KEY to the key clients will send (e.g. SG.local).');

  const sink = await startSendGridSink({
    port,
    host: values.host,
    apiKey,
    dataDir: values['data-dir'],
    log: (line) => console.log(line),
  });
  console.log(`SendGrid sink: API ${sink.url}/v3/mail/send, inbox ${sink.url}/`);
  stopOnSignals(sink);
}

main().catch((err: unknown) => {
  console.error(`SendGrid sink could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
