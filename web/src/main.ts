/**
 * The operator's dashboard: cards, charts, a searchable table of customers and one customer's page
 * with its timeline and actions. Refreshes itself every few seconds (no reload); reads and acts only
 * through the HTTP API.
 */
import {
  api,
  ApiError,
  STATE_NAMES,
  type CustomerStatus,
  type CustomerTablePage,
  type DeadLetterCount,
  type LatestSweep,
  type Me,
  type Overview,
  type StateSummary,
} from './api';
import { stateChangesChart, timeToAcceptedChart } from './charts';
import { byId, formatTime, h, plural, replaceIfChanged, stateLabel } from './dom';

const REFRESH_MS = 4_000;
const PAGE_SIZE = 25;
const OPERATE_ROLE = 'Mca.Operate';

interface TableQuery {
  state: string;
  search: string;
  sort: string;
  order: string;
  page: number;
}

const query: TableQuery = { state: '', search: '', sort: 'companyName', order: 'asc', page: 1 };
let paused = false;
let canOperate = true;
let deployment: 'direct' | 'reseller' | 'unknown' = 'unknown';
let lastPages = 1;

const changes = stateChangesChart(byId('changes-chart'));
const tta = timeToAcceptedChart(byId('tta-chart'));

// ---- access -------------------------------------------------------------------------------------

async function loadAccess(): Promise<void> {
  const banner = byId('access');
  let me: Me | undefined;
  try {
    me = await api<Me>('me');
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) {
      banner.textContent = 'Could not tell who you are; actions stay available, the API decides.';
      return;
    }
  }
  if (!me || me.mode === 'open') {
    banner.textContent = 'Local: everything is open (no sign-in).';
    banner.classList.add('open');
    return;
  }
  canOperate = me.roles.includes(OPERATE_ROLE);
  banner.textContent = `Signed in. Roles: ${me.roles.join(', ') || 'none'}.${
    canOperate ? '' : ' Read only: actions need Mca.Operate.'
  }`;
}

// ---- cards --------------------------------------------------------------------------------------

function card(label: string, value: string, hint = '', attrs: Record<string, string> = {}): HTMLElement {
  return h(
    'div',
    { class: 'card', ...attrs },
    h('span', { class: 'card-value' }, value),
    h('span', { class: 'card-label' }, label),
    hint && h('span', { class: 'card-hint' }, hint),
  );
}

function renderGlance(
  summary: StateSummary,
  overview: Overview | undefined,
  deadLetters: DeadLetterCount | undefined,
  sweep: LatestSweep | null | undefined,
): void {
  const percent = Math.round(summary.coveredRatio * 100);
  const dead =
    deadLetters === undefined || deadLetters.count === null
      ? 'unknown'
      : `${deadLetters.count}${deadLetters.capped ? '+' : ''}`;
  const cards = [
    card(
      'Can be ordered for (covered / total)',
      `${summary.covered} / ${summary.total}`,
      `${percent}% covered`,
      { 'data-testid': 'coverage' },
    ),
    card('Purchase-blocked', String(summary.purchaseBlocked), 'Partner Center refuses orders'),
    card('Awaiting contact', String(summary.states.AwaitingContact), 'No signatory known'),
    card('Overdue reminders', String(summary.overdue)),
    card('Links expiring soon', overview ? String(overview.expiringLinks.length) : '…', 'Within 72 hours'),
    card('Dead-lettered CRM messages', dead, deadLetters?.queue ?? ''),
    sweepCard(sweep),
  ];
  replaceIfChanged(
    byId('glance'),
    JSON.stringify([summary, overview?.expiringLinks.length, deadLetters, sweep]),
    cards,
  );
}

function sweepCard(sweep: LatestSweep | null | undefined): HTMLElement {
  if (sweep === undefined) return card('Last sweep', '…');
  if (sweep === null) return card('Last sweep', 'None', 'No sweep in the last 7 days');
  const counts = sweep.output ?? sweep.customStatus;
  const progress = counts
    ? `${counts.customers} checked, ${counts.accepted} accepted, ${counts.started} started, ${counts.failed} failed`
    : 'no counts yet';
  return card(`Last sweep (${formatTime(sweep.createdTime)})`, sweep.runtimeStatus, progress);
}

