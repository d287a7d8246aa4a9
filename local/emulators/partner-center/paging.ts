/**
 * Partner Center's seek-based paging: `?size=N` for the first page, then `links.next` carries the
 * same uri and an `MS-ContinuationToken` header for the following one.
 */
import { ErrorCodes } from './error-codes';
import { header, pcError, type Reply } from './http-kit';
import type { RequestContext } from './router';

export const CONTINUATION_HEADER = 'MS-ContinuationToken';

export interface Page<T> {
  items: T[];
  totalCount: number;
  /** Offset of the next page, when there is one. */
  nextOffset?: number;
}

/** Reads `size` and the continuation token; an error reply for bad values. */
export function readPaging(
  ctx: RequestContext,
  defaultSize: number,
  maxSize: number,
): { size: number; offset: number } | Reply {
  const rawSize = ctx.url.searchParams.get('size');
  const size = rawSize === null ? defaultSize : Number(rawSize);
  if (!Number.isInteger(size) || size < 1 || size > maxSize) {
    return pcError(400, ErrorCodes.badRequest, `The size must be an integer between 1 and ${maxSize}.`);
  }
  const token = header(ctx.req, CONTINUATION_HEADER);
  if (token === undefined || token === '') return { size, offset: 0 };
  const offset = decodeToken(token);
  if (offset === undefined)
    return pcError(400, ErrorCodes.badRequest, 'The continuation token is not valid.');
  return { size, offset };
}

export function slicePage<T>(all: T[], size: number, offset: number): Page<T> {
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return { items, totalCount: items.length, nextOffset: next < all.length ? next : undefined };
}

/** The `links` object: `self`, and `next` while more pages remain. */
export function pageLinks(
  ctx: RequestContext,
  size: number,
  nextOffset: number | undefined,
): Record<string, unknown> {
  const query = new URLSearchParams(ctx.url.searchParams);
  query.set('size', String(size));
  query.delete('seekOperation');
  const uri = `${ctx.url.pathname}?${query.toString()}`;
  const links: Record<string, unknown> = { self: { uri, method: 'GET', headers: [] } };
  if (nextOffset !== undefined) {
    query.set('seekOperation', 'Next');
    links.next = {
      uri: `${ctx.url.pathname}?${query.toString()}`,
      method: 'GET',
      headers: [{ key: CONTINUATION_HEADER, value: encodeToken(nextOffset) }],
    };
  }
  return links;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeToken(token: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('offset' in parsed)) return undefined;
    const offset = parsed.offset;
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}
