/**
 * Errors the store throws. Expected outcomes (a stale write, an existing send key, an event already seen)
 * are returned as data instead; these are for bad input, lost races and broken rows.
 */
import { RestError } from '@azure/data-tables';
import { prettifyError, type ZodError } from 'zod';

export class StoreError extends Error {
  override name = 'StoreError';
}

/** The caller passed something the store will not persist (maps to HTTP 400). */
export class StoreValidationError extends StoreError {
  override name = 'StoreValidationError';

  static fromZod(what: string, error: ZodError): StoreValidationError {
    return new StoreValidationError(`Invalid ${what}: ${prettifyError(error)}`);
  }
}

/** An audit detail looked like an e-mail address or a phone number: the trail holds no personal data. */
export class PersonalDataError extends StoreValidationError {
  override name = 'PersonalDataError';
}

/** A continuation token that this store did not hand out (maps to HTTP 400). */
export class InvalidContinuationTokenError extends StoreValidationError {
  override name = 'InvalidContinuationTokenError';

  constructor() {
    super('Invalid continuation token');
  }
}

/** Someone else changed the row first (lost compare-and-set race): re-read and decide again. */
export class ConflictError extends StoreError {
  override name = 'ConflictError';
}

export class NotFoundError extends StoreError {
  override name = 'NotFoundError';
}

/** A stored row does not decode: written by something else, or by an incompatible version. */
export class CorruptEntityError extends StoreError {
  override name = 'CorruptEntityError';
}

/** The HTTP status of a Table storage failure, if it is one. */
export function tableStatus(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/** 409 on insert: the row exists. 412 on a conditional update/delete: the ETag no longer matches. */
export const STATUS = { notFound: 404, conflict: 409, preconditionFailed: 412 } as const;
