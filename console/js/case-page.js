// One case: status, parties (as masked by the API for the caller), clocks, audit timeline, and its allowed commands.
import { api } from './api.js';
import { openCommandForm } from './command-form.js';
import { clearProblem, countdown, dateTime, el, guarded } from './dom.js';
import { limitText, t, term, termIn } from './i18n.js';

let CLOCK_LIMITS = {};
/** Each clock's limit under the policy in force (GET /console/config.json), in the policy's own unit. */
export function useClockLimits(config) {
  CLOCK_LIMITS = config.clockLimits || {};
}
/** The policy's limit of a clock ("1 working day"), else the clock's own (a clock counted from receipt carries the time left). */
export const clockLimitText = (name, own) => limitText(CLOCK_LIMITS[name] || own);

const facts = (pairs) => el('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));

function clocksTable(clocks) {
  const headers = ['clock.col.clock', 'clock.col.owner', 'clock.col.limit', 'clock.col.state', 'clock.col.deadline', 'clock.col.left'];
  return el(
    'table',
    {},
    el('caption', { class: 'muted' }, t('case.clocks')),
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, t(h))))),
    el(
      'tbody',
      {},
      clocks.map((c) =>
        el(
          'tr',
          { 'data-clock': c.name },
          el('td', {}, term('clock', c.name)),
          el('td', {}, term('party', c.owner)),
          el('td', { class: 'limit' }, clockLimitText(c.name, c.limit)),
          el('td', {}, el('span', { class: `badge ${c.status === 'breached' ? 'breached' : ''}` }, term('clockStatus', c.status)), c.satisfiedAt ? ` ${t('clock.done', { time: dateTime(c.satisfiedAt) })}` : ''),
          el('td', {}, dateTime(c.deadline)),
          el('td', {}, c.status === 'running' ? countdown(new Date(c.deadline).toISOString()) : '—'),
        ),
      ),
    ),
  );
}

let companies;
/** The partner companies (GET /partner-companies), asked once: their names, and each kind's default company. */
export async function partnerCompanies() {
  companies ??= api('/partner-companies')
    .then((r) => r.companies)
    .catch(() => []);
  return companies;
}

/** The courier, warehouse and repair provider companies of the case, by name (the order's, else the kind's default). */
function companyFacts(view, known) {
  const order = view.order || {};
  const name = (id) => {
    const company = known.find((c) => c.id === id);
    return el('span', { 'data-company': id }, company ? company.name : id);
  };
  const of = (kind, id) => {
    const chosen = id || (known.find((c) => c.kind === kind && c.default) || {}).id;
    return chosen ? name(chosen) : undefined;
  };
  return [
    [t('case.courierCompany'), of('courier', order.courierId)],
    [t('case.returnCourierCompany'), view.returnCourierId ? name(view.returnCourierId) : undefined],
    [t('case.warehouseCompany'), of('warehouse', order.warehouseId)],
    [t('case.repairCompany'), of('repair_provider', order.repairProviderId)],
  ];
}

const actorText = (actor) => (actor ? [term('party', actor.role), actor.id].filter(Boolean).join(' ') : t('audit.system'));

function timeline(audit) {
  return el(
    'ol',
    { class: 'timeline', 'aria-label': t('audit.title') },
    audit.map((a) =>
      el(
        'li',
        {},
        el('strong', {}, termIn(['action', 'command', 'status'], a.action)),
        ` — ${actorText(a.actor)}, ${dateTime(a.at)}`,
        a.fromStatus !== a.toStatus ? el('div', { class: 'muted' }, `${term('status', a.fromStatus)} → ${term('status', a.toStatus)}`) : null,
        a.reason ? el('div', {}, t('audit.reason', { reason: a.reason })) : null,
        a.evidence && a.evidence.length ? el('div', {}, t('audit.evidence'), a.evidence.map((e) => el('a', { href: e.uri, rel: 'noreferrer', target: '_blank' }, term('value', e.kind) || e.uri)).flatMap((x, i) => (i ? [', ', x] : [x]))) : null,
      ),
    ),
  );
}

