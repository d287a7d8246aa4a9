/**
 * What the composition root (`functions/main.ts`) builds once and hands to every feature's
 * `register(deps)`. Nothing else constructs clients.
 */
import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import type { AppConfig, PartnerCenterConfig, ServiceBusConfig, StorageConfig } from '../shared/config';
import {
  createServiceBusDeadLetterCounter,
  type DeadLetterCounter,
} from '../shared/events/dead-letter-count';
import type { OutcomePublisher } from '../shared/events/outcome-publisher';
import { createServiceBusOutcomePublisher } from '../shared/events/service-bus-outcome-publisher';
import { createMailSender, type MailSender } from '../shared/mail';
import {
  createCursorBudgetStore,
  createCursorRefreshTokenStore,
  createKeyVaultRefreshTokenStore,
  createPartnerCenterClientFromConfig,
  type PartnerCenterClient,
  type RefreshTokenStore,
} from '../shared/partnerCenter';
import { createStore, type Store, type StoreConnection } from '../shared/store';

export interface AppDeps {
  config: AppConfig;
  /** None for IndirectReseller: Microsoft gives indirect resellers no Partner Center API access. */
  partnerCenter: PartnerCenterClient | undefined;
  store: Store;
  mail: MailSender;
  outcomes: OutcomePublisher;
  /** Counts dead-lettered messages for the dashboard (one bounded peek). */
  deadLetters: DeadLetterCounter;
  /** Wall clock for code outside orchestrators (orchestrators use context.df.currentUtcDateTime). */
  now: () => Date;
}

/** What the parts that read Partner Center (activities, feed, sweep, recheck) are built from. */
export type PartnerCenterDeps = AppDeps & {
  partnerCenter: PartnerCenterClient;
  config: AppConfig & { partnerCenter: PartnerCenterConfig };
};

/** The deps with their Partner Center parts, or undefined for a deployment that has none. */
export function partnerCenterDeps(deps: AppDeps): PartnerCenterDeps | undefined {
  const { partnerCenter, config } = deps;
  const settings = config.partnerCenter;
  if (!partnerCenter || !settings) return undefined;
  return { ...deps, partnerCenter, config: { ...config, partnerCenter: settings } };
}

export function createAppDeps(config: AppConfig): AppDeps {
  const store = createStore(storeConnection(config.storage));
  const settings = config.partnerCenter;
  const serviceBus = serviceBusClient(config.serviceBus);
  return {
    config,
    partnerCenter: settings
      ? createPartnerCenterClientFromConfig(config, {
          refreshTokenStore: refreshTokenStore(settings, config, store),
          // One Partner Center budget for every instance of the app (docs/adr/0007).
          budgetStore: createCursorBudgetStore(store.cursors),
        })
      : undefined,
    store,
    mail: createMailSender({
      apiKey: config.mail.sendGridApiKey.reveal(),
      baseUrl: config.mail.sendGridBaseUrl,
      from: { email: config.mail.from, name: config.mail.partnerCompanyName },
    }),
    // One client for both; the publisher's close() closes it.
    outcomes: createServiceBusOutcomePublisher(serviceBus),
    deadLetters: createServiceBusDeadLetterCounter(serviceBus),
    now: () => new Date(),
  };
}

/** Key Vault in Azure (the app identity writes new versions); the cursors table (Azurite) locally. */
function refreshTokenStore(
  settings: PartnerCenterConfig,
  config: AppConfig,
  store: Store,
): RefreshTokenStore {
  const secretUri = settings.refreshTokenSecretUri;
  return secretUri === undefined
    ? createCursorRefreshTokenStore(store.cursors)
    : createKeyVaultRefreshTokenStore(secretUri, identity(userAssignedClientId(config)));
}

/** The app's user-assigned identity, as the storage connection names it (one identity for all). */
function userAssignedClientId({ storage }: AppConfig): string | undefined {
  return storage.kind === 'identity' ? storage.clientId : undefined;
}

function identity(clientId: string | undefined): TokenCredential {
  return clientId === undefined
    ? new ManagedIdentityCredential()
    : new ManagedIdentityCredential({ clientId });
}

function storeConnection(storage: StorageConfig): StoreConnection {
  return storage.kind === 'connectionString'
    ? { connectionString: storage.connectionString.reveal() }
    : { endpoint: storage.tableEndpoint, credential: identity(storage.clientId) };
}

function serviceBusClient(serviceBus: ServiceBusConfig): ServiceBusClient {
  return serviceBus.kind === 'connectionString'
    ? new ServiceBusClient(serviceBus.connectionString.reveal())
    : new ServiceBusClient(serviceBus.fullyQualifiedNamespace, identity(serviceBus.clientId));
}
