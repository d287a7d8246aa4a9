export { renderMail, InvalidMailDataError, type RenderedMail, type RenderOptions } from './render-mail';
export { pickLanguage, languageTagSchema, MAIL_LANGUAGES, type MailLanguage } from './language';
export { ADMIN_CENTER_AGREEMENT_URL } from './common.blocks';
export {
  mailDataSchemas,
  mailFields,
  MAIL_KINDS,
  WORKFLOW_PATHS,
  type MailKind,
  type MailData,
  type WorkflowPath,
  type DirectInviteData,
  type AttestationLinkData,
  type ReminderData,
  type HandOffData,
  type EscalationData,
  type AcceptedData,
  type RefreshTokenAlertData,
  type ContactMissingData,
} from './mail-data.schema';
export {
  renderUnknownSendsReport,
  unknownSendsDataSchema,
  type UnknownSendsData,
} from './unknown-sends.template';
