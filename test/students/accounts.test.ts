// Student accounts (seed 001): from årskurs 3, made by the staff of the pupil's class (its head, the admin) as a one-time
// letter with a key; the pupil registers with the key and sees the guardian's view minus reporting absence, booking
// talks, registering fritids times, the group's contact list and the guardians' addresses.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfFrom, demoPasswordHash, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { createAccount } from '../../server/accounts/queries.ts';
import { mayHaveStudentAccount, schoolYearOf, schoolYearStartedIn } from '../../server/students/rules.ts';

describe('who may have a student account (rules.ts)', () => {
  it('counts the school year from the calendar year the school year started (July on counts to the coming one)', () => {
    assert.equal(schoolYearStartedIn('2026-11-24'), 2026);
    assert.equal(schoolYearStartedIn('2027-06-30'), 2026);
    assert.equal(schoolYearStartedIn('2027-07-01'), 2027);
  });

  it('årskurs 3 is the school year starting in the calendar year the child turns 9, whatever the birthday', () => {
    assert.equal(schoolYearOf('2017-12-31', '2026-08-20'), 3);
    assert.equal(schoolYearOf('2017-01-01', '2027-06-10'), 3);
    assert.equal(schoolYearOf('2020-03-01', '2026-09-01'), 0, 'förskoleklass the year they turn 6');
    assert.equal(mayHaveStudentAccount('2017-12-31', '2026-08-20'), true);
    assert.equal(mayHaveStudentAccount('2018-01-01', '2026-08-20'), false, 'turns 9 only next year: årskurs 2');
    assert.equal(mayHaveStudentAccount('2018-01-01', '2027-06-30'), false, 'still årskurs 2 in June');
    assert.equal(mayHaveStudentAccount('2018-01-01', '2027-07-01'), true, 'the coming årskurs 3 from July');
    assert.equal(mayHaveStudentAccount('2010-05-05', '2026-11-24'), true, 'older pupils too');
    assert.equal(mayHaveStudentAccount(null, '2026-11-24'), false, 'no birth date: no guessing');
    assert.equal(mayHaveStudentAccount('okänt', '2026-11-24'), false);
  });
});

describe('student accounts made by school staff', () => {
  let t: TestApp;
  let teacher: Agent; // Helena Vik, teacher of 4A
  let class4a: number;
  let pupil: number; // a pupil of 4A without an account
  let oskar: number; // 2B: årskurs 2

  before(async () => {
    t = await startTestApp();
    class4a = await groupId(t.db, '4A');
    const helena = await personId(t.db, 'Helena', 'Vik');
    await createAccount(t.db, { personId: helena, username: 'larare4a', email: null, passwordHash: await demoPasswordHash() }, t.clock.now());
    teacher = await signIn(t.app, 'larare4a');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    const withAccount = t.db.selectFrom('accounts').select('person_id');
    const pupils = await t.db.selectFrom('placements').select('child_id').where('group_id', '=', class4a)
      .where('child_id', 'not in', withAccount).orderBy('child_id').execute();
    pupil = pupils[0].child_id;
  });
  after(() => t.close());

  const letter = (agent: Agent, childId: number) => postForm(agent, `/children/${childId}/student-account`, `/children/${childId}/student-account`);
  const keyOf = (html: string) => html.match(/class="key">([A-Z2-9-]+)</)?.[1];

  it('the class list shows each pupil and where their account stands', async () => {
    assert.match((await teacher.get(`/groups/${class4a}`)).text, new RegExp(`href="/groups/${class4a}/student-accounts"`), 'linked from the class');
    const page = await teacher.get(`/groups/${class4a}/student-accounts`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Elevkonton i 4A/);
    assert.match(page.text, /Har ett elevkonto/, 'the demo pupil "elev"');
    assert.match(page.text, /Har inget elevkonto/);
    assert.match(page.text, new RegExp(`href="/children/${pupil}/student-account"`));
  });

  it('a letter with a one-time key; the pupil registers with it and is a student', async () => {
    const res = await letter(teacher, pupil);
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    const key = keyOf(res.text);
    assert.ok(key, 'the key is on the letter');
    assert.match(res.text, /Ditt konto i Vardag/);
    assert.match((await teacher.get(`/groups/${class4a}/student-accounts`)).text, /inloggningsbrev som inte har använts/);

    // Printing again: a new key, the first one stops working.
    const again = await letter(teacher, pupil);
    const second = keyOf(again.text);
    assert.ok(second && second !== key);
    const old = await request(t.app).get(`/register_invite/${key!.replaceAll('-', '')}`);
    assert.match(old.text, /Nyckeln är återkallad/);

    const form = await request(t.app).get(`/register_invite/${second!.replaceAll('-', '')}`);
    assert.equal(form.status, 200);
    const cookie = String(form.headers['set-cookie']).split(';')[0];
    const registered = await request(t.app).post('/register_invite').set('Cookie', cookie).type('form').send({
      _csrf: csrfFrom(form.text), key: second, username: 'elev.ny', email: '', email_confirm: '', name: 'Eleven Ny',
      password: 'en-lång-hemlig-mening', terms: 'yes',
    });
    assert.equal(registered.status, 303, registered.text.slice(0, 400));
    const account = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'elev.ny').executeTakeFirstOrThrow();
    assert.equal(account.person_id, pupil);
    const student = await signIn(t.app, 'elev.ny', 'en-lång-hemlig-mening');
    const start = await student.get('/');
    assert.equal(start.status, 200);
    assert.equal((await student.get(`/children/${pupil}`)).status, 200, 'their own child page');
    assert.match((await teacher.get(`/groups/${class4a}/student-accounts`)).text, /Har ett elevkonto[\s\S]*Har ett elevkonto/);
    const refused = await letter(teacher, pupil);
    assert.equal(refused.status, 400);
    assert.match(refused.text, /Eleven har redan ett konto/);
  });

  it('below årskurs 3: no letter', async () => {
    const larare2b = await signIn(t.app, 'larare2b');
    const page = await larare2b.get(`/children/${oskar}/student-account`);
    assert.equal(page.status, 200);
    assert.match(page.text, /från och med årskurs 3/);
    assert.doesNotMatch(page.text, /Skapa inloggningsbrev/);
    const res = await letter(larare2b, oskar);
    assert.equal(res.status, 400);
    assert.match(res.text, /inte få ett konto förrän i årskurs 3/);
    assert.equal(keyOf(res.text), undefined);
  });

  it('only the staff of the pupil\'s class, the school\'s head and the admin: others do not find the pupil', async () => {
    for (const username of ['larare2b', 'fritids', 'pedagog', 'rektor', 'vardnadshavare', 'elev', 'grannadmin']) {
      const agent = await signIn(t.app, username);
      assert.equal((await agent.get(`/children/${pupil}/student-account`)).status, 404, username);
      const token = csrfFrom((await agent.get('/')).text);
      const post = await agent.post(`/children/${pupil}/student-account`).type('form').send({ _csrf: token });
      assert.equal(post.status, 404, username);
    }
    const admin = await signIn(t.app, 'admin');
    assert.equal((await admin.get(`/children/${pupil}/student-account`)).status, 200);
  });

  it('a preschool group has no student accounts', async () => {
    const pedagog = await signIn(t.app, 'pedagog');
    const page = await pedagog.get(`/groups/${await groupId(t.db, 'Blåbär')}/student-accounts`);
    assert.equal(page.status, 200);
    assert.match(page.text, /bara för elever i skolan/);
    assert.doesNotMatch((await pedagog.get(`/groups/${await groupId(t.db, 'Blåbär')}`)).text, /student-accounts/);
  });
});

