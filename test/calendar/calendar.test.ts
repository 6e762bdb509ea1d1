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
    assert.match((await emma.get('/calendar?view=month&month=2026-12')).text, /<span class="tag" title="[^"]+">Stängt<\/span>/);
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
    assert.equal(made.status, 303);
    const page = await emma.get('/settings/calendar');
    const url = page.text.match(/value="(http[^"]+\/calendar\/feed\/([A-Za-z0-9_-]{43})\.ics)"/);
    assert.ok(url, 'the URL is shown once');
    assert.doesNotMatch((await emma.get('/settings/calendar')).text, /\/calendar\/feed\//, 'and not again');
    const stored = await t.db.selectFrom('calendar_feed_tokens').selectAll().execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0].token_hash, url[2], 'only the hash is kept');

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
    assert.deepEqual(summaries, ['Föräldramöte (Förskolan Solrosen)', 'Luciafirande (Blåbär)', 'Skogsutflykt (Blåbär)']);
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
    await postForm(other, '/settings/calendar', '/settings/calendar/feed');
    const theirs = (await other.get('/settings/calendar')).text.match(/\/calendar\/feed\/([A-Za-z0-9_-]{43})\.ics/)!;
    const theirFeed = await request(t.app).get(`/calendar/feed/${theirs[1]}.ics`);
    assert.equal(theirFeed.status, 200);
    assert.doesNotMatch(theirFeed.text, /Skogsutflykt|Luciafirande|Föräldramöte/);

    await postForm(emma, '/settings/calendar', '/settings/calendar/feed');
    assert.equal((await request(t.app).get(path)).status, 404, 'the old URL is gone');
    const renewed = (await emma.get('/settings/calendar')).text.match(/\/calendar\/feed\/([A-Za-z0-9_-]{43})\.ics/)!;
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

  it('lets the group’s teacher remove an event', async () => {
    const pedagog = await as('pedagog');
    const res = await postForm(pedagog, `/calendar/events/${weekly}`, `/calendar/events/${weekly}/delete`);
    assert.equal(res.status, 303);
    assert.equal((await (await as('vardnadshavare')).get(`/calendar/events/${weekly}`)).status, 404);
  });
});

