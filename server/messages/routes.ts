// Messages (Meddelanden): the inbox (received, sent, archived, searched), a thread with its replies and read receipts,
// a new message about a child (its guardian to the staff, its staff to one guardian or all), and bulletins to every
// guardian of a group or a unit. Plain forms with 303 redirects; the policy lets only a thread's participants in.
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type Located, type RouteTable, type SignedInAccount } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { markNotificationsReadByUrl } from '../notifications/queries.ts';
import { childSummary, childrenInGroup, childrenOfGuardian, findUnit, groupsOfStaff, groupWithUnit, unitsHeadedBy } from '../people/queries.ts';
import { attachmentsOf, messageFiles } from './attachments.ts';
import { inbox, markThreadRead, participantsOf, receiptsOf, setArchived, threadById, visibleMessages, type Thread } from './queries.ts';
import { audienceForChild, takingPartNow } from './recipients.ts';
import {
  BODY_MAX_LENGTH, parseInboxQuery, parseNewMessage, parseReply, readSummary, roleForChild, SUBJECT_MAX_LENGTH, writingGroups,
  type Audience,
} from './rules.ts';
import { mayStillRetract } from './retract.ts';
import { messageTime } from './times.ts';
import { parseSendKey } from './send-queries.ts';
import { reply, startThread, threadUrl } from './write.ts';

interface Deps { db: Db; clock: Clock }

/**
 * The send key a form carries (hidden field `sendKey`): random for each form shown, kept when a refused form is shown
 * again. Sent twice, the form makes one message (write.ts).
 */
const sendKeyOf = (req: Request): string => parseSendKey(field(req.body ?? {}, 'sendKey')) ?? randomBytes(18).toString('base64url');

const formOf = (req: Request) => ({
  subject: field(req.body, 'subject'), body: field(req.body, 'body'), to: field(req.body, 'to'),
  urgent: field(req.body, 'urgent'), sensitive: field(req.body, 'sensitive'),
});

