/** The local Azure Functions host: what `npm start`, the demo and the integration tests use. */
export { startHost, type RunningHost, type StartHostOptions } from './host';
export type { HttpAuthOptions } from './http-trigger';
export type {
  MessageSource,
  MessageHandler,
  MessageSettler,
  MessageSubscription,
} from './service-bus-client';
/** The real process (its `env` is what the app reads), also under Jest. */
export { nativeProcess } from './native-runtime';
export { parseSchedule, CronSyntaxError, type Schedule } from './ncrontab';
export type * from './contracts';
