// Sign-in: the API key is checked against the API and kept in sessionStorage only (gone with the tab).
import { api, session } from './api.js';
import { clearProblem, el, guarded } from './dom.js';
import { t } from './i18n.js';

export function renderSignIn(main, onSignedIn) {
  const key = el('input', { id: 'api-key', name: 'key', type: 'password', autocomplete: 'off', required: true, size: 40 });
  const form = el(
    'form',
    { class: 'stack', 'aria-labelledby': 'signin-title', style: 'max-width: 28rem' },
    el('h2', { id: 'signin-title' }, t('signin.title')),
    el('label', { for: 'api-key' }, t('signin.key')),
    key,
    el('p', { class: 'muted' }, t('signin.note')),
    el('button', { type: 'submit', class: 'primary' }, t('signin.submit')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const me = await guarded(() => api('/console/me', { key: key.value }));
    if (!me) return;
    clearProblem();
    session.signIn(key.value);
    onSignedIn(me);
  });
  main.replaceChildren(form);
  key.focus();
}
