/**
 * `npm run emulators [-- --data-dir .local --partner-center-port 7081 ...]`: Azurite, Partner Center,
 * SendGrid and Service Bus without the app, e.g. for `func start` or a debugger. Ctrl-C stops them.
 */
import { startEmulators } from '../emulators';
import { parseCli, runMain, stopOnSignals } from './cli';

runMain('emulators', async () => {
  const { dataDir, ports } = parseCli(process.argv.slice(2), process.cwd());
  const emulators = await startEmulators({ dataDir, ports });
  stopOnSignals(() => emulators.close(), console.log);
  console.log(
    [
      `Emulators running (state in ${dataDir}); Ctrl-C stops them.`,
      `  Partner Center   ${emulators.partnerCenterUrl}/  (overview, acceptance pages, /_control API)`,
      `  SendGrid inbox   ${emulators.sendGridUrl}/`,
      `  Service Bus      ServiceBusConnection=${emulators.serviceBusConnectionString}`,
      `  Azurite          AzureWebJobsStorage=${emulators.storageConnectionString}`,
    ].join('\n'),
  );
});
