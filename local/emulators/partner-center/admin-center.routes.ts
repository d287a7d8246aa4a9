/**
 * Stand-in for the Microsoft 365 admin center page where a customer accepts the MCA directly
 * (the invitation path). Accepting sets the direct-signed status.
 */
import { findCustomer, type CustomerRecord, type StateStore } from './emulator-state';
import { redirect, type Reply } from './http-kit';
import { acceptForm, notFoundPage, page } from './html-pages';
import type { RequestContext, Route } from './router';

export function adminCenterRoutes(store: StateStore): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/admin-center/:tenantId',
      auth: 'none',
      handler: (ctx) => adminCenterPage(ctx, store),
    },
    {
      method: 'POST',
      pattern: '/admin-center/:tenantId',
      auth: 'none',
      handler: (ctx) => acceptFromPage(ctx, store),
    },
  ];
}

function adminCenterPage(ctx: RequestContext, store: StateStore): Reply {
  const customer = findCustomer(store.state, ctx.params.tenantId ?? '');
  if (!customer) return notFoundPage('This organisation');
  const title = 'Microsoft 365 admin center: Microsoft Customer Agreement';
  if (customer.directSigned) {
    return page(
      200,
      title,
      '<p class="state">Accepted.</p><p>Your organisation has accepted the agreement.</p>',
    );
  }
  const action = `/admin-center/${encodeURIComponent(customer.tenantId)}`;
  return page(200, title, acceptForm(customer.companyName, action, 'Accept agreement'));
}

function acceptFromPage(ctx: RequestContext, store: StateStore): Reply {
  const customer = findCustomer(store.state, ctx.params.tenantId ?? '');
  if (!customer) return notFoundPage('This organisation');
  acceptDirectly(store, customer);
  return redirect(`/admin-center/${encodeURIComponent(customer.tenantId)}`);
}

export function acceptDirectly(store: StateStore, customer: CustomerRecord): void {
  if (!customer.directSigned) store.update(() => (customer.directSigned = true));
}
