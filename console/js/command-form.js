// A command as a form, generated from the API's contract: the OpenAPI document's schema of the command's body (the
// same zod declaration the API validates with). Fields get labels in the console's language, enums are selects,
// required fields are marked and required, amounts are entered in yuan, instants in the platform's time zone; the
// reason comes first. A refused command keeps the dialog open and shows each failing field's message next to it.
import { api } from './api.js';
import { el, problemNodes } from './dom.js';
import { currentLocale, fieldMessage, fromLocalInput, t, term, termIn, timeZone } from './i18n.js';

let docPromise;
/** The command's body schema (references resolved) and description, from /openapi.json (read once per page load). */
export async function commandSchema(name) {
  docPromise ??= api('/openapi.json');
  const doc = await docPromise;
  const op = doc.paths[`/cases/{id}/commands/${name.replace(/_/g, '-')}`];
  const content = op && op.post && op.post.requestBody && op.post.requestBody.content['application/json'];
  if (!content) return { schema: { type: 'object', properties: {} }, description: undefined };
  const resolve = (s) => {
    if (!s || typeof s !== 'object') return s;
    if (Array.isArray(s)) return s.map(resolve);
    if (s.$ref) return resolve(s.$ref.split('/').slice(1).reduce((node, key) => node[key], doc));
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, resolve(v)]));
  };
  const schema = resolve(content.schema);
  // The body's own description (what the command does); the route's is written for API clients.
  return { schema, description: schema.description };
}

const capital = (s) => (currentLocale() === 'en' && s ? s[0].toUpperCase() + s.slice(1) : s);
const fieldLabel = (name) => capital(term('field', name));
const idOf = (path) => `cmd-${path.join('-') || 'body'}`;
const isEpoch = (s, name) => (s.description || '').startsWith('Epoch milliseconds') || name === 'slotAt';
const isMoney = (name) => /Cents$/.test(name || '');
const enumLabel = (field, value) => termIn(field === 'priority' ? ['priority'] : ['to', 'party', 'responsibleParty'].includes(field) ? ['party'] : ['value', 'party'], value);

/**
 * The form's fields: build(schema, path, …) answers { node, read() } where read() gives the value (undefined when left
 * empty) and registers each input under its path for the problem's field errors (`body.<path>`).
 */
class FormModel {
  constructor(context) {
    this.context = context;
    /** 'a.b' → { input, slot } */
    this.fields = new Map();
  }

  register(path, input, wrapper) {
    const slot = el('p', { class: 'field-error', id: `${idOf(path)}-error`, hidden: true });
    wrapper.append(slot);
    this.fields.set(path.join('.'), { input, slot });
  }

  labelFor(id, name, required, hint) {
    return [
      el('label', { for: id }, fieldLabel(name), required ? el('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*') : null),
      hint ? el('span', { class: 'hint', id: `${id}-hint` }, hint) : null,
    ];
  }

  build(schema, path, { name, required }) {
    if (schema.anyOf || schema.oneOf) return this.union(schema.anyOf || schema.oneOf, path, { name, required });
    if (schema.type === 'object') return this.object(schema, path, { name, required });
    if (schema.type === 'array') return this.array(schema, path, { name, required });
    return this.scalar(schema, path, { name, required });
  }

  /** The top-level body: the reason first, then the fields in the contract's order, evidence last. */
  object(schema, path, { name, required }) {
    const props = schema.properties || {};
    const req = new Set(schema.required || []);
    const order = Object.keys(props).sort((a, b) => rank(a) - rank(b));
    const parts = order.map((key) => [key, this.build(props[key], [...path, key], { name: key, required: req.has(key) })]);
    const children = parts.map(([, p]) => p.node);
    const node = path.length === 0 ? el('div', { class: 'fields' }, children) : el('fieldset', {}, el('legend', {}, fieldLabel(name), required ? el('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*') : null), children);
    return {
      node,
      parts,
      read: () => {
        const out = {};
        for (const [key, part] of parts) {
          const v = part.read();
          if (v !== undefined) out[key] = v;
        }
        return Object.keys(out).length || path.length === 0 ? out : undefined;
      },
    };
  }