function renderStateCards(summary: StateSummary): void {
  const buttons = STATE_NAMES.map((state) =>
    h(
      'button',
      {
        type: 'button',
        class: `card state-card state-${state}`,
        'data-state': state,
        'aria-pressed': query.state === state ? 'true' : 'false',
        'aria-label': `${stateLabel(state)}: ${summary.states[state]} customers. Filter the table.`,
      },
      h('span', { class: 'card-value' }, String(summary.states[state])),
      h('span', { class: 'card-label' }, stateLabel(state)),
    ),
  );
  replaceIfChanged(byId('state-cards'), JSON.stringify([summary.states, query.state]), buttons);
}

function renderOverview(overview: Overview): void {
  changes.show(overview);
  tta.show(overview);
  const days = overview.stateChangesPerDay;
  const total = days.reduce((sum, d) => sum + d.changes, 0);
  const accepted = days.reduce((sum, d) => sum + d.accepted, 0);
  byId('changes-text').textContent =
    `${total} state changes, ${accepted} of them to Accepted, in ${days.length} days${
      overview.stateChangesTruncated ? ' (at least: the audit scan hit its limit)' : ''
    }.`;
  const t = overview.timeToAccepted;
  byId('tta-text').textContent =
    t.count === 0
      ? 'No customer accepted during its run yet.'
      : `${plural(t.count, 'customer')} accepted during their run; median ${plural(t.medianDays ?? 0, 'day')}.`;
  const items = overview.expiringLinks.map((link) =>
    h(
      'li',
      {},
      h('a', { href: `#customer=${link.tenantId}` }, link.companyName),
      ` expires ${formatTime(link.linkExpiresAt)}`,
    ),
  );
  replaceIfChanged(
    byId('expiring'),
    JSON.stringify(overview.expiringLinks),
    items.length ? items : [h('li', {}, 'None in the next 72 hours.')],
  );
}

// ---- table --------------------------------------------------------------------------------------

function tablePath(): string {
  const params = new URLSearchParams({
    sort: query.sort,
    order: query.order,
    page: String(query.page),
    pageSize: String(PAGE_SIZE),
  });
  if (query.state) params.set('state', query.state);
  if (query.search.trim()) params.set('search', query.search.trim());
  return `reports/customers?${params.toString()}`;
}

function renderTable(page: CustomerTablePage): void {
  lastPages = page.pages;
  const rows = page.items.map((c) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('a', { href: `#customer=${c.tenantId}` }, c.companyName)),
      h('td', { class: 'mono wide-only' }, c.tenantId),
      h('td', {}, c.country),
      h(
        'td',
        {},
        h('span', { class: `badge state-${c.state}` }, stateLabel(c.state)),
        c.purchaseBlocked && h('span', { class: 'badge blocked' }, 'Purchase-blocked'),
      ),
      h('td', { class: 'wide-only' }, c.method ?? '—'),
      h('td', { class: 'wide-only' }, formatTime(c.updatedAt)),
    ),
  );
  if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: '6' }, 'No customer matches.')));
  replaceIfChanged(byId('rows'), JSON.stringify(page.items), rows);
  const filtered = query.state || query.search.trim() ? ' matching the filter' : '';
  byId('table-caption').textContent = `${plural(page.total, 'customer')}${filtered}`;
  byId('page-info').textContent = `Page ${page.page} of ${page.pages}`;
  byId<HTMLButtonElement>('prev').disabled = page.page <= 1;
  byId<HTMLButtonElement>('next').disabled = page.page >= page.pages;
}

function setUpFilters(): void {
  const stateSelect = byId<HTMLSelectElement>('filter-state');
  stateSelect.append(
    h('option', { value: '' }, 'All states'),
    ...STATE_NAMES.map((s) => h('option', { value: s }, stateLabel(s))),
  );
  const changed = (): void => {
    query.page = 1;
    void refreshTable();
  };
  stateSelect.addEventListener('change', () => {
    query.state = stateSelect.value;
    changed();
    void refresh();
  });
  let typing: ReturnType<typeof setTimeout> | undefined;
  byId<HTMLInputElement>('filter-search').addEventListener('input', (event) => {
    query.search = (event.target as HTMLInputElement).value;
    clearTimeout(typing);
    typing = setTimeout(changed, 250);
  });
  byId<HTMLSelectElement>('filter-sort').addEventListener('change', (event) => {
    query.sort = (event.target as HTMLSelectElement).value;
    changed();
  });
  byId<HTMLSelectElement>('filter-order').addEventListener('change', (event) => {
    query.order = (event.target as HTMLSelectElement).value;
    changed();
  });
  byId('filters').addEventListener('submit', (event) => event.preventDefault());
  byId('prev').addEventListener('click', () => {
    query.page = Math.max(1, query.page - 1);
    void refreshTable();
  });
  byId('next').addEventListener('click', () => {
    query.page = Math.min(lastPages, query.page + 1);
    void refreshTable();
  });
  byId('state-cards').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-state]');
    if (!button) return;
    query.state = query.state === button.dataset.state ? '' : (button.dataset.state ?? '');
    stateSelect.value = query.state;
    changed();
    void refresh();
  });
}

