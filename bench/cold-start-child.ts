/**
 * One cold start, in a fresh Node process: `node cold-start-child.js <app entry>` loads the app the way
 * the Functions worker does (its core module provided, the local settings in the environment) and
 * prints `{ "ms": <time to require the entry>, "functions": <registered> }`.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Disposable, installCoreModule, setCoreApiListener } from '../local/host/core-api';
import { APP_DIR, localSettingsExample } from './app-files';

const entry = process.argv[2];
if (entry === undefined) throw new Error('usage: cold-start-child <app entry file>');
for (const [key, value] of Object.entries(localSettingsExample())) process.env[key] ??= value;
let functions = 0;
installCoreModule();
setCoreApiListener({
  registerFunction: () => {
    functions++;
    return new Disposable(() => undefined);
  },
  registerHook: () => new Disposable(() => undefined),
  log: () => undefined,
});
const startedAt = performance.now();
createRequire(__filename)(path.resolve(APP_DIR, entry));
const ms = performance.now() - startedAt;
process.stdout.write(`${JSON.stringify({ ms, functions })}\n`);
// The app's clients may hold sockets or timers: the measurement is done.
process.exit(0);
