// The stuck-case queue (supervisors), the role queues, and a merchant's own cases: most overdue first, paged. The stuck
// queue and the role queues refresh by themselves: a poll asks again with the ETag of the last answer (304 when
// nothing changed), and a changed answer replaces only the rows that changed, so scroll position and focus stay; a
// breach not seen before is announced in the page's live region.
import { api, apiIfChanged } from './api.js';
import { countdown, el, guarded } from './dom.js';
import { forecastCard } from './forecast.js';
import { t, term, timeText } from './i18n.js';

// The case kinds and parties come from the contract, through GET /console/config.json (useContractLists).
let KINDS = [];
let PARTIES = [];
let POLL_MS = 5000;

/** Takes the filter lists and the refresh interval from the console's settings. */
export function useContractLists(config) {
  KINDS = config.kinds || [];
  PARTIES = config.parties || [];
  if (config.pollSeconds > 0) POLL_MS = config.pollSeconds * 1000;
}
const QUEUE_ROLES = ['cs_lead', 'senior_agent', 'platform', 'safety_owner', 'merchant', 'agent'];
const SENIOR_AGENT_QUEUES = ['senior_agent', 'cs_lead'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const MAX_LIMIT = 500;

let liveTimer;
/** Ends the refresh of the list on screen (the router calls it before every page). */
export function stopLive() {
  clearTimeout(liveTimer);
  liveTimer = undefined;
  const live = document.getElementById('live');
  if (live) live.replaceChildren();
}

const select = (name, label, options, value, labelOf = (o) => o) =>
  el('label', {}, label, el('select', { name }, el('option', { value: '' }, t('any')), options.map((o) => el('option', { value: o, selected: o === value }, labelOf(o)))));
const input = (name, label, value, attrs = {}) => el('label', {}, label, el('input', { name, value: value || '', ...attrs }));

/** One row per case; what the stuck list, the role queues and the merchant's list share. */
export function caseRow(item) {
  const breaches = (item.openBreaches || []).map((b) => el('span', { class: 'badge breached', 'data-clock': b.clock }, `${term('clock', b.clock)} (${term('party', b.owingParty)})`));
  const owing = item.owingParty || item.waitingOn;
  return el(
    'tr',
    { 'data-case-id': item.caseId },
    el('td', { class: 'case-id' }, el('a', { href: `#/case/${encodeURIComponent(item.caseId)}` }, item.caseId)),
    el('td', {}, term('kind', item.kind)),
    el('td', {}, term('status', item.status)),
    el('td', {}, item.merchantId || '—'),
    el('td', { class: 'owing', 'data-party': owing || '' }, owing ? term('party', owing) : '—'),
    el('td', {}, item.nextDeadlineClock ? term('clock', item.nextDeadlineClock) : '', ' ', countdown(item.nextDeadline)),
    el('td', {}, breaches, (item.reasons || []).filter((r) => !(r === 'deadline_breached' && breaches.length)).map((r) => el('span', { class: 'badge' }, term('reason', r)))),
    // A case without a priority says so (a blank cell reads as a rendering fault).
    el('td', { class: 'priority', 'data-priority': item.priority || '' }, item.priority ? term('priority', item.priority) : el('span', { class: 'muted', title: t('notSet') }, '—')),
  );
}

function caseTable(caption) {
  const tbody = el('tbody');
  const headers = ['col.case', 'col.kind', 'col.status', 'col.merchant', 'col.owing', 'col.deadline', 'col.why', 'col.priority'];
  const table = el('table', { class: 'cases' }, el('caption', { class: 'muted' }, caption), el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, t(h))))), tbody);
  return { table, tbody };
}

/** Renders the rows of one page in one DOM insertion (a fragment), so a long page lays out once. */
export function appendRows(tbody, items) {
  const fragment = document.createDocumentFragment();
  for (const item of items) fragment.append(caseRow(item));
  tbody.append(fragment);
}

const breachKeys = (item) => (item.openBreaches || []).map((b) => `${item.caseId}|${b.clock}`);

