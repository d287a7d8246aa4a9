/**
 * Runs the Partner Center emulator on its own, for people:
 *   npm run build && node dist/local/emulators/partner-center/main.js [port]
 * Port from argv, else PARTNER_CENTER_EMULATOR_PORT, else 7081. State persists in
 * PARTNER_CENTER_EMULATOR_DATA_DIR (default `.local/partner-center`). Ctrl-C stops it.
 */
import { join } from 'node:path';
import { stopOnSignals } from '../stop-on-signals';
import { DEFAULT_PARTNER_CENTER_PORT, startPartnerCenterEmulator } from './partner-center.emulator';

async function main(): Promise<void> {
  const rawPort = process.argv[2] ?? process.env.PARTNER_CENTER_EMULATOR_PORT;
  const port = rawPort === undefined ? DEFAULT_PARTNER_CENTER_PORT : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Not a port: ${rawPort ?? ''}`);
  const dataDir =
    process.env.PARTNER_CENTER_EMULATOR_DATA_DIR ?? join(process.cwd(), '.local', 'partner-center');
  const emulator = await startPartnerCenterEmulator({ port, dataDir });
  console.log(`Partner Center emulator listening on ${emulator.url} (state in ${dataDir})`);
  console.log(`  overview: ${emulator.url}/   control API: ${emulator.url}/_control/requests`);
  stopOnSignals(emulator);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
