export * from './templates';
export {
  createMailSender,
  SEND_KEY_CUSTOM_ARG,
  SEND_KEY_HEADER,
  type MailAddress,
  type MailSender,
  type MailSenderOptions,
  type OutgoingMail,
} from './sender';
export { InvalidMailError, RetryableMailError, type SendResult } from './send-result';
