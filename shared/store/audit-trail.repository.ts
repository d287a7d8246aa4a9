/**
 * Audit trail: what happened to a customer, by whom, append-only, newest first. It holds no personal
 * data: a detail that looks like an e-mail address or a phone number is refused.
 */
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { tenantIdSchema, utcTimestamp } from './customer-state';
import { decodeInput, decodeRow } from './decode';
import { PersonalDataError } from './errors';
import { newestFirstRowKey } from './keys';
import { MAX_PAGE_SIZE, readAll, readPage } from './paging';
import { findPersonalData, PERSONAL_DATA_NAMES } from './personal-data';
import type { LazyTable } from './tables';

export const AUDIT_ACTORS = ['crm', 'partner-center', 'sweep', 'operator', 'workflow'] as const;
export type AuditActor = (typeof AUDIT_ACTORS)[number];

export const auditEntrySchema = z.object({
  tenantId: tenantIdSchema,
  at: utcTimestamp,
  actor: z.enum(AUDIT_ACTORS),
  /**
   * Who, when a caller is known: an Entra object id (user or service principal) or app id, `local`
   * on an open local API. An id, never a name or e-mail address.
   */
  actorId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'expected an id such as an Entra object id')
    .optional(),
  /** What happened, as an identifier, e.g. `StateChanged`, `ReminderSent`. */
  action: z.string().regex(/^[A-Za-z][\w.:-]{0,99}$/, 'expected an identifier such as StateChanged'),
  detail: z.string().max(2000).default(''),
});

export type AuditEntryInput = z.input<typeof auditEntrySchema>;
export type AuditEntry = z.output<typeof auditEntrySchema>;

export interface AuditTrailRepository {
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** The latest `limit` (1 to 1000) entries, newest first. */
  list(tenantId: string, limit: number): Promise<AuditEntry[]>;
  /** Every customer's entries at or after `since` (ISO-8601 UTC), at most `limit`, in no particular order. */
  listSince(since: string, limit: number): Promise<AuditEntry[]>;
}

const limitSchema = z.int().min(1).max(MAX_PAGE_SIZE);

export class TableAuditTrailRepository implements AuditTrailRepository {
  constructor(private readonly table: LazyTable) {}

  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const entry = decodeInput(auditEntrySchema, 'audit entry', input);
    const found = findPersonalData(entry.detail);
    if (found) {
      // The message names the kind only: repeating the detail would put the personal data in a log.
      throw new PersonalDataError(`Audit detail looks like it contains ${PERSONAL_DATA_NAMES[found]}`);
    }
    const table = await this.table.client();
    await table.createEntity({
      partitionKey: entry.tenantId,
      rowKey: newestFirstRowKey(Date.parse(entry.at)),
      ...entry,
    });
    return entry;
  }

  async list(tenantId: string, limit: number): Promise<AuditEntry[]> {
    const partition = decodeInput(tenantIdSchema, 'tenant id', tenantId);
    const pageSize = decodeInput(limitSchema, 'audit list limit', limit);
    const page = await readPage(
      await this.table.client(),
      { filter: odata`PartitionKey eq ${partition}`, pageSize },
      (row) => decodeRow(auditEntrySchema, this.table.name, row),
    );
    return page.items;
  }

  async listSince(since: string, limit: number): Promise<AuditEntry[]> {
    const from = decodeInput(utcTimestamp, 'audit list start', since);
    const max = decodeInput(z.int().min(1), 'audit list limit', limit);
    const entries: AuditEntry[] = [];
    // A scan across partitions: the dashboard asks for a few weeks, with a cap so a busy book stays cheap.
    for await (const entry of readAll(await this.table.client(), odata`at ge ${from}`, (row) =>
      decodeRow(auditEntrySchema, this.table.name, row),
    )) {
      entries.push(entry);
      if (entries.length >= max) break;
    }
    return entries;
  }
}
