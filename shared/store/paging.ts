/**
 * Paged reads. The SDK's continuation token is base64 (with `+ / =`); callers get a base64url token that
 * can sit in a URL as is, and a token they did not get from us is rejected as bad input, not sent on.
 */
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { InvalidContinuationTokenError } from './errors';

/** The largest page Table storage returns. */
export const MAX_PAGE_SIZE = 1000;

const sdkToken = z.object({ nextPartitionKey: z.string().min(1), nextRowKey: z.string().optional() });
const ourToken = z.tuple([z.string().min(1), z.string().optional()]);

function toOurToken(token: string): string {
  const { nextPartitionKey, nextRowKey } = sdkToken.parse(
    JSON.parse(Buffer.from(token, 'base64').toString()),
  );
  return Buffer.from(JSON.stringify([nextPartitionKey, nextRowKey])).toString('base64url');
}

function toSdkToken(token: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new InvalidContinuationTokenError();
  let position: z.output<typeof ourToken>;
  try {
    position = ourToken.parse(JSON.parse(Buffer.from(token, 'base64url').toString()));
  } catch {
    throw new InvalidContinuationTokenError();
  }
  const [nextPartitionKey, nextRowKey] = position;
  return Buffer.from(JSON.stringify({ nextPartitionKey, nextRowKey })).toString('base64');
}

export interface Page<T> {
  items: T[];
  /** Present when there is more: pass it back to get the next page. */
  continuationToken?: string;
}

export interface PageQuery {
  filter?: string;
  pageSize: number;
  continuationToken?: string;
}

/**
 * Reads up to `pageSize` rows. Table storage may answer with a short (even empty) page and a token,
 * so this keeps asking for the remainder until the page is full or the rows run out.
 */
export async function readPage<T>(
  table: TableClient,
  query: PageQuery,
  decode: (row: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const items: T[] = [];
  let token = query.continuationToken === undefined ? undefined : toSdkToken(query.continuationToken);
  do {
    const pages = table
      .listEntities({ queryOptions: { filter: query.filter } })
      .byPage({ maxPageSize: query.pageSize - items.length, continuationToken: token });
    const next = await pages.next();
    if (next.done === true) break;
    items.push(...next.value.map(decode));
    token = next.value.continuationToken;
  } while (token !== undefined && items.length < query.pageSize);
  return token === undefined ? { items } : { items, continuationToken: toOurToken(token) };
}

/** Every row matching `filter`, one SDK page at a time. */
export async function* readAll<T>(
  table: TableClient,
  filter: string | undefined,
  decode: (row: Record<string, unknown>) => T,
): AsyncGenerator<T> {
  for await (const row of table.listEntities({ queryOptions: { filter } })) yield decode(row);
}
