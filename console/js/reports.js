// Reports over a date range: charts drawn with Chart.js (served from node_modules), tables, and CSV downloads.
import { api } from './api.js';
import { clockLimitText, partnerCompanies } from './case-page.js';
import { el, guarded } from './dom.js';
import { durationText, limitStringText, t, term, termIn } from './i18n.js';

/** The roles the reports API answers (a merchant: its own scorecard); the console offers Reports to these only. */
export const REPORT_ROLES = ['supervisor', 'admin', 'merchant'];
const ALL = ['sla-compliance', 'handling-time', 'distribution', 'csat', 'merchant-scorecard'];
const charts = [];

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const pct = (v) => (v === null || v === undefined ? '—' : `${v} %`);
const duration = durationText;

/**
 * The target as a line across the whole plot, whatever the number of days: a line dataset needs two points, so a
 * one-day range drew a lone dot and no target at all.
 */
const targetLine = {
  id: 'targetLine',
  afterDatasetsDraw(chart, _args, options) {
    if (options.value === undefined) return;
    const { ctx, chartArea, scales } = chart;
    const y = scales.y.getPixelForValue(options.value);
    ctx.save();
    ctx.strokeStyle = options.color;
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(chartArea.left, y);
    ctx.lineTo(chartArea.right, y);
    ctx.stroke();
    ctx.restore();
  },
};

/** Destroys the charts of the page shown before (each page that draws charts calls it first). */
export function destroyCharts() {
  while (charts.length) charts.pop().destroy();
}

export function chart(id, label, config) {
  const canvas = el('canvas', { id, role: 'img', 'aria-label': label });
  const box = el('div', { class: 'chart-box' }, canvas);
  queueMicrotask(() => {
    charts.push(new Chart(canvas, { ...config, options: { animation: false, maintainAspectRatio: false, responsive: true, ...config.options } }));
  });
  return box;
}

export function table(caption, header, rows, attrs = {}, keys = []) {
  const head = el('thead', {}, el('tr', {}, header.map((h) => el('th', { scope: 'col' }, h))));
  const body = el('tbody', {}, rows.map((r, i) => el('tr', { 'data-key': keys[i] }, r.map((c) => el('td', {}, c)))));
  return el('div', { class: 'scroll' }, el('table', attrs, el('caption', { class: 'muted' }, caption), head, body));
}

async function downloadCsv(name, query) {
  const blob = await guarded(() => api(`/reports/${name}?${query}`, { accept: 'text/csv' }));
  if (blob) saveBlob(blob, `${name}_${new URLSearchParams(query).get('from')}_${new URLSearchParams(query).get('to')}.csv`);
}

/** Saves a blob under `file` through a temporary link (the browser's download). */
export function saveBlob(blob, file) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: file });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const csvButton = (name, query) => el('button', { type: 'button', 'data-csv': name, onclick: () => downloadCsv(name, query) }, t('reports.download', { name }));

/** A clock's limit: the policy's, in its unit ("1 working day"), else the report's own, translated. */
const reportLimit = (c) => {
  const policy = clockLimitText(c.clock, undefined);
  return policy || limitStringText(c.limit);
};