  /**
   * A union of objects. Variants that share an enum property (remedy, outcome, result) become one form: that
   * property's select lists every value, and the other fields show for the variants the chosen value belongs to.
   * Variants of one property each (hours | minutes | workingDays) become a unit select beside one number.
   */
  union(variants, path, { name, required }) {
    const objects = variants.filter((v) => v.type === 'object');
    const single = objects.length === variants.length && objects.every((v) => Object.keys(v.properties || {}).length === 1);
    if (single) return this.unitChoice(objects, path, { name, required });
    const keys = Object.keys(objects[0].properties || {}).filter((k) => objects.every((v) => v.properties && v.properties[k] && v.properties[k].enum));
    const tag = keys[0];
    if (!tag) return this.object({ type: 'object', properties: Object.assign({}, ...objects.map((v) => v.properties)), required: [] }, path, { name, required });
    const values = [...new Set(objects.flatMap((v) => v.properties[tag].enum))];
    const merged = { type: 'object', properties: Object.assign({}, ...objects.map((v) => v.properties)), required: [tag] };
    merged.properties[tag] = { type: 'string', enum: values };
    const built = this.object(merged, path, { name, required });
    const tagInput = this.fields.get([...path, tag].join('.')).input;
    const show = () => {
      const chosen = tagInput.value;
      const matching = chosen ? objects.filter((v) => v.properties[tag].enum.includes(chosen)) : objects;
      for (const [key, part] of built.parts) {
        if (key === tag) continue;
        const visible = matching.some((v) => v.properties[key]);
        const req = matching.length > 0 && matching.every((v) => (v.required || []).includes(key));
        part.node.hidden = !visible;
        for (const input of part.node.querySelectorAll('input, select, textarea')) {
          input.disabled = !visible;
          // Only the top input of a field carries `required` (an evidence row's own fields keep theirs).
          if (input.dataset.path === [...path, key].join('.')) input.required = visible && req;
        }
        const mark = part.node.querySelector(':scope > label .required-mark, :scope > legend .required-mark');
        if (mark) mark.hidden = !req;
        else if (req) {
          const label = part.node.querySelector(':scope > label, :scope > legend');
          if (label) label.append(el('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*'));
        }
      }
    };
    tagInput.addEventListener('change', show);
    show();
    return { node: built.node, read: () => (built.node.hidden ? undefined : built.read()) };
  }

  unitChoice(variants, path, { name, required }) {
    const id = idOf(path);
    const units = variants.map((v) => Object.keys(v.properties)[0]);
    const unit = el('select', { id: `${id}-unit`, 'aria-label': `${fieldLabel(name)}: ${t('cmd.unit')}` }, units.map((u) => el('option', { value: u }, term('field', u))));
    const amount = el('input', { id, type: 'number', min: 0, step: 'any', required, 'data-path': path.join('.'), 'aria-describedby': `${id}-error` });
    const wrapper = el('div', { class: 'field' }, ...this.labelFor(id, name, required), el('div', { class: 'row' }, amount, unit));
    this.register(path, amount, wrapper);
    // An error on body.by.hours belongs to this field too.
    for (const u of units) this.fields.set([...path, u].join('.'), this.fields.get(path.join('.')));
    return {
      node: wrapper,
      read: () => (amount.value === '' ? undefined : { [unit.value]: Number(amount.value) }),
    };
  }

  array(schema, path, { name, required }) {
    const item = schema.items || {};
    const id = idOf(path);
    if (item.type === 'string' || item.type === 'integer' || item.type === 'number') {
      const area = el('textarea', { id, rows: 3, required, 'data-path': path.join('.'), 'aria-describedby': `${id}-hint ${id}-error` });
      const wrapper = el('div', { class: 'field' }, ...this.labelFor(id, name, required, t('cmd.onePerLine')), area);
      this.register(path, area, wrapper);
      return {
        node: wrapper,
        read: () => {
          const lines = area.value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
          if (!lines.length) return undefined;
          return item.type === 'string' ? lines : lines.map(Number);
        },
      };
    }
    // Objects: a row (a fieldset) per entry, added and removed by buttons.
    const list = el('div', { class: 'entries' });
    const entries = [];
    const add = () => {
      const index = entries.length;
      const entryPath = [...path, String(index)];
      const built = this.build(item, entryPath, { name, required: true });
      const entry = { built };
      const remove = el('button', { type: 'button', onclick: () => { entries.splice(entries.indexOf(entry), 1); box.remove(); } }, t('cmd.remove'));
      const box = el('div', { class: 'entry' }, built.node, remove);
      entries.push(entry);
      list.append(box);
      const first = box.querySelector('input, select, textarea');
      if (first) first.focus();
    };
    const legend = el('legend', {}, fieldLabel(name), required ? el('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*') : null);
    const node = el('fieldset', { 'data-path': path.join('.') }, legend, list, el('button', { type: 'button', onclick: add }, t('cmd.add', { what: term('field', name) })));
    const slot = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
    node.append(slot);
    this.fields.set(path.join('.'), { input: node, slot });
    if (required || (schema.minItems && schema.minItems > 0 && required)) add();
    return {
      node,
      read: () => {
        const values = entries.map((e) => e.built.read()).filter((v) => v !== undefined);
        return values.length ? values : undefined;
      },
    };
  }

