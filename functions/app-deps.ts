/**
 * What the composition root (`functions/main.ts`) builds once and hands to every feature's
 * `register(deps)`. Nothing else constructs clients.
 */
import type { AppConfig } from '../shared/config';
import type { OutcomePublisher } from '../shared/events/outcome-publisher';
import type { MailSender } from '../shared/mail';
import type { PartnerCenterClient } from '../shared/partnerCenter';
import type { Store } from '../shared/store';

export interface AppDeps {
  config: AppConfig;
  partnerCenter: PartnerCenterClient;
  store: Store;
  mail: MailSender;
  outcomes: OutcomePublisher;
  /** Wall clock for code outside orchestrators (orchestrators use context.df.currentUtcDateTime). */
  now: () => Date;
}
