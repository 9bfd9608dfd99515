// Every call to the API: the key from sessionStorage (never localStorage), problems (RFC 9457) turned into errors.
import { t } from './i18n.js';

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
  return { status: res.status, title: t('problem.http', { status: res.status }), detail: res.statusText || t('problem.noDocument') };
}

async function send(path, { method = 'GET', body, accept = 'application/json', key = session.key(), etag } = {}) {
  const headers = { Accept: accept };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (etag) headers['If-None-Match'] = etag;
  try {
    // no-store: the console revalidates itself (If-None-Match), so a 304 reaches it instead of the browser's cache.
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (err) {
    throw new ProblemError({ status: 0, title: t('problem.unreachable'), detail: String(err && err.message ? err.message : err) });
  }
}

export async function api(path, options = {}) {
  const res = await send(path, options);
  if (!res.ok) throw new ProblemError(await problemOf(res));
  return options.accept === 'text/csv' ? res.blob() : res.json();
}

/** A GET that may answer 304 to the ETag of the last answer: { notModified } or { body, etag }. */
export async function apiIfChanged(path, etag) {
  const res = await send(path, { etag });
  if (res.status === 304) return { notModified: true, etag };
  if (!res.ok) throw new ProblemError(await problemOf(res));
  return { body: await res.json(), etag: res.headers.get('ETag') || undefined };
}