function compliance(r, query) {
  const target = r.clocks.find((c) => c.clock === 'first_response')?.targetPercent ?? 95;
  const one = r.daily.length === 1;
  return el(
    'section',
    { class: 'card wide', 'aria-labelledby': 'rep-sla' },
    el('h3', { id: 'rep-sla' }, t('rep.sla')),
    chart('chart-compliance', t('rep.slaChart'), {
      type: 'line',
      data: {
        labels: r.daily.map((d) => d.day),
        datasets: [
          { label: t('rep.metPct'), data: r.daily.map((d) => d.percentage), borderColor: '#1f3a5f', backgroundColor: '#1f3a5f', pointRadius: one ? 6 : 3 },
          // In the legend (and the tooltip); the line itself is drawn across the plot by targetLine.
          { label: t('rep.target', { n: target }), data: r.daily.map(() => target), borderColor: '#b00020', backgroundColor: '#b00020', borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: { scales: { x: { offset: one }, y: { min: 0, max: 100 } }, plugins: { targetLine: { value: target, color: '#b00020' } } },
      plugins: [targetLine],
    }),
    table(
      t('rep.perClock'),
      ['rep.col.clock', 'rep.col.limit', 'rep.col.met', 'rep.col.breached', 'rep.col.pending', 'rep.col.metPct', 'rep.col.target', 'rep.col.meets'].map((h) => t(h)),
      r.clocks.map((c) => [term('clock', c.clock), reportLimit(c), c.met, c.breached, c.pending, pct(c.percentage), `${c.targetPercent} % (${t(`rep.targetSource.${c.targetSource}`)})`, c.meetsTarget === null ? '—' : c.meetsTarget ? t('yes') : t('no')]),
      { id: 'table-sla' },
      r.clocks.map((c) => c.clock),
    ),
    csvButton('sla-compliance', query),
    el('h3', {}, t('rep.breachesByMerchant')),
    chart('chart-breaches', t('rep.breachesChart'), {
      type: 'bar',
      data: { labels: r.breachesByMerchant.map((m) => m.merchantId), datasets: [{ label: t('rep.breached'), data: r.breachesByMerchant.map((m) => m.breached), backgroundColor: '#b00020' }] },
    }),
  );
}

function handling(r, query) {
  const rows = [['all', r.overall], ...r.byKind.map((g) => ['kind', g]), ...r.byReason.map((g) => ['reason', g]), ...r.byMerchant.map((g) => ['merchant', g]), ...r.byAgent.map((g) => ['agent', g])];
  // Reasons come as "kind/reason" (the same reason name can belong to two kinds).
  const reasonText = (key) => key.split('/').map((part, i, all) => (i === 0 && all.length > 1 ? term('kind', part) : termIn(['caseReason', 'value'], part))).join(' / ');
  const keyText = (by, key) => {
    if (by === 'all') return t('rep.key.all');
    if (by === 'kind') return term('kind', key);
    if (by === 'reason') return reasonText(key);
    if (by === 'agent' && key === '(unassigned)') return t('rep.key.unassigned');
    return key;
  };
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'rep-handling' },
    el('h3', { id: 'rep-handling' }, t('rep.handling')),
    chart('chart-handling', t('rep.handlingChart'), {
      type: 'bar',
      data: { labels: r.histogram.map((b) => b.bucket), datasets: [{ label: t('rep.cases'), data: r.histogram.map((b) => b.count), backgroundColor: '#35598a' }] },
    }),
    table(t('rep.handlingTable'), [t('rep.col.by'), t('rep.col.key'), t('rep.col.cases'), 'p50', 'p90'], rows.map(([by, g]) => [t(`rep.by.${by}`), keyText(by, g.key), g.count, duration(g.p50Ms), duration(g.p90Ms)]), { id: 'table-handling' }),
    csvButton('handling-time', query),
  );
}

function distributionCard(r, query) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'rep-dist' },
    el('h3', { id: 'rep-dist' }, t('rep.dist')),
    table(t('rep.reasons'), [t('rep.col.kind'), t('rep.col.reason'), t('rep.col.cases'), t('rep.col.share')], r.byReason.map((x) => [term('kind', x.kind), termIn(['caseReason', 'value'], x.reason), x.count, pct(x.percent)]), { id: 'table-distribution' }),
    csvButton('distribution', query),
  );
}

function csatCard(r, query) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'rep-csat' },
    el('h3', { id: 'rep-csat' }, t('rep.csat')),
    el('p', { id: 'csat-summary' }, t('rep.csatSummary', { avg: r.average ?? '—', responses: r.responses, sent: r.surveysSent, rate: pct(r.responseRate) })),
    chart('chart-csat', t('rep.csatChart'), {
      type: 'bar',
      data: { labels: r.distribution.map((d) => `${d.rating} ★`), datasets: [{ label: t('rep.answers'), data: r.distribution.map((d) => d.count), backgroundColor: '#f0a500' }] },
    }),
    csvButton('csat', query),
  );
}

