// Invitations held until their day, guardians who already have an account, and keys linked to an existing account.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { invitationKeyIn as keyIn } from '../support/mail.ts';
import { sendDueInvitations } from '../../server/invitations/queries.ts';
import { invitationMailer } from '../../server/invitations/mail.ts';
import { today } from '../../server/kernel/clock.ts';

describe('held invitations, existing accounts and linking', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  async function invite(staff: Agent, childId: number, guardianId: number, email: string) {
    return postForm(staff, `/children/${childId}/invitations/new`, `/children/${childId}/invitations`, {
      invite: String(guardianId), [`email_${guardianId}`]: email, [`language_${guardianId}`]: 'sv', confirm: 'yes' });
  }
  const lastMail = () => t.db.selectFrom('mail_outbox').selectAll().orderBy('id', 'desc').executeTakeFirst();

  it('holds an invitation for a later placement and sends it 14 days before the first day', async () => {
    // Leah (Lingon) starts 20 days from today; her guardian Hiba is invited on day 6.
    const leah = await personId(t.db, 'Leah', 'Axelsson');
    const hiba = await personId(t.db, 'Hiba', 'Axelsson');
    const teacher = await signIn(t.app, 'pedagog2');
    const page = await teacher.get(`/children/${leah}/invitations/new`);
    assert.match(page.text, /Inbjudan skickas måndag 30 november|Inbjudan skickas 30 november/);
    assert.equal((await invite(teacher, leah, hiba, 'hiba@example.com')).status, 303);
    assert.equal(await lastMail(), undefined, 'held: nothing sent today');
    const mail = invitationMailer({ publicUrl: 'https://vardag.example.se' });

    t.clock.set('2026-11-29T09:00:00Z');
    assert.equal(await sendDueInvitations(t.db, t.clock.now(), today(t.clock), mail), 0, 'not yet on the day before');
    t.clock.set('2026-11-30T06:00:00Z');
    assert.equal(await sendDueInvitations(t.db, t.clock.now(), today(t.clock), mail), 1);
    assert.equal(await sendDueInvitations(t.db, t.clock.now(), today(t.clock), mail), 0, 'sent once');
    const sent = await lastMail();
    assert.equal(sent?.recipient, 'hiba@example.com');
    assert.match(sent!.text_body!, /https:\/\/vardag\.example\.se\/register_invite\/[A-Z2-9]{12}/);
    t.clock.set('2026-11-24T09:00:00Z');
  });

  it('does not invite a guardian who has an account: the child appears with a notification', async () => {
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const emma = await personId(t.db, 'Emma', 'Andersson');
    const teacher = await signIn(t.app, 'pedagog');
    const page = await teacher.get(`/children/${elsa}/invitations/new`);
    assert.match(page.text, /Har redan ett konto/);
    const before = await t.db.selectFrom('invitations').select('id').execute();
    await invite(teacher, elsa, emma, '');
    assert.equal((await t.db.selectFrom('invitations').select('id').execute()).length, before.length, 'no invitation');
    const guardian = await signIn(t.app, 'vardnadshavare');
    assert.match((await guardian.get('/notifications')).text, /Elsa har lagts till på ditt konto/);
  });

  it("links a key to a teacher's account when the teacher is that child's parent, and only that child", async () => {
    // Anna Johansson, the registry's guardian of Alice, also works at Vitsippan: recorded as staff without a personnummer.
    const alice = await personId(t.db, 'Alice', 'Johansson');
    const anna = await personId(t.db, 'Anna', 'Johansson');
    const teacher = await signIn(t.app, 'pedagog');
    await invite(teacher, alice, anna, 'anna@example.com');
    const key = keyIn((await lastMail())!.text_body)!;

    const municipality = (await t.db.selectFrom('persons').select('municipality_id').where('id', '=', anna).executeTakeFirstOrThrow()).municipality_id;
    const { id: staffAnna } = await t.db.insertInto('persons').values({ municipality_id: municipality, first_name: 'Anna', last_name: 'Johansson',
      identity_number: null, identity_kind: null, birth_date: null, protected_identity: 0, street_address: null, postal_code: null, city: null,
      email: null, phone: null, created_at: t.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
    const vitsippan = (await t.db.selectFrom('units').select('id').where('name', '=', 'Förskolan Vitsippan').executeTakeFirstOrThrow()).id;
    await t.db.insertInto('staff_assignments').values({ person_id: staffAnna, unit_id: vitsippan, group_id: null, role: 'staff' }).execute();
    const hash = (await t.db.selectFrom('accounts').select('password_hash').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).password_hash;
    await t.db.insertInto('accounts').values({ person_id: staffAnna, username: 'anna.personal', username_key: 'anna.personal', email: null,
      email_key: null, password_hash: hash, language: 'sv', created_at: t.clock.now().toISOString() }).execute();

    const stranger = await signIn(t.app, 'pedagog2'); // Ali Hassan: staff, guardian of nobody, not Anna
    const form = await stranger.get('/settings/invitation');
    const refused = await stranger.post('/settings/invitation').type('form').send({ _csrf: csrfFrom(form.text), key });
    assert.equal(refused.status, 400, 'a key in the wrong hands makes nobody a guardian');
    assert.doesNotMatch((await stranger.get('/')).text, /Alice Johansson/);

    const parent = await signIn(t.app, 'anna.personal');
    const page = await parent.get('/settings/invitation');
    const linked = await parent.post('/settings/invitation').type('form').send({ _csrf: csrfFrom(page.text), key: key.toLowerCase() });
    assert.equal(linked.status, 303);
    assert.match((await parent.get('/')).text, /Alice Johansson/);
    const children = await t.db.selectFrom('guardianships').select('child_id').where('guardian_id', '=', staffAnna).execute();
    assert.deepEqual(children.map((c) => c.child_id), [alice], 'exactly the children the invitation covers');
  });

  it('links no child whose guardianship the register ended after the invitation went out', async () => {
    // As above (a guardian who works in the municipality, with a staff record of the same name), but the registry
    // import removes the guardianship before the key is used from the staff account.
    const child = (await t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
      .select('placements.child_id').where('groups.name', '=', 'Blåbär').orderBy('placements.child_id').offset(6).limit(1).executeTakeFirstOrThrow()).child_id;
    const karin = (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).executeTakeFirstOrThrow()).guardian_id;
    const names = await t.db.selectFrom('persons').select(['first_name', 'last_name']).where('id', 'in', [child, karin]).orderBy('id').execute();
    const [childName, guardianName] = child < karin ? names : [names[1], names[0]];
    const teacher = await signIn(t.app, 'pedagog');
    await invite(teacher, child, karin, 'karin@example.com');
    const key = keyIn((await lastMail())!.text_body)!;
    const municipality = (await t.db.selectFrom('persons').select('municipality_id').where('id', '=', karin).executeTakeFirstOrThrow()).municipality_id;
    const { id: staffKarin } = await t.db.insertInto('persons').values({ municipality_id: municipality, first_name: guardianName.first_name, last_name: guardianName.last_name,
      identity_number: null, identity_kind: null, birth_date: null, protected_identity: 0, street_address: null, postal_code: null, city: null,
      email: null, phone: null, created_at: t.clock.now().toISOString() }).returning('id').executeTakeFirstOrThrow();
    const hash = (await t.db.selectFrom('accounts').select('password_hash').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).password_hash;
    await t.db.insertInto('accounts').values({ person_id: staffKarin, username: 'karin.personal', username_key: 'karin.personal', email: null,
      email_key: null, password_hash: hash, language: 'sv', created_at: t.clock.now().toISOString() }).execute();
    await t.db.deleteFrom('guardianships').where('guardian_id', '=', karin).where('child_id', '=', child).execute();

    const former = await signIn(t.app, 'karin.personal');
    const page = await former.get('/settings/invitation');
    const refused = await former.post('/settings/invitation').type('form').send({ _csrf: csrfFrom(page.text), key });
    assert.equal(refused.status, 400);
    assert.deepEqual(await t.db.selectFrom('guardianships').select('child_id').where('guardian_id', '=', staffKarin).execute(), []);
    assert.doesNotMatch((await former.get('/')).text, new RegExp(`${childName.first_name} ${childName.last_name}`));
  });

  it("refuses a key for another guardian on an account that is already someone's guardian", async () => {
    const child = (await t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
      .select('placements.child_id').where('groups.name', '=', 'Blåbär').orderBy('placements.child_id').offset(5).limit(1).executeTakeFirstOrThrow()).child_id;
    const guardian = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).executeTakeFirstOrThrow();
    const teacher = await signIn(t.app, 'pedagog');
    await invite(teacher, child, guardian.guardian_id, 'someone@example.com');
    const key = keyIn((await lastMail())!.text_body)!;

    const emma = await signIn(t.app, 'vardnadshavare');
    const form = await emma.get('/settings/invitation');
    const refused = await emma.post('/settings/invitation').type('form').send({ _csrf: csrfFrom(form.text), key });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /gäller en annan vårdnadshavare/);
    const used = await t.db.selectFrom('invitation_keys').select('used_at').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(used.used_at, null, 'the key is still usable by its guardian');
  });

  it('links a key from the mail\'s lower link after logging in ("Jag har redan ett konto")', async () => {
    const alice = await personId(t.db, 'Alice', 'Johansson');
    const andreas = await personId(t.db, 'Andreas', 'Eriksson');
    const teacher = await signIn(t.app, 'pedagog');
    await invite(teacher, alice, andreas, 'andreas@example.com');
    const key = keyIn((await lastMail())!.text_body)!;
    // Andreas had made an account earlier (say, for an older child): the admin-side record is made directly here.
    await t.db.insertInto('accounts').values({ person_id: andreas, username: 'andreas', username_key: 'andreas', email: null, email_key: null,
      password_hash: (await t.db.selectFrom('accounts').select('password_hash').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).password_hash,
      language: 'sv', created_at: t.clock.now().toISOString() }).execute();
    const { default: request } = await import('supertest');
    const visitor = request.agent(t.app);
    const page = await visitor.get(`/register_invite/${key}/link`);
    assert.match(page.text, /Koppla inbjudan till ditt konto/);
    const wrong = await visitor.post('/register_invite/link').type('form').send({ _csrf: csrfFrom(page.text), username: 'andreas', password: 'fel', key });
    assert.equal(wrong.status, 401);
    const ok = await visitor.post('/register_invite/link').type('form').send({ _csrf: csrfFrom(page.text), username: 'Andreas ', password: 'vardag-demo', key });
    assert.equal(ok.status, 303);
    assert.match((await visitor.get('/')).text, /Alice Johansson/);
  });

  it('gives two guardians who share one e-mail address a key and an account each', async () => {
    // Nora's guardians Leila and Karim: Karim has an account with the household's address as his login e-mail.
    const nora = await personId(t.db, 'Nora', 'Haddad');
    const leila = await personId(t.db, 'Leila', 'Haddad');
    await t.db.updateTable('accounts').set({ email: 'familjen@example.com', email_key: 'familjen@example.com' })
      .where('username', '=', 'vardnadshavare3').execute();
    const teacher = await signIn(t.app, 'pedagog');
    await invite(teacher, nora, leila, 'familjen@example.com');
    const key = keyIn((await lastMail())!.text_body)!;
    const { default: request } = await import('supertest');
    const guardian = request.agent(t.app);
    const form = await guardian.get(`/register_invite/${key}`);
    const created = await guardian.post('/register_invite').type('form').send({ _csrf: csrfFrom(form.text), key, username: 'leila',
      email: 'familjen@example.com', email_confirm: 'familjen@example.com', name: 'Leila Haddad', password: 'fem små grodor', terms: 'yes' });
    assert.equal(created.status, 303);
    assert.match((await guardian.get('/')).text, /används också av ett annat konto/);
    const accounts = await t.db.selectFrom('accounts').select(['username', 'email']).where('person_id', 'in', [leila,
      (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vardnadshavare3').executeTakeFirstOrThrow()).person_id]).execute();
    assert.equal(accounts.length, 2, 'one account each');
    const extra = await t.db.selectFrom('account_emails').innerJoin('accounts', 'accounts.id', 'account_emails.account_id')
      .select(['accounts.username', 'account_emails.verified_at']).where('account_emails.email_key', '=', 'familjen@example.com').execute();
    assert.deepEqual(extra.map((e) => e.username), ['leila']);
    assert.ok(extra[0].verified_at, 'the invitation reached that address, so it is verified');
  });
});
