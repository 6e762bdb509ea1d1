// Reading a form the way a browser sends it: every named field of one form on the page, as it was rendered.
import type { Agent } from '../support/app.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (ENTITIES[body] !== undefined) return ENTITIES[body];
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number(body.slice(1)));
    return entity;
  });
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]) : /\s${name}[\s>]/.test(tag) ? '' : undefined;
}

/** The fields of the form posting to `action`: inputs (checked boxes only), selects and textareas. */
export function formFields(html: string, action: string): Map<string, string[]> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`No form posting to ${action} on the page`);
  const end = html.indexOf('</form>', start);
  const form = html.slice(html.lastIndexOf('<form', start), end);
  const fields = new Map<string, string[]>();
  const add = (name: string, value: string) => fields.set(name, [...(fields.get(name) ?? []), value]);
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(tag, 'name');
    if (!name) continue;
    const type = attribute(tag, 'type') ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !/\schecked[\s>]/.test(tag)) continue;
    add(name, attribute(tag, 'value') ?? (type === 'checkbox' ? 'on' : ''));
  }
  for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attribute(`<x ${m[1]}>`, 'name');
    if (name) add(name, decode(m[2]));
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attribute(`<x ${m[1]}>`, 'name');
    if (!name) continue;
    const options = [...m[2].matchAll(/<option\b[^>]*>/g)].map((o) => o[0]);
    const chosen = options.find((o) => /\sselected[\s>]/.test(o)) ?? options[0];
    if (chosen) add(name, attribute(chosen, 'value') ?? '');
  }
  return fields;
}

/** Sends a form's fields, with some set or removed (undefined removes, a list sets several values). */
export async function submit(agent: Agent, action: string, fields: Map<string, string[]>, changes: Record<string, string | string[] | undefined> = {}) {
  const all = new Map(fields);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) all.delete(name);
    else all.set(name, Array.isArray(value) ? value : [value]);
  }
  const body = new URLSearchParams();
  for (const [name, values] of all) for (const value of values) body.append(name, value);
  return agent.post(action).type('form').send(body.toString());
}

/** Opens a page and fills in its form: the page's fields with the changes, posted. */
export async function openAndSubmit(agent: Agent, page: string, action: string, changes: Record<string, string | string[] | undefined>) {
  const res = await agent.get(page);
  if (res.status !== 200) throw new Error(`GET ${page}: ${res.status}`);
  return submit(agent, action, formFields(res.text, action), changes);
}

/** The text of an element with the id, tags removed and spaces collapsed. */
export function textOf(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const open = html.lastIndexOf('<', start);
  const tag = /^<([a-z0-9]+)/.exec(html.slice(open))![1];
  let depth = 0;
  const re = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
  re.lastIndex = open;
  let end = html.length;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) { end = m.index; break; }
  }
  return decode(html.slice(open, end).replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}
