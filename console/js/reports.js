// Reports over a date range: charts drawn with Chart.js (served from node_modules), tables, and CSV downloads.
import { api } from './api.js';
import { el, guarded } from './dom.js';

const ALL = ['sla-compliance', 'handling-time', 'distribution', 'csat', 'merchant-scorecard'];
const charts = [];

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const pct = (v) => (v === null || v === undefined ? '—' : `${v} %`);
/** A duration in the unit that reads best: 42 s, 12.5 min, 3.2 h, 2.1 d. */
function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 48 * 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

function chart(id, label, config) {
  const canvas = el('canvas', { id, role: 'img', 'aria-label': label });
  const box = el('div', { class: 'chart-box' }, canvas);
  queueMicrotask(() => {
    charts.push(new Chart(canvas, { ...config, options: { animation: false, maintainAspectRatio: false, responsive: true, ...config.options } }));
  });
  return box;
}

function table(caption, header, rows, attrs = {}) {
  const head = el('thead', {}, el('tr', {}, header.map((h) => el('th', { scope: 'col' }, h))));
  const body = el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c)))));
  return el('div', { class: 'scroll' }, el('table', attrs, el('caption', { class: 'muted' }, caption), head, body));
}

async function downloadCsv(name, query) {
  const blob = await guarded(() => api(`/reports/${name}?${query}`, { accept: 'text/csv' }));
  if (!blob) return;
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: `${name}_${new URLSearchParams(query).get('from')}_${new URLSearchParams(query).get('to')}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const csvButton = (name, query) => el('button', { type: 'button', 'data-csv': name, onclick: () => downloadCsv(name, query) }, `Download ${name}.csv`);

function compliance(r, query) {
  const target = r.clocks.find((c) => c.clock === 'first_response')?.targetPercent ?? 95;
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'rep-sla' },
    el('h3', { id: 'rep-sla' }, 'SLA compliance'),
    chart('chart-compliance', 'Share of deadlines met per day, with the target line', {
      type: 'line',
      data: {
        labels: r.daily.map((d) => d.day),
        datasets: [
          { label: 'met %', data: r.daily.map((d) => d.percentage), borderColor: '#1f3a5f', backgroundColor: '#1f3a5f' },
          { label: `target ${target} %`, data: r.daily.map(() => target), borderColor: '#b00020', borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: { scales: { y: { min: 0, max: 100 } } },
    }),
    table(
      'Per clock',
      ['Clock', 'Limit', 'Met', 'Breached', 'Pending', 'Met %', 'Target', 'Meets target'],
      r.clocks.map((c) => [c.clock, c.limit, c.met, c.breached, c.pending, pct(c.percentage), `${c.targetPercent} % (${c.targetSource})`, c.meetsTarget === null ? '—' : c.meetsTarget ? 'yes' : 'no']),
      { id: 'table-sla' },
    ),
    csvButton('sla-compliance', query),
    el('h3', {}, 'Breaches by merchant'),
    chart('chart-breaches', 'Breached deadlines per merchant', {
      type: 'bar',
      data: { labels: r.breachesByMerchant.map((m) => m.merchantId), datasets: [{ label: 'breached', data: r.breachesByMerchant.map((m) => m.breached), backgroundColor: '#b00020' }] },
    }),
  );
}

function handling(r, query) {
  const rows = [['all', r.overall], ...r.byKind.map((g) => ['kind', g]), ...r.byReason.map((g) => ['reason', g]), ...r.byMerchant.map((g) => ['merchant', g]), ...r.byAgent.map((g) => ['agent', g])];
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'rep-handling' },
    el('h3', { id: 'rep-handling' }, 'Handling time (closed cases)'),
    chart('chart-handling', 'Closed cases per handling-time bucket', {
      type: 'bar',
      data: { labels: r.histogram.map((b) => b.bucket), datasets: [{ label: 'cases', data: r.histogram.map((b) => b.count), backgroundColor: '#35598a' }] },
    }),
    table('p50 / p90 by kind, reason, merchant and agent', ['By', 'Key', 'Cases', 'p50', 'p90'], rows.map(([by, g]) => [by, g.key, g.count, duration(g.p50Ms), duration(g.p90Ms)]), { id: 'table-handling' }),
    csvButton('handling-time', query),
  );
}

function distributionCard(r, query) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'rep-dist' },
    el('h3', { id: 'rep-dist' }, 'Problem types and reasons'),
    table('Reasons', ['Kind', 'Reason', 'Cases', 'Share'], r.byReason.map((x) => [x.kind, x.reason, x.count, pct(x.percent)]), { id: 'table-distribution' }),
    csvButton('distribution', query),
  );
}

function csatCard(r, query) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'rep-csat' },
    el('h3', { id: 'rep-csat' }, 'Customer satisfaction'),
    el('p', { id: 'csat-summary' }, `Average ${r.average ?? '—'} from ${r.responses} of ${r.surveysSent} surveys (response rate ${pct(r.responseRate)}).`),
    chart('chart-csat', 'Survey answers per rating', {
      type: 'bar',
      data: { labels: r.distribution.map((d) => `${d.rating} ★`), datasets: [{ label: 'answers', data: r.distribution.map((d) => d.count), backgroundColor: '#f0a500' }] },
    }),
    csvButton('csat', query),
  );
}

function scorecard(r, query) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'rep-merchants' },
    el('h3', { id: 'rep-merchants' }, 'Merchant scorecard'),
    table(
      'Per merchant',
      ['Merchant', 'Cases', 'Closed', 'Refund rate', 'Dispute rate', 'Review on time', 'Refund on time', 'Breaches', 'Charges'],
      r.merchants.map((m) => [m.merchantId, m.cases, m.closed, pct(m.refundRate), pct(m.disputeRate), pct(m.reviewOnTime.percentage), pct(m.refundOnTime.percentage), m.breaches, `${m.charges.count} (${(m.charges.amountCents / 100).toFixed(2)})`]),
      { id: 'table-scorecard' },
    ),
    csvButton('merchant-scorecard', query),
  );
}

export async function renderReports(main, params, me) {
  while (charts.length) charts.pop().destroy();
  const from = params.get('from') || isoDay(Date.now() - 29 * 86_400_000);
  const to = params.get('to') || isoDay(Date.now());
  const form = el(
    'form',
    { class: 'filters', 'aria-label': 'Report range' },
    el('label', {}, 'From', el('input', { type: 'date', name: 'from', value: from, required: true })),
    el('label', {}, 'To (inclusive)', el('input', { type: 'date', name: 'to', value: to, required: true })),
    el('button', { type: 'submit', class: 'primary' }, 'Show'),
  );
  const body = el('div', { class: 'grid', 'aria-live': 'polite' });
  main.replaceChildren(el('h2', {}, 'Reports'), el('p', { class: 'muted' }, 'Over the cases opened in the range (UTC days).'), form, body);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/reports?${new URLSearchParams(new FormData(form))}`;
  });
  const query = new URLSearchParams({ from, to }).toString();
  const names = me.role === 'merchant' ? ['merchant-scorecard'] : ALL;
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
