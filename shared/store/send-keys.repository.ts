/**
 * Send keys: the idempotency record of every mail, `(tenantId, kind, n)`, e.g. the 2nd reminder.
 *
 * At most once: the mail activity claims the key before it calls SendGrid, and the claim is an
 * insert-if-absent, so of two concurrent or replayed attempts exactly one gets `claimed` and only that
 * one may send. Whoever finds the key `exists` does not send, whatever its status: a `claimed` key whose
 * sender crashed mid-send stays claimed, because the mail may have gone out (losing one mail is
 * preferred to sending it twice). Such a claim, and a send whose answer never came (a timeout after the
 * request went out), becomes `unknown`: kept, so nothing re-sends, and listed until it is reported to the
 * partner desk, whose people check whether the mail arrived.
 * `release` is for a send that definitely did not happen (SendGrid refused the request, or the
 * connection failed before it was sent): it deletes the claim so a retry may send. A key that is `sent`
 * is never released.
 */
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { tenantIdSchema } from './customer-state';
import { decodeInput, decodeRow } from './decode';
import { ConflictError, NotFoundError, STATUS, tableStatus } from './errors';
import { withholdPersonalData } from './personal-data';
import { readAll } from './paging';
import type { LazyTable } from './tables';

export const sendKeySchema = z.object({
  tenantId: tenantIdSchema,
  /** Which mail, e.g. `invite`, `reminder`, `escalation`. */
  kind: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,49}$/, 'expected a name such as reminder'),
  /** Which one of its kind, e.g. the reminder number; 0 for one-off mails. */
  n: z.int().min(0),
});
/** Send keys of the partner desk's own mails (alerts, reports): no customer has the nil tenant id. */
export const PARTNER_DESK_TENANT = '00000000-0000-0000-0000-000000000000';

export type SendKey = z.input<typeof sendKeySchema>;

