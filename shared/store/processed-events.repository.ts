/**
 * Processed events: de-duplication of inbound events (CRM `eventId`s, Partner Center audit record ids),
 * one row per `(source, eventId)` with the time it was first seen. The insert is atomic, so of two
 * deliveries of the same event exactly one is told it is the first.
 */
import { z } from 'zod';
import { decodeInput } from './decode';
import { STATUS, tableStatus } from './errors';
import { escapeKey } from './keys';
import type { LazyTable } from './tables';

export interface ProcessedEventsRepository {
  /** True the first time `(source, eventId)` is marked; false every time after. */
  markProcessed(source: string, eventId: string): Promise<boolean>;
  /** Whether `(source, eventId)` has been marked; a read only, so it decides nothing under races. */
  isProcessed(source: string, eventId: string): Promise<boolean>;
}

const sourceSchema = z.string().regex(/^[a-z][a-z0-9-]{0,49}$/, 'expected a name such as crm');
const eventIdSchema = z.string().min(1).max(200);

export class TableProcessedEventsRepository implements ProcessedEventsRepository {
  constructor(
    private readonly table: LazyTable,
    private readonly now: () => Date,
  ) {}

  async markProcessed(source: string, eventId: string): Promise<boolean> {
    const entity = {
      ...keysOf(source, eventId),
      eventId,
      processedAt: this.now().toISOString(),
    };
    try {
      await (await this.table.client()).createEntity(entity);
      return true;
    } catch (error) {
      if (tableStatus(error) === STATUS.conflict) return false;
      throw error;
    }
  }

  async isProcessed(source: string, eventId: string): Promise<boolean> {
    const { partitionKey, rowKey } = keysOf(source, eventId);
    const table = await this.table.client();
    try {
      await table.getEntity(partitionKey, rowKey, { queryOptions: { select: ['processedAt'] } });
      return true;
    } catch (error) {
      if (tableStatus(error) === STATUS.notFound) return false;
      throw error;
    }
  }
}

function keysOf(source: string, eventId: string): { partitionKey: string; rowKey: string } {
  return {
    partitionKey: decodeInput(sourceSchema, 'event source', source),
    rowKey: escapeKey(decodeInput(eventIdSchema, 'event id', eventId)),
  };
}
