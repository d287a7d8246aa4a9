/** Decoding what the HTTP API's callers send: route tenant id, JSON bodies, query strings. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import type { z } from 'zod';
import { tenantIdSchema } from '../../shared/store';
import { fieldErrorsOf, ValidationError } from '../http-errors';

/** An HTTP handler that needs the durable client (start, signal, inspect workflows). */
export type ClientHandler = (
  request: HttpRequest,
  client: df.DurableClient,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/** The `{tenantId}` route parameter, lower-cased; anything but a GUID is a 400 naming it. */
export function routeTenantId(request: HttpRequest): string {
  const result = tenantIdSchema.safeParse(request.params.tenantId);
  if (!result.success) throw ValidationError.of('tenantId', 'expected a GUID in the URL');
  return result.data;
}

/** The body as JSON; an empty or unparseable body is a 400 naming `body`. */
export async function readJson(request: HttpRequest): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw ValidationError.of('body', 'expected a JSON object');
  }
}

/** Decodes with `schema`, reporting every bad field (paths relative to the body). */
export function decodeOrThrow<S extends z.ZodType>(schema: S, value: unknown, root = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error, root));
  return result.data;
}

/** Query parameters as an object; empty ones (`?state=`) count as absent. */
export function queryObject(request: HttpRequest): Record<string, string> {
  return Object.fromEntries([...request.query.entries()].filter(([, value]) => value !== ''));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
