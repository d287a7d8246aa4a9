export {
  DEFAULT_SENDGRID_SINK_PORT,
  MAX_MAIL_SEND_BYTES,
  startSendGridSink,
  type SendGridSink,
  type SendGridSinkOptions,
} from './sendgrid-sink';
export { SendGridFaults, sendGridFaultRuleSchema, type SendGridFaultRule } from './faults';
export type { EmailAddress, MessageFilter, StoredMessage, StoredPersonalization } from './stored-message';
