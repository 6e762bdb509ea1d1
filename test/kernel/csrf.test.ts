// Every state-changing route refuses an htmx POST (`HX-Request: true`) that has no valid CSRF token: with no token at
// all and with a wrong one in `x-csrf-token`, as a signed-in user who may do it (or, for a public route, anonymously
// with a CSRF cookie of its own), and nothing changes. Walked over every POST route of the RouteTable, so a new route is
// covered without new code.
import { addEvent } from '../../server/calendar/queries.ts';
import { insertItem } from '../../server/information/queries.ts';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfFrom, csrfOf, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint, groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { requestClosure } from '../../server/accounts/closure-queries.ts';
import { createResetToken } from '../../server/accounts/reset-queries.ts';
import { addEmail } from '../../server/accounts/settings-queries.ts';
import { createInvitation, issueKey } from '../../server/invitations/queries.ts';
import { storeImportFile } from '../../server/people/registry-sync.ts';
import { addGuestbookEntry } from '../../server/child-page/queries.ts';
import { addNote } from '../../server/notes/queries.ts';
import { addComment, addObservation } from '../../server/documentation/comments-queries.ts';
import { writeDemoPost } from '../../server/documentation/demo.ts';
import { addMessage, addParticipants, createThread } from '../../server/messages/queries.ts';
import { saveSubscription } from '../../server/push/queries.ts';
import { addPasskey } from '../../server/passkeys/queries.ts';
import { SoftAuthenticator } from '../passkeys/authenticator.ts';
import { trustDevice } from '../../server/accounts/pin-queries.ts';
import { newToken } from '../../server/accounts/tokens.ts';
import crypto from 'node:crypto';
import { today } from '../../server/kernel/clock.ts';
import { adaptationsOfChild } from '../../server/adaptations/queries.ts';