/** Tells the live region (role=status) once per new breach: a line each, the last few kept. */
function announce(fresh) {
  if (!fresh.length) return;
  const live = document.getElementById('live');
  const lines = fresh.map(({ item, breach }) => t('live.newBreach', { caseId: item.caseId, clock: term('clock', breach.clock), party: term('party', breach.owingParty) }));
  live.append(el('p', {}, lines.length === 1 ? lines[0] : t('live.newBreaches', { n: lines.length, list: lines.join('; ') })));
  while (live.childElementCount > 5) live.firstElementChild.remove();
}

/**
 * A paged list: "Show more" appends the next page (the API's nextCursor) under the rows already shown. With `live`,
 * the rows shown are asked for again every POLL_MS (If-None-Match: the last ETag) and reconciled in place.
 */
function pagedList(container, caption, pathFor, { pageSize = 100, live = false } = {}) {
  const { table, tbody } = caseTable(caption);
  const status = el('span', { class: 'muted' });
  const more = el('button', { type: 'button', hidden: true }, t('showMore'));
  const rows = new Map(); // caseId → { tr, json }
  const seen = new Set(); // breaches already shown: caseId|clock
  const etags = new Map(); // limit → ETag of the last answer
  let cursor;
  let asOf;

  const showStatus = () => {
    const n = tbody.rows.length;
    status.textContent = `${n === 1 ? t('shown.one') : t('shown', { n })}${cursor ? t('shown.more') : ''}${asOf ? t('asOf', { time: timeText(Date.parse(asOf)) }) : ''}`;
  };
  const remember = (items) => {
    for (const item of items) for (const key of breachKeys(item)) seen.add(key);
  };
  const load = async () => {
    more.disabled = true;
    const page = await guarded(() => api(pathFor(cursor, pageSize)));
    more.disabled = false;
    if (!page) return;
    const fragment = document.createDocumentFragment();
    for (const item of page.items) {
      if (rows.has(item.caseId)) continue;
      const tr = caseRow(item);
      rows.set(item.caseId, { tr, json: JSON.stringify(item) });
      fragment.append(tr);
    }
    tbody.append(fragment);
    remember(page.items);
    cursor = page.nextCursor;
    asOf = page.asOf;
    more.hidden = !cursor;
    showStatus();
  };

  /** The first `limit` rows become `items`, in their order; unchanged rows keep their nodes (and so focus). */
  const reconcile = (items, limit) => {
    const focusedRow = document.activeElement && document.activeElement.closest ? document.activeElement.closest('tr[data-case-id]') : null;
    const focusedId = focusedRow && tbody.contains(focusedRow) ? focusedRow.dataset.caseId : undefined;
    const wanted = new Set(items.map((i) => i.caseId));
    // Rows of the refreshed head that left it: gone from the list (or moved past the head, then read again by "Show more").
    const head = Array.from(tbody.rows).slice(0, limit);
    for (const tr of head) {
      if (!wanted.has(tr.dataset.caseId)) {
        tr.remove();
        rows.delete(tr.dataset.caseId);
      }
    }
    const fresh = [];
    let refocus;
    items.forEach((item, index) => {
      const json = JSON.stringify(item);
      let entry = rows.get(item.caseId);
      if (!entry || entry.json !== json) {
        const tr = caseRow(item);
        for (const key of breachKeys(item)) {
          if (!seen.has(key)) {
            fresh.push({ item, breach: item.openBreaches.find((b) => `${item.caseId}|${b.clock}` === key) });
            tr.classList.add('fresh');
          }
        }
        if (entry) {
          if (item.caseId === focusedId) refocus = tr;
          entry.tr.replaceWith(tr);
        }
        entry = { tr, json };
        rows.set(item.caseId, entry);
      }
      const at = tbody.rows[index];
      if (at !== entry.tr) tbody.insertBefore(entry.tr, at || null);
    });
    remember(items);
    if (refocus) refocus.querySelector('a').focus({ preventScroll: true });
    announce(fresh);
  };

  const poll = async () => {
    liveTimer = undefined;
    if (!container.isConnected) return;
    if (!document.hidden) {
      const limit = Math.min(MAX_LIMIT, Math.max(pageSize, tbody.rows.length));
      try {
        const answer = await apiIfChanged(pathFor(undefined, limit), etags.get(limit));
        if (!container.isConnected) return;
        if (!answer.notModified) {
          if (answer.etag) etags.set(limit, answer.etag);
          reconcile(answer.body.items, limit);
          // The rows past the refreshed head keep their own cursor; without any, the head's cursor pages on.
          if (tbody.rows.length <= limit) {
            cursor = answer.body.nextCursor;
            more.hidden = !cursor;
          }
          asOf = answer.body.asOf;
          showStatus();
        }
      } catch {
        // A failed refresh leaves the rows shown; the next one tries again.
      }
    }
    if (container.isConnected && liveTimer === undefined) liveTimer = setTimeout(poll, POLL_MS);
  };

  more.addEventListener('click', load);
  container.replaceChildren(el('div', { class: 'scroll' }, table), el('div', { class: 'pager' }, more, status), live ? el('p', { class: 'muted' }, t('live.refreshed', { s: POLL_MS / 1000 })) : null);
  return load().then(() => {
    if (live) {
      stopLive();
      liveTimer = setTimeout(poll, POLL_MS);
    }
  });
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
    { class: 'filters', 'aria-label': t('queue.filters') },
    select('state', t('filter.state'), ['breached', 'within', 'idle'], params.get('state'), (s) => t(`state.${s}`)),
    input('within', t('filter.within'), params.get('within'), { placeholder: 'PT4H', size: 8 }),
    input('idleFor', t('filter.idleFor'), params.get('idleFor'), { placeholder: 'P2D', size: 8 }),
    select('kind', t('filter.kind'), KINDS, params.get('kind'), (k) => term('kind', k)),
    select('owingParty', t('filter.owingParty'), PARTIES, params.get('owingParty'), (p) => term('party', p)),
    input('merchantId', t('filter.merchant'), params.get('merchantId'), { size: 12 }),
    input('clock', t('filter.clock'), params.get('clock'), { size: 14 }),
    select('escalatedTo', t('filter.escalatedTo'), PARTIES, params.get('escalatedTo'), (p) => term('party', p)),
    select('priority', t('filter.priority'), PRIORITIES, params.get('priority'), (p) => term('priority', p)),
    el('label', {}, t('filter.limit'), el('input', { name: 'limit', type: 'number', min: 1, max: 500, value: params.get('limit') || '100', size: 4 })),
    el('button', { type: 'submit', class: 'primary' }, t('apply')),
  );
  const list = el('div');
  main.replaceChildren(el('h2', {}, t('queue.title')), forecastCard(), el('p', { class: 'muted' }, t('queue.intro')), form, list);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/queue?${queryOf(form)}`;
  });
  const filters = queryOf(form);
  const pageSize = Number(filters.get('limit')) || 100;
  filters.delete('limit');
  return pagedList(
    list,
    t('queue.caption'),
    (cursor, limit) => {
      const q = new URLSearchParams(filters);
      q.set('limit', String(limit));
      if (cursor) q.set('cursor', cursor);
      return `/supervisor/stuck-cases?${q}`;
    },
    { pageSize, live: true },
  );
}

export function renderRoleQueue(main, role, me) {
  const roles = me && me.role === 'senior_agent' ? SENIOR_AGENT_QUEUES : QUEUE_ROLES;
  const tabs = el('nav', { class: 'tabs', 'aria-label': t('roleQueue.tabs') }, roles.map((r) => el('a', { href: `#/queues/${r}`, 'aria-current': r === role ? 'page' : undefined, 'data-role': r }, term('party', r))));
  const list = el('div');
  main.replaceChildren(el('h2', {}, t('roleQueue.title', { role: term('party', role) })), tabs, list);
  return pagedList(list, t('roleQueue.caption', { role: term('party', role) }), (cursor, limit) => `/queues/${encodeURIComponent(role)}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { live: true });
}

/** A merchant's (or any scoped caller's) own cases, newest first: GET /cases answers only those. */
export function renderOwnCases(main, params) {
  const form = el('form', { class: 'filters', 'aria-label': t('queue.filters') }, select('kind', t('filter.kind'), KINDS, params.get('kind'), (k) => term('kind', k)), el('button', { type: 'submit', class: 'primary' }, t('apply')));
  const list = el('div');
  main.replaceChildren(el('h2', {}, t('own.title')), form, list);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/queue?${queryOf(form)}`;
  });
  return pagedList(list, t('own.caption'), (cursor, limit) => `/cases?${queryOf(form, { limit: String(limit), cursor })}`);
}
