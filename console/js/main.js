// The console's router: #/queue, #/queues/<role>, #/case/<id>, #/reports, #/what-if; sign-in first. Only hashes starting with
// "#/" are routes: the skip link's #main (or any other in-page anchor) never changes the page.
import { api, session } from './api.js';
import { clearProblem, el, guarded, showProblem, startTicker } from './dom.js';
import { currentLocale, offsetText, setLocale, t, term, timeZone, useTimeZone } from './i18n.js';
import { renderCase, useClockLimits } from './case-page.js';
import { renderOwnCases, renderRoleQueue, renderStuckQueue, stopLive, useContractLists } from './queue.js';
import { REPORT_ROLES, renderReports } from './reports.js';
import { renderSignIn } from './signin.js';
import { renderWhatIf, WHAT_IF_ROLES } from './what-if.js';

const STAFF = ['supervisor', 'admin'];
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const langSelect = document.getElementById('lang');
let me;
let config;
/** The last route shown: what a repaint (e.g. after a language switch) shows again when the hash is no route. */
let lastRoute = '#/queue';

/** The page's fixed texts (data-i18n, data-i18n-label), the language switch and the time-zone note. */
function translateStatic() {
  document.documentElement.lang = currentLocale();
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  langSelect.value = currentLocale();
  document.getElementById('tz-note').textContent = t('tz.note', { zone: timeZone(), offset: offsetText() });
}

function showNav(section) {
  nav.hidden = !me;
  if (!me) return;
  document.getElementById('whoami').textContent = me.merchantId
    ? t('whoami.merchant', { id: me.id, role: term('party', me.role), merchant: me.merchantId })
    : t('whoami', { id: me.id, role: term('party', me.role) });
  for (const link of nav.querySelectorAll('a')) {
    // A link only for the roles the API lets through (an agent is not offered Reports to be told Forbidden).
    const roles = link.dataset.roles ? link.dataset.roles.split(' ') : undefined;
    link.hidden = roles !== undefined && !roles.includes(me.role);
    if (link.dataset.section === 'queue') link.textContent = STAFF.includes(me.role) ? t('nav.stuck') : t('nav.cases');
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function route() {
  stopLive();
  delete main.dataset.ready;
  if (!me) {
    showNav();
    renderSignIn(main, (who) => {
      me = who;
      if (!location.hash.startsWith('#/') || location.hash === '#/') location.hash = '#/queue';
      else route();
    });
    return;
  }
  const hash = location.hash.startsWith('#/') ? location.hash : lastRoute;
  lastRoute = hash;
  const [path, query = ''] = hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const section = parts[0] || 'queue';
  showNav(section);
  clearProblem();
  if (section === 'case' && parts[1]) await renderCase(main, parts[1], config);
  else if (section === 'queues' && (STAFF.includes(me.role) || me.role === 'senior_agent')) await renderRoleQueue(main, parts[1] || (me.role === 'senior_agent' ? 'senior_agent' : 'cs_lead'), me);
  else if (section === 'reports' && REPORT_ROLES.includes(me.role)) await renderReports(main, params, me);
  else if (section === 'what-if' && WHAT_IF_ROLES.includes(me.role)) await renderWhatIf(main, params, me);
  else if (section === 'reports') {
    main.replaceChildren(el('h2', {}, t('reports.title')));
    showProblem({ status: 403, title: t('problem.notForRole'), detail: t('problem.notForRoleDetail') });
  } else if (STAFF.includes(me.role)) await renderStuckQueue(main, params);
  else await renderOwnCases(main, params);
  main.dataset.ready = section;
}

// The skip link moves focus to the content and leaves the URL (and so the page) as it is.
document.querySelector('a.skip').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  me = undefined;
  location.hash = '';
  route();
});
window.addEventListener('hashchange', () => {
  if (!location.hash.startsWith('#/') && location.hash !== '') return;
  route();
});
langSelect.addEventListener('change', () => {
  setLocale(langSelect.value);
  translateStatic();
  route();
});

startTicker();
translateStatic();
config = await api('/console/config.json').catch(() => ({ temporalUiUrl: 'http://127.0.0.1:8233', temporalNamespace: 'default' }));
useContractLists(config);
useTimeZone(config);
useClockLimits(config);
translateStatic();
if (session.key()) me = await guarded(() => api('/console/me'));
if (!me) session.signOut();
route();
