// Deadlines coming due (GET /supervisor/forecast): per hour of the next 24 h, those at risk (warned, not satisfied)
// stacked on the rest, above the stuck-case queue; a table per owing party, role queue, clock and merchant below it.
import { api } from './api.js';
import { el, guarded } from './dom.js';
import { dateTimeText, localInputValue, t, term } from './i18n.js';
import { chart, destroyCharts, table } from './reports.js';

const hourLabel = (iso) => localInputValue(Date.parse(iso)).slice(11);

function breakdown(r) {
  const rows = [
    ...r.byOwingParty.map((g) => [t('fc.by.owingParty'), term('party', g.key), g]),
    ...r.byQueue.map((g) => [t('fc.by.queue'), g.key === '(none)' ? t('fc.noQueue') : term('party', g.key), g]),
    ...r.byClock.map((g) => [t('fc.by.clock'), term('clock', g.key), g]),
    ...r.byMerchant.map((g) => [t('fc.by.merchant'), g.key, g]),
  ];
  return table(t('fc.table'), [t('rep.col.by'), t('rep.col.key'), t('fc.col.due'), t('fc.col.atRisk')], rows.map(([by, key, g]) => [by, key, g.due, g.atRisk]), { id: 'table-forecast' });
}

/** The forecast card, filled once the API answers (a problem shows in the banner; the queue below still loads). */
export function forecastCard() {
  destroyCharts();
  const card = el('section', { class: 'card', id: 'forecast', 'aria-labelledby': 'fc-title' }, el('h3', { id: 'fc-title' }, t('fc.title')));
  guarded(() => api('/supervisor/forecast')).then((r) => {
    if (!r) return;
    const labels = r.hours.map((h) => hourLabel(h.start));
    card.append(
      el('p', { id: 'fc-summary' }, t('fc.summary', { due: r.total.due, atRisk: r.total.atRisk, from: dateTimeText(Date.parse(r.from)) })),
      chart('chart-forecast', t('fc.chart'), {
        type: 'bar',
        data: {
          labels,
          datasets: [
            { label: t('fc.atRisk'), data: r.hours.map((h) => h.atRisk), backgroundColor: '#b00020' },
            { label: t('fc.notAtRisk'), data: r.hours.map((h) => h.due - h.atRisk), backgroundColor: '#35598a' },
          ],
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
      }),
      el('details', {}, el('summary', {}, t('fc.details')), breakdown(r)),
    );
    card.dataset.ready = 'true';
  });
  return card;
}