// ---- one customer -------------------------------------------------------------------------------

function selectedTenant(): string | undefined {
  const match = /^#customer=([0-9a-fA-F-]{36})$/.exec(location.hash);
  return match?.[1]?.toLowerCase();
}

function field(name: string, value: string): Node[] {
  return [h('dt', {}, name), h('dd', {}, value)];
}

function renderDetail(status: CustomerStatus, companyName: string): void {
  byId('detail-heading').textContent = companyName;
  replaceIfChanged(byId('detail-fields'), JSON.stringify({ ...status, history: undefined }), [
    ...field('Tenant', status.tenantId),
    ...field('State', stateLabel(status.state)),
    ...field(
      'Purchases',
      status.purchaseAllowed ? 'Allowed' : status.purchaseBlocked ? 'Blocked by Partner Center' : 'Not yet',
    ),
    ...field('Method', status.method ?? '—'),
    ...field('Accepted', formatTime(status.acceptedAt)),
    ...field('Next reminder', formatTime(status.nextReminderAt)),
    ...field('Why', status.reason ?? '—'),
    ...field('Last change', formatTime(status.updatedAt)),
  ]);
  const timeline = status.history.map((entry) =>
    h(
      'li',
      {},
      h('time', { datetime: entry.at }, formatTime(entry.at)),
      ' ',
      h('strong', {}, entry.action),
      ` by ${entry.actor}`,
      entry.detail && h('span', { class: 'detail' }, ` — ${entry.detail}`),
    ),
  );
  replaceIfChanged(
    byId('timeline'),
    JSON.stringify(status.history),
    timeline.length ? timeline : [h('li', {}, 'Nothing recorded yet.')],
  );
  renderActions(status.tenantId);
}

interface Action {
  name: 'recheck' | 'remind' | 'confirm';
  label: string;
  explain: string;
}

const ACTIONS: Action[] = [
  { name: 'recheck', label: 'Recheck now', explain: 'Check Partner Center again now. No mail is sent.' },
  { name: 'remind', label: 'Send reminder', explain: 'Send the next reminder mail to the customer now.' },
  {
    name: 'confirm',
    label: 'Confirm acceptance',
    explain:
      'Record that the customer accepted the MCA (reseller deployments, where Partner Center cannot show it).',
  },
];

function renderActions(tenantId: string): void {
  const container = byId('actions');
  const key = `${tenantId}:${canOperate}:${deployment}`;
  if (!canOperate) {
    replaceIfChanged(container, key, [
      h('p', { class: 'note' }, 'Read only: your roles do not include Mca.Operate.'),
    ]);
    return;
  }
  const buttons = ACTIONS.filter((a) => a.name !== 'confirm' || deployment !== 'direct').map((action) => {
    const button = h('button', { type: 'button', 'data-action': action.name }, action.label);
    button.addEventListener('click', () => void confirmAndRun(tenantId, action));
    return button;
  });
  replaceIfChanged(container, key, buttons);
}

function selectField(label: string, name: string, options: [value: string, text: string][]): HTMLElement {
  const select = h(
    'select',
    { name, required: true },
    ...options.map(([value, text]) => h('option', { value }, text)),
  );
  return h('label', {}, `${label} `, select);
}

function confirmFields(): Node[] {
  const today = new Date().toISOString().slice(0, 10);
  return [
    selectField('Method', 'method', [
      ['direct', 'Direct (admin center)'],
      ['attestation', 'Attestation'],
    ]),
    h(
      'label',
      {},
      'Accepted on ',
      h('input', { name: 'acceptedOn', type: 'date', required: true, max: today, value: today }),
    ),
    selectField('Confirmed by', 'confirmedBy', [
      ['operator', 'Operator'],
      ['indirectProvider', 'Indirect provider'],
    ]),
  ];
}

