/** A customer's MCA status as Partner Center shows it: both kinds of evidence, evaluated at `at`. */
import { assessMcaEvidence, type IgnoredAgreement, type McaStatus } from '../mca';
import type { PartnerCenterClient } from './partner-center.client';

export type McaStatusReader = Pick<PartnerCenterClient, 'getDirectSignedStatus' | 'listCustomerAgreements'>;

export interface ReadMcaStatusOptions {
  /**
   * Told about agreement items that did not count (another agreement type, an unreadable dateAgreed),
   * e.g. to log them. The other items decide the status all the same.
   */
  onIgnored?: (ignored: readonly IgnoredAgreement[]) => void;
}

/** Throws only the client's typed errors: an odd agreement item is skipped, never fatal. */
export async function readMcaStatus(
  client: McaStatusReader,
  tenantId: string,
  at: Date,
  options: ReadMcaStatusOptions = {},
): Promise<McaStatus> {
  const { isSigned } = await client.getDirectSignedStatus(tenantId);
  // Direct acceptance wins and never expires: the attestations would not change the answer.
  const attestations = isSigned ? [] : await client.listCustomerAgreements(tenantId);
  const { status, ignored } = assessMcaEvidence({ directSigned: isSigned, attestations }, at);
  if (ignored.length > 0) options.onIgnored?.(ignored);
  return status;
}
