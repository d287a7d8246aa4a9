/**
 * The composition root (package.json `main`): reads the settings once, builds the clients once, and
 * registers every feature with them. A bad setting stops the app here with the key it names.
 */
import { app } from '@azure/functions';
import './servicebus-extension';
import { loadConfig } from '../shared/config';
import { createAppDeps } from './app-deps';
import { registerEntryPoints } from './entry-points';
import { registerInstancePurge } from './instance-purge.function';
import { registerLogScope } from './log-scope.hook';
import { registerSendClaims } from './send-claims.function';
import { registerWorkflow } from './workflow';

const deps = createAppDeps(loadConfig(process.env));

registerLogScope();
registerWorkflow(deps);
registerEntryPoints(deps);
registerSendClaims(deps);
registerInstancePurge(deps);

app.hook.appTerminate(() => deps.outcomes.close());
