/**
 * How the store reaches Table storage: one TableClient per table, each table created on first use
 * (once per process; creating an existing table is a no-op for the SDK).
 */
import { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import { StoreValidationError } from './errors';

/** Table names (letters and digits only, as Table storage requires). */
export const TABLE_NAMES = {
  customerState: 'McaCustomerState',
  auditTrail: 'McaAuditTrail',
  sendKeys: 'McaSendKeys',
  cursors: 'McaCursors',
  processedEvents: 'McaProcessedEvents',
} as const;

export type TableName = (typeof TABLE_NAMES)[keyof typeof TABLE_NAMES];

/**
 * Either a connection string (Azurite locally, or a shared key) or an identity: the account name
 * (public cloud endpoint) or the table endpoint URL, plus a credential such as a managed identity.
 */
export type StoreConnection =
  | { connectionString: string }
  | { accountName: string; credential: TokenCredential }
  | { endpoint: string; credential: TokenCredential };

/** With a credential: the SDK sends bearer tokens over https only, so an http endpoint fails here, early. */
export function tableEndpoint(connection: { accountName: string } | { endpoint: string }): string {
  if (!('endpoint' in connection)) return `https://${connection.accountName}.table.core.windows.net`;
  if (!connection.endpoint.startsWith('https://')) {
    throw new StoreValidationError('A table endpoint used with a token credential must be https');
  }
  return connection.endpoint;
}

/** Azurite and other local endpoints speak plain http, which the SDK refuses unless told. */
function isPlainHttp(connection: StoreConnection): boolean {
  if (!('connectionString' in connection)) return false;
  const settings = new Map(
    connection.connectionString
      .split(';')
      .map((part) => part.split('='))
      .map(([key, ...value]) => [(key ?? '').trim().toLowerCase(), value.join('=').trim()]),
  );
  if (settings.get('usedevelopmentstorage')?.toLowerCase() === 'true') return true;
  const endpoint = settings.get('tableendpoint');
  return endpoint !== undefined
    ? endpoint.startsWith('http://')
    : settings.get('defaultendpointsprotocol')?.toLowerCase() === 'http';
}

export function createTableClient(connection: StoreConnection, table: TableName): TableClient {
  const options = { allowInsecureConnection: isPlainHttp(connection) };
  return 'connectionString' in connection
    ? TableClient.fromConnectionString(connection.connectionString, table, options)
    : new TableClient(tableEndpoint(connection), table, connection.credential, options);
}

/** Tables already created (or being created) by this process, by URL. */
const created = new Map<string, Promise<void>>();

/** A table client that makes sure its table exists before the first request goes out. */
export class LazyTable {
  constructor(private readonly table: TableClient) {}

  get name(): string {
    return this.table.tableName;
  }

  async client(): Promise<TableClient> {
    const key = `${this.table.url}|${this.table.tableName}`;
    let creation = created.get(key);
    if (!creation) {
      creation = this.table.createTable();
      created.set(key, creation);
      // A failed creation (e.g. storage not reachable yet) is retried by the next caller.
      creation.catch(() => created.delete(key));
    }
    await creation;
    return this.table;
  }
}