/** A browser's push keys (a P-256 public key and a 16-byte auth secret, base64url), for a device's subscription. */
const PUSH_KEYS = { p256dh: crypto.createECDH('prime256v1').generateKeys().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') };

describe('CSRF on htmx POSTs', () => {
  let t: TestApp;
  const agents = new Map<string, Agent>();
  let ids: Record<string, string>;
  let emmaAccount: number;
  let closedDays = 0;

  before(async () => {
    t = await startTestApp({ env: { LOGIN_LIMIT_PER_ADDRESS: '1000', LOGIN_LIMIT_PER_ACCOUNT: '1000' } });
    for (const actor of ['admin', 'vardnadshavare', 'larare2b', 'rektor']) agents.set(actor, await signIn(t.app, actor));
    const anonymous = request.agent(t.app);
    await anonymous.get('/login'); // a CSRF cookie of its own, so that a wrong token is checked against a real one
    agents.set('anonymous', anonymous);
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    emmaAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
    ids = {
      childId: String(elsa), groupId: String(await groupId(t.db, 'Blåbär')), unitId: String(await unitId(t.db, 'Förskolan Solrosen')),
      municipalityId: String(await municipalityId(t.db, 'Demokommun')),
    };
  });
  after(() => t.close());

  /** Who may do it: the admin may do nearly everything; an address is Emma's own; an unreported absence is Oskar's teacher's. */
  function actorFor(path: string, access: string): string {
    if (access === 'public') return 'anonymous';
    if (path.includes(':emailId')) return 'vardnadshavare';
    if (path.endsWith('/absences/unreported')) return 'larare2b';
    if (path.includes(':closureRequestId')) return 'rektor';
    if (path === '/children/:childId/consent') return 'vardnadshavare'; // a guardian's own answer
    if (path.endsWith('/comments') || path.endsWith('/observations')) return 'vardnadshavare'; // a guardian's comment or home observation
    if (path.includes(':messageThreadId')) return 'vardnadshavare'; // a thread of Emma's
    if (path.includes(':pushSubscriptionId')) return 'vardnadshavare'; // a device of Emma's
    if (path.includes(':passkeyId')) return 'vardnadshavare'; // a passkey of Emma's
    if (path.startsWith('/settings/pin')) return 'vardnadshavare'; // a PIN of Emma's (only a guardian chooses one)
    // families (issue 26): the homes' patterns, same-day notes and the pickup list are the guardians'; bans the unit head's
    if (/\/(schedule\/homes|day-notes|pickup|walk-home)(\/|$)/.test(path) || path.includes(':pickupPersonId')) return 'vardnadshavare';
    if (path.includes('pickup-bans') || path.includes(':pickupBanId')) return 'rektor';
    return 'admin';
  }

  /** The path with real demo records; records that a route uses up are made fresh each time. */
  async function fill(path: string): Promise<string> {
    const now = t.clock.now();
    const values: Record<string, string> = { ...ids };
    if (path.endsWith('/absences/unreported')) values.childId = String(await personId(t.db, 'Oskar', 'Andersson'));
    if (path.includes(':token')) {
      if (path.startsWith('/password/reset/')) values.token = await createResetToken(t.db, emmaAccount, now);
      else {
        const added = await addEmail(t.db, { id: emmaAccount, email: null }, `csrf-${Math.random()}@example.com`, now);
        if (!added.ok) throw new Error(added.error);
        values.token = added.token;
      }
    }
    if (path.includes(':emailId')) {
      const email = `csrf-${Math.random()}@example.com`;
      const row = await t.db.insertInto('account_emails').values({ account_id: emmaAccount, email, email_key: email,
        verified_at: now.toISOString(), created_at: now.toISOString(), token_hash: null, token_expires_at: null }).returning('id').executeTakeFirstOrThrow();
      values.emailId = String(row.id);
    }
    if (path.includes(':invitationId')) {
      const guardian = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', Number(ids.childId)).executeTakeFirstOrThrow();
      const invitation = await createInvitation(t.db, { guardianId: guardian.guardian_id, email: 'csrf@example.com', language: 'sv',
        sendOn: '2026-11-24', childId: Number(ids.childId), municipalityId: Number(ids.municipalityId), by: emmaAccount, now });
      await issueKey(t.db, invitation, 'email', now);
      values.invitationId = String(invitation);
    }
    if (path.includes(':absenceId')) {
      const { id } = await t.db.insertInto('absences').values({ child_id: Number(ids.childId), date: '2026-12-03', starts: null, ends: null,
        kind: 'reported', comment: null, created_by: emmaAccount, created_at: now.toISOString() })
        .onConflict((oc) => oc.columns(['child_id', 'date']).where('cancelled_at', 'is', null).doUpdateSet({ comment: null })) // one in force a day
        .returning('id').executeTakeFirstOrThrow();
      values.absenceId = String(id);
    }
    if (path.includes(':closedDayId')) {
      const date = new Date(Date.UTC(2029, 0, 1 + closedDays++)).toISOString().slice(0, 10);
      const { id } = await t.db.insertInto('unit_closed_days').values({ unit_id: Number(ids.unitId), date, reason: 'Planeringsdag' })
        .returning('id').executeTakeFirstOrThrow();
      values.closedDayId = String(id);
    }
    if (path.includes(':closureRequestId')) {
      const guardian = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare2').executeTakeFirstOrThrow()).id;
      values.closureRequestId = String((await requestClosure(t.db, guardian, now)).id);
    }
    // The admin pages' records: Elsa as the register knows her, her placement and guardian, the demo's first area and
    // staff assignment, an import file of the municipality (a refused POST uses none of them up).
    if (path.includes(':registeredChildId')) values.registeredChildId = ids.childId;
    if (path.includes(':placementId') || path.includes(':guardianId')) {
      const child = Number(ids.childId);
      values.placementId = String((await t.db.selectFrom('placements').select('id').where('child_id', '=', child).orderBy('id').executeTakeFirstOrThrow()).id);
      values.guardianId = String((await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).orderBy('guardian_id')
        .executeTakeFirstOrThrow()).guardian_id);
    }
    if (path.includes(':areaId')) {
      values.areaId = String((await t.db.selectFrom('areas').select('id').where('municipality_id', '=', Number(ids.municipalityId)).orderBy('id')
        .executeTakeFirstOrThrow()).id);
    }
    if (path.includes(':staffMemberId') || path.includes(':staffAssignmentId') || path.includes(':staffDetailsId')) {
      const assignment = await t.db.selectFrom('staff_assignments').select(['id', 'person_id']).where('unit_id', '=', Number(ids.unitId)).orderBy('id')
        .executeTakeFirstOrThrow();
      values.staffMemberId = String(assignment.person_id);
      values.staffDetailsId = String(assignment.person_id);
      values.staffAssignmentId = String(assignment.id);
    }
    if (path.includes(':registryImportId')) {
      values.registryImportId = String(await storeImportFile(t.db, { municipalityId: Number(ids.municipalityId), fileName: 'register.csv',
        encoding: 'utf-8', content: 'typ;personnummer\n', by: 1, at: now }));
    }
    if (path.includes(':entryId')) { // a greeting in Elsa's guestbook, from Emma
      const emma = (await t.db.selectFrom('accounts').select('person_id').where('id', '=', emmaAccount).executeTakeFirstOrThrow()).person_id;
      values.entryId = String(await addGuestbookEntry(t.db, Number(ids.childId), 'Hej', false, { personId: emma, at: now.toISOString() }));
    }
    // a note about Elsa, a published post of Blåbär with Emma's comment, and Emma's home observation (each made fresh)
    const emmaPerson = async () => (await t.db.selectFrom('accounts').select('person_id').where('id', '=', emmaAccount).executeTakeFirstOrThrow()).person_id;
    values.childNotesId = ids.childId;
    if (path.includes(':noteId')) {
      values.noteId = String(await addNote(t.db, { childId: Number(ids.childId), unitId: Number(ids.unitId), body: 'Hej', by: await emmaPerson(), at: now }));
    }
    if (path.includes(':publishedPostId') || path.includes(':postCommentId')) {
      const post = await writeDemoPost(t.db, t.dir, { municipalityId: Number(ids.municipalityId), unitId: Number(ids.unitId), groupId: Number(ids.groupId),
        authorId: await emmaPerson(), kind: 'group', title: 'CSRF', publishedAt: now.toISOString() });
      values.publishedPostId = String(post.id);
      values.postCommentId = String(await addComment(t.db, { postId: post.id, childId: Number(ids.childId), by: await emmaPerson(), body: 'Hej', at: now }));
    }
    if (path.includes(':postId')) { // a draft of Blåbär with a photo (documentation's staff routes)
      const draft = await writeDemoPost(t.db, t.dir, { municipalityId: Number(ids.municipalityId), unitId: Number(ids.unitId), groupId: Number(ids.groupId),
        authorId: await emmaPerson(), kind: 'group', title: 'CSRF-utkast', publishedAt: null, media: [{ stored: 31, tagged: 'none' }] });
      values.postId = String(draft.id);
      values.mediaId = String(draft.mediaIds[0]);
    }
    if (path.includes(':messageThreadId')) { // a thread of Emma's about Elsa, with one message
      const threadId = await createThread(t.db, { municipalityId: Number(ids.municipalityId), subject: 'CSRF', kind: 'direct', childId: Number(ids.childId),
        urgent: false, sensitive: false, by: emmaAccount, at: now });
      await addParticipants(t.db, threadId, [{ accountId: emmaAccount, role: 'guardian' }]);
      values.messageId = String(await addMessage(t.db, { threadId, senderAccountId: emmaAccount, body: 'Hej', at: now }));
      values.messageThreadId = String(threadId);
    }
    if (path.includes(':pushSubscriptionId')) { // a device of Emma's that gets her push notifications
      values.pushSubscriptionId = String(await saveSubscription(t.db, emmaAccount, { endpoint: `https://fcm.googleapis.com/fcm/send/csrf-${Math.random()}`,
        p256dh: PUSH_KEYS.p256dh, auth: PUSH_KEYS.auth, label: 'Chrome · Android' }, now));
    }
    if (path.includes(':passkeyId')) { // a passkey of Emma's
      const added = await addPasskey(t.db, emmaAccount, new SoftAuthenticator('http://localhost').made(), now);
      if (added.ok) values.passkeyId = String(added.id);
    }
    if (path.includes(':trustedDeviceId')) { // a browser of Emma's with a PIN
      values.trustedDeviceId = String(await trustDevice(t.db, { accountId: emmaAccount, tokenHash: newToken().hash, pinHash: 'csrf', label: 'Chrome · Android' },
        undefined, now));
    }
    if (path.includes(':calendarEventId')) { // an event of Elsa's group
      values.calendarEventId = String(await addEvent(t.db, { municipalityId: Number(ids.municipalityId), unitId: Number(ids.unitId), groupId: Number(ids.groupId),
        title: 'CSRF', note: '', date: '2026-12-03', allDay: true, startTime: null, endTime: null, repeatUntil: null, bring: [], by: await emmaPerson(), at: now }));
    }
    if (path.includes(':informationItemId')) { // an information item of Elsa's group
      values.informationItemId = String(await insertItem(t.db, { municipalityId: Number(ids.municipalityId), scope: { kind: 'group', groupId: Number(ids.groupId) },
        title: 'CSRF', body: 'Hej', linkUrl: null, pinned: false, expiresOn: null, accountId: emmaAccount, at: now }));
    }
    // a pupil's school records: Oskar (2B), his class, one of his extra adaptations (the demo's)
    if (path.includes(':schoolChildId')) values.schoolChildId = String(await personId(t.db, 'Oskar', 'Andersson'));
    if (path.includes(':schoolClassId')) values.schoolClassId = String(await groupId(t.db, '2B'));
    if (path.includes(':adaptationId')) {
      const [adaptation] = await adaptationsOfChild(t.db, await personId(t.db, 'Oskar', 'Andersson'));
      if (!adaptation) throw new Error('the demo has no adaptation of Oskar\'s');
      values.adaptationId = String(adaptation.id);
    }
    // families (issue 26): walking home is for a child in fritids (Oskar); a note of Elsa's today, a person on her pickup
    // list (Emma's), a ban recorded in Solrosen
    if (path.endsWith('/walk-home')) values.childId = String(await personId(t.db, 'Oskar', 'Andersson'));
    if (path.includes(':dayNoteId')) {
      values.dayNoteId = String((await t.db.insertInto('day_notes').values({ child_id: Number(ids.childId), date: today(t.clock), kind: 'late', minutes: 20,
        at_time: null, pickup_name: null, pickup_person_id: null, written_by: await emmaPerson(), created_at: now.toISOString() }).returning('id').executeTakeFirstOrThrow()).id);
    }
    if (path.includes(':pickupPersonId')) {
      values.pickupPersonId = String((await t.db.insertInto('pickup_persons').values({ child_id: Number(ids.childId), kind: 'pickup', name: 'Mormor Eva',
        relation: 'Mormor', phone: '070-111 22 33', created_by: await emmaPerson(), created_at: now.toISOString(), updated_by: await emmaPerson(),
        updated_at: now.toISOString() }).returning('id').executeTakeFirstOrThrow()).id);
    }
    if (path.includes(':pickupBanId')) {
      values.pickupBanId = String((await t.db.insertInto('pickup_bans').values({ child_id: Number(ids.childId), unit_id: Number(ids.unitId), name: 'Okänd Person',
        reason: 'Beslut av tingsrätten', recorded_by: await emmaPerson(), recorded_at: now.toISOString() }).returning('id').executeTakeFirstOrThrow()).id);
    }
    if (path.includes(':homeObservationId')) {
      values.homeObservationId = String(await addObservation(t.db, { childId: Number(ids.childId), groupId: Number(ids.groupId), by: await emmaPerson(),
        body: 'Hej', at: now, photo: null }));
    }
    return path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
      if (!(name in values)) throw new Error(`No demo record for :${name}`);
      return values[name];
    });
  }

  it('walks a real list of POST routes, public ones among them', () => {
    const posts = t.routes.entries.filter((e) => e.method === 'POST');
    assert.ok(posts.length > 30, `${posts.length} POST routes`);
    for (const path of ['/login', '/register_invite', '/password/forgot', '/settings/emails']) {
      assert.ok(posts.some((e) => e.path === path), path);
    }
  });

  it('accepts an htmx POST whose token in x-csrf-token is right (the header is read at all)', async () => {
    const admin = agents.get('admin')!;
    const res = await admin.post('/notifications/read').set('HX-Request', 'true').set('x-csrf-token', await csrfOf(admin)).type('form').send('');
    assert.notEqual(res.status, 403);
    assert.ok(res.status < 400, String(res.status));
  });

  for (const variant of ['no token', 'a wrong token', "another session's token"] as const) {
    it(`refuses with 403 an htmx POST with ${variant} on every POST route, and changes no row`, async () => {
      const otherToken = csrfFrom((await request.agent(t.app).get('/login')).text);
      const refused: string[] = [];
      for (const route of t.routes.entries.filter((e) => e.method === 'POST')) {
        const actor = actorFor(route.path, route.access);
        const path = await fill(route.path);
        const before = await fingerprint(t.db);
        let req = agents.get(actor)!.post(path).set('HX-Request', 'true');
        if (variant === 'a wrong token') req = req.set('x-csrf-token', 'x'.repeat(64));
        if (variant === "another session's token") req = req.set('x-csrf-token', otherToken);
        const res = await req.type('form').send(formFor(route.path, actor));
        assert.equal(res.status, 403, `POST ${route.path} as ${actor} with ${variant}: ${res.status}`);
        assert.equal(await fingerprint(t.db), before, `POST ${route.path} as ${actor} with ${variant} changed a row`);
        refused.push(route.path);
      }
      assert.ok(refused.length > 30);
      // the signed-in users are still signed in (a refused POST ended no session)
      assert.equal((await agents.get('admin')!.get('/')).status, 200);
    });
  }
});

