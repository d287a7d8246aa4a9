/**
 * Typed application errors and the one mapper that turns any error into an HTTP response. Bodies
 * name fields and kinds, never the values sent: a bad e-mail address must not come back in a log.
 */
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import type { ZodError } from 'zod';
import { StoreValidationError, withholdPersonalData } from '../shared/store';

export interface FieldError {
  /** Dotted path of the bad field, e.g. `signatory.email`; `root` when the whole input is wrong. */
  field: string;
  /** What was expected (zod's message, which does not repeat the input). */
  message: string;
}

export class ApplicationError extends Error {
  override name = 'ApplicationError';
}

/** Bad input from the caller: every bad field at once. */
export class ValidationError extends ApplicationError {
  override name = 'ValidationError';

  constructor(readonly fields: FieldError[]) {
    super(`Invalid ${fields.map((f) => f.field).join(', ')}`);
  }

  static of(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends ApplicationError {
  override name = 'NotFoundError';
}

/** The operation needs a running workflow and there is none. */
export class NotRunningError extends ApplicationError {
  override name = 'NotRunningError';
}

/** The operation does not fit this deployment or this customer's state; the message says why. */
export class ConflictError extends ApplicationError {
  override name = 'ConflictError';
}

/** `customer.signatory.email`; array positions as `items[2]`; the whole input as `root`. */
export function fieldPath(path: readonly PropertyKey[], root = 'body'): string {
  if (path.length === 0) return root;
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

export function fieldErrorsOf(error: ZodError, root = 'body'): FieldError[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path, root), message: issue.message }));
}

/** The one place an error becomes a response; 500s carry the invocation id to find the log line. */
export function toErrorResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  if (error instanceof ValidationError) {
    return { status: 400, jsonBody: { error: 'ValidationFailed', fields: error.fields } };
  }
  if (error instanceof StoreValidationError) {
    return { status: 400, jsonBody: { error: 'ValidationFailed', message: error.message } };
  }
  if (error instanceof NotFoundError) return { status: 404, jsonBody: { error: 'NotFound' } };
  if (error instanceof NotRunningError) return { status: 409, jsonBody: { error: 'NotRunning' } };
  if (error instanceof ConflictError) {
    return { status: 409, jsonBody: { error: 'Conflict', message: error.message } };
  }
  const correlationId = context.invocationId;
  context.error(`Request failed (correlationId ${correlationId}): ${describeError(error)}`);
  return { status: 500, jsonBody: { error: 'InternalError', correlationId } };
}

/** Name and message for a log line, with anything that looks like personal data withheld. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'non-Error thrown';
  return withholdPersonalData(text.slice(0, 1000));
}

/** Runs a handler body and maps whatever it throws. */
export async function respond(
  context: InvocationContext,
  handle: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  try {
    return await handle();
  } catch (error) {
    return toErrorResponse(error, context);
  }
}
