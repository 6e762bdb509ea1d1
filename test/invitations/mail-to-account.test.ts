// The whole way with real mail: an invitation goes out through a real SMTP server, the guardian follows the link in
// the mail they received, registers, and lands on the start page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfFrom, postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { linkPath, startMailDelivery, type MailDelivery } from '../support/mail.ts';

describe('an invitation by real e-mail', () => {
  let t: TestApp;
  let delivery: MailDelivery;
  before(async () => {
    t = await startTestApp({ env: { PUBLIC_URL: 'https://vardag.example.se' } });
    delivery = await startMailDelivery(t, { from: 'Vardag <no-reply@vardag.example.se>' });
  });
  after(async () => {
    await delivery.stop();
    await t.close();
  });

  it('arrives, and its link creates the account for that guardian', async () => {
    const alice = await personId(t.db, 'Alice', 'Johansson');
    const andreas = await personId(t.db, 'Andreas', 'Eriksson');
    const teacher = await signIn(t.app, 'pedagog');
    const invited = await postForm(teacher, `/children/${alice}/invitations/new`, `/children/${alice}/invitations`, {
      invite: String(andreas), [`email_${andreas}`]: 'andreas@example.com', [`language_${andreas}`]: 'en', confirm: 'yes' });
    assert.equal(invited.status, 303);

    assert.equal(await delivery.runner.runDue(), 1);
    const [mail] = await delivery.smtp.waitFor(1);
    assert.deepEqual(mail.envelopeTo, ['andreas@example.com']);
    assert.match(mail.subject, /Invitation to Vardag from Förskolan Solrosen/, 'in the language the teacher chose');
    assert.ok(mail.html?.includes('register_invite'), 'an HTML part with the link');
    const link = linkPath(mail.text, 'https://vardag.example.se', /\/register_invite\/[A-Z2-9]{12}(?=\n)/);
    assert.ok(link, `the link in the mail: ${mail.text}`);
    const outbox = await t.db.selectFrom('mail_outbox').select(['sent_at', 'text_body', 'html_body']).executeTakeFirstOrThrow();
    assert.ok(outbox.sent_at);
    assert.equal(outbox.text_body, null, 'the key does not stay readable in the database');

    const guardian = request.agent(t.app);
    const form = await guardian.get(link);
    assert.equal(form.status, 200);
    const created = await guardian.post('/register_invite').type('form').send({
      _csrf: csrfFrom(form.text), key: link.split('/').pop(), username: 'Andreas E', email: 'andreas@example.com',
      email_confirm: 'andreas@example.com', name: 'Andreas E. Eriksson', password: 'grön buss till skolan', terms: 'yes',
    });
    assert.equal(created.status, 303);
    assert.equal(created.headers.location, '/');
    const start = await guardian.get('/');
    assert.match(start.text, /Alice Johansson/);
    assert.match(start.text, /Andreas E\. Eriksson/, 'the name shown to others is the one the guardian chose');
  });
});