  scalar(schema, path, { name, required }) {
    const id = idOf(path);
    const common = { id, name: path.join('.'), required, 'data-path': path.join('.'), 'aria-describedby': `${id}-hint ${id}-error` };
    let input;
    let read;
    let hint = currentLocale() === 'en' ? schema.description : undefined;
    const clocks = this.context.clocks || [];
    if (schema.enum || (name === 'clock' && clocks.length)) {
      const values = schema.enum || clocks;
      const labelOf = schema.enum ? (v) => enumLabel(name, v) : (v) => term('clock', v);
      input = el('select', common, el('option', { value: '' }, t('cmd.choose')), values.map((v) => el('option', { value: v }, labelOf(v))));
      if (values.length === 1 && required) input.value = values[0];
      read = () => (input.value === '' ? undefined : input.value);
    } else if (schema.type === 'boolean') {
      input = el('select', common, el('option', { value: '' }, t('cmd.choose')), el('option', { value: 'true' }, t('yes')), el('option', { value: 'false' }, t('no')));
      read = () => (input.value === '' ? undefined : input.value === 'true');
    } else if ((schema.type === 'integer' || schema.type === 'number') && isEpoch(schema, name)) {
      input = el('input', { ...common, type: 'datetime-local' });
      hint = t('cmd.localTime', { zone: timeZone() });
      read = () => (input.value === '' ? undefined : fromLocalInput(input.value));
    } else if ((schema.type === 'integer' || schema.type === 'number') && isMoney(name)) {
      input = el('input', { ...common, type: 'number', min: schema.minimum !== undefined ? schema.minimum / 100 : 0, step: '0.01', inputmode: 'decimal' });
      hint = [t('cmd.yuan'), hint].filter(Boolean).join(' — ');
      read = () => (input.value === '' ? undefined : Math.round(Number(input.value) * 100));
    } else if (schema.type === 'integer' || schema.type === 'number') {
      input = el('input', { ...common, type: 'number', step: schema.type === 'integer' ? 1 : 'any', min: schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum : undefined), max: schema.maximum });
      read = () => (input.value === '' ? undefined : Number(input.value));
    } else {
      const long = (schema.maxLength || 0) > 500;
      input = long ? el('textarea', { ...common, rows: path.length === 1 && name === 'reason' ? 2 : 3, maxlength: schema.maxLength }) : el('input', { ...common, type: 'text', maxlength: schema.maxLength });
      read = () => (input.value === '' ? undefined : input.value);
    }
    const wrapper = el('div', { class: 'field' }, ...(path.length === 1 && name === 'reason' ? [el('label', { for: id }, t('cmd.reason'), required ? el('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*') : null)] : this.labelFor(id, name, required, hint)), input);
    if (!hint) input.setAttribute('aria-describedby', `${id}-error`);
    this.register(path, input, wrapper);
    return { node: wrapper, read };
  }

  clearErrors() {
    for (const field of this.fields.values()) {
      const { input, slot } = field;
      field.messages = [];
      slot.hidden = true;
      slot.textContent = '';
      input.removeAttribute('aria-invalid');
    }
  }

  /** Puts each `body.<path>` error next to its field (or the nearest field above it); answers the errors left over. */
  showErrors(errors) {
    const left = [];
    let first;
    for (const e of errors || []) {
      const parts = String(e.field || '').split('.');
      if (parts[0] !== 'body') {
        left.push(e);
        continue;
      }
      let path = parts.slice(1);
      let field;
      while (path.length && !(field = this.fields.get(path.join('.')))) path = path.slice(0, -1);
      if (!field) {
        left.push(e);
        continue;
      }
      const message = fieldMessage(e.message);
      field.messages = field.messages || [];
      if (!field.messages.includes(message)) field.messages.push(message);
      field.slot.hidden = false;
      field.slot.textContent = field.messages.join(' ');
      field.input.setAttribute('aria-invalid', 'true');
      first ??= field.input;
    }
    if (first && first.focus) first.focus();
    return left;
  }
}

const RANK = { reason: 0, evidence: 100 };
const rank = (key) => RANK[key] ?? 50;

/**
 * A modal dialog with the command's form; `send(body)` posts it and answers the new view, or throws the API's problem.
 * `context.clocks`: the case's clock names, offered for a `clock` field.
 */
export async function openCommandForm(name, context, send, onDone) {
  const { schema, description } = await commandSchema(name);
  const model = new FormModel(context);
  const built = model.build(schema, [], { name: '', required: true });
  const problemBox = el('div', { class: 'dialog-problem', role: 'alert', hidden: true });
  const sendButton = el('button', { type: 'submit', class: 'primary' }, t('cmd.send'));
  const form = el(
    'form',
    { class: 'stack command', 'data-command': name },
    el('h2', { id: 'command-title' }, t('cmd.title', { command: term('command', name) })),
    description && currentLocale() === 'en' ? el('p', { class: 'hint' }, description) : null,
    el('p', { class: 'hint' }, t('cmd.requiredNote')),
    problemBox,
    built.node,
    el('div', { class: 'actions' }, sendButton, el('button', { type: 'button', onclick: () => dialog.close() }, t('cmd.cancel'))),
  );
  const dialog = el('dialog', { 'aria-labelledby': 'command-title' }, form);
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    model.clearErrors();
    problemBox.hidden = true;
    sendButton.disabled = true;
    try {
      const view = await send(built.read());
      dialog.close();
      await onDone(view);
    } catch (err) {
      const problem = err && err.problem ? err.problem : { title: t('problem.console'), detail: String(err && err.message ? err.message : err) };
      const left = model.showErrors(problem.errors);
      problemBox.replaceChildren(...problemNodes({ ...problem, errors: left }));
      problemBox.hidden = false;
    } finally {
      sendButton.disabled = false;
    }
  });
  dialog.showModal();
  const first = form.querySelector('input, select, textarea');
  if (first) first.focus();
  return dialog;
}
