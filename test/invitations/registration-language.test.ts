// A guardian opens an invitation: the registration form speaks the invitation's language (unless the guardian chose
// another), has the name the registry knows filled in, says which child and unit it is for, and the new account
// keeps that language.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { postForm, startTestApp, type TestApp } from '../support/app.ts';
import { guardiansWithoutAccount, paperKey, type GuardianWithoutAccount } from '../support/invitations.ts';

describe('the registration form of an invitation', () => {
  let t: TestApp;
  let guardians: GuardianWithoutAccount[];

  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    guardians = await guardiansWithoutAccount(t);
    assert.ok(guardians.length >= 3, 'the demo has guardians without an account');
  });
  after(() => t.close());

  const personName = (id: number) => t.db.selectFrom('persons').select(['first_name', 'last_name']).where('id', '=', id).executeTakeFirstOrThrow();
  const unitOf = (childId: number) => t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
    .innerJoin('units', 'units.id', 'groups.unit_id').select('units.name').where('placements.child_id', '=', childId)
    .orderBy('placements.start_date').executeTakeFirstOrThrow();
  const accountOf = (personId: number) => t.db.selectFrom('accounts').select(['language', 'display_name']).where('person_id', '=', personId).executeTakeFirst();

  async function register(agent: ReturnType<typeof request.agent>, key: string, username: string) {
    return postForm(agent, `/register_invite/${key}`, '/register_invite', {
      key, username, email: '', email_confirm: '', name: 'Namn Namnsson', password: 'en lång och säker fras 42', terms: 'yes',
    });
  }

  it('says in Swedish which child and unit the invitation is for, with the registry name filled in', async () => {
    const g = guardians[0];
    const key = await paperKey(t, g, 'sv');
    const [guardian, child, unit] = await Promise.all([personName(g.guardian_id), personName(g.child_id), unitOf(g.child_id)]);
    const page = await request.agent(t.app).get(`/register_invite/${key}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="sv"/);
    assert.ok(page.text.includes(`Inbjudan gäller ${child.first_name} på ${unit.name}.`), 'the child and the unit');
    assert.match(page.text, new RegExp(`id="name"[^>]*value="${guardian.first_name} ${guardian.last_name}"`), 'the name the registry knows');
  });

  it("speaks the invitation's language, and the new account keeps it", async () => {
    const g = guardians[1];
    const key = await paperKey(t, g, 'ar');
    const child = await personName(g.child_id);
    const agent = request.agent(t.app);
    const page = await agent.get(`/register_invite/${key}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="ar" dir="rtl"/, 'in Arabic, right to left');
    assert.match(page.text, /إنشاء حساب/);
    assert.ok(page.text.includes(`هذه الدعوة تخصّ ${child.first_name} في `), 'which child, in Arabic');
    const done = await register(agent, key, 'arabiska foraldern');
    assert.equal(done.status, 303, done.text);
    assert.equal((await accountOf(g.guardian_id))?.language, 'ar');
    const start = await agent.get('/');
    assert.match(start.text, /<html lang="ar"/, 'the signed-in pages too');
  });

  it('keeps a language the guardian chose, for the form and the account', async () => {
    const g = guardians[2];
    const key = await paperKey(t, g, 'ar');
    const agent = request.agent(t.app);
    const login = await agent.get('/login');
    const chose = await postForm(agent, '/login', '/language', { language: 'en', next: `/register_invite/${key}` });
    assert.equal(chose.status, 303);
    assert.ok(login.status === 200);
    const page = await agent.get(`/register_invite/${key}`);
    assert.match(page.text, /<html lang="en"/, 'the choice wins over the invitation');
    assert.match(page.text, /This invitation is for /);
    const done = await register(agent, key, 'engelska foraldern');
    assert.equal(done.status, 303, done.text);
    assert.equal((await accountOf(g.guardian_id))?.language, 'en');
  });

  it("gives the account the invitation's language when the form arrives without the session", async () => {
    const g = guardians[3];
    const key = await paperKey(t, g, 'so');
    const opened = request.agent(t.app);
    assert.match((await opened.get(`/register_invite/${key}`)).text, /<html lang="so"/);
    const fresh = request.agent(t.app); // another browser: no session, the form's token from the login page
    const done = await postForm(fresh, '/login', '/register_invite', {
      key, username: 'somaliska foraldern', email: '', email_confirm: '', name: 'Namn Namnsson', password: 'en lång och säker fras 42', terms: 'yes',
    });
    assert.equal(done.status, 303, done.text);
    assert.equal((await accountOf(g.guardian_id))?.language, 'so');
  });
});