/** A form that would change something, were its token right. */
function formFor(path: string, actor: string): string {
  const pairs: [string, string][] = (() => {
    if (path === '/login') return [['username', 'admin'], ['password', 'fel-losenord']];
    if (path === '/language') return [['language', 'en'], ['next', '/']];
    if (path.endsWith('/absences')) return [['when', 'range'], ['from', '2026-12-02']];
    if (path.endsWith('/absences/unreported')) return [['from', '08:00'], ['to', '09:00']];
    if (path.endsWith('/closed-days')) return [['date', '2028-03-01'], ['reason', 'Studiedag']];
    if (path.endsWith('/terms')) return [['terms', 'Nya villkor.']];
    if (path.endsWith('/schedule/homes')) return [['kind', 'weekdays'], ['weekdays', '1'], ['weekdays', '2'], ['from', '2027-01-04']];
    if (path.endsWith('/schedule/homes/end')) return [['end_from', '2027-02-01']];
    if (path.endsWith('/schedule/conflicts')) return [['date', '2027-01-11'], ['choice', 'mine']];
    if (path.endsWith('/day-notes')) return [['kind', 'late'], ['minutes', '20']];
    if (path.endsWith('/pickup')) return [['kind', 'pickup'], ['name', 'Morfar Ali'], ['relation', 'Morfar'], ['phone', '070-222 33 44']];
    if (path === '/pickup-persons/:pickupPersonId') return [['name', 'Mormor Eva'], ['relation', 'Mormor'], ['phone', '070-999 88 77'], ['version', '1']];
    if (path.endsWith('/remove')) return [['version', '1']];
    if (path.endsWith('/walk-home')) return [['allowed', 'yes']];
    if (path.endsWith('/pickup-bans')) return [['name', 'Okänd Person'], ['reason', 'Beslut av tingsrätten']];
    if (path.endsWith('/schedule')) return [['week', '2027-W02'], ['starts_2027-01-11', '08:00'], ['ends_2027-01-11', '15:00']];
    if (path.endsWith('/schedule/standard')) return [['starts_1', '08:00'], ['ends_1', '15:00']];
    if (path.endsWith('/schedule/comment')) return [['date', '2026-12-01'], ['staff_comment', 'Utflykt']];
    if (path.endsWith('/consent')) return [['answer', 'no']];
    if (path.endsWith('/replies')) return [['body', 'Hej']];
    if (path.endsWith('/messages') || path.endsWith('/bulletins')) return [['to', 'guardians'], ['subject', 'Hej'], ['body', 'Hej']];
    if (path.endsWith('/information')) return [['title', 'Hej'], ['body', 'Hej']];
    if (/^\/information\/\d+\/edit$/.test(path)) return [['title', 'Hej'], ['body', 'Hej']];
    if (path.endsWith('/calendar') || /^\/calendar\/events\/[^/]+\/edit$/.test(path)) return [['title', 'Hej'], ['date', '2026-12-03'], ['allDay', 'yes']];
    if (path.endsWith('/notes') || path.endsWith('/comments') || path.endsWith('/observations') || path === '/notes/:noteId/edit') return [['body', 'Hej'], ['version', '1']];
    if (path.endsWith('/settings/documentation')) return [['guestbook', 'on']];
    if (path.endsWith('/guestbook')) return [['greeting', 'Hej från förskolan']];
    if (path === '/children/:childId/page') return [['presentation', 'Ny text'], ['version', '1']];
    if (path.endsWith('/consent/paper')) return [['paper_answer', 'no']];
    if (path.endsWith('/attendance')) return [['event', 'arrive']];
    if (path === '/register_invite') return [['key', 'AAAA-BBBB-CCCC'], ['username', 'ny förälder'], ['email', 'ny@example.com'],
      ['email_confirm', 'ny@example.com'], ['name', 'Ny Förälder'], ['password', 'blå cykel i regnet'], ['terms', 'yes']];
    if (path === '/password/forgot') return [['name', 'admin']];
    if (path === '/login/sms') return [['name', 'vardnadshavare']];
    if (path === '/login/pin' || path === '/settings/pin') return [['pin', '2580'], ['repeat', '2580']];
    if (path === '/login/sms/code') return [['code', '123456']];
    if (path.startsWith('/password/reset/')) return [['password', 'blå-cykel-regn-tisdag']];
    if (path === '/settings/username') return [['username', `${actor}-nytt`]];
    if (path === '/settings/emails') return [['email', `${actor}-csrf@example.com`]];
    if (path === '/settings/mobile') return [['mobile', '070-123 45 67']];
    if (path === '/settings/close') return [['confirm_close', 'yes']];
    if (path === '/settings/contacts') return [['shows', 'both']];
    if (path === '/settings/devices') return [['endpoint', 'https://fcm.googleapis.com/fcm/send/csrf'], ['p256dh', PUSH_KEYS.p256dh], ['auth', PUSH_KEYS.auth]];
    return [];
  })();
  return new URLSearchParams(pairs).toString();
}

