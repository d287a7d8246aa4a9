/**
 * The MCA workflow's persistence in Azure Table storage. Pure domain storage: no Functions or Durable
 * imports and no settings reads; the composition root passes the connection in.
 */
import { TableAuditTrailRepository, type AuditTrailRepository } from './audit-trail.repository';
import { TableCustomerStateRepository, type CustomerStateRepository } from './customer-state.repository';
import { TableCursorsRepository, type CursorsRepository } from './cursors.repository';
import {
  TableProcessedEventsRepository,
  type ProcessedEventsRepository,
} from './processed-events.repository';
import { TableSendKeysRepository, type SendKeysRepository } from './send-keys.repository';
import { createTableClient, LazyTable, TABLE_NAMES, type StoreConnection, type TableName } from './tables';

export interface Store {
  customerState: CustomerStateRepository;
  auditTrail: AuditTrailRepository;
  sendKeys: SendKeysRepository;
  cursors: CursorsRepository;
  processedEvents: ProcessedEventsRepository;
}

export interface StoreOptions {
  /** Time for the store's own timestamps (claimedAt, sentAt, processedAt). Default: the wall clock. */
  now?: () => Date;
}

/** Builds every repository over one storage account; tables are created on first use. */
export function createStore(connection: StoreConnection, options: StoreOptions = {}): Store {
  const now = options.now ?? (() => new Date());
  const table = (name: TableName): LazyTable => new LazyTable(createTableClient(connection, name));
  return {
    customerState: new TableCustomerStateRepository(table(TABLE_NAMES.customerState)),
    auditTrail: new TableAuditTrailRepository(table(TABLE_NAMES.auditTrail)),
    sendKeys: new TableSendKeysRepository(table(TABLE_NAMES.sendKeys), now),
    cursors: new TableCursorsRepository(table(TABLE_NAMES.cursors)),
    processedEvents: new TableProcessedEventsRepository(table(TABLE_NAMES.processedEvents), now),
  };
}

export { TABLE_NAMES, type StoreConnection, type TableName } from './tables';
export * from './customer-state';
export {
  ConflictError,
  CorruptEntityError,
  InvalidContinuationTokenError,
  NotFoundError,
  PersonalDataError,
  StoreError,
  StoreValidationError,
} from './errors';
export type { Page } from './paging';
export { MAX_PAGE_SIZE } from './paging';
export * from './audit-trail.repository';
export * from './customer-state.repository';
export * from './cursors.repository';
export * from './processed-events.repository';
export * from './send-keys.repository';
export { findPersonalData, withholdPersonalData, type PersonalDataKind } from './personal-data';
