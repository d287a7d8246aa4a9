/**
 * One rule for every Partner Center activity: an error worth retrying is thrown (the orchestrator's
 * retry policy retries it), anything else becomes a permanent failure the workflow records.
 */
import { PartnerCenterError } from '../../shared/partnerCenter';
import type { PermanentFailure } from '../../shared/workflow/activities';

export function permanentOrThrow(operation: string, error: unknown): PermanentFailure {
  if (error instanceof PartnerCenterError && !error.retryable) {
    // The message carries code, status and correlation id, never a response body.
    return { kind: 'failed', reason: `Partner Center ${operation}: ${error.message}` };
  }
  throw error;
}