export function messageRoutes(routes: RouteTable, { db, clock }: Deps): void {
  routes.get('/messages', 'messages.read', async (req, res, { actor, account }) => {
    const query = parseInboxQuery(req.query as Record<string, unknown>);
    const [page, writeTo] = await Promise.all([inbox(db, account.id, query), writingChoices(db, actor, today(clock))]);
    render(req, res, 'messages/page', { ...page, query, writeTo, when: messageTime(req.language, clock) });
  });

  routes.get('/messages/:messageThreadId', 'messageThread.read', async (req, res, { account }) => {
    await renderThread(req, res, account, await threadOf(db, req));
  });

  routes.post('/messages/:messageThreadId/replies', 'messageThread.reply', async (req, res, { account }) => {
    const thread = await threadOf(db, req);
    const parsed = parseReply({ body: field(req.body, 'body') });
    if (!parsed.ok) return renderThread(req, res, account, thread, parsed.errors);
    const sendKey = parseSendKey(field(req.body, 'sendKey'));
    const sent = await reply(db, thread, { accountId: account.id, name: account.displayName, sendKey }, parsed.value, () => messageFiles(req), clock.now());
    if (!sent.ok) return renderThread(req, res, account, thread, sent.errors);
    if (!sent.again) flash(req, 'messages.sent');
    res.redirect(303, `${threadUrl(sent.threadId)}#message-${sent.messageId}`);
  });

  routes.post('/messages/:messageThreadId/archive', 'messageThread.archive', async (req, res, { account, target }) => {
    await setArchived(db, target.id, account.id, clock.now());
    flash(req, 'messages.archived');
    res.redirect(303, '/messages');
  });

  routes.post('/messages/:messageThreadId/unarchive', 'messageThread.archive', async (req, res, { account, target }) => {
    await setArchived(db, target.id, account.id, null);
    flash(req, 'messages.unarchived');
    res.redirect(303, threadUrl(target.id));
  });

  // A new message about a child
  routes.get('/children/:childId/messages/new', 'child.messages.write', async (req, res, { actor, account, target }) => {
    await renderNewForChild(req, res, actor, account, target, {});
  });

  routes.post('/children/:childId/messages', 'child.messages.write', async (req, res, { actor, account, target }) => {
    const { role, audience, groups } = await childAudience(actor, account, target);
    const parsed = parseNewMessage(formOf(req), role, audience);
    if (!parsed.ok) return renderNewForChild(req, res, actor, account, target, parsed.errors);
    const { subject, body, urgent, sensitive, addressed } = parsed.value;
    const to = addressed;
    if (!to) throw notFound(); // (parsed with its audience: never without its recipients)
    const sent = await startThread(db, {
      municipalityId: target.municipalityId, subject, kind: 'direct', childId: target.id, urgent, sensitive,
      groupId: to.groupId ?? groups[0]?.id ?? null, unitId: to.unitId ?? groups[0]?.unitId ?? null,
    }, { accountId: account.id, role, name: account.displayName, sendKey: parseSendKey(field(req.body, 'sendKey')) },
    to.accountIds.map((accountId) => ({ accountId, role: role === 'guardian' ? 'staff' as const : 'guardian' as const })),
    body, await messageFiles(req), clock.now());
    if (!sent.ok) return renderNewForChild(req, res, actor, account, target, sent.errors);
    if (!sent.again) flash(req, 'messages.sent');
    res.redirect(303, threadUrl(sent.threadId));
  });

  // Bulletins: to every guardian of a group's children, or of a unit's
  routes.get('/groups/:groupId/bulletins/new', 'group.bulletin.send', async (req, res, { target }) => {
    await renderBulletin(req, res, { groupId: target.id }, {});
  });

  routes.post('/groups/:groupId/bulletins', 'group.bulletin.send', async (req, res, { account, target }) => {
    const group = await groupWithUnit(db, target.id);
    if (!group) throw notFound();
    await sendBulletin(req, res, account, { groupId: group.id },
      { municipalityId: group.municipalityId, groupId: group.id, unitId: group.unitId });
  });

  routes.get('/units/:unitId/bulletins/new', 'unit.bulletin.send', async (req, res, { target }) => {
    await renderBulletin(req, res, { unitId: target.id }, {});
  });

  routes.post('/units/:unitId/bulletins', 'unit.bulletin.send', async (req, res, { account, target }) => {
    await sendBulletin(req, res, account, { unitId: target.id }, { municipalityId: target.municipalityId, groupId: null, unitId: target.id });
  });

  async function renderThread(req: Request, res: Response, account: SignedInAccount, thread: Thread, errors: FieldErrors = {}): Promise<void> {
    const participants = await participantsOf(db, thread.id);
    const me = participants.find((p) => p.accountId === account.id);
    if (!me) throw notFound();
    const messages = await visibleMessages(db, thread.id, account.id);
    const mine = messages.filter((m) => m.mine).map((m) => m.id);
    const [receipts, attachments] = await Promise.all([
      me.role === 'staff' ? receiptsOf(db, mine) : Promise.resolve(new Map()), attachmentsOf(db, messages.map((m) => m.id)),
    ]);
    if (req.method === 'GET') {
      const at = clock.now();
      const read = await markThreadRead(db, thread.id, account.id, at);
      await markNotificationsReadByUrl(db, account.id, threadUrl(thread.id), at);
      // The envelope was counted before this page marked its messages read: this page shows it as it is now. (The bell
      // counts no message's notification.)
      const unread = res.locals.unread as { notifications: number; messages: number } | undefined;
      if (unread) res.locals.unread = { ...unread, messages: Math.max(0, unread.messages - read) };
    }
    const shown = messages.map((m) => {
      const list = receipts.get(m.id) ?? [];
      const mayRetract = m.mine && me.role === 'staff' && m.retractedAt === null && mayStillRetract(m.sentAt, clock.now());
      return { ...m, receipts: list, summary: readSummary(list), attachments: attachments.get(m.id) ?? [], mayRetract };
    });
    const status = Object.keys(errors).length ? 400 : 200;
    // (someone whose custody ended or who left the group reads what they were sent, and writes no more here)
    const mayReply = (await takingPartNow(db, thread, [account.id], today(clock), new Map([[account.id, me.role]]))).has(account.id);
    render(req, res, 'messages/thread', {
      when: messageTime(req.language, clock),
      thread, messages: shown, role: me.role, archived: me.archivedAt !== null, errors, maxLength: BODY_MAX_LENGTH,
      sendKey: sendKeyOf(req), mayReply,
      values: status === 400 ? { body: field(req.body, 'body') } : {},
      replyToStaffOnly: thread.kind === 'bulletin' && me.role === 'guardian',
      // staff answering one family's reply to a bulletin would otherwise tell every family
      replyToEveryone: thread.kind === 'bulletin' && me.role === 'staff',
    }, status);
  }

  async function childAudience(actor: Actor, account: SignedInAccount, target: Located) {
    const role = roleForChild(actor, target.id);
    const placed = writingGroups(actor, target.id, target.groups ?? []);
    const groups = [];
    for (const g of placed) {
      const group = await groupWithUnit(db, g.id);
      if (group) groups.push({ ...g, name: group.name });
    }
    const audience = await audienceForChild(db, target.id, role, groups, today(clock), account.id);
    return { role, audience, groups };
  }

  async function renderNewForChild(req: Request, res: Response, actor: Actor, account: SignedInAccount, target: Located, errors: FieldErrors): Promise<void> {
    const [child, { role, audience }] = await Promise.all([childSummary(db, target.id, today(clock)), childAudience(actor, account, target)]);
    if (!child) throw notFound();
    const status = Object.keys(errors).length ? 400 : 200;
    render(req, res, 'messages/new', {
      heading: req.t('messages.new.toChildTitle', { name: child.firstName }), action: `/children/${child.id}/messages`,
      audience, canReach: reachable(audience), staff: role === 'staff', errors, values: status === 400 ? formOf(req) : {},
      subjectMax: SUBJECT_MAX_LENGTH, bodyMax: BODY_MAX_LENGTH, children: [], sendKey: sendKeyOf(req),
    }, status);
  }

  async function renderBulletin(req: Request, res: Response, place: { groupId: number } | { unitId: number }, errors: FieldErrors): Promise<void> {
    let heading: string;
    let action: string;
    let children: { id: number; name: string }[] = [];
    if ('groupId' in place) {
      const group = await groupWithUnit(db, place.groupId);
      if (!group) throw notFound();
      heading = req.t('messages.new.groupTitle', { name: group.name });
      action = `/groups/${group.id}/bulletins`;
      children = (await childrenInGroup(db, group.id, today(clock))).map((c) => ({ id: c.id, name: `${c.firstName} ${c.lastName}` }));
    } else {
      const unit = await findUnit(db, place.unitId);
      if (!unit) throw notFound();
      heading = req.t('messages.new.unitTitle', { name: unit.name });
      action = `/units/${unit.id}/bulletins`;
    }
    const status = Object.keys(errors).length ? 400 : 200;
    render(req, res, 'messages/new', {
      heading, action, audience: undefined, canReach: true, staff: true, errors, values: status === 400 ? formOf(req) : {},
      subjectMax: SUBJECT_MAX_LENGTH, bodyMax: BODY_MAX_LENGTH, children, sendKey: sendKeyOf(req),
    }, status);
  }

  async function sendBulletin(
    req: Request, res: Response, account: SignedInAccount, place: { groupId: number } | { unitId: number },
    thread: { municipalityId: number; groupId: number | null; unitId: number },
  ): Promise<void> {
    const parsed = parseNewMessage(formOf(req), 'staff');
    if (!parsed.ok) return renderBulletin(req, res, place, parsed.errors);
    const { subject, body, urgent, sensitive } = parsed.value;
    const sent = await startThread(db, { ...thread, subject, kind: 'bulletin', urgent, sensitive },
      { accountId: account.id, role: 'staff', name: account.displayName, sendKey: parseSendKey(field(req.body, 'sendKey')) },
      [], body, await messageFiles(req), clock.now());
    if (!sent.ok) return renderBulletin(req, res, place, sent.errors);
    if (!sent.again) flash(req, 'messages.bulletinSent');
    res.redirect(303, threadUrl(sent.threadId));
  }
}

/** The thread of the route (the guard found it and let the user in). */
async function threadOf(db: Db, req: Request): Promise<Thread> {
  const thread = await threadById(db, Number(req.params.messageThreadId));
  if (!thread) throw notFound();
  return thread;
}

function reachable(audience: Audience): boolean {
  return audience.role === 'guardian' ? audience.groups.some((g) => g.staff.length > 0) : audience.guardians.length > 0;
}

/** Where the inbox offers to write: a guardian about each child, staff to each of their groups and units they head. */
async function writingChoices(db: Db, actor: Actor, day: string) {
  const [children, groups, units] = await Promise.all([
    childrenOfGuardian(db, actor.personId, day), groupsOfStaff(db, actor), unitsHeadedBy(db, actor),
  ]);
  return {
    children: children.map((c) => ({ id: c.id, name: c.firstName })),
    groups: groups.map((g) => ({ id: g.id, name: g.name, unitName: g.unitName })),
    units: units.map((u) => ({ id: u.id, name: u.name })),
  };
}