export async function renderCase(main, caseId, config) {
  const view = await guarded(() => api(`/cases/${encodeURIComponent(caseId)}`));
  if (!view) {
    main.replaceChildren(el('p', {}, el('a', { href: '#/queue' }, t('case.back'))));
    return;
  }
  await paintCase(main, view, config);
}

async function paintCase(main, view, config) {
  const caseId = view.caseId;
  const [allowed, audit, known] = await Promise.all([
    api(`/cases/${encodeURIComponent(caseId)}/actions`).catch(() => ({ actions: [] })),
    view.audit ? Promise.resolve({ audit: view.audit }) : api(`/cases/${encodeURIComponent(caseId)}/audit`).catch(() => ({ audit: [] })),
    partnerCompanies(),
  ]);
  const temporalUrl = `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(caseId)}`;
  const repaint = async (next) => {
    clearProblem();
    await paintCase(main, next, config);
  };
  const send = (name) => (body) => api(`/cases/${encodeURIComponent(caseId)}/commands/${name.replace(/_/g, '-')}`, { method: 'POST', body });
  const clockNames = (view.clocks || []).map((c) => c.name);
  const order = view.order || {};
  const customer = view.customer || {};
  main.replaceChildren(
    el('p', {}, el('a', { href: '#/queue' }, t('case.back'))),
    el('h2', {}, t('case.title', { id: caseId })),
    el(
      'div',
      { class: 'grid' },
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'case-status' },
        el('h3', { id: 'case-status' }, t('case.status')),
        facts([
          [t('case.status'), el('strong', { id: 'case-status-value', 'data-status': view.status }, term('status', view.status))],
          [t('case.outcome'), view.outcome ? termIn(['value', 'status'], view.outcome) : undefined],
          [t('case.kind'), term('kind', view.kind)],
          [t('case.owing'), view.owingParty ? term('party', view.owingParty) : undefined],
          [t('case.nextDeadline'), view.nextDeadline ? el('span', {}, view.nextDeadlineClock ? term('clock', view.nextDeadlineClock) : '', ' ', countdown(new Date(view.nextDeadline).toISOString()), ' ', el('span', { class: 'muted' }, dateTime(view.nextDeadline))) : undefined],
          [t('case.priority'), el('span', { id: 'case-priority', 'data-priority': view.priority || '' }, view.priority ? term('priority', view.priority) : t('notSet'))],
          [t('case.agent'), view.assignedAgentId],
          [t('case.opened'), dateTime(view.openedAt)],
          [t('case.closed'), view.closedAt ? dateTime(view.closedAt) : undefined],
          [t('case.version'), view.version],
        ]),
        el('p', {}, el('a', { href: temporalUrl, target: '_blank', rel: 'noreferrer' }, t('case.temporal'))),
      ),
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'case-parties' },
        el('h3', { id: 'case-parties' }, t('case.parties')),
        facts([
          [t('case.customer'), customer.name],
          [t('case.phone'), customer.phone],
          [t('case.email'), customer.email],
          [t('col.merchant'), order.merchantId],
          [t('case.order'), order.orderId],
          [t('case.paid'), order.paidAmountCents !== undefined ? `${(order.paidAmountCents / 100).toFixed(2)} ${order.currency}` : undefined],
          // A partner's view of the case (no facts) leaves the order's companies out: none would be shown as the default.
          ...(view.order && view.facts ? companyFacts(view, known) : []),
        ]),
      ),
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'case-actions' },
        el('h3', { id: 'case-actions' }, t('case.actions')),
        allowed.actions.length
          ? el('div', { class: 'actions' }, allowed.actions.map((name) => el('button', { type: 'button', 'data-command': name, onclick: () => openCommandForm(name, { clocks: clockNames }, send(name), repaint) }, term('command', name))))
          : el('p', { class: 'muted' }, t('case.noActions')),
      ),
    ),
    el('section', { class: 'card', 'aria-label': t('case.clocks') }, el('div', { class: 'scroll' }, clocksTable(view.clocks || []))),
    el('section', { class: 'card', 'aria-labelledby': 'case-audit' }, el('h3', { id: 'case-audit' }, t('audit.title')), timeline(audit.audit || [])),
  );
}
