// Small DOM helpers, the problem banner and the one ticker every countdown on the page shares.
import { dateTimeText, problemTitle, t } from './i18n.js';

/** el('td', { class: 'num' }, 'text', child…): attributes starting with "on" are listeners. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A problem (RFC 9457) as nodes: its title (translated by code), its detail and failing fields when it has them. */
export function problemNodes(problem) {
  // Only what exists: replaceChildren()/append() would print a null or undefined argument as the text "null".
  return [
    el('h2', {}, problemTitle(problem)),
    problem.detail ? el('p', { class: 'detail' }, problem.detail) : null,
    problem.errors && problem.errors.length ? el('ul', {}, problem.errors.map((e) => el('li', {}, `${e.field}: ${e.message}`))) : null,
  ].filter(Boolean);
}

export function showProblem(problem) {
  const box = document.getElementById('problem');
  box.replaceChildren(...problemNodes(problem));
  box.hidden = false;
}

export function clearProblem() {
  const box = document.getElementById('problem');
  box.hidden = true;
  box.replaceChildren();
}

/** Runs fn, showing any problem it throws in the banner; answers undefined then. */
export async function guarded(fn) {
  try {
    return await fn();
  } catch (err) {
    showProblem(err && err.problem ? err.problem : { title: t('problem.console'), detail: String(err && err.message ? err.message : err) });
    return undefined;
  }
}

const pad = (n) => String(n).padStart(2, '0');

/** "−1d 02:03:04" overdue, " 0d 00:12:30" to go: always the same width. */
export function formatCountdown(ms) {
  const sign = ms < 0 ? '−' : ' ';
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  return `${sign}${String(d).padStart(3)}d ${pad(h)}:${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

/** A countdown to an ISO instant; the ticker updates its text in place once a second. */
export function countdown(iso) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  const at = Date.parse(iso);
  const span = el('span', { class: 'countdown', 'data-deadline': at, title: dateTimeText(at) });
  paint(span, at, Date.now());
  return span;
}

function paint(span, at, now) {
  const text = formatCountdown(at - now);
  if (span.textContent !== text) span.textContent = text;
  span.classList.toggle('overdue', at <= now);
}

let ticker;
export function startTicker() {
  if (ticker) return;
  ticker = setInterval(() => {
    const now = Date.now();
    for (const span of document.querySelectorAll('[data-deadline]')) paint(span, Number(span.dataset.deadline), now);
  }, 1000);
}

/** An instant in the platform's time zone, with the zone (never the browser's locale or zone). */
export const dateTime = (ms) => dateTimeText(ms);
