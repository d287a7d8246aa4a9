/**
 * The Partner Center audit-record feed (docs/partner-center.md "Finding new customers"): which days to read
 * from a stored cursor, which records announce a new customer, and the run that ties them together
 * through injected ports. No I/O of its own.
 *
 * Cursor: the UTC instant up to which every day has been read (ISO-8601). Each run re-reads from
 * `cursor - overlapMs` (records can show up late), one UTC day per query, oldest first, and moves the
 * cursor after every finished day with compare-and-set, so two instances never both advance it and a
 * failed run keeps the days it finished. Audit records are kept 90 days: never read further back.
 */
import { z } from 'zod';
import type { AuditRecord } from './schemas';

export const AUDIT_FEED_CURSOR = 'partner-center-audit-feed';

export interface AuditFeedPolicy {
  /** How far before the cursor each run starts again. */
  overlapMs: number;
  /** Partner Center keeps audit records this many days. */
  maxLookbackDays: number;
  /** Days read by one run; a run after a long outage catches up over several runs. */
  maxDaysPerRun: number;
  /** Without a cursor, start this many days before today (UTC). */
  firstRunLookbackDays: number;
}

export const defaultAuditFeedPolicy: AuditFeedPolicy = {
  overlapMs: 2 * 60 * 60_000,
  maxLookbackDays: 90,
  maxDaysPerRun: 7,
  firstRunLookbackDays: 1,
};

const DAY_MS = 24 * 60 * 60_000;

export interface AuditWindow {
  /** `yyyy-mm-dd` (UTC): `startDate` and `endDate` of one query. */
  day: string;
  /** Cursor value to store once this day has been read completely. */
  cursorAfter: string;
}

export type CursorStart = 'cursor' | 'firstRun' | 'corruptCursor';

export interface AuditPlan {
  windows: AuditWindow[];
  /** Where the run starts and why. */
  from: string;
  start: CursorStart;
  /** True when the start was moved forward to stay within the retention period. */
  clamped: boolean;
}

export function parseCursor(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = z.iso.datetime().safeParse(value);
  return parsed.success ? new Date(parsed.data) : undefined;
}

export function planAuditWindows(
  cursorValue: string | undefined,
  now: Date,
  policy: AuditFeedPolicy = defaultAuditFeedPolicy,
): AuditPlan {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('now must be a valid Date');
  const todayMs = startOfUtcDay(nowMs);
  const readThrough = parseCursor(cursorValue);
  const start: CursorStart =
    readThrough !== undefined ? 'cursor' : cursorValue === undefined ? 'firstRun' : 'corruptCursor';

  let fromMs =
    readThrough === undefined
      ? todayMs - policy.firstRunLookbackDays * DAY_MS
      : Math.min(readThrough.getTime(), nowMs) - policy.overlapMs;
  // The oldest day Partner Center still answers for, with a day's margin for clock differences.
  const earliestMs = todayMs - (policy.maxLookbackDays - 1) * DAY_MS;
  const clamped = fromMs < earliestMs;
  if (clamped) fromMs = earliestMs;

  const floorMs = readThrough?.getTime() ?? Number.NEGATIVE_INFINITY;
  const windows: AuditWindow[] = [];
  for (let dayMs = startOfUtcDay(fromMs); dayMs <= todayMs && windows.length < policy.maxDaysPerRun;) {
    const nextMs = dayMs + DAY_MS;
    // Today is read only up to now; a cursor never moves backwards.
    const afterMs = Math.max(dayMs === todayMs ? nowMs : nextMs, floorMs);
    windows.push({ day: isoDay(dayMs), cursorAfter: new Date(afterMs).toISOString() });
    dayMs = nextMs;
  }
  return { windows, from: new Date(fromMs).toISOString(), start, clamped };
}

/** A customer the feed tells us about; `eventId` is the de-duplication key of the record. */
export interface NewCustomer {
  tenantId: string;
  companyName?: string;
  eventId: string;
}

const SUCCESS_STATUSES = new Set(['succeeded', 'success']);
const guid = z.guid();
/**
 * The customer in `resourceNewValue` (a JSON string). Microsoft serialises it in PascalCase
 * (`{"Id":..,"CompanyProfile":{"TenantId":..,"CompanyName":..}}`); camelCase is read as well.
 */
interface NewValueCustomer {
  id?: string;
  tenantId?: string;
  companyName?: string;
}

