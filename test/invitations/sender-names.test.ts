// Who writes: the paper invitation names the municipality and the child's unit (with the unit's contact details), and
// every mail is signed by the municipality, and by the unit where the mail concerns one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { municipalityId, personId } from '../support/demo.ts';
import { createInvitation, issueKey } from '../../server/invitations/queries.ts';
import { invitationMailer } from '../../server/invitations/mail.ts';
import { mailResetLinks, queueVerifyEmailMail } from '../../server/accounts/mails.ts';
import { loginKey } from '../../server/accounts/passwords.ts';

describe('names of the municipality and the unit', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  const lastMail = () => t.db.selectFrom('mail_outbox').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();

  /** An invitation of one of Elsa's classmates' guardians (Blåbär, Förskolan Solrosen), with or without e-mail. */
  async function invitationAtSolrosen(email: string | null): Promise<number> {
    const child = await t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
      .innerJoin('guardianships', 'guardianships.child_id', 'placements.child_id')
      .select(['placements.child_id', 'guardianships.guardian_id']).where('groups.name', '=', 'Blåbär')
      .where('placements.child_id', 'not in', [await personId(t.db, 'Elsa', 'Andersson'), await personId(t.db, 'Nora', 'Haddad')])
      .orderBy('placements.child_id').executeTakeFirstOrThrow();
    const by = await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const demo = await municipalityId(t.db, 'Demokommun');
    return t.db.transaction().execute((trx) => createInvitation(trx, {
      guardianId: child.guardian_id, childId: child.child_id, municipalityId: demo, by: by.id,
      email, language: 'sv', sendOn: '2026-11-24', now: t.clock.now(),
    }));
  }

  it('the paper invitation names the municipality and the child\'s unit, and how to reach the unit', async () => {
    const invitation = await invitationAtSolrosen(null);
    const teacher = await signIn(t.app, 'pedagog');
    const printed = await teacher.post(`/invitations/${invitation}/print`).type('form').send({ _csrf: await csrfOf(teacher) }).expect(200);
    const paper = printed.text.slice(printed.text.indexOf('<article class="paper-invitation">'), printed.text.indexOf('</article>'));
    assert.match(paper, /<p class="letterhead"><strong>Demokommun<\/strong><br>Förskolan Solrosen<\/p>/);
    assert.match(paper, /Förskolan Solrosen bjuder in dig till Vardag/);
    assert.doesNotMatch(paper, /Förskolan bjuder in/);
    assert.match(paper, /Frågor\? Kontakta Förskolan Solrosen:\s*<br><bdi>Solrosvägen 4<\/bdi>\s*<br><bdi>462 30 Demostad<\/bdi>\s*<br><span dir="ltr">031-390 06 10<\/span>\s*<br><span dir="ltr">solrosen@demokommun\.example<\/span>/);
  });

  it('the invitation mail is signed by the unit and the municipality', async () => {
    const invitation = await invitationAtSolrosen('guardian@example.se');
    await t.db.transaction().execute(async (trx) => {
      const key = await issueKey(trx, invitation, 'email', t.clock.now());
      await invitationMailer(t.config)(trx, invitation, key, t.clock.now());
    });
    const mail = await lastMail();
    assert.equal(mail.recipient, 'guardian@example.se');
    assert.match(mail.text_body ?? '', /\n\nVänliga hälsningar\nFörskolan Solrosen\nDemokommun\n\n-- \nVardag:/);
    assert.match(mail.html_body ?? '', /Vänliga hälsningar<br>Förskolan Solrosen<br>Demokommun<\/p>/);
  });

  it('the password reset and address verification mails are signed by the account holder\'s municipality', async () => {
    const emma = await personId(t.db, 'Emma', 'Andersson');
    await t.db.updateTable('accounts').set({ email: 'emma@example.se', email_key: loginKey('emma@example.se') }).where('person_id', '=', emma).execute();
    await mailResetLinks(t.db, t.config.publicUrl, 'vardnadshavare', t.clock.now());
    const reset = await lastMail();
    assert.match(reset.subject, /Välj ett nytt lösenord/);
    assert.match(reset.text_body ?? '', /\n\nVänliga hälsningar\nDemokommun\n\n-- \n/);
    assert.match(reset.html_body ?? '', /Vänliga hälsningar<br>Demokommun<\/p>/);

    const grann = await municipalityId(t.db, 'Grannkommun');
    await queueVerifyEmailMail(t.db, t.config.publicUrl, 'per@example.se', { firstName: 'Per', language: 'en', municipalityId: grann }, 'token', t.clock.now());
    const verify = await lastMail();
    assert.match(verify.text_body ?? '', /\n\nKind regards\nGrannkommun\n\n-- \n/);
  });
});
