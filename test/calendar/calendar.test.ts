// The calendar: the staff of Elsa's group (Blåbär) add events, weekly or once, all day or timed, with "ta med" items; her
// guardians see them in one list marked by child, as a week and as a month with ISO week numbers, with the unit's closed
// days; nobody else finds them. Bad input is a message at its field and nothing saved. The subscription's feed, parsed
// back with node-ical, holds exactly what the guardian sees, at 08:00 local on both sides of the clock changes; a renewed
// token makes the old URL 404.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import ical from 'node-ical';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, siblingsCast, unitId } from '../support/demo.ts';
import { eventsForChildren } from '../../server/calendar/calendar.ts';
import { addClosedDay } from '../../server/settings/queries.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { askToClose } from '../../server/accounts/close-account.ts';
import { today } from '../../server/kernel/clock.ts';
import { addDays } from '../../server/kernel/dates.ts';
import { addEvent, eventRow, removeEvent, updateEvent } from '../../server/calendar/queries.ts';

describe('the calendar', () => {
  let t: TestApp;
  let blabar: number;
  let solrosen: number;
  let cast: Awaited<ReturnType<typeof siblingsCast>>;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const events = () => t.db.selectFrom('calendar_events').selectAll().orderBy('id').execute();
  const newEvent = (place: string) => `${place}/calendar/new`;
  let weekly: number;

  before(async () => {
    t = await startTestApp();
    blabar = await groupId(t.db, 'Blåbär');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    cast = await siblingsCast(t.db);
  });
  after(() => t.close());

  it('lets the group’s teacher add a weekly timed event with things to bring, and tells the guardians', async () => {
    const pedagog = await as('pedagog');
    const res = await postForm(pedagog, newEvent(`/groups/${blabar}`), `/groups/${blabar}/calendar`, {
      title: 'Skogsutflykt', date: '2027-03-15', startTime: '08:00', endTime: '11:30', repeat: 'weekly', repeatUntil: '2027-11-08',
      bring: ['rainClothes', 'packedLunch'], note: 'Vi går till skogen.',
    });
    assert.equal(res.status, 303);
    const saved = (await events()).at(-1)!;
    weekly = saved.id;
    assert.equal(res.headers.location, `/calendar/events/${weekly}`);
    assert.deepEqual([saved.group_id, saved.unit_id, saved.date, saved.start_time, saved.end_time, saved.repeat_until, saved.bring],
      [blabar, solrosen, '2027-03-15', '08:00', '11:30', '2027-11-08', 'rainClothes,packedLunch']);
    const told = await t.db.selectFrom('notifications').innerJoin('accounts', 'accounts.id', 'notifications.account_id')
      .select(['accounts.username', 'notifications.url', 'notifications.topic']).where('notifications.kind', '=', 'calendarEvent').execute();
    const usernames = told.map((n) => n.username).sort();
    for (const name of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3']) assert.ok(usernames.includes(name), name);
    assert.ok(!usernames.includes('pedagog3'));
    assert.ok(told.every((n) => n.url === `/calendar/events/${weekly}` && n.topic === 'calendar'));
    const bell = await (await as('vardnadshavare')).get('/notifications');
    assert.match(bell.text, /Nytt i kalendern: Skogsutflykt/);
  });

  it('refuses an event that ends before it starts, a repeat without an end, at the field, saving nothing', async () => {
    const before = (await events()).length;
    const pedagog = await as('pedagog');
    const page = newEvent(`/groups/${blabar}`);
    const backwards = await postForm(pedagog, page, `/groups/${blabar}/calendar`, { title: 'Bad', date: '2026-12-01', startTime: '10:00', endTime: '09:00' });
    assert.equal(backwards.status, 400);
    assert.match(backwards.text, /<title>Fel:/);
    assert.match(backwards.text, /id="endTime-error"[^>]*>[\s\S]*Händelsen måste sluta efter att den börjar/);
    assert.match(backwards.text, /value="Bad"/, 'what was typed stays');
    const endless = await postForm(pedagog, page, `/groups/${blabar}/calendar`, { title: 'Varje vecka', date: '2026-12-01', allDay: 'yes', repeat: 'weekly' });
    assert.equal(endless.status, 400);
    assert.match(endless.text, /Skriv sista dagen för upprepningen/);
    const noTitle = await postForm(pedagog, page, `/groups/${blabar}/calendar`, { title: ' ', date: '2026-13-01', allDay: 'yes', bring: 'umbrella' });
    assert.equal(noTitle.status, 400);
    assert.match(noTitle.text, /Skriv en rubrik/);
    assert.match(noTitle.text, /Skriv ett datum som/);
    assert.match(noTitle.text, /Välj bland sakerna i listan/);
    assert.equal((await events()).length, before);
  });

  it('shows Emma one list of her children’s events, marked by child, with closed days; a week and a month with ISO weeks', async () => {
    const pedagog = await as('pedagog');
    await postForm(pedagog, newEvent(`/groups/${blabar}`), `/groups/${blabar}/calendar`, { title: 'Luciafirande', date: '2026-12-11', allDay: 'yes', bring: 'outing' });
    const emma = await as('vardnadshavare');
    const list = await emma.get('/calendar?from=2026-12-07');
    assert.equal(list.status, 200);
    assert.match(list.text, /Luciafirande/);
    assert.match(list.text, /Vecka 50/);
    assert.match(list.text, /<span class="tag">Elsa<\/span>/, 'marked by child (Emma has two)');
    assert.match(list.text, /Ta med: Utflyktskläder/);
    const week = await emma.get('/calendar?view=week&week=2026-W50');
    assert.match(week.text, /Vecka 50/);
    assert.match(week.text, /Luciafirande/);
    const month = await emma.get('/calendar?view=month&month=2027-03');
    assert.equal(month.status, 200);
    assert.match(month.text, /mars 2027/);
    assert.match(month.text, /week=2027-W11">11</);
    assert.equal((month.text.match(/>Skogsutflykt</g) ?? []).length, 3, 'three Mondays of March from the 15th');
    // The unit's closed days (entered once in its settings) show in the calendar.
    const rektor = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'rektor').executeTakeFirstOrThrow();
    const added = await addClosedDay(t.db, solrosen, { date: '2026-12-14', lastDate: '2026-12-14', reason: 'Planeringsdag' },
      { municipalityId: (await t.db.selectFrom('units').select('municipality_id').where('id', '=', solrosen).executeTakeFirstOrThrow()).municipality_id,
        unitId: solrosen, by: rektor.person_id, at: t.clock.now() });
    assert.ok(added.ok);
    const around = await emma.get('/calendar?from=2026-12-14');
    assert.match(around.text, /Förskolan Solrosen har stängt:<\/strong> <span dir="auto">Planeringsdag/);
    // At 360 px a cell is a few letters wide: a short mark in the cell (its word for screen readers), the closed days in words below.
    const december = (await emma.get('/calendar?view=month&month=2026-12')).text;
    assert.match(december, /<span class="tag closed-mark" title="Förskolan Solrosen"><span aria-hidden="true">✕<\/span><span class="visually-hidden">Stängt<\/span><\/span>/);
    assert.match(december, /<h3 id="closed-days" class="small-heading">Stängda dagar<\/h3>/);
    assert.match(december, /<li><strong>måndag 14 december<\/strong> Förskolan Solrosen har stängt: <span dir="auto">Planeringsdag<\/span><\/li>/);
  });

  it('is not found by anyone outside the group: another unit’s staff and family, another municipality', async () => {
    for (const name of ['pedagog3', 'rektor2', 'grannadmin']) {
      assert.equal((await (await as(name)).get(`/calendar/events/${weekly}`)).status, 404, name);
      assert.doesNotMatch((await (await as(name)).get('/calendar?from=2027-03-15')).text, /Skogsutflykt/, name);
    }
    for (const name of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3', 'pedagog', 'pedagog2', 'rektor', 'admin']) {
      assert.equal((await (await as(name)).get(`/calendar/events/${weekly}`)).status, 200, name);
    }
    assert.equal((await request(t.app).get(`/calendar/events/${weekly}`)).status, 303);
  });

  it('lets the head add an event for the whole unit, but not a teacher; a guardian adds and removes nothing', async () => {
    const teacher = await as('pedagog');
    assert.equal((await teacher.get(`/units/${solrosen}/calendar/new`)).status, 404);
    const rektor = await as('rektor');
    const res = await postForm(rektor, newEvent(`/units/${solrosen}`), `/units/${solrosen}/calendar`, { title: 'Föräldramöte', date: '2026-12-02', startTime: '18:00', endTime: '19:00' });
    assert.equal(res.status, 303);
    const list = await (await as('vardnadshavare2')).get('/calendar?from=2026-11-30');
    assert.match(list.text, /Föräldramöte/);
    const guardian = await as('vardnadshavare');
    assert.equal((await guardian.get(`/groups/${blabar}/calendar/new`)).status, 404);
    const before = (await events()).length;
    const removal = await postForm(guardian, `/calendar/events/${weekly}`, `/calendar/events/${weekly}/delete`);
    assert.equal(removal.status, 404);
    assert.equal((await events()).length, before);
  });

  it('gives other domains the children’s occurrences (the tomorrow card)', async () => {
    const found = await eventsForChildren(t.db, [cast.elsa, cast.oskar], '2027-03-15', '2027-03-28');
    const walks = found.filter((o) => o.eventId === weekly);
    assert.deepEqual(walks.map((o) => o.date), ['2027-03-15', '2027-03-22']);
    assert.deepEqual(walks[0].childIds, [cast.elsa]);
    assert.deepEqual(walks[0].bring, ['rainClothes', 'packedLunch']);
    assert.equal(walks[0].start, '08:00');
  });

  it('subscribes: the feed holds exactly Emma’s events at 08:00 local across both clock changes; renewing makes the old URL 404', async () => {
    const emma = await as('vardnadshavare');
    const made = await postForm(emma, '/settings/calendar', '/settings/calendar/feed');
    // The URL is in the POST's own answer (no redirect, no flash): kept nowhere but in that page, which is not cached.
    assert.equal(made.status, 200);
    assert.equal(made.headers['cache-control'], 'private, no-store');
    const url = made.text.match(/value="(http[^"]+\/calendar\/feed\/([A-Za-z0-9_-]{43})\.ics)"/);
    assert.ok(url, 'the URL is shown once');
    assert.match(made.text, /Skicka inte sidan igen/);
    assert.doesNotMatch((await emma.get('/settings/calendar')).text, /\/calendar\/feed\//, 'and not again');
    const stored = await t.db.selectFrom('calendar_feed_tokens').selectAll().execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0].token_hash, url[2], 'only the hash is kept');
    const sessions = await t.db.selectFrom('sessions').select('sess').execute();
    assert.ok(sessions.length > 0);
    assert.ok(sessions.every((row) => !String(row.sess).includes(url[2])), 'the token is in no session (no flash)');

    const path = `/calendar/feed/${url[2]}.ics`;
    const feed = await request(t.app).get(path);
    assert.equal(feed.status, 200);
    assert.match(feed.headers['content-type'], /text\/calendar/);
    assert.equal(feed.headers['cache-control'], 'private, no-store');
    assert.match(feed.text, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Stockholm/);
    assert.match(feed.text, /DTSTART;TZID=Europe\/Stockholm:20270315T080000/);
    assert.match(feed.text, /RRULE:FREQ=WEEKLY;UNTIL=20271108T225959Z/);
    assert.doesNotMatch(feed.text, /Elsa|Oskar|Andersson|\d{8}-\d{4}/, 'no names, no personnummer');
    const parsed = ical.sync.parseICS(feed.text);
    const vevents = Object.values(parsed).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
    const summaries = vevents.map((e) => e.summary).filter((s) => !/stängt/.test(String(s))).sort();
    for (const mine of ['Föräldramöte (Förskolan Solrosen)', 'Luciafirande (Blåbär)', 'Skogsutflykt (Blåbär)']) assert.ok(summaries.includes(mine), mine);
    // Exactly the events of Blåbär and Solrosen (this test's and the demo's): every one, nothing else.
    const all = await t.db.selectFrom('calendar_events').leftJoin('groups', 'groups.id', 'calendar_events.group_id').innerJoin('units', 'units.id', 'calendar_events.unit_id')
      .select(['calendar_events.title', 'groups.name as groupName', 'units.name as unitName']).execute();
    assert.deepEqual(summaries, all.map((e) => `${e.title} (${e.groupName ?? e.unitName})`).sort());
    const walk = vevents.find((e) => String(e.summary).startsWith('Skogsutflykt'))!;
    assert.ok(walk.rrule);
    const at = walk.rrule.between(new Date('2027-03-20T00:00:00Z'), new Date('2027-04-04T00:00:00Z'), true)
      .concat(walk.rrule.between(new Date('2027-10-24T00:00:00Z'), new Date('2027-11-03T00:00:00Z'), true));
    const local = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' }).format(d);
    // node-ical's rrule gives each occurrence as its real instant, the TZID and VTIMEZONE applied.
    const times = at.map(local);
    // Mondays 22 and 29 March (the clock changes on Sunday 28 March), 25 October and 1 November (changes on 31 October).
    assert.deepEqual(times, ['2027-03-22 08:00', '2027-03-29 08:00', '2027-10-25 08:00', '2027-11-01 08:00']);

    // Another unit's family sees nothing of Blåbär in their own feed.
    const other = await as('pedagog3');
    const theirs = (await postForm(other, '/settings/calendar', '/settings/calendar/feed')).text.match(/\/calendar\/feed\/([A-Za-z0-9_-]{43})\.ics/)!;
    const theirFeed = await request(t.app).get(`/calendar/feed/${theirs[1]}.ics`);
    assert.equal(theirFeed.status, 200);
    assert.doesNotMatch(theirFeed.text, /Skogsutflykt|Luciafirande|Föräldramöte/);

    // A changed event reads changed at the next poll (the feed keeps a group's written events by its count of changes,
    // which the calendar's own update counts up).
    const { id: walkId } = await t.db.selectFrom('calendar_events').select('id').where('title', '=', 'Skogsutflykt').executeTakeFirstOrThrow();
    const before = (await eventRow(t.db, walkId))!;
    assert.ok(await updateEvent(t.db, walkId, { ...before, title: 'Skogsäventyr', note: 'Ny plats', bring: ['rainClothes'] }, before));
    const changed = ical.sync.parseICS((await request(t.app).get(path)).text);
    const renamed = (Object.values(changed).filter((c) => c?.type === 'VEVENT') as ical.VEvent[]).find((e) => String(e.summary).startsWith('Skogsäventyr'));
    assert.ok(renamed, 'the new title');
    assert.match(String(renamed.description), /Ny plats/);
    assert.match(String(renamed.description), /Regnkläder/);
    assert.equal(local(renamed.start), local(walk.start), 'at its time');
    assert.ok(!Object.values(changed).some((c) => c?.type === 'VEVENT' && String((c as ical.VEvent).summary).startsWith('Skogsutflykt')), 'the old title gone');
    assert.ok(await updateEvent(t.db, walkId, before, (await eventRow(t.db, walkId))!));
    assert.match((await request(t.app).get(path)).text, /SUMMARY:Skogsutflykt/, 'and back again');
    // An event added to the group, and removed again, is in the next poll, and then gone.
    const { created_by: by } = await t.db.selectFrom('calendar_events').select('created_by').where('id', '=', walkId).executeTakeFirstOrThrow();
    const added = await t.db.transaction().execute(async (trx) => addEvent(trx, {
      municipalityId: (await trx.selectFrom('units').select('municipality_id').where('id', '=', before.unitId).executeTakeFirstOrThrow()).municipality_id,
      unitId: before.unitId, groupId: before.groupId, title: 'Äppelplockning', note: '', date: before.date, allDay: true, startTime: null, endTime: null,
      repeatUntil: null, bring: [], by, at: t.clock.now(),
    }));
    assert.match((await request(t.app).get(path)).text, /SUMMARY:Äppelplockning/, 'an added event');
    assert.ok(await t.db.transaction().execute((trx) => removeEvent(trx, added)));
    assert.doesNotMatch((await request(t.app).get(path)).text, /Äppelplockning/, 'a removed event');

    const renewed = (await postForm(emma, '/settings/calendar', '/settings/calendar/feed')).text.match(/\/calendar\/feed\/([A-Za-z0-9_-]{43})\.ics/)!;
    assert.equal((await request(t.app).get(path)).status, 404, 'the old URL is gone');
    assert.equal((await request(t.app).get(`/calendar/feed/${renewed[1]}.ics`)).status, 200);
    assert.equal((await request(t.app).get('/calendar/feed/nope.ics')).status, 404);
  });

  it('shows the next days in the Kalender box of the child’s start page', async () => {
    const emma = await as('vardnadshavare');
    const box = await emma.get(`/children/${cast.elsa}/boxes/calendar`);
    assert.equal(box.status, 200);
    assert.match(box.text, /Föräldramöte/);
    assert.match(box.text, /Hela kalendern/);
  });

  const toldOf = (kind: string) => t.db.selectFrom('notifications').innerJoin('accounts', 'accounts.id', 'notifications.account_id')
    .select(['accounts.username', 'notifications.url', 'notifications.child_id', 'notifications.params']).where('notifications.kind', '=', kind)
    .orderBy('notifications.id').execute();
  const editPath = (id: number) => `/calendar/events/${id}/edit`;

  it('lets the group’s teacher change every field; the families are told of a new day or time once each, not of a new text', async () => {
    const pedagog = await as('pedagog');
    const form = await pedagog.get(editPath(weekly));
    assert.equal(form.status, 200);
    assert.match(form.text, /value="Skogsutflykt"/);
    assert.match(form.text, /id="repeat" name="repeat" type="checkbox" value="weekly" checked/);
    assert.match(form.text, /id="bring-rainClothes" name="bring" type="checkbox" value="rainClothes" checked/);
    const fields = { title: 'Skogsutflykt', date: '2027-03-15', startTime: '08:00', endTime: '11:30', repeat: 'weekly', repeatUntil: '2027-11-08', note: 'Vi går till skogen.' };
    // Only the text and the things to bring: saved, nobody told.
    const textOnly = await postForm(pedagog, editPath(weekly), editPath(weekly), { ...fields, title: 'Skogsutflykt med ryggsäck', bring: ['rainClothes', 'outing'] });
    assert.equal(textOnly.status, 303);
    assert.equal(textOnly.headers.location, `/calendar/events/${weekly}`);
    assert.deepEqual(await toldOf('calendarEventChanged'), []);
    let saved = await t.db.selectFrom('calendar_events').selectAll().where('id', '=', weekly).executeTakeFirstOrThrow();
    assert.deepEqual([saved.title, saved.bring], ['Skogsutflykt med ryggsäck', 'rainClothes,outing']);
    // A weekly event's last day and its time: the guardians of Elsa told once each, linking to the event.
    const moved = await postForm(pedagog, editPath(weekly), editPath(weekly), { ...fields, title: 'Skogsutflykt', startTime: '08:30', repeatUntil: '2027-06-14', bring: 'rainClothes' });
    assert.equal(moved.status, 303);
    assert.match((await pedagog.get(`/calendar/events/${weekly}`)).text, /Familjerna har fått en notis om den nya tiden/);
    saved = await t.db.selectFrom('calendar_events').selectAll().where('id', '=', weekly).executeTakeFirstOrThrow();
    assert.deepEqual([saved.start_time, saved.repeat_until, saved.bring], ['08:30', '2027-06-14', 'rainClothes']);
    const told = await toldOf('calendarEventChanged');
    const names = told.map((n) => n.username);
    for (const name of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3']) assert.ok(names.includes(name), name);
    assert.ok(!names.includes('pedagog3') && !names.includes('pedagog'));
    assert.equal(new Set(told.map((n) => `${n.username}/${n.child_id}`)).size, told.length, 'one notice per guardian and child');
    assert.ok(told.every((n) => n.url === `/calendar/events/${weekly}`));
    assert.match((await (await as('vardnadshavare')).get('/notifications')).text, /Ändrat i kalendern: Skogsutflykt är nu varje vecka från/);
  });

  it('refuses a bad change at its field, saving nothing; nobody else may change an event (404)', async () => {
    const pedagog = await as('pedagog');
    const before = await t.db.selectFrom('calendar_events').selectAll().where('id', '=', weekly).executeTakeFirstOrThrow();
    const bad = await postForm(pedagog, editPath(weekly), editPath(weekly), { title: 'Skogsutflykt', date: '2027-03-15', startTime: '12:00', endTime: '11:00', repeat: 'weekly', repeatUntil: '' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="endTime-error"[^>]*>[\s\S]*Händelsen måste sluta efter att den börjar/);
    assert.match(bad.text, /Skriv sista dagen för upprepningen/);
    assert.match(bad.text, /value="12:00"/, 'what was typed stays');
    assert.deepEqual(await t.db.selectFrom('calendar_events').selectAll().where('id', '=', weekly).executeTakeFirstOrThrow(), before);
    for (const name of ['vardnadshavare', 'pedagog3', 'rektor2', 'grannadmin']) {
      const agent = await as(name);
      assert.equal((await agent.get(editPath(weekly))).status, 404, name);
      const post = await postForm(agent, '/calendar', editPath(weekly), { title: 'X', date: '2027-03-15', allDay: 'yes' });
      assert.equal(post.status, 404, name);
    }
    assert.deepEqual(await t.db.selectFrom('calendar_events').selectAll().where('id', '=', weekly).executeTakeFirstOrThrow(), before);
    // A unit's event is its head's: the group's teacher may not change it.
    const unitEvent = (await events()).find((e) => e.title === 'Föräldramöte')!;
    assert.equal((await pedagog.get(editPath(unitEvent.id))).status, 404);
    assert.equal((await (await as('rektor')).get(editPath(unitEvent.id))).status, 200);
  });

  it('keeps the feed token out of the register extract, saying only that one exists and when it was made', async () => {
    const emma = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
    const token = await t.db.selectFrom('calendar_feed_tokens').select(['token_hash', 'created_at']).where('account_id', '=', emma.id).executeTakeFirstOrThrow();
    const extract = await PERSONAL_DATA.extract(t.db, (await PERSONAL_DATA.subjectOf(t.db, emma.person_id))!);
    const section = extract.sections.find((x) => x.title === 'personalData.sections.calendarFeed');
    assert.deepEqual(section?.rows, [{ created_at: token.created_at }]);
    assert.equal(JSON.stringify(extract.sections).includes(token.token_hash), false);
    const pedagog2 = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog2').executeTakeFirstOrThrow();
    const without = await PERSONAL_DATA.extract(t.db, (await PERSONAL_DATA.subjectOf(t.db, pedagog2.person_id))!);
    assert.equal(without.sections.some((x) => x.title === 'personalData.sections.calendarFeed'), false, 'no subscription, no section');
  });

  it('lets the group’s teacher remove an event; its families are told once each, linking to the calendar', async () => {
    const pedagog = await as('pedagog');
    const res = await postForm(pedagog, `/calendar/events/${weekly}`, `/calendar/events/${weekly}/delete`);
    assert.equal(res.status, 303);
    assert.equal((await (await as('vardnadshavare')).get(`/calendar/events/${weekly}`)).status, 404);
    const told = await toldOf('calendarEventRemoved');
    assert.ok(told.some((n) => n.username === 'vardnadshavare') && told.some((n) => n.username === 'vardnadshavare2'));
    assert.ok(!told.some((n) => n.username === 'pedagog3'));
    assert.equal(new Set(told.map((n) => `${n.username}/${n.child_id}`)).size, told.length, 'one notice per guardian and child');
    assert.ok(told.every((n) => n.url === '/calendar'));
    assert.match((await (await as('vardnadshavare')).get('/notifications')).text, /Inställt: Skogsutflykt/);
    // Removing it again (a second click) tells nobody again.
    await postForm(pedagog, '/calendar', `/calendar/events/${weekly}/delete`);
    assert.equal((await toldOf('calendarEventRemoved')).length, told.length);
    // An event wholly in the past goes without telling anyone.
    const person = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const past = await addEvent(t.db, { municipalityId: (await t.db.selectFrom('units').select('municipality_id').where('id', '=', solrosen).executeTakeFirstOrThrow()).municipality_id,
      unitId: solrosen, groupId: blabar, title: 'Förra månaden', note: '', date: addDays(today(t.clock), -30), allDay: true, startTime: null, endTime: null,
      repeatUntil: null, bring: [], by: person.person_id, at: t.clock.now() });
    assert.equal((await postForm(pedagog, `/calendar/events/${past}`, `/calendar/events/${past}/delete`)).status, 303);
    assert.equal((await toldOf('calendarEventRemoved')).length, told.length);
  });

  it('removes the subscription when the account is closed: its feed URL answers 404', async () => {
    const emma = await as('vardnadshavare2');
    const url = (await postForm(emma, '/settings/calendar', '/settings/calendar/feed')).text.match(/\/calendar\/feed\/([A-Za-z0-9_-]{43})\.ics/)!;
    assert.equal((await request(t.app).get(url[0])).status, 200);
    const account = await t.db.selectFrom('accounts').select(['id', 'person_id', 'display_name']).where('username', '=', 'vardnadshavare2').executeTakeFirstOrThrow();
    await askToClose(t.db, { id: account.id, personId: account.person_id, displayName: account.display_name ?? '' }, today(t.clock), t.clock.now());
    const asked = await t.db.selectFrom('account_closure_requests').select('id').where('account_id', '=', account.id).executeTakeFirstOrThrow();
    // Closed through the page, so that app.ts's hand-over of the calendar's cleanup to accounts is what is tested.
    const rektor = await as('rektor');
    assert.equal((await postForm(rektor, `/units/${solrosen}/closure-requests`, `/closure-requests/${asked.id}/close`)).status, 303);
    assert.notEqual((await t.db.selectFrom('accounts').select('closed_at').where('id', '=', account.id).executeTakeFirstOrThrow()).closed_at, null);
    assert.deepEqual(await t.db.selectFrom('calendar_feed_tokens').select('account_id').where('account_id', '=', account.id).execute(), []);
    assert.equal((await request(t.app).get(url[0])).status, 404);
  });
});


describe('changing and removing an event at the same moment', () => {
  let t: TestApp;
  let blabar: number;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const editPath = (id: number) => `/calendar/events/${id}/edit`;
  const notices = (kind: string, url?: string) => t.db.selectFrom('notifications').select(['id', 'account_id', 'child_id', 'url', 'read_at'])
    .where('kind', '=', kind).$if(url !== undefined, (q) => q.where('url', '=', url!)).orderBy('id').execute();
  const add = async (title: string) => {
    const res = await postForm(await as('pedagog'), `/groups/${blabar}/calendar/new`, `/groups/${blabar}/calendar`, {
      title, date: '2027-04-12', startTime: '09:00', endTime: '10:00', note: '',
    });
    assert.equal(res.status, 303);
    return Number(res.headers.location.split('/').at(-1));
  };
  const version = (html: string) => html.match(/name="version" value="([^"]+)"/)?.[1];

  before(async () => {
    t = await startTestApp();
    blabar = await groupId(t.db, 'Blåbär');
  });
  after(() => t.close());

  it('saves the first of two staff changing an event from the same form; the second gets the form back with a message, nothing saved or told twice', async () => {
    const id = await add('Vårfest');
    const [a, b] = [await as('pedagog'), await as('rektor')];
    const [formA, formB] = [await a.get(editPath(id)), await b.get(editPath(id))];
    assert.equal(formB.status, 200);
    assert.ok(version(formA.text) && version(formA.text) === version(formB.text), 'the form carries what it was opened on');
    const fields = { title: 'Vårfest', date: '2027-04-12', startTime: '09:00', endTime: '10:00', note: '' };
    const post = (agent: Agent, form: string, changes: Record<string, string>) => agent.post(editPath(id)).type('form')
      .send(new URLSearchParams({ _csrf: form.match(/name="_csrf" value="([^"]+)"/)![1]!, version: version(form)!, ...fields, ...changes }).toString());
    const first = await post(a, formA.text, { startTime: '13:00', endTime: '14:00' });
    assert.equal(first.status, 303);
    const second = await post(b, formB.text, { date: '2027-04-19', title: 'Vårfest i parken' });
    assert.equal(second.status, 409);
    assert.match(second.text, /Någon annan ändrade händelsen medan du skrev\. Se över uppgifterna och spara igen\./);
    assert.match(second.text, /value="Vårfest i parken"/, 'what the second typed stays in the form');
    assert.match(second.text, /value="2027-04-19"/);
    const saved = await t.db.selectFrom('calendar_events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([saved.title, saved.date, saved.start_time], ['Vårfest', '2027-04-12', '13:00'], 'only the first change is saved');
    const told = await notices('calendarEventChanged', `/calendar/events/${id}`);
    assert.ok(told.length > 0);
    assert.equal(new Set(told.map((n) => `${n.account_id}/${n.child_id}`)).size, told.length, 'each family told once');
    // Saving again from the form the second got back (it carries the event's new version) is a change made knowingly.
    const again = await post(b, second.text, { date: '2027-04-19', title: 'Vårfest i parken', startTime: '13:00', endTime: '14:00' });
    assert.equal(again.status, 303);
    assert.equal((await t.db.selectFrom('calendar_events').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title, 'Vårfest i parken');
  });

  it('lets exactly one of two changes posted at the same moment save and tell the families', async () => {
    const id = await add('Luciatåg');
    const [a, b] = [await as('pedagog'), await as('rektor')];
    const [formA, formB] = [await a.get(editPath(id)), await b.get(editPath(id))];
    const fields = { title: 'Luciatåg', date: '2027-04-12', note: '' };
    const post = (agent: Agent, form: string, changes: Record<string, string>) => agent.post(editPath(id)).type('form')
      .send(new URLSearchParams({ _csrf: form.match(/name="_csrf" value="([^"]+)"/)![1]!, version: version(form)!, ...fields, ...changes }).toString());
    const results = await Promise.all([post(a, formA.text, { startTime: '07:00', endTime: '08:00' }), post(b, formB.text, { startTime: '15:00', endTime: '16:00' })]);
    assert.deepEqual(results.map((r) => r.status).sort(), [303, 409]);
    const winner = results[0]!.status === 303 ? '07:00' : '15:00';
    assert.equal((await t.db.selectFrom('calendar_events').select('start_time').where('id', '=', id).executeTakeFirstOrThrow()).start_time, winner);
    const told = await notices('calendarEventChanged', `/calendar/events/${id}`);
    assert.ok(told.length > 0);
    assert.equal(new Set(told.map((n) => `${n.account_id}/${n.child_id}`)).size, told.length, 'nobody told twice');
  });

  it('takes back the unread notices of a removed event (new, changed), keeping the read ones and telling of the removal', async () => {
    const id = await add('Skridskor');
    const url = `/calendar/events/${id}`;
    const pedagog = await as('pedagog');
    const form = await pedagog.get(editPath(id));
    assert.equal((await postForm(pedagog, editPath(id), editPath(id), { title: 'Skridskor', date: '2027-04-13', startTime: '09:00', endTime: '10:00', note: '', version: version(form.text)! })).status, 303);
    const added = await notices('calendarEvent', url);
    const changed = await notices('calendarEventChanged', url);
    assert.ok(added.length > 1 && changed.length > 0);
    const read = added[0]!;
    await t.db.updateTable('notifications').set({ read_at: t.clock.now().toISOString() }).where('id', '=', read.id).execute();
    assert.equal((await postForm(pedagog, url, `${url}/delete`)).status, 303);
    const left = await t.db.selectFrom('notifications').select('id').where('url', '=', url).execute();
    assert.deepEqual(left.map((n) => n.id), [read.id], 'only the notice already read stays: no unread link to a page that is gone');
    assert.ok((await notices('calendarEventRemoved', '/calendar')).length > 0, 'the families are told of the removal');
  });
});
