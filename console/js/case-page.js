// One case: status, parties (as masked by the API for the caller), clocks, audit timeline, and its allowed commands.
import { api } from './api.js';
import { clearProblem, countdown, dateTime, el, guarded, showProblem } from './dom.js';

let examples;
/** Each command's example body, from the API's OpenAPI document, to start the form from. */
async function commandExample(name) {
  examples ??= api('/openapi.json').then((doc) => doc.paths).catch(() => ({}));
  const paths = await examples;
  const op = paths[`/cases/{id}/commands/${name.replace(/_/g, '-')}`];
  const example = op && op.post && op.post.requestBody && op.post.requestBody.content['application/json'].example;
  const { reason: _reason, ...rest } = example || {};
  return rest;
}

const facts = (pairs) => el('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));

function clocksTable(clocks) {
  return el(
    'table',
    {},
    el('caption', { class: 'muted' }, 'SLA clocks'),
    el('thead', {}, el('tr', {}, ['Clock', 'Owner', 'State', 'Deadline', 'Time left'].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      clocks.map((c) =>
        el(
          'tr',
          { 'data-clock': c.name },
          el('td', {}, c.name),
          el('td', {}, c.owner),
          el('td', {}, el('span', { class: `badge ${c.status === 'breached' ? 'breached' : ''}` }, c.status), c.satisfiedAt ? ` done ${dateTime(c.satisfiedAt)}` : ''),
          el('td', {}, dateTime(c.deadline)),
          el('td', {}, c.status === 'running' ? countdown(new Date(c.deadline).toISOString()) : '—'),
        ),
      ),
    ),
  );
}

function timeline(audit) {
  return el(
    'ol',
    { class: 'timeline', 'aria-label': 'Audit timeline' },
    audit.map((a) =>
      el(
        'li',
        {},
        el('strong', {}, a.action),
        ` — ${a.actor ? [a.actor.role, a.actor.id].filter(Boolean).join(' ') : 'system'}, ${dateTime(a.at)}`,
        a.fromStatus !== a.toStatus ? el('div', { class: 'muted' }, `${a.fromStatus} → ${a.toStatus}`) : null,
        a.reason ? el('div', {}, `Reason: ${a.reason}`) : null,
        a.evidence && a.evidence.length ? el('div', {}, 'Evidence: ', a.evidence.map((e) => el('a', { href: e.uri, rel: 'noreferrer', target: '_blank' }, e.kind || e.uri)).flatMap((x, i) => (i ? [', ', x] : [x]))) : null,
      ),
    ),
  );
}

/** A dialog asking for the command's reason (and its body, prefilled from the API's example); sends it on submit. */
async function commandDialog(caseId, name, onDone) {
  const example = await commandExample(name);
  const reason = el('textarea', { id: 'command-reason', name: 'reason', rows: 2, required: true });
  const body = el('textarea', { id: 'command-body', name: 'body', rows: 5, spellcheck: 'false' });
  body.value = JSON.stringify(example, null, 2);
  const dialog = el(
    'dialog',
    { 'aria-labelledby': 'command-title' },
    el(
      'form',
      { class: 'stack', method: 'dialog' },
      el('h3', { id: 'command-title' }, `Send “${name}”`),
      el('label', { for: 'command-reason' }, 'Reason (recorded in the audit trail)'),
      reason,
      el('label', { for: 'command-body' }, 'Command body (JSON)'),
      body,
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', value: 'send' }, 'Send'), el('button', { type: 'submit', value: 'cancel', formnovalidate: true }, 'Cancel')),
    ),
  );
  document.body.append(dialog);
  dialog.addEventListener('close', async () => {
    dialog.remove();
    if (dialog.returnValue !== 'send') return;
    let payload;
    try {
      payload = { ...JSON.parse(body.value || '{}'), reason: reason.value };
    } catch (err) {
      showProblem({ title: 'Invalid command body', detail: `not JSON: ${err.message}` });
      return;
    }
    const view = await guarded(() => api(`/cases/${encodeURIComponent(caseId)}/commands/${name.replace(/_/g, '-')}`, { method: 'POST', body: payload }));
    if (view) {
      clearProblem();
      await onDone(view);
    }
  });
  dialog.showModal();
  reason.focus();
}

export async function renderCase(main, caseId, config) {
  const view = await guarded(() => api(`/cases/${encodeURIComponent(caseId)}`));
  if (!view) {
    main.replaceChildren(el('p', {}, el('a', { href: '#/queue' }, '← back to the queue')));
    return;
  }
  await paintCase(main, view, config);
}

async function paintCase(main, view, config) {
  const caseId = view.caseId;
  const [allowed, audit] = await Promise.all([
    api(`/cases/${encodeURIComponent(caseId)}/actions`).catch(() => ({ actions: [] })),
    view.audit ? Promise.resolve({ audit: view.audit }) : api(`/cases/${encodeURIComponent(caseId)}/audit`).catch(() => ({ audit: [] })),
  ]);
  const temporalUrl = `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(caseId)}`;
  const repaint = (next) => paintCase(main, next, config);
  const order = view.order || {};
  const customer = view.customer || {};
  main.replaceChildren(
    el('p', {}, el('a', { href: '#/queue' }, '← back to the queue')),
    el('h2', {}, `Case ${caseId}`),
    el(
      'div',
      { class: 'grid' },
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'case-status' },
        el('h3', { id: 'case-status' }, 'Status'),
        facts([
          ['Status', el('strong', { id: 'case-status-value' }, view.status)],
          ['Outcome', view.outcome],
          ['Kind', view.kind],
          ['Owing party', view.owingParty],
          ['Next deadline', view.nextDeadline ? el('span', {}, view.nextDeadlineClock || '', ' ', countdown(new Date(view.nextDeadline).toISOString())) : undefined],
          ['Priority', view.priority],
          ['Agent', view.assignedAgentId],
          ['Opened', dateTime(view.openedAt)],
          ['Closed', view.closedAt ? dateTime(view.closedAt) : undefined],
          ['Version', view.version],
        ]),
        el('p', {}, el('a', { href: temporalUrl, target: '_blank', rel: 'noreferrer' }, 'Open the workflow in the Temporal UI')),
      ),
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'case-parties' },
        el('h3', { id: 'case-parties' }, 'Parties'),
        facts([
          ['Customer', customer.name],
          ['Phone', customer.phone],
          ['E-mail', customer.email],
          ['Merchant', order.merchantId],
          ['Order', order.orderId],
          ['Paid', order.paidAmountCents !== undefined ? `${(order.paidAmountCents / 100).toFixed(2)} ${order.currency}` : undefined],
        ]),
      ),
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'case-actions' },
        el('h3', { id: 'case-actions' }, 'Actions'),
        allowed.actions.length
          ? el('div', { class: 'actions' }, allowed.actions.map((name) => el('button', { type: 'button', 'data-command': name, onclick: () => commandDialog(caseId, name, repaint) }, name.replace(/_/g, ' '))))
          : el('p', { class: 'muted' }, 'No command is open to your role now.'),
      ),
    ),
    el('section', { class: 'card', 'aria-label': 'Clocks' }, clocksTable(view.clocks || [])),
    el('section', { class: 'card', 'aria-labelledby': 'case-audit' }, el('h3', { id: 'case-audit' }, 'Audit timeline'), timeline(audit.audit || [])),
  );
}
