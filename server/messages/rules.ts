// The rules of messages, without SQL: what a message may say, who a new message or a reply reaches, and how the inbox
// is asked for. The one invariant every rule here keeps: an account sees a message iff it sent it or is one of its
// recipients — a guardian's reply to a bulletin goes to the thread's staff only, and a message to one guardian never
// reaches the other.
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import type { Actor, PlacedGroup } from '../kernel/policy.ts';

export const SUBJECT_MAX_LENGTH = 120;
/** A message is a letter to the home, not a document: long enough for a week's letter. */
export const BODY_MAX_LENGTH = 5000;
/** Threads on one page of the inbox. */
export const INBOX_PAGE_SIZE = 25;

export type Role = 'staff' | 'guardian';
export type ThreadKind = 'direct' | 'bulletin';
export type InboxFilter = 'received' | 'sent' | 'archived';

export interface Participant { accountId: number; role: Role }

/** The inbox as the URL asks for it: `?filter=sent|archived`, `?q=` words, `?page=`. */
export interface InboxQuery { filter: InboxFilter; q: string; page: number }

export function parseInboxQuery(query: Record<string, unknown>): InboxQuery {
  const filter = query.filter === 'sent' || query.filter === 'archived' ? query.filter : 'received';
  // (a query string is not a form: cleaned here as forms are, since PostgreSQL refuses text with a NUL)
  const q = typeof query.q === 'string' ? query.q.replaceAll('\u0000', '').normalize('NFC').trim().slice(0, 100) : '';
  const page = typeof query.page === 'string' && /^[1-9][0-9]{0,5}$/.test(query.page) ? Number(query.page) : 1;
  return { filter, q, page };
}

/** The role a user writes about a child in: its guardian as 'guardian' (a guardian who also works there writes as one). */
export function roleForChild(actor: Actor, childId: number): Role {
  return actor.guardianOf.has(childId) ? 'guardian' : 'staff';
}

/** The groups of the child whose staff the user writes for: all of them for its guardian, the user's own for staff. */
export function writingGroups(actor: Actor, childId: number, groups: readonly PlacedGroup[]): PlacedGroup[] {
  if (actor.guardianOf.has(childId)) return [...groups];
  return groups.filter((g) => actor.staffGroups.has(g.id) || actor.headOf.has(g.unitId) || actor.adminOf.has(g.municipalityId));
}

/**
 * Whom a new message about a child may go to, as the form offers it: a guardian writes to all the staff of one of the
 * child's groups (`group:<id>`) or one of them (`account:<id>`); staff write to all the child's guardians (`guardians`)
 * or one of them (`account:<id>`).
 */
export type Audience =
  | { role: 'guardian'; groups: { id: number; name: string; unitId: number; staff: { accountId: number; name: string }[] }[] }
  | { role: 'staff'; guardians: { accountId: number; name: string }[] };

export interface NewMessage { subject: string; body: string; to: string; urgent: boolean; sensitive: boolean }

/** The chosen recipients of a new message: their accounts, and the group the message goes to (a guardian's). */
export interface Addressed { accountIds: number[]; groupId: number | null; unitId: number | null }

export function resolveAudience(audience: Audience, to: string): Addressed | undefined {
  if (audience.role === 'guardian') {
    const group = /^group:([0-9]+)$/.exec(to);
    for (const g of audience.groups) {
      if (group && Number(group[1]) === g.id && g.staff.length) return { accountIds: g.staff.map((s) => s.accountId), groupId: g.id, unitId: g.unitId };
      const one = g.staff.find((s) => `account:${s.accountId}` === to);
      if (one) return { accountIds: [one.accountId], groupId: g.id, unitId: g.unitId };
    }
    return undefined;
  }
  if (to === 'guardians' && audience.guardians.length) return { accountIds: audience.guardians.map((g) => g.accountId), groupId: null, unitId: null };
  const one = audience.guardians.find((g) => `account:${g.accountId}` === to);
  return one ? { accountIds: [one.accountId], groupId: null, unitId: null } : undefined;
}

