// A school class's Today speaks of the school day (present, reported absent, not yet marked), not of care times; and
// Today on paper: no links, the guardians' phone numbers the viewer may see, empty columns to sign.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';

describe("a school class's Today", () => {
  let t: TestApp;
  let teacher: Agent;
  let class2b: number;
  before(async () => {
    t = await startTestApp({ now: '2026-11-24T07:00:00Z', careTimes: true });
    teacher = await signIn(t.app, 'larare2b');
    class2b = await groupId(t.db, '2B');
  });
  after(() => t.close());

  it('says "Ej markerad" and counts pupils present, absent and not marked, never "Inga tider registrerade"', async () => {
    const page = await teacher.get(`/groups/${class2b}/today`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /Inga tider registrerade|Väntas|väntas eller är här/);
    assert.match(page.text, /<span class="state">Ej markerad<\/span>/);
    const pupils = [...page.text.matchAll(/<li class="row status-/g)].length;
    assert.match(page.text, new RegExp(`<p class="summary" id="today-summary">0 av ${pupils} elever närvarande i dag, 0 frånvarande, ${pupils} ej markerade\\.</p>`));
  });

  it('shows a pupil checked in as present and one reported absent as absent, without fritids care times', async () => {
    const oskar = await personId(t.db, 'Oskar', 'Andersson');
    await t.db.insertInto('care_times').values({ child_id: oskar, date: '2026-11-24', starts: '13:30', ends: '16:45', day_off: 0, comment: 'Fritids',
      registered_by: 1, updated_at: '2026-11-20T10:00:00Z', version: 1, staff_comment: null, staff_comment_by: null, staff_comment_at: null }).execute();
    const before = await teacher.get(`/groups/${class2b}/today`);
    assert.doesNotMatch(before.text, /13:30–16:45/, 'fritids times are not the class\'s');
    const page = await teacher.get(`/groups/${class2b}/today`);
    const token = page.text.match(/name="_csrf" value="([^"]+)"/)![1];
    await teacher.post(`/children/${oskar}/attendance`).type('form').send({ _csrf: token, event: 'arrive', group: String(class2b) });
    const after = await teacher.get(`/groups/${class2b}/today`);
    assert.match(after.text, new RegExp(`id="child-${oskar}">[\\s\\S]*?<span class="state">Närvarande</span>`));
    assert.match(after.text, /1 av \d+ elever närvarande i dag/);
  });
});

describe("a school class's Today: reported and unreported absence", () => {
  it('says "Anmäld frånvaro" for a reported absence and "Ogiltig frånvaro" for one staff marked', async () => {
    const t = await startTestApp({ now: '2026-11-24T07:00:00Z' });
    try {
      const teacher = await signIn(t.app, 'larare2b');
      const class2b = await groupId(t.db, '2B');
      const [first, second] = (await teacher.get(`/groups/${class2b}/today`)).text.match(/id="child-(\d+)"/g)!.map((m) => Number(m.match(/\d+/)![0]));
      const absence = (child: number, kind: 'reported' | 'unreported') => ({ child_id: child, date: '2026-11-24', starts: null, ends: null, kind,
        comment: null, created_by: 1, created_at: '2026-11-24T06:00:00Z' });
      await t.db.insertInto('absences').values([absence(first, 'reported'), absence(second, 'unreported')]).execute();
      const page = await teacher.get(`/groups/${class2b}/today`);
      assert.match(page.text, new RegExp(`id="child-${first}">[\\s\\S]*?<span class="state">Anmäld frånvaro</span>`));
      assert.match(page.text, new RegExp(`id="child-${second}">[\\s\\S]*?<span class="state">Ogiltig frånvaro</span>`));
      assert.match(page.text, /0 av \d+ elever närvarande i dag, 2 frånvarande/);
    } finally {
      await t.close();
    }
  });
});

describe('Today on paper', () => {
  let t: TestApp;
  let teacher: Agent;
  let blabar: number;
  before(async () => {
    t = await startTestApp({ now: '2026-11-24T07:00:00Z', careTimes: true });
    teacher = await signIn(t.app, 'pedagog');
    blabar = await groupId(t.db, 'Blåbär');
  });
  after(() => t.close());

  const phoneOf = async (first: string, last: string) => (await t.db.selectFrom('persons').select('phone')
    .where('first_name', '=', first).where('last_name', '=', last).executeTakeFirstOrThrow()).phone;

  it('is linked from Today', async () => {
    const page = await teacher.get(`/groups/${blabar}/today`);
    assert.match(page.text, new RegExp(`<a class="action-link" href="/groups/${blabar}/today/print">Skriv ut dagens lista</a>`));
  });

  it('lists every child with the guardians\' phone numbers and empty columns to sign arrival and departure', async () => {
    const page = await teacher.get(`/groups/${blabar}/today/print`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<th scope="col" class="sign">Kom \(signatur\)<\/th>\s*<th scope="col" class="sign">Gick \(signatur\)<\/th>/);
    const emma = await phoneOf('Emma', 'Andersson');
    assert.ok(emma, 'the demo gives Emma a phone number');
    assert.match(page.text, new RegExp(`<th scope="row">Elsa Andersson</th>[\\s\\S]*?Emma Andersson: <span class="phone-number" dir="ltr">${emma}</span>[\\s\\S]*?<td class="sign"></td>\\s*<td class="sign"></td>`));
  });

  it('prints no phone number of a person with protected identity, but that of the other guardian', async () => {
    const page = await teacher.get(`/groups/${blabar}/today/print`);
    const nora = page.text.match(/<th scope="row">Nora Haddad<\/th>[\s\S]*?<\/tr>/)![0];
    const leila = await phoneOf('Leila', 'Haddad');
    const karim = await phoneOf('Karim', 'Haddad');
    assert.ok(leila && !nora.includes(leila), 'Leila\'s number');
    assert.match(nora, /<div>Leila Haddad<\/div>/);
    assert.ok(karim && nora.includes(karim), 'Karim\'s number');
    assert.doesNotMatch(page.text, /Hemlig väg|462 99/);
  });

  it('has no links but the way back and the page\'s own, which print leaves out', async () => {
    const page = await teacher.get(`/groups/${blabar}/today/print`);
    const main = page.text.match(/<main id="main" class="page">([\s\S]*)<\/main>/)![1];
    const links = [...main.matchAll(/<a [^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(links, [`<a class="button secondary" href="/groups/${blabar}/today">`], 'only the way back');
    assert.match(main, /<p class="screen-only button-row">\s*<a class="button secondary"/, 'which print leaves out');
    assert.doesNotMatch(main, /<form/);
  });

  it('leaves a row in the audit trail for each print, naming the group', async () => {
    const printsOf = async () => (await t.db.selectFrom('audit_trail').select(['action', 'record_id', 'child_id', 'method', 'outcome'])
      .where('action', '=', 'group.today.print').execute());
    const before = (await printsOf()).length;
    assert.equal((await teacher.get(`/groups/${blabar}/today/print`)).status, 200);
    const rows = await printsOf();
    assert.equal(rows.length, before + 1);
    assert.deepEqual(rows.at(-1), { action: 'group.today.print', record_id: blabar, child_id: null, method: 'GET', outcome: 'read' });
  });

  it('is not for staff of another group', async () => {
    const other = await signIn(t.app, 'pedagog2');
    assert.equal((await other.get(`/groups/${blabar}/today/print`)).status, 404);
  });
});
