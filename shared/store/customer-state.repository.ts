/**
 * Customer state: one row per tenant (partition key = tenant id), written by the workflow, read by the
 * status API, the sweep and the CSV report.
 */
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import {
  customerStateRecordSchema,
  tenantIdSchema,
  withDerivedFields,
  CUSTOMER_STATE_NAMES,
  type CustomerState,
  type CustomerStateInput,
  type CustomerStateName,
  type CustomerStateRecord,
} from './customer-state';
import { decodeInput, decodeRow } from './decode';
import { ConflictError, STATUS, tableStatus } from './errors';
import { MAX_PAGE_SIZE, readAll, readPage, type Page } from './paging';
import type { LazyTable } from './tables';

export type UpsertResult =
  | { kind: 'written'; state: CustomerState }
  /** A write with a later `updatedAt` got there first; it is kept and returned. */
  | { kind: 'stale'; current: CustomerState };

export interface CustomerListQuery {
  state?: CustomerStateName;
  /** Only customers whose purchases Partner Center blocks (stale attestation), or only the others. */
  purchaseBlocked?: boolean;
  /** 1 to 1000. */
  pageSize: number;
  /** From the previous page; opaque, URL-safe. */
  continuationToken?: string;
}

export interface CustomerStateRepository {
  get(tenantId: string): Promise<CustomerState | undefined>;
  /** Writes unless the stored row has a later `updatedAt` (an equal one is overwritten). */
  upsert(state: CustomerStateInput): Promise<UpsertResult>;
  list(query: CustomerListQuery): Promise<Page<CustomerState>>;
  /** Every customer, for the report; `state` narrows it. */
  listAll(query?: CustomerFilter): AsyncIterable<CustomerState>;
}

const ROW_KEY = 'mca';
/** Each retry means another writer changed the row between our read and our write. */
const MAX_WRITE_ATTEMPTS = 5;

export type CustomerFilter = Pick<CustomerListQuery, 'state' | 'purchaseBlocked'>;

const listQuerySchema = z.object({
  state: z.enum(CUSTOMER_STATE_NAMES).optional(),
  purchaseBlocked: z.boolean().optional(),
  pageSize: z.int().min(1).max(MAX_PAGE_SIZE),
  continuationToken: z.string().min(1).optional(),
});

export class TableCustomerStateRepository implements CustomerStateRepository {
  constructor(private readonly table: LazyTable) {}

  async get(tenantId: string): Promise<CustomerState | undefined> {
    const found = await this.read(
      await this.table.client(),
      decodeInput(tenantIdSchema, 'tenant id', tenantId),
    );
    return found && withDerivedFields(found.record);
  }

  async upsert(input: CustomerStateInput): Promise<UpsertResult> {
    const record = decodeInput(customerStateRecordSchema, 'customer state', input);
    const table = await this.table.client();
    const entity = { partitionKey: record.tenantId, rowKey: ROW_KEY, ...withoutNulls(record) };
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const stored = await this.read(table, record.tenantId);
      if (stored && Date.parse(stored.record.updatedAt) > Date.parse(record.updatedAt)) {
        return { kind: 'stale', current: withDerivedFields(stored.record) };
      }
      try {
        // Conditional on what we just compared against: a concurrent writer makes this fail, not vanish.
        if (stored) await table.updateEntity(entity, 'Replace', { etag: stored.etag });
        else await table.createEntity(entity);
        return { kind: 'written', state: withDerivedFields(record) };
      } catch (error) {
        const status = tableStatus(error);
        if (status !== STATUS.conflict && status !== STATUS.preconditionFailed) throw error;
      }
    }
    throw new ConflictError(
      `Customer state ${record.tenantId} kept changing; gave up after ${MAX_WRITE_ATTEMPTS} tries`,
    );
  }

  async list(query: CustomerListQuery): Promise<Page<CustomerState>> {
    const { pageSize, continuationToken, ...filter } = decodeInput(
      listQuerySchema,
      'customer list query',
      query,
    );
    return readPage(
      await this.table.client(),
      { filter: rowFilter(filter), pageSize, continuationToken },
      (row) => this.decode(row),
    );
  }

  async *listAll(query: CustomerFilter = {}): AsyncIterable<CustomerState> {
    const filter = decodeInput(
      listQuerySchema.pick({ state: true, purchaseBlocked: true }),
      'customer list query',
      query,
    );
    yield* readAll(await this.table.client(), rowFilter(filter), (row) => this.decode(row));
  }

  private async read(
    table: TableClient,
    tenantId: string,
  ): Promise<{ record: CustomerStateRecord; etag: string } | undefined> {
    try {
      const row = await table.getEntity(tenantId, ROW_KEY);
      return { record: decodeRow(customerStateRecordSchema, this.table.name, row), etag: row.etag };
    } catch (error) {
      if (tableStatus(error) === STATUS.notFound) return undefined;
      throw error;
    }
  }

  private decode(row: Record<string, unknown>): CustomerState {
    return withDerivedFields(decodeRow(customerStateRecordSchema, this.table.name, row));
  }
}

function rowFilter({ state, purchaseBlocked }: CustomerFilter): string {
  const clauses = [odata`RowKey eq ${ROW_KEY}`];
  if (state !== undefined) clauses.push(odata`state eq ${state}`);
  // Every write stores the flag (false included), so both filters see every row written since it exists.
  if (purchaseBlocked !== undefined) clauses.push(odata`purchaseBlocked eq ${purchaseBlocked}`);
  return clauses.join(' and ');
}

/** Table storage has no null: an absent property reads back as null through the schema's defaults. */
function withoutNulls<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null)) as Partial<T>;
}
