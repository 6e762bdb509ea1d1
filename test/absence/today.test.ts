// The staff's Today: who is expected, away or off, check-in and check-out in one tap, and children per half hour.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';

describe("the staff's Today page", () => {
  let t: TestApp;
  let teacher: Agent;
  let blabar: number;
  let elsa: number;
  let alice: number;
  before(async () => {
    t = await startTestApp({ now: '2026-11-24T07:00:00Z' }); // Tuesday, 08:00 in Stockholm
    teacher = await signIn(t.app, 'pedagog');
    blabar = await groupId(t.db, 'Blåbär');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    alice = await personId(t.db, 'Alice', 'Johansson');
    const times = (child: number, starts: string | null, ends: string | null, dayOff = 0) => ({
      child_id: child, date: '2026-11-24', starts, ends, day_off: dayOff, comment: null, registered_by: 1,
      updated_at: '2026-11-20T10:00:00Z', version: 1, staff_comment: null, staff_comment_by: null, staff_comment_at: null,
    });
    await t.db.insertInto('care_times').values([times(elsa, '07:30', '16:00'), times(alice, '08:00', '12:00')]).execute();
  });
  after(() => t.close());

  // (a child with a picture has it first, linked to the child's page)
  const row = (html: string, name: string) => html.match(new RegExp(`<li class="row status-([a-zA-Z]+)"[^>]*>\\s*<span[^>]*>(?:\\s*<a[^>]*><img[^>]*></a>)?\\s*<a[^>]*><strong>${name}</strong>[\\s\\S]*?</li>`));

  it('shows expected times and a guardian\'s absence report at once', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    const start = await emma.get(`/children/${elsa}`);
    await emma.post(`/children/${elsa}/absences`).type('form').send({ _csrf: csrfFrom(start.text), when: 'today', comment: 'Tandläkaren' });

    const page = await teacher.get(`/groups/${blabar}/today`);
    assert.equal(page.status, 200);
    assert.match(page.text, /tisdag 24 november, vecka 48/);
    assert.equal(row(page.text, 'Elsa Andersson')?.[1], 'absent');
    assert.match(row(page.text, 'Elsa Andersson')![0], /Frånvarande hela dagen: Tandläkaren/);
    assert.equal(row(page.text, 'Alice Johansson')?.[1], 'expected');
    assert.match(row(page.text, 'Alice Johansson')![0], /08:00–12:00/);
  });

  it('checks a child in and out in one tap each; htmx gets the list back', async () => {
    const page = await teacher.get(`/groups/${blabar}/today`);
    const arrive = await teacher.post(`/children/${alice}/attendance`).set('HX-Request', 'true').type('form')
      .send({ _csrf: csrfFrom(page.text), event: 'arrive', group: String(blabar) });
    assert.equal(arrive.status, 200);
    assert.match(arrive.text, /^<div id="today-list"/);
    assert.equal(row(arrive.text, 'Alice Johansson')?.[1], 'present');
    assert.match(row(arrive.text, 'Alice Johansson')![0], /Kom 08:00/);

    t.clock.set('2026-11-24T11:05:00Z');
    const leave = await teacher.post(`/children/${alice}/attendance`).type('form').send({ _csrf: csrfFrom(page.text), event: 'leave', group: String(blabar) });
    assert.equal(leave.status, 303, 'without JavaScript the form goes back to the page');
    const after = await teacher.get(`/groups/${blabar}/today`);
    assert.equal(row(after.text, 'Alice Johansson')?.[1], 'left');
    assert.match(row(after.text, 'Alice Johansson')![0], /Gick 12:05/);
    t.clock.set('2026-11-24T07:00:00Z');
  });

  it('counts the children expected each half hour, leaving out the absent', async () => {
    const page = await teacher.get(`/groups/${blabar}/today`);
    const slots = [...page.text.matchAll(/<th scope="row">(\d\d:\d\d)<\/th><td><span class="slot"><span class="slot-count">(\d+)</g)];
    const cells = slots.map((m) => m[1]);
    const counts = slots.map((m) => Number(m[2]));
    const at = (time: string) => counts[cells.indexOf(time)];
    assert.equal(cells[0], '06:30');
    assert.equal(at('07:30'), 0, 'Elsa is absent all day');
    assert.equal(at('08:00'), 1, 'Alice from 08:00');
    assert.equal(at('12:00'), 0, 'Alice until 12:00');
  });

  it('shows a day ahead, without check-in buttons', async () => {
    const page = await teacher.get(`/groups/${blabar}/today?date=2026-11-25`);
    assert.match(page.text, /onsdag 25 november/);
    assert.doesNotMatch(page.text, /name="event"/);
  });

  it("checks in only to a group of the child's that the teacher works in", async () => {
    const page = await teacher.get(`/groups/${blabar}/today`);
    const lingon = await groupId(t.db, 'Lingon');
    const wrong = await teacher.post(`/children/${elsa}/attendance`).type('form').send({ _csrf: csrfFrom(page.text), event: 'arrive', group: String(lingon) });
    assert.equal(wrong.status, 404, 'Elsa is not in Lingon');
    const missing = await teacher.post(`/children/${elsa}/attendance`).type('form').send({ _csrf: csrfFrom(page.text), event: 'arrive' });
    assert.equal(missing.status, 404);
  });

  it("keeps a pupil's arrival in class apart from fritids", async () => {
    const admin = await signIn(t.app, 'admin');
    const oskar = await personId(t.db, 'Oskar', 'Andersson');
    const [class2b, larkan] = [await groupId(t.db, '2B'), await groupId(t.db, 'Lärkan')];
    const page = await admin.get(`/groups/${class2b}/today`);
    for (const event of ['arrive', 'leave']) {
      await admin.post(`/children/${oskar}/attendance`).type('form').send({ _csrf: csrfFrom(page.text), event, group: String(class2b) });
    }
    assert.equal(row((await admin.get(`/groups/${class2b}/today`)).text, 'Oskar Andersson')?.[1], 'left');
    assert.notEqual(row((await admin.get(`/groups/${larkan}/today`)).text, 'Oskar Andersson')?.[1], 'left', 'leaving class is not leaving fritids');
  });

  it('is not for staff of another group', async () => {
    const other = await signIn(t.app, 'pedagog2');
    assert.equal((await other.get(`/groups/${blabar}/today`)).status, 404);
  });
});

describe('the demo municipality on Today', () => {
  it('has standard care times, so a demo shows children expected per half hour', async () => {
    const t = await startTestApp({ careTimes: true });
    try {
      const teacher = await signIn(t.app, 'pedagog');
      const page = await teacher.get(`/groups/${await groupId(t.db, 'Blåbär')}/today`);
      const expected = [...page.text.matchAll(/<li class="row status-expected"/g)].length;
      assert.ok(expected >= 8, `${expected} children expected`);
      const counts = [...page.text.matchAll(/<span class="slot-count">(\d+)</g)].map((m) => Number(m[1]));
      assert.ok(Math.max(...counts) >= 8, 'most of the group is there at midday');
    } finally {
      await t.close();
    }
  });
});
