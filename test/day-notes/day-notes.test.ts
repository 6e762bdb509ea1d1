// Same-day notes (issue 26): a guardian's note in one plain form reaches the group's Today at once, marked; it is
// gone the next day on a fixed clock; bad input saves nothing and says why at the field; a guardian of another child
// finds nothing; the group's staff put a note away; arrival and departure notify only the guardians who chose it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';

describe('same-day notes', () => {
  let t: TestApp;
  let emma: Agent;
  let teacher: Agent;
  let blabar: number;
  let elsa: number;
  let oskar: number;
  let nora: number;
  const TODAY = '2026-11-24'; // a Tuesday; 08:00 in Stockholm

  before(async () => {
    t = await startTestApp({ now: '2026-11-24T07:00:00Z' });
    emma = await signIn(t.app, 'vardnadshavare');
    teacher = await signIn(t.app, 'pedagog');
    blabar = await groupId(t.db, 'Blåbär');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
  });
  after(() => t.close());

  const notesOf = async (childId: number) => t.db.selectFrom('day_notes').selectAll().where('child_id', '=', childId).orderBy('id').execute();
  const liveNotes = async (childId: number) => (await notesOf(childId)).filter((n) => n.cancelled_at === null);
  // (one child's row of the list: from its <li class="row"> to the next one)
  const row = (html: string, name: string) => html.split('<li class="row ').find((part) => part.includes(`<strong>${name}</strong>`))?.split('</ul>\n<')[0] ?? '';
  const note = (agent: Agent, childId: number, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
    postForm(agent, `/children/${childId}/day-notes`, `/children/${childId}/day-notes`, fields, headers);

  it('reaches Today at once with JavaScript off, marked with who wrote it, and is gone the next day', async () => {
    const page = await emma.get(`/children/${elsa}/day-notes`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Meddela om i dag: Elsa/);
    assert.match(page.text, /<form method="post" action="\/children\/\d+\/day-notes" class="day-note" novalidate>/, 'a plain form, no htmx needed');
    assert.equal(page.headers['cache-control'], 'private, no-store');

    const sent = await note(emma, elsa, { kind: 'late', minutes: '20', date: TODAY });
    assert.equal(sent.status, 303);
    const today = await teacher.get(`/groups/${blabar}/today`);
    const elsaRow = row(today.text, 'Elsa Andersson');
    assert.match(elsaRow, /<strong class="tag day-note-mark">Sen ca 20 min<\/strong> <span class="muted">\(<bdi>Emma Andersson<\/bdi>\)<\/span>/);
    assert.doesNotMatch(row(today.text, 'Nora Haddad'), /Sen ca/);

    t.clock.set('2026-11-25T06:30:00Z'); // Wednesday 07:30
    const next = await teacher.get(`/groups/${blabar}/today`);
    assert.doesNotMatch(row(next.text, 'Elsa Andersson'), /Sen ca 20 min/, 'the note expired at midnight');
    const guardianPage = await emma.get(`/children/${elsa}/day-notes`);
    assert.doesNotMatch(guardianPage.text, /Sen ca 20 min/);
    const yesterday = await teacher.get(`/groups/${blabar}/today?date=${TODAY}`);
    assert.match(row(yesterday.text, 'Elsa Andersson'), /Sen ca 20 min/, 'the day gone by still shows what was said that day');
    t.clock.set('2026-11-24T07:00:00Z');
  });

  it('a later note of the same kind replaces the earlier one', async () => {
    await note(emma, elsa, { kind: 'late', minutes: '30', date: TODAY });
    const late = (await liveNotes(elsa)).filter((n) => n.kind === 'late');
    assert.deepEqual(late.map((n) => n.minutes), [30]);
  });

  for (const bad of [
    { what: 'minutes 0', fields: { kind: 'late', minutes: '0' }, message: /Skriv antalet minuter som ett heltal från 1 till 240/, kept: /value="0"/ },
    { what: 'minutes as text', fields: { kind: 'late', minutes: 'tjugo' }, message: /Skriv antalet minuter som ett heltal/, kept: /value="tjugo"/ },
    { what: 'too many minutes', fields: { kind: 'late', minutes: '300' }, message: /från 1 till 240/, kept: /value="300"/ },
    { what: 'no minutes', fields: { kind: 'late', minutes: '' }, message: /Skriv hur många minuter ni blir sena/ },
    { what: 'a late note for yesterday', fields: { kind: 'late', minutes: '15', date: '2026-11-23' }, message: /Ett meddelande gäller bara i dag, tisdag 24 november/ },
    { what: 'a bad time', fields: { kind: 'early', time: '25:70' }, message: /Skriv tiden som TT:MM/, kept: /value="25:70"/ },
    { what: 'a time gone by', fields: { kind: 'early', time: '07:30' }, message: /Den tiden har redan varit \(klockan är 08:00\)/ },
    { what: 'a pickup person without a name', fields: { kind: 'other-pickup', pickupName: '   ' }, message: /Skriv namnet på den som hämtar/ },
    { what: 'walking home for a preschool child', fields: { kind: 'walks-home' }, message: /Gå hem själv går bara för ett barn på fritids/ },
    { what: 'an unknown kind', fields: { kind: 'sick' }, message: /Välj vad du vill meddela/ },
  ] as { what: string; fields: Record<string, string>; message: RegExp; kept?: RegExp }[]) {
    it(`refuses ${bad.what}: a Swedish message at the field, the form kept, nothing saved`, async () => {
      const before = (await notesOf(elsa)).length;
      const res = await note(emma, elsa, { date: TODAY, ...bad.fields });
      assert.equal(res.status, 400);
      assert.match(res.text, bad.message);
      assert.match(res.text, /class="field-error"|class="error-summary"/);
      if (bad.kept) assert.match(res.text, bad.kept);
      assert.equal((await notesOf(elsa)).length, before, 'nothing saved');
    });
  }

  it('in the Frånvaro box: one tap, htmx swaps the box in place; an error comes back in the box', async () => {
    const start = await emma.get(`/children/${elsa}`);
    assert.match(start.text, /Meddela om Elsa i dag/);
    assert.match(start.text, /hx-post="\/children\/\d+\/day-notes" hx-target="#box-absence"/);
    const headers = { 'HX-Request': 'true', 'HX-Target': 'box-absence' };
    const ok = await note(emma, elsa, { kind: 'early', time: '14:30', date: TODAY, next: `/children/${elsa}` }, headers);
    assert.equal(ok.status, 200);
    assert.match(ok.text, /^<section class="box" id="box-absence"/);
    assert.match(ok.text, /Meddelandet är skickat/);
    assert.match(ok.text, /Hämtas 14:30/);
    const bad = await note(emma, elsa, { kind: 'other-pickup', pickupName: '', date: TODAY }, headers);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /^<section class="box" id="box-absence"/);
    assert.match(bad.text, /id="box-note-\d+-pickupName-error"/);
  });

  it("offers the child's pickup list in one tap, and refuses someone not on it", async () => {
    const at = '2026-11-20T10:00:00Z';
    const emmaPerson = await personId(t.db, 'Emma', 'Andersson');
    const [eva, other] = await t.db.insertInto('pickup_persons').values([
      { child_id: elsa, kind: 'pickup', name: 'Mormor Eva', relation: 'Mormor', phone: '070-111 22 33', created_by: emmaPerson, created_at: at, updated_by: emmaPerson, updated_at: at, removed_at: null, version: 1 },
      { child_id: oskar, kind: 'pickup', name: 'Farbror Leif', relation: 'Farbror', phone: '070-222 33 44', created_by: emmaPerson, created_at: at, updated_by: emmaPerson, updated_at: at, removed_at: null, version: 1 },
    ]).returning('id').execute();
    const page = await emma.get(`/children/${elsa}/day-notes`);
    assert.match(page.text, new RegExp(`name="pickupPerson" value="${eva.id}"[^>]*>Mormor Eva`));
    const before = (await notesOf(elsa)).length;
    const wrong = await note(emma, elsa, { kind: 'other-pickup', pickupPerson: String(other.id), date: TODAY });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /finns inte längre på hämtlistan/);
    assert.equal((await notesOf(elsa)).length, before);
    assert.equal((await note(emma, elsa, { kind: 'other-pickup', pickupPerson: String(eva.id), date: TODAY })).status, 303);
    const saved = (await liveNotes(elsa)).find((n) => n.kind === 'other-pickup');
    assert.equal(saved?.pickup_name, 'Mormor Eva');
    assert.equal(saved?.pickup_person_id, eva.id);
    const today = await teacher.get(`/groups/${blabar}/today`);
    assert.match(row(today.text, 'Elsa Andersson'), /Hämtas av Mormor Eva/);
    assert.match(row(today.text, 'Elsa Andersson'), /Hämtlista och kontakter[\s\S]*Mormor Eva <span class="muted">\(Mormor\)<\/span>/);
  });

  it('"Går hem själv" only for a child in fritids whom a guardian allowed it', async () => {
    const page = await emma.get(`/children/${oskar}/day-notes`);
    assert.doesNotMatch(page.text, /går hem själv i dag/);
    assert.equal((await note(emma, oskar, { kind: 'walks-home', date: TODAY })).status, 400);
    const emmaPerson = await personId(t.db, 'Emma', 'Andersson');
    await t.db.insertInto('walk_home_permissions').values({ child_id: oskar, allowed_by: emmaPerson, allowed_at: '2026-11-20T10:00:00Z' }).execute();
    const allowed = await emma.get(`/children/${oskar}/day-notes`);
    assert.match(allowed.text, /Oskar går hem själv i dag/);
    assert.equal((await note(emma, oskar, { kind: 'walks-home', date: TODAY })).status, 303);
    assert.deepEqual((await liveNotes(oskar)).map((n) => n.kind), ['walks-home']);
  });

  it("a guardian of another child finds nothing, and a sibling not one's own on the form saves nothing", async () => {
    const karim = await signIn(t.app, 'vardnadshavare3');
    const before = (await notesOf(elsa)).length;
    assert.equal((await karim.get(`/children/${elsa}/day-notes`)).status, 404);
    const page = await karim.get(`/children/${nora}/day-notes`);
    const refused = await karim.post(`/children/${elsa}/day-notes`).type('form').send({ _csrf: csrfFrom(page.text), kind: 'late', minutes: '15', date: TODAY });
    assert.equal(refused.status, 404);
    const notMine = await note(emma, elsa, { kind: 'late', minutes: '15', date: TODAY, siblings: [String(nora)] });
    assert.equal(notMine.status, 404);
    assert.equal((await notesOf(elsa)).length, before, 'nothing saved');
    assert.equal((await notesOf(nora)).length, 0);
    const teacherTries = await teacher.get(`/children/${elsa}/day-notes`);
    assert.equal(teacherTries.status, 404, 'staff do not write notes in the family\'s name');
  });

  it('a note for siblings at once', async () => {
    const page = await emma.get(`/children/${elsa}/day-notes`);
    assert.match(page.text, new RegExp(`name="siblings" type="checkbox" value="${oskar}"`));
    assert.equal((await note(emma, elsa, { kind: 'other-pickup', pickupName: 'Moster Anna', date: TODAY, siblings: [String(oskar)] })).status, 303);
    assert.ok((await liveNotes(oskar)).some((n) => n.pickup_name === 'Moster Anna' && n.pickup_person_id === null));
    assert.ok((await liveNotes(elsa)).some((n) => n.pickup_name === 'Moster Anna'));
  });

  it("the group's staff put a note away from Today; the guardian takes one back", async () => {
    const [late] = (await liveNotes(elsa)).filter((n) => n.kind === 'late');
    const today = await teacher.get(`/groups/${blabar}/today`);
    assert.match(row(today.text, 'Elsa Andersson'), new RegExp(`action="/day-notes/${late.id}/cancel"`));
    const away = await teacher.post(`/day-notes/${late.id}/cancel`).type('form')
      .send({ _csrf: csrfFrom(today.text), next: `/groups/${blabar}/today#child-${elsa}` });
    assert.equal(away.status, 303);
    assert.equal(away.headers.location, `/groups/${blabar}/today#child-${elsa}`);
    assert.doesNotMatch(row((await teacher.get(`/groups/${blabar}/today`)).text, 'Elsa Andersson'), /Sen ca 30 min/);

    const [early] = (await liveNotes(elsa)).filter((n) => n.kind === 'early');
    const page = await emma.get(`/children/${elsa}/day-notes`);
    assert.match(page.text, /Ta tillbaka/);
    const back = await emma.post(`/day-notes/${early.id}/cancel`).type('form').send({ _csrf: csrfFrom(page.text) });
    assert.equal(back.status, 303);
    assert.equal((await liveNotes(elsa)).some((n) => n.id === early.id), false);
    const row2 = await t.db.selectFrom('day_notes').selectAll().where('id', '=', early.id).executeTakeFirstOrThrow();
    assert.ok(row2.cancelled_at, 'the row is kept, marked taken back');

    const karim = await signIn(t.app, 'vardnadshavare3');
    const [other] = await liveNotes(elsa);
    const foreign = await karim.post(`/day-notes/${other.id}/cancel`).type('form').send({ _csrf: csrfFrom((await karim.get('/')).text) });
    assert.equal(foreign.status, 404);
  });

  it('a ban shows on Today with a clear mark and leaves an audit row; the guardian never sees it', async () => {
    const head = await personId(t.db, 'Maria', 'Ek');
    const solrosen = (await t.db.selectFrom('groups').select('unit_id').where('id', '=', blabar).executeTakeFirstOrThrow()).unit_id;
    await t.db.insertInto('pickup_bans').values({ child_id: elsa, unit_id: solrosen, name: 'Kalle Okänd', reason: 'Tingsrättens beslut', recorded_by: head, recorded_at: '2026-11-20T10:00:00Z', ended_at: null, ended_by: null }).execute();
    const count = async () => Number((await t.db.selectFrom('audit_trail').select((eb) => eb.fn.countAll().as('n'))
      .where('action', '=', 'child.pickupBans.read').where('child_id', '=', elsa).executeTakeFirstOrThrow()).n);
    const before = await count();
    const today = await teacher.get(`/groups/${blabar}/today`);
    assert.match(row(today.text, 'Elsa Andersson'), /<strong class="tag ban-mark" role="note">[\s\S]*Får inte hämtas: Kalle Okänd<\/strong>/);
    assert.equal(await count(), before + 1);
    const print = await teacher.get(`/groups/${blabar}/today/print`);
    assert.match(print.text, /Får inte hämtas: Kalle Okänd/);
    assert.equal(await count(), before + 2);
    const start = await emma.get(`/children/${elsa}`);
    const notes = await emma.get(`/children/${elsa}/day-notes`);
    assert.doesNotMatch(start.text + notes.text, /Kalle Okänd/);
  });

  it("shows who registered the day's care time and a conflict between the homes", async () => {
    const emmaAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
    await t.db.insertInto('care_times').values({
      child_id: elsa, date: TODAY, starts: '08:30', ends: '15:00', day_off: 0, comment: null, registered_by: emmaAccount,
      updated_at: '2026-11-20T10:00:00Z', version: 1, staff_comment: null, staff_comment_by: null, staff_comment_at: null,
    }).execute();
    const today = await teacher.get(`/groups/${blabar}/today`);
    assert.match(row(today.text, 'Elsa Andersson'), /08:30–15:00[\s\S]*registrerat av Emma Andersson/);
    assert.doesNotMatch(row(today.text, 'Elsa Andersson'), /Olika tider från hemmen/);
  });

  it('arrival and departure notify only the guardians who chose it; with the default nobody hears of it', async () => {
    const accounts = Object.fromEntries((await t.db.selectFrom('accounts').select(['id', 'username']).where('username', 'in', ['vardnadshavare', 'vardnadshavare2']).execute())
      .map((a) => [a.username, a.id]));
    const attendanceNotices = async () => t.db.selectFrom('notifications').select(['account_id', 'kind', 'params'])
      .where('kind', 'in', ['childArrived', 'childLeft']).where('child_id', '=', elsa).orderBy('id').execute();
    const tap = async (event: 'arrive' | 'leave') => {
      const page = await teacher.get(`/groups/${blabar}/today`);
      return teacher.post(`/children/${elsa}/attendance`).type('form').send({ _csrf: csrfFrom(page.text), event, group: String(blabar), confirmed: 'yes' });
    };
    assert.equal((await tap('arrive')).status, 303);
    assert.deepEqual(await attendanceNotices(), [], "the topic is off until chosen: not even the bell");

    const settings = await emma.get('/settings/notifications');
    assert.match(settings.text, /När barnet kommer och går hem/);
    await t.db.insertInto('notification_choices').values({ account_id: accounts.vardnadshavare, topic: 'attendance', child_id: elsa, timing: 'now', email: 1, push: 1, sms: 0 }).execute();
    t.clock.set('2026-11-24T14:10:00Z');
    assert.equal((await tap('leave')).status, 303);
    const told = await attendanceNotices();
    assert.deepEqual(told.map((n) => [n.account_id, n.kind]), [[accounts.vardnadshavare, 'childLeft']], 'Emma, who chose it; not Johan');
    assert.deepEqual(JSON.parse(told[0].params), { child: 'Elsa', time: '15:10' });
    const bell = await emma.get('/notifications');
    assert.match(bell.text, /Elsa har gått hem kl\. 15:10/);
    t.clock.set('2026-11-24T07:00:00Z');
  });
});
