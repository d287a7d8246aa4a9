/** Valid template data for every kind, built from a few overridable names. */
import type { MailData, MailKind } from '../../../shared/mail';

export const TENANT_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
export const ACCEPTANCE_URL = 'https://partner.microsoft.example/mca/accept?attestation=a1b2&lang=ja-JP';
export const DEADLINE = '2026-03-31T00:00:00Z';
export const LINK_EXPIRES_AT = '2026-03-10T09:00:00Z';

export interface Names {
  companyName: string;
  firstName: string;
  lastName: string;
  partnerCompany: string;
  partnerContact: string;
}

export const ASCII_NAMES: Names = {
  companyName: 'Fabrikam Trading',
  firstName: 'Taro',
  lastName: 'Yamada',
  partnerCompany: 'Contoso Cloud Services',
  partnerContact: 'Hanako Sato',
};

export function mailData(names: Names = ASCII_NAMES): { [K in MailKind]: MailData<K> } {
  const partner = {
    companyName: names.partnerCompany,
    contact: { name: names.partnerContact, email: 'mca-help@contoso.example', phone: '+81 3-1234-5678' },
  };
  const signatory = { firstName: names.firstName, lastName: names.lastName };
  const signatoryContact = { ...signatory, email: 'taro.yamada@fabrikam.example' };
  const customer = { companyName: names.companyName, signatory, partner };
  const attestation = { ...customer, acceptanceUrl: ACCEPTANCE_URL, linkExpiresAt: LINK_EXPIRES_AT };
  return {
    directInvite: { ...customer, deadline: DEADLINE },
    attestationLink: { ...attestation, deadline: DEADLINE },
    reminder: { ...attestation, path: 'attestation', reminderNumber: 2, deadline: DEADLINE },
    handOff: {
      companyName: names.companyName,
      tenantId: TENANT_ID,
      signatory: signatoryContact,
      provider: { companyName: 'Northwind Distribution', contactName: names.partnerContact },
      partner,
      deadline: DEADLINE,
    },
    escalation: {
      companyName: names.companyName,
      tenantId: TENANT_ID,
      path: 'direct',
      invitationsSent: 4,
      deadline: DEADLINE,
      signatory: signatoryContact,
      recipientName: names.partnerContact,
    },
    accepted: {
      companyName: names.companyName,
      tenantId: TENANT_ID,
      method: 'attestation',
      acceptedAt: '2026-03-12T01:30:00Z',
      recipientName: names.partnerContact,
    },
    refreshTokenAlert: {
      companyName: names.companyName,
      refusedAt: '2026-06-01T00:00:00Z',
      error: 'invalid_grant AADSTS700082',
      recipientName: names.partnerContact,
    },
    contactMissing: {
      companyName: names.companyName,
      tenantId: TENANT_ID,
      purchaseBlocked: true,
      recipientName: names.partnerContact,
    },
  };
}

/** A customer as the CRM or the API sends it (the workflow's `customerSchema` input). */
export function entryCustomer(tenantId: string) {
  return {
    tenantId,
    companyName: 'Northwind',
    country: 'JP',
    language: 'ja-JP',
    signatory: {
      firstName: 'Hanako',
      lastName: 'Sato',
      email: 'hanako@northwind.example',
      phoneNumber: '+81 3 1234 5678',
    },
  };
}
