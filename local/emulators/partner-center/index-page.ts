/** `GET /`: a plain overview for people: customers with their admin-center pages, attestation links. */
import type { Clock } from '../../clock';
import { escapeHtml } from '../escape-html';
import { mcaCoverage } from './agreements.routes';
import { attestationState, type StateStore } from './emulator-state';
import { page } from './html-pages';
import type { Reply } from './http-kit';

export function indexPage(store: StateStore, clock: Clock): Reply {
  const now = clock.now();
  const customers = store.state.customers
    .map((c) => {
      const link = `/admin-center/${encodeURIComponent(c.tenantId)}`;
      return `<tr><td>${escapeHtml(c.companyName)}</td><td><code>${escapeHtml(c.tenantId)}</code></td><td>${mcaCoverage(c, now)}</td><td><a href="${link}">admin center</a></td></tr>`;
    })
    .join('\n');
  const attestations = store.state.attestations
    .map((a) => {
      const link = `/acceptance/${encodeURIComponent(a.id)}`;
      return `<tr><td>${escapeHtml(a.companyName)}</td><td>${attestationState(a, now)}</td><td><a href="${link}">acceptance link</a></td></tr>`;
    })
    .join('\n');
  return page(
    200,
    'Partner Center emulator',
    `<h2>Customers</h2>
<table><tr><th>Company</th><th>Tenant</th><th>MCA</th><th></th></tr>
${customers}
</table>
<h2>Enhanced attestations</h2>
<table><tr><th>Company</th><th>State</th><th></th></tr>
${attestations}
</table>
<p>Control API: <code>/_control/...</code> (see README.md).</p>`,
  );
}
