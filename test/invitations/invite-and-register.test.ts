// Staff invite a child's guardians, see who will be reached first; the guardian follows the link and registers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { invitationKeyIn as keyIn } from '../support/mail.ts';

describe('inviting guardians and registering with the key', () => {
  let t: TestApp;
  let teacher: Agent;
  let alice: number;
  let anna: number;
  let andreas: number;

  before(async () => {
    t = await startTestApp();
    teacher = await signIn(t.app, 'pedagog');
    alice = await personId(t.db, 'Alice', 'Johansson'); // Blåbär; Anna in her household, Andreas in another
    anna = await personId(t.db, 'Anna', 'Johansson');
    andreas = await personId(t.db, 'Andreas', 'Eriksson');
  });
  after(() => t.close());

  const outbox = () => t.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();

  async function invite(childId: number, choices: Record<string, string>[], confirm?: string) {
    const fields = choices.flatMap((c) => Object.entries(c));
    if (confirm) fields.push(['confirm', confirm]);
    return postForm(teacher, `/children/${childId}/invitations/new`, `/children/${childId}/invitations`, fields);
  }

  it('shows who will be reached before anything is sent, and sends only on confirmation', async () => {
    const page = await teacher.get(`/children/${alice}/invitations/new`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Anna Johansson[\s\S]*Bor i barnets hushåll/);
    assert.match(page.text, /Andreas Eriksson[\s\S]*Bor i ett annat hushåll/);
    const annaEmail = (await t.db.selectFrom('persons').select('email').where('id', '=', anna).executeTakeFirstOrThrow()).email!;
    assert.match(page.text, new RegExp(`id="email_${anna}"[^>]*value="${annaEmail.replace('.', '\\.')}"`), 'the registry e-mail, editable');

    const review = await invite(alice, [{ invite: String(anna), [`email_${anna}`]: 'anna.ny@example.com', [`language_${anna}`]: 'sv' }]);
    assert.equal(review.status, 200);
    assert.match(review.text, /Kontrollera vilka som får inbjudan/);
    assert.match(review.text, /Anna Johansson[\s\S]*Gäller Alice Johansson[\s\S]*anna\.ny@example\.com/);
    assert.doesNotMatch(review.text, /Andreas Eriksson/, 'only the chosen guardian');
    assert.equal((await outbox()).length, 0, 'nothing is sent before confirmation');

    const sent = await invite(alice, [{ invite: String(anna), [`email_${anna}`]: 'anna.ny@example.com', [`language_${anna}`]: 'sv' }], 'yes');
    assert.equal(sent.status, 303);
    const mails = await outbox();
    assert.equal(mails.length, 1);
    assert.equal(mails[0].recipient, 'anna.ny@example.com');
    assert.match(mails[0].subject, /Inbjudan till Vardag från Förskolan Solrosen/);
    assert.match(mails[0].text_body!, /följer du Alice/);
    assert.match(mails[0].text_body!, /Skapa ditt konto här:\n\S+\/register_invite\/[A-Z2-9]{12}\n/);
    assert.ok(keyIn(mails[0].text_body), 'the mail carries the link with the key');
    const stored = await t.db.selectFrom('invitation_keys').select('key_hash').execute();
    assert.ok(!stored.some((k) => k.key_hash.includes(keyIn(mails[0].text_body)!)), 'only a hash of the key is stored');

    const list = await teacher.get(sent.headers.location);
    assert.match(list.text, /Anna Johansson[\s\S]*Skickad/);
  });

  it('marks a bad e-mail at its field and keeps the form', async () => {
    const res = await invite(alice, [{ invite: String(andreas), [`email_${andreas}`]: 'inte-en-adress', [`language_${andreas}`]: 'en' }]);
    assert.equal(res.status, 400);
    assert.match(res.text, new RegExp(`id="email_${andreas}-error"[^>]*>.*Skriv en giltig e-postadress`, 's'));
    assert.match(res.text, /value="inte-en-adress"/);
    assert.match(res.text, /<option value="en" lang="en" selected>/);
  });

  it('registers through the link in the mail, then the key is used up', async () => {
    const key = keyIn((await outbox())[0].text_body)!;
    const guardian = request.agent(t.app);
    const form = await guardian.get(`/register_invite/${key.toLowerCase()}`);
    assert.equal(form.status, 200);
    assert.match(form.text, /Skapa konto/);
    assert.match(form.text, /Bilder får|privat bruk/, "the municipality's terms of use");
    assert.match(form.text, /value="anna\.ny@example\.com"/);
    const invitation = await t.db.selectFrom('invitation_keys').select('opened_at').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.ok(invitation.opened_at, 'opening the link marks the invitation opened');

    const fields = { _csrf: csrfFrom(form.text), key: `${key.slice(0, 4)}-${key.slice(4, 8)} ${key.slice(8)}`, username: "Anna J.", email: 'anna.ny@example.com',
      email_confirm: 'Anna.Ny@example.com', name: 'Anna Johansson', password: 'blå cykel i regnet', terms: 'yes' };
    const bad = await guardian.post('/register_invite').type('form').send({ ...fields, username: 'anna!', password: 'password123', terms: '' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Användarnamnet får bara innehålla/);
    assert.match(bad.text, /för vanligt/);
    assert.match(bad.text, /godkänna villkoren/);
    assert.doesNotMatch(bad.text, /password123/, 'a password never comes back');
    assert.match(bad.text, /value="anna!"/);
    assert.equal(await accountsOf(anna), 0, 'nothing is created when the form has errors');

    const [first, second] = await Promise.all([
      guardian.post('/register_invite').type('form').send(fields),
      guardian.post('/register_invite').type('form').send(fields),
    ]);
    assert.equal(first.status, 303);
    assert.equal(second.status, 303, 'a double submit lands on the start page too');
    assert.equal(await accountsOf(anna), 1, 'a double submit creates one account');
    const start = await guardian.get('/');
    assert.match(start.text, /Alice Johansson/);

    const again = await request(t.app).get(`/register_invite/${key}`);
    assert.match(again.text, /Nyckeln är redan använd/);
    assert.match(again.text, /Kontakta förskolan/);
    const login = await signIn(t.app, 'anna j.', 'blå cykel i regnet');
    assert.equal((await login.get('/')).status, 200);
  });

  it('says whether a key is unknown, revoked or expired', async () => {
    assert.match((await request(t.app).get('/register_invite/AAAABBBBCCCC')).text, /Nyckeln finns inte/);
    await invite(alice, [{ invite: String(andreas), [`email_${andreas}`]: 'andreas@example.com', [`language_${andreas}`]: 'sv' }], 'yes');
    const firstKey = keyIn((await outbox()).at(-1)!.text_body)!;
    const invitation = await t.db.selectFrom('invitations').select('id').where('guardian_id', '=', andreas).executeTakeFirstOrThrow();
    const list = await teacher.get(`/groups/${await groupId(t.db, 'Blåbär')}/invitations`);
    await teacher.post(`/invitations/${invitation.id}/resend`).type('form').send({ _csrf: csrfFrom(list.text) });
    const secondKey = keyIn((await outbox()).at(-1)!.text_body)!;
    assert.notEqual(firstKey, secondKey);
    assert.match((await request(t.app).get(`/register_invite/${firstKey}`)).text, /Nyckeln är återkallad/);
    assert.match((await request(t.app).get(`/register_invite/${secondKey}`)).text, /Skapa konto/);
    t.clock.set('2026-12-08T09:00:01Z'); // 14 days later
    assert.match((await request(t.app).get(`/register_invite/${secondKey}`)).text, /Nyckeln har gått ut/);
    t.clock.set('2026-11-24T09:00:00Z');
  });

  it('prints a paper invitation with a new key and a QR code; the old key stops working', async () => {
    const invitation = await t.db.selectFrom('invitations').select('id').where('guardian_id', '=', andreas).orderBy('id', 'desc').executeTakeFirstOrThrow();
    const mailedKey = keyIn((await outbox()).at(-1)!.text_body)!;
    const list = await teacher.get(`/groups/${await groupId(t.db, 'Blåbär')}/invitations`);
    const printed = await teacher.post(`/invitations/${invitation.id}/print`).type('form').send({ _csrf: csrfFrom(list.text) });
    assert.equal(printed.status, 200);
    const paperKey = printed.text.match(/<strong class="key">([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})<\/strong>/)?.[1];
    assert.ok(paperKey, 'the key in groups of four');
    assert.match(printed.text, /<svg[^>]*>[\s\S]*<path/);
    assert.match((await request(t.app).get(`/register_invite/${mailedKey}`)).text, /Nyckeln är återkallad/);
    assert.match((await request(t.app).get(`/register_invite/${paperKey.toLowerCase()}`)).text, /Skapa konto/);
  });

  async function accountsOf(person: number): Promise<number> {
    return (await t.db.selectFrom('accounts').select('id').where('person_id', '=', person).execute()).length;
  }
});
