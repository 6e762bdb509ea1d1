// The rules of Information, without the database: what a publish form must hold, what a list query means, and the
// "Läst av 12 av 45" summary. Every refusal is a catalogue key at its field.
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import { createHash } from 'node:crypto';
import { isDate } from '../kernel/dates.ts';

export const TITLE_MAX_LENGTH = 200;
export const BODY_MAX_LENGTH = 20_000;
export const LINK_MAX_LENGTH = 2_000;
/** An item expires at most this far ahead (a letter for the year, not for ever: without a date it never expires). */
export const EXPIRY_MAX_DAYS = 400;

export interface ItemForm { title: string; body: string; link: string; pinned: string; expiresOn: string }
export interface ParsedItem { title: string; body: string; linkUrl: string | null; pinned: boolean; expiresOn: string | null }

/**
 * A publish or edit form: a title and a text, an optional web link (http or https only), pinned or not, an optional
 * last day. `kept`: the last day the item has now (an edit may leave a day that has passed as it is).
 */
export function parseItem(form: ItemForm, today: string, kept: string | null = null): Parsed<ParsedItem> {
  const errors: FieldErrors = {};
  const title = form.title.trim();
  if (!title) errors.title = { key: 'information.errors.titleMissing' };
  else if (title.length > TITLE_MAX_LENGTH) errors.title = { key: 'information.errors.titleTooLong', params: { max: TITLE_MAX_LENGTH } };
  const body = form.body.trim();
  if (!body) errors.body = { key: 'information.errors.bodyMissing' };
  else if (body.length > BODY_MAX_LENGTH) errors.body = { key: 'information.errors.bodyTooLong', params: { max: BODY_MAX_LENGTH } };
  const link = form.link.trim();
  const linkUrl = link ? webLink(link) : null;
  if (link && !linkUrl) errors.link = { key: 'information.errors.linkInvalid' };
  const expires = form.expiresOn.trim();
  if (expires && !isDate(expires)) errors.expiresOn = { key: 'information.errors.expiresInvalid' };
  else if (expires && expires < today && expires !== kept) errors.expiresOn = { key: 'information.errors.expiresPast' };
  else if (expires && expires !== kept && daysBetween(today, expires) > EXPIRY_MAX_DAYS) errors.expiresOn = { key: 'information.errors.expiresFar', params: { max: EXPIRY_MAX_DAYS } };
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { title, body, linkUrl, pinned: form.pinned === '1', expiresOn: expires || null } };
}

/** A link readers may follow: an absolute http(s) address without credentials, as the URL parser writes it; else null. */
export function webLink(text: string): string | null {
  if (text.length > LINK_MAX_LENGTH || /\s/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || !url.hostname.includes('.')) return null;
  return url.href;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The list's query string: `q` (words, at most 100 characters) and `page` (1 up). */
export function parseListQuery(query: Record<string, unknown>): { q: string; page: number } {
  const q = typeof query.q === 'string' ? query.q.normalize('NFC').replaceAll('\u0000', '').trim().slice(0, 100) : '';
  const page = typeof query.page === 'string' && /^[1-9][0-9]{0,4}$/.test(query.page) ? Number(query.page) : 1;
  return { q, page };
}

/** How many of the audience have read an item, and who has not (by name). */
export function readSummary(audience: readonly { name: string; read: boolean }[]): { read: number; total: number; notRead: string[] } {
  return {
    read: audience.filter((m) => m.read).length,
    total: audience.length,
    notRead: audience.filter((m) => !m.read).map((m) => m.name),
  };
}

/** Whether an item is past its last day (guardians no longer see it; its publisher does, marked). */
export function expired(item: { expiresOn: string | null }, today: string): boolean {
  return item.expiresOn !== null && item.expiresOn < today;
}

/** The ids of the files ticked for removal on the edit form (whole numbers only; at most a few). */
export function removedFileIds(values: readonly string[]): number[] {
  return [...new Set(values.filter((v) => /^[1-9][0-9]{0,9}$/.test(v)).map(Number))].slice(0, 20);
}

/**
 * What an edit form was opened on: a short fingerprint of the item's text, settings and files. A save whose form
 * carries another than the item has now was made on an older item (someone else saved meanwhile) and is refused.
 */
export function itemVersion(item: ParsedItem, fileIds: readonly number[]): string {
  const parts = [item.title, item.body, item.linkUrl, item.pinned, item.expiresOn, [...fileIds].sort((a, b) => a - b)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}
