// Every call to the API: the key from sessionStorage (never localStorage), problems (RFC 9457) turned into errors.
const KEY = 'after-sales-api-key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

export class ProblemError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title);
    this.problem = problem;
  }
}

async function problemOf(res) {
  const type = res.headers.get('content-type') || '';
  if (type.includes('json')) {
    try {
      const body = await res.json();
      if (body && body.title) return body;
    } catch {
      // not JSON after all: fall through
    }
  }
  return { status: res.status, title: `HTTP ${res.status}`, detail: res.statusText || 'the API answered without a problem document' };
}

export async function api(path, { method = 'GET', body, accept = 'application/json', key = session.key() } = {}) {
  const headers = { Accept: accept };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ProblemError({ status: 0, title: 'API unreachable', detail: String(err && err.message ? err.message : err) });
  }
  if (!res.ok) throw new ProblemError(await problemOf(res));
  return accept === 'text/csv' ? res.blob() : res.json();
}
