// Mails to verify an added e-mail address are limited like "Glömt lösenord?" links: so many an hour per account and
// per address they go to; one over the limit is refused at the field and queues no mail.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';

describe('verification mails: limits', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { VERIFY_MAIL_LIMIT_PER_ACCOUNT: '4', VERIFY_MAIL_LIMIT_PER_ADDRESS: '2' } });
  });
  after(() => t.close());

  const add = (agent: Agent, email: string) => postForm(agent, '/settings', '/settings/emails', { email });
  const mails = async () => Number((await t.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const mailsTo = async (email: string) => (await t.db.selectFrom('mail_outbox').select('id').where('recipient', '=', email).execute()).length;

  it('refuses the (limit+1)th verification mail of one account in the hour, with the message at the field, and queues none', async () => {
    const agent = await signIn(t.app, 'vardnadshavare');
    for (let i = 1; i <= 4; i++) {
      const res = await add(agent, `emma.${i}@example.se`);
      assert.equal(res.status, 303, `mail ${i} of 4`);
      assert.equal(await mailsTo(`emma.${i}@example.se`), 1);
    }
    const before = await mails();
    const refused = await add(agent, 'emma.5@example.se');
    assert.equal(refused.status, 429);
    assert.match(refused.text, /id="email-error"[^>]*>.*Du har bett om för många bekräftelsemejl\. Vänta en timme och försök sedan igen\./s);
    assert.match(refused.text, /value="emma\.5@example\.se"/, 'what was typed stays in the field');
    assert.equal(await mails(), before, 'no mail queued');
    const stored = await t.db.selectFrom('account_emails').select('id').where('email_key', '=', 'emma.5@example.se').execute();
    assert.equal(stored.length, 0, 'no address stored');
    // another account is not limited by Emma's requests
    assert.equal((await add(await signIn(t.app, 'vardnadshavare2'), 'johan.1@example.se')).status, 303);
  });

  it('refuses the (limit+1)th mail to one address in the hour, whichever accounts ask, and queues none', async () => {
    const victim = 'Granne@Example.se';
    const karim = await signIn(t.app, 'vardnadshavare3');
    assert.equal((await add(karim, victim)).status, 303);
    assert.equal((await add(karim, victim)).status, 303, 'the same unverified address again: a new link');
    const before = await mails();
    const again = await add(await signIn(t.app, 'pedagog'), ' granne@example.SE ');
    assert.equal(again.status, 429, 'the same address, however it is written, from another account');
    assert.match(again.text, /för många bekräftelsemejl/);
    assert.equal(await mails(), before, 'no mail queued');
  });

  it('counts only requests that queued a mail: invalid addresses cost nothing', async () => {
    const agent = await signIn(t.app, 'pedagog2');
    for (let i = 0; i < 6; i++) assert.equal((await add(agent, 'inte-en-adress')).status, 400);
    for (let i = 1; i <= 4; i++) assert.equal((await add(agent, `p2.${i}@example.se`)).status, 303, `mail ${i} of 4`);
    assert.equal((await add(agent, 'p2.5@example.se')).status, 429);
  });

  it('says it in English too', async () => {
    const agent = await signIn(t.app, 'rektor');
    await postForm(agent, '/settings', '/language', { language: 'en', next: '/settings' });
    for (let i = 1; i <= 4; i++) assert.equal((await add(agent, `r.${i}@example.se`)).status, 303);
    const refused = await add(agent, 'r.5@example.se');
    assert.equal(refused.status, 429);
    assert.match(refused.text, /You have asked for too many confirmation mails/);
  });
});
