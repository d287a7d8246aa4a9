/**
 * Named string cursors with compare-and-set, e.g. how far the Partner Center audit-record feed has been
 * read. Two timer runs racing on one cursor: the second `set` with the same ETag loses with a conflict,
 * so it cannot move the cursor back.
 */
import { z } from 'zod';
import { decodeInput, decodeRow } from './decode';
import { ConflictError, STATUS, tableStatus } from './errors';
import { escapeKey } from './keys';
import type { LazyTable } from './tables';

export interface Cursor {
  value: string;
  /** Pass back to `set` to change the value only if nobody else has since. */
  etag: string;
}

export interface CursorsRepository {
  get(name: string): Promise<Cursor | undefined>;
  /**
   * With `etag`: replaces the value only if it is still the one read. Without: creates the cursor only
   * if it does not exist yet. Throws ConflictError when another writer got there first.
   */
  set(name: string, value: string, etag?: string): Promise<{ etag: string }>;
}

const PARTITION = 'cursor';
const nameSchema = z.string().min(1).max(200);
const valueSchema = z.string().max(30_000);
const etagSchema = z.string().min(1).optional();
const cursorRowSchema = z.object({ value: z.string(), etag: z.string() });

export class TableCursorsRepository implements CursorsRepository {
  constructor(private readonly table: LazyTable) {}

  async get(name: string): Promise<Cursor | undefined> {
    const rowKey = escapeKey(decodeInput(nameSchema, 'cursor name', name));
    try {
      const row = await (await this.table.client()).getEntity(PARTITION, rowKey);
      const { value, etag } = decodeRow(cursorRowSchema, this.table.name, row);
      return { value, etag };
    } catch (error) {
      if (tableStatus(error) === STATUS.notFound) return undefined;
      throw error;
    }
  }

  async set(name: string, value: string, etag?: string): Promise<{ etag: string }> {
    const checkedName = decodeInput(nameSchema, 'cursor name', name);
    const entity = {
      partitionKey: PARTITION,
      rowKey: escapeKey(checkedName),
      name: checkedName,
      value: decodeInput(valueSchema, 'cursor value', value),
    };
    const expected = decodeInput(etagSchema, 'cursor etag', etag);
    const table = await this.table.client();
    try {
      const response =
        expected === undefined
          ? await table.createEntity(entity)
          : await table.updateEntity(entity, 'Replace', { etag: expected });
      if (response.etag === undefined) throw new Error('Table storage returned no ETag');
      return { etag: response.etag };
    } catch (error) {
      const status = tableStatus(error);
      // 409: created by someone else; 412: changed since read; 404: deleted since read.
      if (status === STATUS.conflict || status === STATUS.preconditionFailed || status === STATUS.notFound) {
        throw new ConflictError(`Cursor ${checkedName} was changed by another writer`);
      }
      throw error;
    }
  }
}