/** The new customer an `add_customer` record with a successful status announces; undefined otherwise. */
export function newCustomerFromAuditRecord(record: AuditRecord): NewCustomer | undefined {
  if (record.operationType.toLowerCase() !== 'add_customer') return undefined;
  if (!SUCCESS_STATUSES.has((record.operationStatus ?? '').toLowerCase())) return undefined;
  const data = new Map((record.customizedData ?? []).map(({ key, value }) => [key.toLowerCase(), value]));
  const newValue = parseNewValue(record.resourceNewValue);
  const tenantId = [record.customerId, data.get('customerid'), newValue?.tenantId, newValue?.id].find(
    (candidate) => candidate !== undefined && candidate !== null && guid.safeParse(candidate).success,
  );
  if (!tenantId) return undefined;
  const companyName = [record.customerName, data.get('customername'), newValue?.companyName]
    .map((name) => name?.trim())
    .find((name) => name !== undefined && name !== '');
  const normalized = tenantId.toLowerCase();
  // Partner Center's records have an id (one record, one id, however often it is read); without one,
  // the customer and the time identify the record.
  const eventId = record.id
    ? `audit:${record.id.trim().toLowerCase()}`
    : `audit:add_customer:${normalized}:${record.operationDate}`;
  return { tenantId: normalized, companyName: companyName?.slice(0, 500), eventId };
}

function parseNewValue(text: string | null | undefined): NewValueCustomer | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const profile = property(parsed, 'companyProfile');
  return {
    id: stringProperty(parsed, 'id'),
    tenantId: stringProperty(profile, 'tenantId'),
    companyName: stringProperty(profile, 'companyName'),
  };
}

/** `name` of a JSON object, matched without regard to case (`Id` or `id`). */
function property(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const wanted = name.toLowerCase();
  const key = Object.keys(value).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : (value as Record<string, unknown>)[key];
}

function stringProperty(value: unknown, name: string): string | undefined {
  const found = property(value, name);
  return typeof found === 'string' ? found : undefined;
}

/** What the run needs from the outside; the function adapter builds it from AppDeps. */
export interface AuditFeedPorts {
  readCursor(): Promise<{ value: string; etag: string } | undefined>;
  /** Compare-and-set (create when `etag` is undefined); undefined when another writer got there first. */
  writeCursor(value: string, etag: string | undefined): Promise<{ etag: string } | undefined>;
  listAuditRecords(day: string): AsyncIterable<AuditRecord>;
  /** Whether an event id was recorded as done (a read: it decides nothing under races). */
  isProcessed(eventId: string): Promise<boolean>;
  /** Records an event id as done. */
  markProcessed(eventId: string): Promise<unknown>;
  /** Must be idempotent per customer (the adapter starts only when no instance exists). */
  startCustomer(customer: NewCustomer): Promise<void>;
  now(): Date;
}

export interface AuditFeedSummary {
  start: CursorStart;
  clamped: boolean;
  daysRead: string[];
  /** Records handed to startCustomer (which may find the customer's instance already there). */
  started: number;
  duplicates: number;
  /** Another instance moved the cursor: this run stopped where it was. */
  lostRace: boolean;
  cursor: string | undefined;
}

/**
 * Reads the planned days. A record is marked processed only after its customer was started, so a
 * failed start is retried by the next run (any error stops the run before the cursor passes the day);
 * starting is idempotent, so a record seen twice before it is marked costs a status read, nothing more.
 */
export async function runAuditFeed(
  ports: AuditFeedPorts,
  policy: AuditFeedPolicy = defaultAuditFeedPolicy,
): Promise<AuditFeedSummary> {
  const stored = await ports.readCursor();
  const plan = planAuditWindows(stored?.value, ports.now(), policy);
  const summary: AuditFeedSummary = {
    start: plan.start,
    clamped: plan.clamped,
    daysRead: [],
    started: 0,
    duplicates: 0,
    lostRace: false,
    cursor: stored?.value,
  };
  let etag = stored?.etag;
  // Record ids this run has handled: a record read twice (paging, overlapping windows) costs no store read.
  const seen = new Set<string>();
  for (const window of plan.windows) {
    for await (const record of ports.listAuditRecords(window.day)) {
      const customer = newCustomerFromAuditRecord(record);
      if (!customer) continue;
      if (seen.has(customer.eventId) || (await ports.isProcessed(customer.eventId))) {
        seen.add(customer.eventId);
        summary.duplicates++;
        continue;
      }
      await ports.startCustomer(customer);
      await ports.markProcessed(customer.eventId);
      seen.add(customer.eventId);
      summary.started++;
    }
    summary.daysRead.push(window.day);
    const written = await ports.writeCursor(window.cursorAfter, etag);
    if (!written) {
      summary.lostRace = true;
      return summary;
    }
    etag = written.etag;
    summary.cursor = window.cursorAfter;
  }
  return summary;
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
