/** Decoding at the store's two boundaries: what callers pass in, and what comes back from a table. */
import type { z } from 'zod';
import { CorruptEntityError, StoreValidationError } from './errors';

export function decodeInput<S extends z.ZodType>(schema: S, what: string, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw StoreValidationError.fromZod(what, result.error);
  return result.data;
}

export function decodeRow<S extends z.ZodType>(
  schema: S,
  table: string,
  row: Record<string, unknown>,
): z.output<S> {
  const result = schema.safeParse(row);
  if (!result.success) {
    throw new CorruptEntityError(
      `Row ${String(row.partitionKey)}/${String(row.rowKey)} in ${table} does not decode: ${result.error.message}`,
    );
  }
  return result.data;
}
