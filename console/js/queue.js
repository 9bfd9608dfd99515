// The stuck-case queue (supervisors), the role queues, and a merchant's own cases: most overdue first, paged.
import { api } from './api.js';
import { countdown, el, guarded } from './dom.js';

// The case kinds and parties come from the contract, through GET /console/config.json (useContractLists).
let KINDS = [];
let PARTIES = [];

/** Takes the filter lists from the console's settings. */
export function useContractLists(config) {
  KINDS = config.kinds || [];
  PARTIES = config.parties || [];
}
const QUEUE_ROLES = ['cs_lead', 'senior_agent', 'platform', 'safety_owner', 'merchant', 'agent'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

const select = (name, label, options, value) =>
  el('label', {}, label, el('select', { name }, el('option', { value: '' }, 'any'), options.map((o) => el('option', { value: o, selected: o === value }, o))));
const input = (name, label, value, attrs = {}) => el('label', {}, label, el('input', { name, value: value || '', ...attrs }));

/** One row per case; what the stuck list, the role queues and the merchant's list share. */
export function caseRow(item) {
  const breaches = (item.openBreaches || []).map((b) => el('span', { class: 'badge breached' }, `${b.clock} (${b.owingParty})`));
  return el(
    'tr',
    { 'data-case-id': item.caseId },
    el('td', {}, el('a', { href: `#/case/${encodeURIComponent(item.caseId)}` }, item.caseId)),
    el('td', {}, item.kind),
    el('td', {}, item.status),
    el('td', {}, item.merchantId || '—'),
    el('td', { class: 'owing' }, item.owingParty || item.waitingOn || '—'),
    el('td', {}, item.nextDeadlineClock || '', ' ', countdown(item.nextDeadline)),
    el('td', {}, breaches, (item.reasons || []).map((r) => el('span', { class: 'badge' }, r))),
    el('td', {}, item.priority || ''),
  );
}

function caseTable(caption) {
  const tbody = el('tbody');
  const table = el(
    'table',
    { class: 'cases' },
    el('caption', { class: 'muted' }, caption),
    el('thead', {}, el('tr', {}, ['Case', 'Kind', 'Status', 'Merchant', 'Owing party', 'Next deadline', 'Breaches / why listed', 'Priority'].map((h) => el('th', { scope: 'col' }, h)))),
    tbody,
  );
  return { table, tbody };
}

/** Renders the rows of one page in one DOM insertion (a fragment), so a long page lays out once. */
export function appendRows(tbody, items) {
  const fragment = document.createDocumentFragment();
  for (const item of items) fragment.append(caseRow(item));
  tbody.append(fragment);
}

/** A paged list: "Show more" appends the next page (the API's nextCursor) under the rows already shown. */
function pagedList(container, caption, fetchPage) {
  const { table, tbody } = caseTable(caption);
  const status = el('span', { class: 'muted', 'aria-live': 'polite' });
  const more = el('button', { type: 'button', hidden: true }, 'Show more');
  let cursor;
  const load = async () => {
    more.disabled = true;
    const page = await guarded(() => fetchPage(cursor));
    more.disabled = false;
    if (!page) return;
    appendRows(tbody, page.items);
    cursor = page.nextCursor;
    more.hidden = !cursor;
    status.textContent = `${tbody.rows.length} case${tbody.rows.length === 1 ? '' : 's'} shown${cursor ? '; more to load' : ''}${page.asOf ? `, as of ${new Date(page.asOf).toLocaleTimeString()}` : ''}`;
  };
  more.addEventListener('click', load);
  container.replaceChildren(table, el('div', { class: 'pager' }, more, status));
  return load();
}

function queryOf(form, extra = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) params.set(name, String(value));
  for (const [name, value] of Object.entries(extra)) if (value) params.set(name, value);
  return params;
}

export function renderStuckQueue(main, params) {
  const form = el(
    'form',
    { class: 'filters', 'aria-label': 'Filters' },
    select('state', 'State', ['breached', 'within', 'idle'], params.get('state')),
    input('within', 'Due within (ISO duration)', params.get('within'), { placeholder: 'PT4H', size: 8 }),
    input('idleFor', 'Idle for', params.get('idleFor'), { placeholder: 'P2D', size: 8 }),
    select('kind', 'Kind', KINDS, params.get('kind')),
    select('owingParty', 'Owing party', PARTIES, params.get('owingParty')),
    input('merchantId', 'Merchant', params.get('merchantId'), { size: 12 }),
    input('clock', 'Clock', params.get('clock'), { size: 14 }),
    select('escalatedTo', 'Escalated to', PARTIES, params.get('escalatedTo')),
    select('priority', 'Priority', PRIORITIES, params.get('priority')),
    el('label', {}, 'Page size', el('input', { name: 'limit', type: 'number', min: 1, max: 500, value: params.get('limit') || '100', size: 4 })),
    el('button', { type: 'submit', class: 'primary' }, 'Apply'),
  );
  const list = el('div');
  main.replaceChildren(el('h2', {}, 'Stuck cases'), el('p', { class: 'muted' }, 'Open cases with a deadline passed or due soon, idle, or a refused refund — most overdue first.'), form, list);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/queue?${queryOf(form)}`;
  });
  return pagedList(list, 'Stuck cases, most overdue first', (cursor) => api(`/supervisor/stuck-cases?${queryOf(form, { cursor })}`));
}

export function renderRoleQueue(main, role) {
  const tabs = el('nav', { class: 'tabs', 'aria-label': 'Role queues' }, QUEUE_ROLES.map((r) => el('a', { href: `#/queues/${r}`, 'aria-current': r === role ? 'page' : undefined }, r)));
  const list = el('div');
  main.replaceChildren(el('h2', {}, `Queue: ${role}`), tabs, list);
  return pagedList(list, `Cases escalated to ${role}, most overdue first`, (cursor) => api(`/queues/${encodeURIComponent(role)}?limit=100${cursor ? `&cursor=${cursor}` : ''}`));
}

/** A merchant's (or any scoped caller's) own cases, newest first: GET /cases answers only those. */
export function renderOwnCases(main, params) {
  const form = el('form', { class: 'filters', 'aria-label': 'Filters' }, select('kind', 'Kind', KINDS, params.get('kind')), el('button', { type: 'submit', class: 'primary' }, 'Apply'));
  const list = el('div');
  main.replaceChildren(el('h2', {}, 'My cases'), form, list);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/queue?${queryOf(form)}`;
  });
  return pagedList(list, 'Your cases, newest first', (cursor) => api(`/cases?${queryOf(form, { limit: '100', cursor })}`));
}