function scorecard(r, query) {
  return el(
    'section',
    { class: 'card wide', 'aria-labelledby': 'rep-merchants' },
    el('h3', { id: 'rep-merchants' }, t('rep.merchants')),
    table(
      t('rep.perMerchant'),
      ['rep.col.merchant', 'rep.col.cases', 'rep.col.closed', 'rep.col.refundRate', 'rep.col.disputeRate', 'rep.col.reviewOnTime', 'rep.col.refundOnTime', 'rep.col.breaches', 'rep.col.charges'].map((h) => t(h)),
      r.merchants.map((m) => [m.merchantId, m.cases, m.closed, pct(m.refundRate), pct(m.disputeRate), pct(m.reviewOnTime.percentage), pct(m.refundOnTime.percentage), m.breaches, `${m.charges.count} (${(m.charges.amountCents / 100).toFixed(2)})`]),
      { id: 'table-scorecard' },
    ),
    csvButton('merchant-scorecard', query),
  );
}

/**
 * A page over a date range: its title, a form of `fields` then from and to (the last 30 days unless the hash says), and
 * the grid its cards go in. Submitting moves to `#/<route>?<the form>`.
 */
export function rangePage(main, params, { route, title, intro, label, submit, fields = [] }) {
  const from = params.get('from') || isoDay(Date.now() - 29 * 86_400_000);
  const to = params.get('to') || isoDay(Date.now());
  const form = el(
    'form',
    { class: 'filters', 'aria-label': label },
    ...fields,
    el('label', {}, t('reports.from'), el('input', { type: 'date', name: 'from', value: from, required: true })),
    el('label', {}, t('reports.to'), el('input', { type: 'date', name: 'to', value: to, required: true })),
    el('button', { type: 'submit', class: 'primary' }, submit),
  );
  const body = el('div', { class: 'grid' });
  main.replaceChildren(el('h2', {}, title), el('p', { class: 'muted' }, intro), form, body);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/${route}?${new URLSearchParams(new FormData(form))}`;
  });
  return { form, body, from, to };
}

/** Staff narrow the reports to one partner company's cases (companyId). */
async function companyField(params) {
  const chosen = params.get('companyId') || '';
  const options = (await partnerCompanies()).map((c) => el('option', { value: c.id, selected: c.id === chosen }, `${c.name} (${term('party', c.kind)})`));
  return el('label', {}, t('reports.company'), el('select', { name: 'companyId' }, el('option', { value: '' }, t('any')), ...options));
}

export async function renderReports(main, params, me) {
  destroyCharts();
  const merchant = me.role === 'merchant';
  const fields = merchant ? [] : [await companyField(params)];
  const { body, from, to } = rangePage(main, params, { route: 'reports', title: t('reports.title'), intro: t('reports.intro'), label: t('reports.range'), submit: t('reports.show'), fields });
  const companyId = merchant ? '' : params.get('companyId') || '';
  const query = new URLSearchParams({ from, to, ...(companyId && { companyId }) }).toString();
  const names = merchant ? ['merchant-scorecard'] : ALL;
  const results = await guarded(() => Promise.all(names.map((n) => api(`/reports/${n}?${query}`))));
  if (!results) return;
  const r = Object.fromEntries(names.map((n, i) => [n, results[i]]));
  body.replaceChildren(
    ...(r['sla-compliance'] ? [compliance(r['sla-compliance'], query)] : []),
    ...(r['handling-time'] ? [handling(r['handling-time'], query)] : []),
    ...(r.csat ? [csatCard(r.csat, query)] : []),
    ...(r.distribution ? [distributionCard(r.distribution, query)] : []),
    scorecard(r['merchant-scorecard'], query),
  );
}
