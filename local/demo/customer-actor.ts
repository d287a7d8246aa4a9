/**
 * Plays the demo customers: once a workflow has waited on one for a while, does what that customer's
 * plan says, through the Partner Center emulator (its acceptance page and control API), so the demo
 * settles without anyone clicking. An attestation is accepted through the link the customer was
 * mailed: the one the app built from PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE.
 */
import type { PartnerCenterControl } from '../emulators/partner-center/control';
import { WAITING_STATES, type DemoCustomer } from './demo-book';

export interface ActorTiming {
  /** How long the customer "reads the mail" before opening the link. */
  openAfterMs: number;
  /** How long after the workflow started waiting the customer accepts. */
  acceptAfterMs: number;
}

export interface ActorDeps {
  control: PartnerCenterControl;
  /** The acceptance link mailed for an attestation, if one was (found in the SendGrid sink). */
  mailedLink: (attestationId: string) => string | undefined;
  timing: ActorTiming;
  now: () => number;
  say: (line: string) => void;
}

export class CustomerActor {
  private readonly waitingSince = new Map<string, number>();
  private readonly acceptedDirectly = new Set<string>();

  constructor(private readonly deps: ActorDeps) {}

  async act(customer: DemoCustomer, state: string | undefined): Promise<void> {
    if (state === undefined || !WAITING_STATES.has(state)) {
      this.waitingSince.delete(customer.tenantId);
      return;
    }
    const since = this.waitingSince.get(customer.tenantId) ?? this.deps.now();
    this.waitingSince.set(customer.tenantId, since);
    const waited = this.deps.now() - since;
    const { timing, control, say } = this.deps;

    if (customer.plan !== 'accept') return;
    if (state === 'AttestationPending') {
      const link = this.openLinkOf(customer.tenantId);
      const url = link && this.deps.mailedLink(link.id);
      if (!link || !url) return;
      if (link.state === 'required' && waited >= timing.openAfterMs) {
        // What the customer's browser does: the emulator marks the attestation `pending`.
        const page = await fetch(url);
        await page.body?.cancel();
        say(`${customer.companyName} opens its acceptance link`);
      } else if (link.state === 'pending' && waited >= timing.acceptAfterMs) {
        const accepted = await fetch(url, { method: 'POST', redirect: 'manual' });
        await accepted.body?.cancel();
        say(`${customer.companyName} accepts the MCA on the acceptance page`);
      }
    } else if (
      state === 'InviteSent' &&
      waited >= timing.acceptAfterMs &&
      !this.acceptedDirectly.has(customer.tenantId)
    ) {
      control.acceptDirectly(customer.tenantId);
      this.acceptedDirectly.add(customer.tenantId);
      say(`${customer.companyName} accepts the MCA in the admin center`);
    }
  }

  /** The customer's newest attestation still waiting for it. */
  private openLinkOf(tenantId: string): { id: string; state: string } | undefined {
    return this.deps.control
      .attestations()
      .filter((a) => a.customerTenantId === tenantId && (a.state === 'required' || a.state === 'pending'))
      .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
  }
}

/** The first URL in the mails' texts that opens the given attestation's acceptance page. */
export function acceptanceLinkIn(texts: readonly string[], attestationId: string): string | undefined {
  const path = `/acceptance/${encodeURIComponent(attestationId)}`;
  for (const text of texts) {
    const url = text.match(/https?:\/\/[^\s<>"')]+/g)?.find((candidate) => candidate.includes(path));
    if (url) return url;
  }
  return undefined;
}