export const SEND_STATUSES = ['claimed', 'sent', 'failed', 'unknown'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

export type ClaimResult = { kind: 'claimed' } | { kind: 'exists'; status: SendStatus; messageId?: string };

/** A key as stored (tenant id lower-cased), with when it was claimed. */
export interface SendKeyRecord {
  tenantId: string;
  kind: string;
  n: number;
  claimedAt: string;
}

export interface SendKeysRepository {
  /** Atomic insert-if-absent: only `claimed` may send. */
  claim(key: SendKey): Promise<ClaimResult>;
  markSent(key: SendKey, messageId: string): Promise<void>;
  /**
   * The provider refused the mail for good (no retry will help); the key stays, so nothing re-sends.
   * A reason that looks like it holds an e-mail address or phone number is stored withheld.
   */
  markFailed(key: SendKey, reason: string): Promise<void>;
  /** Deletes a claim whose send definitely did not happen, so a retry may claim and send. */
  release(key: SendKey): Promise<void>;
  /**
   * The mail may or may not have gone out: the key stays (nothing re-sends it) and waits to be reported.
   * Only a claim becomes unknown: false when the key is already settled (sent, failed, unknown) or gone.
   */
  markUnknown(key: SendKey, reason: string): Promise<boolean>;
  /** Claims made before `before` and never settled: their sender crashed or hung mid-send. */
  listStaleClaims(before: Date): AsyncIterable<SendKeyRecord>;
  /** Unknown sends not yet reported to the partner desk. */
  listUnreportedUnknown(): AsyncIterable<SendKeyRecord>;
  /** The partner desk was told about this unknown send. */
  markReported(key: SendKey): Promise<void>;
}

const sendRowSchema = z.object({
  status: z.enum(SEND_STATUSES),
  messageId: z.string().optional(),
  etag: z.string(),
});

const sendKeyRecordSchema = z.object({
  tenantId: z.string(),
  kind: z.string(),
  n: z.int(),
  claimedAt: z.string(),
});

const messageIdSchema = z.string().min(1).max(1000);
const reasonSchema = z.string().max(2000);

export class TableSendKeysRepository implements SendKeysRepository {
  constructor(
    private readonly table: LazyTable,
    private readonly now: () => Date,
  ) {}

  async claim(input: SendKey): Promise<ClaimResult> {
    const key = decodeInput(sendKeySchema, 'send key', input);
    const table = await this.table.client();
    try {
      await table.createEntity({ ...rowKeys(key), ...key, status: 'claimed', claimedAt: this.timestamp() });
      return { kind: 'claimed' };
    } catch (error) {
      if (tableStatus(error) !== STATUS.conflict) throw error;
    }
    const existing = await this.read(key);
    // Released between our insert and this read: still not ours; the caller retries the claim.
    if (!existing) throw new ConflictError(`Send key ${describe(key)} changed during the claim`);
    return existing.messageId === undefined
      ? { kind: 'exists', status: existing.status }
      : { kind: 'exists', status: existing.status, messageId: existing.messageId };
  }

  async markSent(input: SendKey, messageId: string): Promise<void> {
    const key = decodeInput(sendKeySchema, 'send key', input);
    const id = decodeInput(messageIdSchema, 'message id', messageId);
    await this.update(key, { status: 'sent', messageId: id, sentAt: this.timestamp() });
  }

  async markFailed(input: SendKey, reason: string): Promise<void> {
    const key = decodeInput(sendKeySchema, 'send key', input);
    // Provider errors may quote the recipient: keep the record, not the address.
    const why = withholdPersonalData(decodeInput(reasonSchema, 'failure reason', reason));
    await this.update(key, { status: 'failed', reason: why, failedAt: this.timestamp() });
  }

  async release(input: SendKey): Promise<void> {
    const key = decodeInput(sendKeySchema, 'send key', input);
    const existing = await this.read(key);
    if (!existing) return;
    if (existing.status !== 'claimed') {
      throw new ConflictError(
        `Send key ${describe(key)} is ${existing.status}; only a claim can be released`,
      );
    }
    const { partitionKey, rowKey } = rowKeys(key);
    try {
      // Only the claim we just read: if it was marked sent meanwhile, this fails instead of deleting it.
      await (await this.table.client()).deleteEntity(partitionKey, rowKey, { etag: existing.etag });
    } catch (error) {
      const status = tableStatus(error);
      if (status === STATUS.preconditionFailed) {
        throw new ConflictError(`Send key ${describe(key)} changed while being released`);
      }
      if (status !== STATUS.notFound) throw error;
    }
  }

  async markUnknown(input: SendKey, reason: string): Promise<boolean> {
    const key = decodeInput(sendKeySchema, 'send key', input);
    const why = withholdPersonalData(decodeInput(reasonSchema, 'unknown outcome reason', reason));
    const existing = await this.read(key);
    if (existing?.status !== 'claimed') return false;
    const change = { status: 'unknown', reason: why, unknownAt: this.timestamp(), reported: false };
    try {
      // Only the claim we just read: a send that settled meanwhile keeps its own status.
      const table = await this.table.client();
      await table.updateEntity({ ...rowKeys(key), ...change }, 'Merge', { etag: existing.etag });
      return true;
    } catch (error) {
      const status = tableStatus(error);
      if (status === STATUS.preconditionFailed || status === STATUS.notFound) return false;
      throw error;
    }
  }

  async *listStaleClaims(before: Date): AsyncIterable<SendKeyRecord> {
    // ISO-8601 UTC timestamps of one format sort as strings.
    const filter = odata`status eq 'claimed' and claimedAt lt ${before.toISOString()}`;
    yield* readAll(await this.table.client(), filter, (row) => this.decodeRecord(row));
  }

  async *listUnreportedUnknown(): AsyncIterable<SendKeyRecord> {
    const filter = "status eq 'unknown' and reported eq false";
    yield* readAll(await this.table.client(), filter, (row) => this.decodeRecord(row));
  }

  async markReported(input: SendKey): Promise<void> {
    const key = decodeInput(sendKeySchema, 'send key', input);
    await this.update(key, { reported: true, reportedAt: this.timestamp() });
  }

  private decodeRecord(row: Record<string, unknown>): SendKeyRecord {
    return decodeRow(sendKeyRecordSchema, this.table.name, row);
  }

  private async update(
    key: z.output<typeof sendKeySchema>,
    change: Record<string, string | boolean>,
  ): Promise<void> {
    const table = await this.table.client();
    try {
      // etag '*': the row must exist (a mail is marked only after its key was claimed).
      await table.updateEntity({ ...rowKeys(key), ...change }, 'Merge', { etag: '*' });
    } catch (error) {
      if (tableStatus(error) === STATUS.notFound) {
        throw new NotFoundError(`Send key ${describe(key)} was never claimed`);
      }
      throw error;
    }
  }

  private async read(
    key: z.output<typeof sendKeySchema>,
  ): Promise<z.output<typeof sendRowSchema> | undefined> {
    const { partitionKey, rowKey } = rowKeys(key);
    try {
      const row = await (await this.table.client()).getEntity(partitionKey, rowKey);
      return decodeRow(sendRowSchema, this.table.name, row);
    } catch (error) {
      if (tableStatus(error) === STATUS.notFound) return undefined;
      throw error;
    }
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}

function rowKeys(key: z.output<typeof sendKeySchema>): { partitionKey: string; rowKey: string } {
  return { partitionKey: key.tenantId, rowKey: `${key.kind}:${key.n}` };
}

function describe(key: z.output<typeof sendKeySchema>): string {
  return `${key.tenantId}/${key.kind}/${key.n}`;
}
