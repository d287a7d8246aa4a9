/** A customer's MCA status as Partner Center shows it: both kinds of evidence, evaluated at `at`. */
import { evaluateMcaStatus, type McaStatus } from '../mca';
import type { PartnerCenterClient } from './partner-center.client';

export type McaStatusReader = Pick<PartnerCenterClient, 'getDirectSignedStatus' | 'listCustomerAgreements'>;

/** Throws the client's typed errors, and InvalidAgreementDateError for a `dateAgreed` it cannot read. */
export async function readMcaStatus(client: McaStatusReader, tenantId: string, at: Date): Promise<McaStatus> {
  const { isSigned } = await client.getDirectSignedStatus(tenantId);
  // Direct acceptance wins and never expires: the attestations would not change the answer.
  const attestations = isSigned ? [] : await client.listCustomerAgreements(tenantId);
  return evaluateMcaStatus({ directSigned: isSigned, attestations }, at);
}
