// What-if: a policy version run over the cases opened in a range (POST /admin/policies/:version/simulate), compared
// with what happened, and downloaded as CSV. Admins pick from the policy versions listed beside the form; supervisors,
// who may not read the versions, name one.
import { api } from './api.js';
import { el, guarded } from './dom.js';
import { dateTimeText, t, term } from './i18n.js';
import { chart, destroyCharts, rangePage, saveBlob, table } from './reports.js';

export const WHAT_IF_ROLES = ['supervisor', 'admin'];
const pct = (v) => (v === null || v === undefined ? '—' : `${v} %`);
const signed = (n) => (n > 0 ? `+${n}` : String(n));
const verdict = (v) => (v === null ? '—' : v ? t('yes') : t('no'));

function versionsCard(list, form) {
  const pick = (version) => {
    form.elements.version.value = version;
    form.elements.version.focus();
  };
  const rows = list.versions.map((v) => [
    v.version + (v.version === list.active ? ` (${t('wi.active')})` : ''),
    dateTimeText(Date.parse(v.createdAt)),
    v.createdBy,
    v.reason,
    el('button', { type: 'button', 'data-version': v.version, onclick: () => pick(v.version) }, t('wi.pick', { version: v.version })),
  ]);
  rows.push([`${list.fileVersion} (${t('wi.fileVersion')})`, '—', '—', '—', el('button', { type: 'button', 'data-version': list.fileVersion, onclick: () => pick(list.fileVersion) }, t('wi.pick', { version: list.fileVersion }))]);
  return el('section', { class: 'card', 'aria-labelledby': 'wi-versions' }, el('h3', { id: 'wi-versions' }, t('wi.versions')), table(t('wi.versionsCaption'), [t('wi.col.version'), t('wi.col.created'), t('wi.col.by'), t('wi.col.reason'), t('wi.col.action')], rows, { id: 'table-versions' }));
}

/** Actual and simulated side by side for each row of a breakdown. */
function compareTable(caption, rows, keyText, id) {
  const header = ['wi.col.key', 'wi.col.actualMet', 'wi.col.actualBreached', 'wi.col.actualPct', 'wi.col.simMet', 'wi.col.simBreached', 'wi.col.simPct', 'wi.col.change'].map((h) => t(h));
  return table(
    caption,
    header,
    rows.map((r) => [keyText(r.key), r.actual.met, r.actual.breached, pct(r.actual.compliancePercent), r.simulated.met, r.simulated.breached, pct(r.simulated.compliancePercent), signed(r.breachChange)]),
    { id },
    rows.map((r) => r.key),
  );
}

function results(r, version, range) {
  const download = async () => {
    const blob = await guarded(() => api(`/admin/policies/${encodeURIComponent(version)}/simulate`, { method: 'POST', body: range, accept: 'text/csv' }));
    if (blob) saveBlob(blob, `what-if_${version}_${range.from}_${range.to}.csv`);
  };
  const reasons = Object.entries(r.incomplete.reasons).map(([reason, n]) => `${t(`wi.gap.${reason}`)}: ${n}`).join('; ');
  return [
    el(
      'section',
      { class: 'card wide', 'aria-labelledby': 'wi-result' },
      el('h3', { id: 'wi-result' }, t('wi.result', { version })),
      el('p', { id: 'wi-summary' }, t('wi.summary', { cases: r.cases, newBreaches: r.totals.newBreaches, averted: r.totals.avertedBreaches, actual: pct(r.totals.actual.compliancePercent), simulated: pct(r.totals.simulated.compliancePercent), target: r.compliance.targetPercent })),
      r.incomplete.cases ? el('p', { id: 'wi-incomplete', class: 'muted' }, t('wi.incomplete', { n: r.incomplete.cases, reasons })) : null,
      chart('chart-what-if', t('wi.chart'), {
        type: 'bar',
        data: {
          labels: r.byClock.map((c) => term('clock', c.key)),
          datasets: [
            { label: t('wi.actual'), data: r.byClock.map((c) => c.actual.breached), backgroundColor: '#35598a' },
            { label: t('wi.simulated'), data: r.byClock.map((c) => c.simulated.breached), backgroundColor: '#b00020' },
          ],
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      }),
      compareTable(t('wi.byClock'), r.byClock, (k) => term('clock', k), 'table-wi-clock'),
      el('button', { type: 'button', id: 'wi-download', onclick: download }, t('wi.download')),
    ),
    el(
      'section',
      { class: 'card', 'aria-labelledby': 'wi-compliance' },
      el('h3', { id: 'wi-compliance' }, t('wi.compliance')),
      table(t('wi.complianceCaption'), [t('rep.col.clock'), t('rep.col.target'), t('wi.actual'), t('wi.simulated'), t('wi.col.meetsActual'), t('wi.col.meetsSim')], r.compliance.clocks.map((c) => [term('clock', c.clock), `${c.targetPercent} %`, pct(c.actual.percentage), pct(c.simulated.percentage), verdict(c.actual.meetsTarget), verdict(c.simulated.meetsTarget)]), { id: 'table-wi-compliance' }),
      table(t('wi.actions'), [t('wi.col.action'), t('wi.actual'), t('wi.simulated'), t('wi.col.change')], r.defaultActions.map((a) => [term('breachAction', a.action), a.actual, a.simulated, signed(a.change)]), { id: 'table-wi-actions' }),
    ),
    el(
      'section',
      { class: 'card wide', 'aria-labelledby': 'wi-changed' },
      el('h3', { id: 'wi-changed' }, t('wi.changed')),
      compareTable(t('wi.byMerchantChanged'), r.mostChanged.merchants, (k) => k, 'table-wi-merchants'),
      compareTable(t('wi.byOwingParty'), r.byOwingParty, (k) => term('party', k), 'table-wi-parties'),
      compareTable(t('wi.byPriority'), r.byPriority, (k) => (k === '(none)' ? t('notSet') : term('priority', k)), 'table-wi-priorities'),
    ),
  ];
}

export async function renderWhatIf(main, params, me) {
  destroyCharts();
  const version = params.get('version') || '';
  const versionField = el('label', {}, t('wi.version'), el('input', { name: 'version', value: version, required: true, size: 12, pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}' }));
  const { form, body, from, to } = rangePage(main, params, { route: 'what-if', title: t('wi.title'), intro: t('wi.intro'), label: t('wi.form'), submit: t('wi.run'), fields: [versionField] });
  const versions = me.role === 'admin' ? await guarded(() => api('/admin/policies')) : undefined;
  const cards = versions ? [versionsCard(versions, form)] : [];
  body.replaceChildren(...cards);
  if (!version) return;
  const range = { from, to };
  const r = await guarded(() => api(`/admin/policies/${encodeURIComponent(version)}/simulate`, { method: 'POST', body: range }));
  if (r) body.replaceChildren(...results(r, version, range), ...cards);
}
