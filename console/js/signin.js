// Sign-in: the API key is checked against the API and kept in sessionStorage only (gone with the tab).
import { api, session } from './api.js';
import { clearProblem, el, guarded } from './dom.js';

export function renderSignIn(main, onSignedIn) {
  const key = el('input', { id: 'api-key', name: 'key', type: 'password', autocomplete: 'off', required: true, size: 40 });
  const form = el(
    'form',
    { class: 'stack', 'aria-labelledby': 'signin-title', style: 'max-width: 28rem' },
    el('h2', { id: 'signin-title' }, 'Sign in'),
    el('label', { for: 'api-key' }, 'API key'),
    key,
    el('p', { class: 'muted' }, 'The key stays in this browser tab only (session storage).'),
    el('button', { type: 'submit', class: 'primary' }, 'Sign in'),
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
