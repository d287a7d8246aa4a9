/** The app with everything it talks to, running locally: what `npm start` and the integration tests use. */
export {
  APP_DIR,
  DEFAULT_HOST_PORT,
  localAppSettings,
  startStack,
  type AppSettingsOverrides,
  type Stack,
  type StackPorts,
  type StartStackOptions,
} from './stack';
