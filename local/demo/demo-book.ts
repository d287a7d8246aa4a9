/**
 * The demo's book of customers: Partner Center emulator seed customers (seed.json), announced by the
 * CRM as `CustomerCreated` (docs/architecture.md "CRM queue"), each with what the "customer" does later.
 */

/**
 * What the demo does on the customer's behalf once its workflow waits for it: `accept` opens the
 * acceptance link and then accepts it, or accepts a direct invite in the (emulated) admin center.
 */
export type CustomerPlan = 'accept' | 'ignore';

export interface DemoCustomer {
  tenantId: string;
  companyName: string;
  country: string;
  language: string;
  method: 'direct' | 'attestation';
  resellerTenantId?: string;
  /** Fictional, at example.com. Never printed by the demo. */
  signatory: { firstName: string; lastName: string; email: string; phoneNumber?: string };
  /** What the seed gives it, for the opening table. */
  expect: string;
  plan: CustomerPlan;
}

const tenant = (n: number): string => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  {
    tenantId: tenant(1),
    companyName: 'Adatum Example Ltd',
    country: 'GB',
    language: 'en-US',
    method: 'direct',
    signatory: { firstName: 'Avery', lastName: 'Example', email: 'avery@adatum.example.com' },
    expect: 'signed directly: accepted at once',
    plan: 'ignore',
  },
  {
    tenantId: tenant(2),
    companyName: 'Fabrikam Example Inc',
    country: 'US',
    language: 'en-US',
    method: 'attestation',
    signatory: { firstName: 'Alex', lastName: 'Example', email: 'alex.example@fabrikam.example.com' },
    expect: 'attested 2023: accepted at once',
    plan: 'ignore',
  },
  {
    tenantId: tenant(3),
    companyName: 'Northwind Example KK',
    country: 'JP',
    language: 'ja-JP',
    method: 'attestation',
    signatory: {
      firstName: 'Kei',
      lastName: 'Example',
      email: 'kei.example@northwind.example.com',
      phoneNumber: '+81 3 0000 0000',
    },
    expect: 'attested 2021 only: re-attests; same signatory = 600061, so the admin-center invite follows',
    plan: 'accept',
  },
  {
    tenantId: tenant(4),
    companyName: 'Tailspin Example GmbH',
    country: 'DE',
    language: 'en-US',
    method: 'direct',
    signatory: { firstName: 'Toni', lastName: 'Example', email: 'toni@tailspin.example.com' },
    expect: 'no MCA: direct invite, the demo accepts in the admin center',
    plan: 'accept',
  },
  {
    tenantId: tenant(5),
    companyName: 'Wingtip Example Pty',
    country: 'AU',
    language: 'en-US',
    method: 'attestation',
    resellerTenantId: 'e0000000-0000-4000-8000-000000000001',
    signatory: { firstName: 'Wren', lastName: 'Example', email: 'wren@wingtip.example.com' },
    expect: 'sold through an indirect reseller: the reseller path',
    plan: 'accept',
  },
  {
    tenantId: tenant(8),
    companyName: 'Example Customer 08',
    country: 'US',
    language: 'ja-JP',
    method: 'attestation',
    signatory: { firstName: 'Sam', lastName: 'Example', email: 'sam@customer08.example.com' },
    expect: 'no MCA, never answers: reminders, then expires',
    plan: 'ignore',
  },
];

/** The CRM's `CustomerCreated` message for a demo customer. */
export function customerCreated(customer: DemoCustomer, at: Date): Record<string, unknown> {
  return {
    type: 'CustomerCreated',
    eventId: `demo-${customer.tenantId}-created`,
    occurredAt: at.toISOString(),
    customer: {
      tenantId: customer.tenantId,
      companyName: customer.companyName,
      country: customer.country,
      language: customer.language,
      signatory: customer.signatory,
      ...(customer.resellerTenantId ? { resellerTenantId: customer.resellerTenantId } : {}),
    },
    method: customer.method,
  };
}

/** States a workflow does not leave by itself (docs/architecture.md "States of one customer"). */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['Accepted', 'HandedOff', 'Expired', 'Failed']);

/** States in which the workflow waits for the customer, so the demo's plan applies. */
export const WAITING_STATES: ReadonlySet<string> = new Set(['InviteSent', 'AttestationPending']);