function parseText(field: 'subject' | 'body', text: string, max: number, errors: FieldErrors): string {
  const value = field === 'subject' ? text.replace(/\s+/g, ' ').trim() : text.replace(/\r\n/g, '\n').trim();
  if (!value) errors[field] = { key: `messages.errors.${field}Empty` };
  else if (value.length > max) errors[field] = { key: `messages.errors.${field}TooLong`, params: { max } };
  return value;
}

/** A reply: its text. */
export function parseReply(form: { body: string }): Parsed<string> {
  const errors: FieldErrors = {};
  const body = parseText('body', form.body, BODY_MAX_LENGTH, errors);
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: body };
}

/**
 * A new thread: subject, text and (for a message about a child) its recipients. Only staff mark a thread urgent or
 * sensitive; a guardian's form has no such boxes, and a posted one is ignored.
 */
export function parseNewMessage(
  form: { subject: string; body: string; to?: string; urgent: string; sensitive: string }, role: Role, audience?: Audience,
): Parsed<NewMessage & { addressed?: Addressed }> {
  const errors: FieldErrors = {};
  const subject = parseText('subject', form.subject, SUBJECT_MAX_LENGTH, errors);
  const body = parseText('body', form.body, BODY_MAX_LENGTH, errors);
  let addressed: Addressed | undefined;
  if (audience) {
    addressed = resolveAudience(audience, form.to ?? '');
    if (!addressed) errors.to = { key: 'messages.errors.to' };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const staff = role === 'staff';
  return {
    ok: true,
    value: { subject, body, to: form.to ?? '', urgent: staff && form.urgent === '1', sensitive: staff && form.sensitive === '1', addressed },
  };
}

/**
 * Who a reply reaches: everyone else in a direct thread; in a bulletin, a guardian's reply only the thread's staff (the
 * other families never see it), a staff member's everyone else.
 */
export function replyRecipients(kind: ThreadKind, sender: Participant, participants: readonly Participant[]): number[] {
  const others = participants.filter((p) => p.accountId !== sender.accountId);
  if (kind === 'bulletin' && sender.role === 'guardian') return others.filter((p) => p.role === 'staff').map((p) => p.accountId);
  return others.map((p) => p.accountId);
}

/** Where a thread sits, as rechecking who takes part needs it. */
export interface ThreadPlace { kind: ThreadKind; municipalityId: number; childId: number | null; groupId: number | null; unitId: number | null }

/**
 * The role an account may take part in a thread as today, or undefined when it no longer may: in a thread about a
 * child, its guardian (custody not ended) or staff who may still write about it (staff of one of its groups now, the
 * head of such a group's unit, an admin); in a bulletin, staff of its group or unit (head, admin) or a guardian of a
 * child placed there today (`guardianThere`, found in one query for all of them). What an account was sent before
 * stays theirs to read (the policy lets every participant read); this decides only whether a new message reaches it and
 * whether it may reply.
 */
export function roleNow(thread: ThreadPlace, actor: Actor, childGroups: readonly PlacedGroup[], guardianThere: boolean): Role | undefined {
  if (thread.kind === 'direct') {
    if (thread.childId === null) return undefined;
    if (actor.guardianOf.has(thread.childId)) return 'guardian';
    return writingGroups(actor, thread.childId, childGroups).length > 0 ? 'staff' : undefined;
  }
  const admin = actor.adminOf.has(thread.municipalityId);
  const head = thread.unitId !== null && actor.headOf.has(thread.unitId);
  const staff = thread.groupId !== null ? actor.staffGroups.has(thread.groupId) : thread.unitId !== null && actor.staffUnits.has(thread.unitId);
  if (admin || head || staff) return 'staff';
  return guardianThere ? 'guardian' : undefined;
}

/** "Läst av 12 av 45": how many of a message's recipients have opened it. */
export function readSummary(recipients: readonly { readAt: string | null }[]): { read: number; total: number } {
  return { read: recipients.filter((r) => r.readAt !== null).length, total: recipients.length };
}