/** The confirmation step: nothing is sent until the operator presses Confirm in the dialog. */
async function confirmAndRun(tenantId: string, action: Action): Promise<void> {
  const dialog = byId<HTMLDialogElement>('confirm-dialog');
  byId('confirm-title').textContent = `${action.label}?`;
  byId('confirm-text').textContent =
    `${action.explain} Customer: ${byId('detail-heading').textContent ?? tenantId}.`;
  byId('confirm-fields').replaceChildren(...(action.name === 'confirm' ? confirmFields() : []));
  const answer = await new Promise<string>((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
    dialog.returnValue = 'cancel';
    dialog.showModal();
    byId('confirm-ok').focus();
  });
  const result = byId('action-result');
  if (answer !== 'ok') {
    result.textContent = `${action.label}: cancelled.`;
    return;
  }
  let body: string | undefined;
  if (action.name === 'confirm') {
    const form = new FormData(byId<HTMLFormElement>('confirm-form'));
    const acceptedOn =
      byId<HTMLInputElement>('confirm-form').querySelector<HTMLInputElement>('input[name=acceptedOn]')
        ?.value ?? '';
    body = JSON.stringify({
      method: form.get('method'),
      acceptedAt: new Date(`${acceptedOn}T00:00:00Z`).toISOString(),
      confirmedBy: form.get('confirmedBy'),
    });
  }
  result.textContent = `${action.label}: sending…`;
  try {
    const answerBody = await api<unknown>(`customers/${tenantId}/mca/${action.name}`, {
      method: 'POST',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body,
    });
    result.textContent = `${action.label}: done. The API answered ${JSON.stringify(answerBody)}`;
  } catch (error) {
    if (error instanceof ApiError) {
      if (action.name === 'confirm' && error.status === 409) deployment = 'direct';
      result.textContent = `${action.label}: refused (HTTP ${error.status}). The API answered ${JSON.stringify(error.body)}`;
    } else {
      result.textContent = `${action.label}: the API could not be reached.`;
    }
  }
  void refresh();
}

async function refreshDetail(focus = false): Promise<void> {
  const section = byId('detail');
  const tenantId = selectedTenant();
  if (!tenantId) {
    section.hidden = true;
    return;
  }
  try {
    const [status, row] = await Promise.all([
      api<CustomerStatus>(`customers/${tenantId}/mca`),
      api<CustomerTablePage>(`reports/customers?search=${tenantId}&pageSize=1`),
    ]);
    section.hidden = false;
    renderDetail(status, row.items[0]?.companyName ?? tenantId);
  } catch (error) {
    section.hidden = false;
    byId('detail-heading').textContent =
      error instanceof ApiError && error.status === 404 ? 'No such customer' : 'Could not load the customer';
  }
  if (focus) byId('detail-heading').focus();
}

// ---- refresh loop -------------------------------------------------------------------------------

async function optional<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch {
    return undefined;
  }
}

async function refreshTable(): Promise<void> {
  renderTable(await api<CustomerTablePage>(tablePath()));
}

async function refresh(): Promise<void> {
  const error = byId('load-error');
  try {
    const [summary, overview, deadLetters, sweep] = await Promise.all([
      api<StateSummary>('reports/summary'),
      optional(api<Overview>('reports/overview')),
      optional(api<DeadLetterCount>('reports/dead-letters')),
      api<LatestSweep>('sweeps/latest').catch((e: unknown) =>
        e instanceof ApiError && e.status === 404 ? null : undefined,
      ),
      refreshTable(),
      refreshDetail(),
    ]);
    renderGlance(summary, overview, deadLetters, sweep);
    renderStateCards(summary);
    if (overview) renderOverview(overview);
    error.hidden = true;
    byId('live-status').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    error.hidden = false;
    error.textContent = `The API did not answer (${e instanceof ApiError ? `HTTP ${e.status}` : 'no connection'}); trying again.`;
  }
}

function start(): void {
  setUpFilters();
  byId('pause').addEventListener('click', (event) => {
    paused = !paused;
    const button = event.currentTarget as HTMLButtonElement;
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = paused ? 'Resume updates' : 'Pause updates';
    byId('live-status').textContent = paused ? 'Updates paused' : 'Updating…';
    if (!paused) void refresh();
  });
  byId('detail-close').addEventListener('click', (event) => {
    event.preventDefault();
    history.pushState(null, '', location.pathname + location.search);
    byId('detail').hidden = true;
    byId('customers-heading').focus();
  });
  window.addEventListener('hashchange', () => void refreshDetail(true));
  void loadAccess().then(() => refreshDetail(Boolean(selectedTenant())));
  void refresh();
  setInterval(() => {
    if (!paused && document.visibilityState === 'visible') void refresh();
  }, REFRESH_MS);
}

start();