describe('what a student sees', () => {
  let t: TestApp;
  let elev: Agent;
  let self: number;
  let classmate: number;

  before(async () => {
    t = await startTestApp();
    elev = await signIn(t.app, 'elev');
    const account = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'elev').executeTakeFirstOrThrow();
    self = account.person_id;
    const class4a = await groupId(t.db, '4A');
    classmate = (await t.db.selectFrom('placements').select('child_id').where('group_id', '=', class4a).where('child_id', '!=', self).executeTakeFirstOrThrow()).child_id;
  });
  after(() => t.close());

  it('the start page has no absence, talks or contact list box; those pages are not found', async () => {
    const guardian = await signIn(t.app, 'vardnadshavare');
    assert.match((await guardian.get('/')).text, /id="box-absence"[\s\S]*id="box-contacts"/, 'a guardian has them');
    const start = await elev.get('/');
    assert.equal(start.status, 200);
    assert.doesNotMatch(start.text, /id="box-absence"/);
    assert.doesNotMatch(start.text, /id="box-contacts"/);
    assert.doesNotMatch(start.text, /id="box-talks"/);
    for (const path of ['absence', 'boxes/absence', 'boxes/contacts', 'boxes/talks', 'talks']) {
      assert.equal((await elev.get(`/children/${self}/${path}`)).status, 404, path);
    }
    const group = (await t.db.selectFrom('placements').select('group_id').where('child_id', '=', self).executeTakeFirstOrThrow()).group_id;
    assert.equal((await elev.get(`/groups/${group}/contacts`)).status, 404);
    const token = csrfFrom(start.text);
    const tomorrow = '2026-11-25';
    const report = await elev.post(`/children/${self}/absences`).type('form').send({ _csrf: token, from: tomorrow, to: tomorrow, kind: 'sick' });
    assert.equal(report.status, 404);
    const schedule = await elev.post(`/children/${self}/schedule`).type('form').send({ _csrf: token });
    assert.equal(schedule.status, 404);
    assert.equal((await t.db.selectFrom('absences').select('id').where('child_id', '=', self).execute()).length, 0);
  });

  it('their own details page shows no guardian\'s address or contact details', async () => {
    const guardians = await t.db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
      .select(['persons.street_address', 'persons.email', 'persons.phone']).where('guardianships.child_id', '=', self).execute();
    const own = await t.db.selectFrom('persons').select('street_address').where('id', '=', self).executeTakeFirstOrThrow();
    const page = await elev.get(`/children/${self}/info`);
    assert.equal(page.status, 200);
    for (const g of guardians) {
      for (const detail of [g.email, g.phone, g.street_address === own.street_address ? null : g.street_address]) {
        if (detail) assert.ok(!page.text.includes(detail), `a guardian's ${detail} is not shown`);
      }
      if (g.email) assert.ok(!page.text.includes(g.email));
    }
  });

  it('another pupil\'s pages are not found', async () => {
    for (const path of ['', '/info', '/schedule', '/portfolio', '/page']) {
      assert.equal((await elev.get(`/children/${classmate}${path}`)).status, 404, path || 'start');
    }
  });
});
