// The console's router: #/queue, #/queues/<role>, #/case/<id>, #/reports; sign-in first.
import { api, session } from './api.js';
import { clearProblem, guarded, startTicker } from './dom.js';
import { renderCase } from './case-page.js';
import { renderOwnCases, renderRoleQueue, renderStuckQueue, useContractLists } from './queue.js';
import { renderReports } from './reports.js';
import { renderSignIn } from './signin.js';

const STAFF = ['supervisor', 'admin'];
const main = document.getElementById('main');
const nav = document.getElementById('nav');
let me;
let config;

function showNav(section) {
  nav.hidden = !me;
  if (!me) return;
  document.getElementById('whoami').textContent = `${me.id} (${me.role}${me.merchantId ? `, ${me.merchantId}` : ''})`;
  for (const link of nav.querySelectorAll('a')) {
    link.hidden = link.hasAttribute('data-staff') && !STAFF.includes(me.role);
    if (link.dataset.section === 'queue') link.textContent = STAFF.includes(me.role) ? 'Stuck cases' : 'My cases';
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function route() {
  if (!me) {
    showNav();
    renderSignIn(main, (who) => {
      me = who;
      if (!location.hash || location.hash === '#/') location.hash = '#/queue';
      else route();
    });
    return;
  }
  const [path, query = ''] = location.hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const section = parts[0] || 'queue';
  showNav(section);
  clearProblem();
  if (section === 'case' && parts[1]) await renderCase(main, parts[1], config);
  else if (section === 'queues' && STAFF.includes(me.role)) await renderRoleQueue(main, parts[1] || 'cs_lead');
  else if (section === 'reports') await renderReports(main, params, me);
  else if (STAFF.includes(me.role)) await renderStuckQueue(main, params);
  else await renderOwnCases(main, params);
  main.dataset.ready = section;
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  me = undefined;
  location.hash = '';
  route();
});
window.addEventListener('hashchange', () => {
  delete main.dataset.ready;
  route();
});

startTicker();
config = await api('/console/config.json').catch(() => ({ temporalUiUrl: 'http://127.0.0.1:8233', temporalNamespace: 'default' }));
useContractLists(config);
if (session.key()) me = await guarded(() => api('/console/me'));
if (!me) session.signOut();
route();
