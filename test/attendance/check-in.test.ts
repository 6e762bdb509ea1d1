// Checking in and out on Today: arrival and departure in places of their own, a tap that saw an old list changes
// nothing, "Ångra" for a few minutes, a time corrected by hand, and a yes asked for before a child reported absent
// is checked in.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { attendancesOn, markAttendance } from '../../server/attendance/queries.ts';
import { UNDO_MINUTES } from '../../server/attendance/rules.ts';

const DAY = '2026-11-24';
const AT_0800 = '2026-11-24T07:00:00Z'; // Tuesday, 08:00 in Stockholm

describe('checking in and out on Today', () => {
  let t: TestApp;
  let teacher: Agent;
  let blabar: number;
  let alice: number;
  let elsa: number;
  let token: string;
  before(async () => {
    t = await startTestApp({ now: AT_0800 });
    teacher = await signIn(t.app, 'pedagog');
    blabar = await groupId(t.db, 'Blåbär');
    alice = await personId(t.db, 'Alice', 'Johansson');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    token = csrfFrom((await teacher.get(`/groups/${blabar}/today`)).text);
  });
  after(() => t.close());
  beforeEach(async () => {
    t.clock.set(AT_0800);
    await t.db.deleteFrom('attendances').execute();
    await t.db.deleteFrom('absences').execute();
    await t.db.deleteFrom('care_history').execute();
  });

  const tap = (child: number, event: string, extra: Record<string, string> = {}, htmx = true) => {
    const req = teacher.post(`/children/${child}/attendance`).type('form');
    if (htmx) req.set('HX-Request', 'true');
    return req.send({ _csrf: token, event, group: String(blabar), ...extra });
  };
  const undo = (child: number, event: string) => teacher.post(`/children/${child}/attendance/undo`).set('HX-Request', 'true').type('form')
    .send({ _csrf: token, event, group: String(blabar) });
  const row = (html: string, child: number) => html.match(new RegExp(`<li class="row status-([a-zA-Z]+)" id="child-${child}">[\\s\\S]*?</li>`));
  const part = (html: string, name: string) => html.match(new RegExp(`<div class="${name}">([\\s\\S]*?)</div>`))?.[1] ?? '';
  const stored = async (child: number) => (await attendancesOn(t.db, [child], DAY, blabar)).get(child);
  const historyRows = async (child: number) => (await t.db.selectFrom('care_history').select('id').where('child_id', '=', child)
    .where('what', '=', 'attendance').execute()).length;

  it('puts arrival and departure in places of their own: after Kom the arrival place shows the time, Gick stands beside it', async () => {
    const before = row((await teacher.get(`/groups/${blabar}/today`)).text, alice)![0];
    assert.match(part(before, 'check-in'), /id="arrive-\d+"/);
    assert.doesNotMatch(part(before, 'check-out'), /<button/, 'no Gick before Kom');

    const res = await tap(alice, 'arrive');
    assert.equal(res.status, 200);
    const after = row(res.text, alice)![0];
    assert.equal(row(res.text, alice)![1], 'present');
    assert.doesNotMatch(part(after, 'check-in'), /<button/, 'the place tapped holds no button now');
    assert.match(part(after, 'check-in'), /Kom 08:00/);
    assert.match(part(after, 'check-out'), /id="leave-\d+"[^>]*>Gick/);
  });

  it('refuses a second Kom (a double tap that raced the page): nothing changes, and the row says why', async () => {
    await tap(alice, 'arrive');
    t.clock.set('2026-11-24T07:00:40Z');
    const second = await tap(alice, 'arrive');
    assert.equal(second.status, 200);
    assert.match(row(second.text, alice)![0], /Redan incheckad: kom 08:00\./);
    assert.deepEqual([(await stored(alice))?.arrivedAt, (await stored(alice))?.leftAt], ['08:00', null]);
    assert.equal(await historyRows(alice), 1, 'one change in the history');
  });

  it('refuses Gick for a child not checked in, and a second Gick', async () => {
    const early = await tap(alice, 'leave', {}, false);
    assert.equal(early.status, 303);
    assert.equal(await stored(alice), undefined);
    await tap(alice, 'arrive');
    t.clock.set('2026-11-24T10:00:00Z');
    await tap(alice, 'leave');
    t.clock.set('2026-11-24T10:30:00Z');
    const again = await tap(alice, 'leave');
    assert.match(row(again.text, alice)![0], /Redan utcheckad: gick 11:00\./);
    assert.equal((await stored(alice))?.leftAt, '11:00');
  });

  it('lets only one of two taps at the same moment check a child in (conditional writes)', async () => {
    const taps = await Promise.all([1, 2, 3].map(() => markAttendance(t.db, {
      childId: alice, groupId: blabar, date: DAY, event: 'arrive', time: '08:00', by: 1, now: t.clock.now(),
    })));
    assert.deepEqual(taps.map((o) => o.ok).sort(), [false, false, true]);
    assert.equal(await historyRows(alice), 1);
  });

  it('answers htmx with the list whose row and summary line the button picks, and a plain form with the row', async () => {
    const page = await teacher.get(`/groups/${blabar}/today`);
    const form = part(row(page.text, alice)![0], 'check-in');
    assert.match(form, /hx-target="closest li" hx-select="#child-\d+" hx-select-oob="#today-summary" hx-swap="outerHTML show:none"/);
    const res = await tap(alice, 'arrive');
    assert.match(res.text, /<p class="summary" id="today-summary">[^<]*1 har kommit/);
    const plain = await tap(alice, 'arrive', {}, false);
    assert.equal(plain.headers.location, `/groups/${blabar}/today#child-${alice}`);
  });

  it(`offers Ångra for ${UNDO_MINUTES} minutes after a tap, and takes back only the last tap`, async () => {
    const arrived = await tap(alice, 'arrive');
    assert.match(part(row(arrived.text, alice)![0], 'check-more'), /id="undo-\d+"[^>]*>Ångra/);
    t.clock.set('2026-11-24T07:03:00Z');
    const undone = await undo(alice, 'arrive');
    assert.equal(row(undone.text, alice)![1], 'notRegistered');
    assert.match(row(undone.text, alice)![0], /Incheckningen är ångrad/);
    assert.equal(await stored(alice), undefined);

    await tap(alice, 'arrive');
    t.clock.set('2026-11-24T10:00:00Z');
    await tap(alice, 'leave');
    const notLast = await undo(alice, 'arrive');
    assert.match(row(notLast.text, alice)![0], /Det gick inte att ångra/);
    const back = await undo(alice, 'leave');
    assert.equal(row(back.text, alice)![1], 'present', 'taking back Gick: the child is here again');
    assert.deepEqual([(await stored(alice))?.arrivedAt, (await stored(alice))?.leftAt], ['08:03', null]);
  });

  it(`offers no Ångra after ${UNDO_MINUTES} minutes, and refuses a late one`, async () => {
    await tap(alice, 'arrive');
    t.clock.set(new Date(Date.parse(AT_0800) + UNDO_MINUTES * 60_000 + 1_000).toISOString());
    const page = await teacher.get(`/groups/${blabar}/today`);
    assert.doesNotMatch(row(page.text, alice)![0], /Ångra/);
    const late = await undo(alice, 'arrive');
    assert.match(row(late.text, alice)![0], /Det går bara att ångra inom 5 minuter/);
    assert.equal((await stored(alice))?.arrivedAt, '08:00');
  });

  it('is not for staff of another group (undo and corrections too)', async () => {
    await tap(alice, 'arrive');
    const other = await signIn(t.app, 'pedagog2');
    const res = await postForm(other, '/', `/children/${alice}/attendance/undo`, { event: 'arrive', group: String(blabar) });
    assert.equal(res.status, 404);
    assert.equal((await other.get(`/groups/${blabar}/today/${alice}/times`)).status, 404);
    assert.equal((await stored(alice))?.arrivedAt, '08:00');
  });

  describe('a child reported absent', () => {
    const report = async (child: number, starts: string | null, ends: string | null) => {
      await t.db.insertInto('absences').values({ child_id: child, date: DAY, starts, ends, kind: 'reported', comment: 'Feber',
        created_by: 1, created_at: '2026-11-24T05:00:00Z' }).execute();
    };

    it('is checked in only after a yes on a confirmation page that works without JavaScript', async () => {
      await report(elsa, null, null);
      const today = await teacher.get(`/groups/${blabar}/today`);
      const kom = part(row(today.text, elsa)![0], 'check-in');
      assert.match(kom, /<form method="post" action="\/children\/\d+\/attendance" class="inline-form">/, 'a plain form, no htmx');

      const asked = await tap(elsa, 'arrive', {}, false);
      assert.equal(asked.status, 200);
      assert.match(asked.text, /Elsa Andersson är anmäld frånvarande i dag \(hela dagen\)/);
      assert.match(asked.text, /Har Elsa Andersson kommit ändå\?/);
      assert.match(asked.text, /name="confirmed" value="yes"/);
      assert.match(asked.text, new RegExp(`href="/groups/${blabar}/today#child-${elsa}">Avbryt`));
      assert.equal(await stored(elsa), undefined, 'not checked in without a yes');
      assert.equal((await tap(elsa, 'arrive', { confirmed: 'no' }, false)).status, 200);
      assert.equal(await stored(elsa), undefined);

      const yes = await tap(elsa, 'arrive', { confirmed: 'yes' }, false);
      assert.equal(yes.status, 303);
      assert.equal((await stored(elsa))?.arrivedAt, '08:00');
    });

    it('asks for a part-day absence too; a tap htmx sent from an older list gets the question in the row', async () => {
      await report(elsa, '08:00', '10:00');
      const asked = await tap(elsa, 'arrive');
      assert.equal(asked.status, 200);
      const inRow = row(asked.text, elsa)![0];
      assert.match(inRow, /är anmäld frånvarande i dag \(08:00–10:00\)/);
      assert.match(inRow, /name="confirmed" value="yes"/);
      assert.match(asked.text, /<p class="summary" id="today-summary">/);
      assert.equal(await stored(elsa), undefined);
    });
  });

  describe('correcting the times', () => {
    const save = (fields: Record<string, string>) => postForm(teacher, `/groups/${blabar}/today/${alice}/times`, `/children/${alice}/attendance/times`,
      { group: String(blabar), date: DAY, ...fields });

    it('shows a form filled in with the day\'s times', async () => {
      await tap(alice, 'arrive');
      const page = await teacher.get(`/groups/${blabar}/today/${alice}/times`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<h1>Ändra tider: Alice Johansson<\/h1>/);
      assert.match(page.text, /id="arrived" name="arrived" type="time" value="08:00"/);
      assert.match(page.text, /id="left" name="left" type="time" value=""/);
      assert.match(row((await teacher.get(`/groups/${blabar}/today`)).text, alice)![0], new RegExp(`href="/groups/${blabar}/today/${alice}/times">Ändra tider`));
    });

    it('saves the times with who changed them, and clears Ångra', async () => {
      t.clock.set('2026-11-24T14:00:00Z');
      const res = await save({ arrived: '07:45', left: '14:30' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/groups/${blabar}/today#child-${alice}`);
      const row0 = await t.db.selectFrom('attendances').selectAll().where('child_id', '=', alice).executeTakeFirstOrThrow();
      const pedagog = await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
      assert.deepEqual([row0.arrived_at, row0.left_at, row0.updated_by, row0.arrival_marked_at], ['07:45', '14:30', pedagog.id, null]);
      const page = await teacher.get(`/groups/${blabar}/today`);
      assert.match(page.text, /Tiderna för Alice Johansson är sparade\./);
      assert.match(part(row(page.text, alice)![0], 'check-out'), /Gick 14:30/);
      assert.equal(await historyRows(alice), 1);
    });

    for (const [fields, name, message] of [
      [{ arrived: '7.45', left: '' }, 'arrived', 'Skriv tiden som TT:MM, till exempel 07:45.'],
      [{ arrived: '', left: '09:00' }, 'left', 'Skriv först när barnet kom.'],
      [{ arrived: '07:50', left: '07:30' }, 'left', 'Gick måste vara senare än Kom (07:50).'],
      [{ arrived: '07:30', left: '09:15' }, 'left', 'Tiden kan inte vara senare än nu (08:00).'],
      [{ arrived: '08:01', left: '' }, 'arrived', 'Tiden kan inte vara senare än nu (08:00).'],
    ] as const) {
      it(`refuses ${JSON.stringify(fields)} with a message at ${name}, the form filled in, nothing saved`, async () => {
        const res = await save(fields);
        assert.equal(res.status, 400);
        assert.match(res.text, /<title>Fel:/);
        assert.match(res.text, new RegExp(`<p class="field-error" id="${name}-error"><span class="visually-hidden">Fel:</span> ${message.replace(/[.()]/g, '\\$&')}</p>\\s*<input id="${name}"`));
        assert.match(res.text, new RegExp(`id="arrived" name="arrived" type="time" value="${fields.arrived}"`));
        assert.match(res.text, new RegExp(`id="left" name="left" type="time" value="${fields.left}"`));
        assert.equal(await stored(alice), undefined);
      });
    }

    it('corrects a day gone by, but not a day ahead', async () => {
      const yesterday = await postForm(teacher, '/', `/children/${alice}/attendance/times`, { group: String(blabar), date: '2026-11-23', arrived: '08:10', left: '16:20' });
      assert.equal(yesterday.headers.location, `/groups/${blabar}/today?date=2026-11-23#child-${alice}`);
      assert.equal((await attendancesOn(t.db, [alice], '2026-11-23', blabar)).get(alice)?.leftAt, '16:20');
      assert.equal((await teacher.get(`/groups/${blabar}/today/${alice}/times?date=2026-11-25`)).status, 404);
      const ahead = await postForm(teacher, '/', `/children/${alice}/attendance/times`, { group: String(blabar), date: '2026-11-25', arrived: '08:10', left: '' });
      assert.equal(ahead.status, 404);
    });
  });
});
