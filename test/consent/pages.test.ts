// Photo consent as people use it: a guardian gives and withdraws their own answer on /children/:childId/consent, the
// group's staff record a paper answer there, and the group's reference list shows every child's picture and consent.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint, groupId, personId } from '../support/demo.ts';
import { childrenWithGroupConsent, currentAnswers } from '../../server/consent/queries.ts';
import { consentPersonalData } from '../../server/consent/personal-data.ts';

describe('photo consent pages', () => {
  let t: TestApp;
  let emma: Agent; // Elsa's guardian (and Oskar's)
  let johan: Agent; // Elsa's guardian in another household
  let karim: Agent; // Nora's guardian; Nora has protected identity
  let pedagog: Agent; // staff of Blåbär (Elsa's and Nora's group)
  let elsa: number;
  let nora: number;
  let blabar: number;
  let ids: Record<'emma' | 'johan' | 'karim' | 'sara', number>;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    [emma, johan, karim, pedagog] = await Promise.all(['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3', 'pedagog'].map((u) => signIn(t.app, u)));
    [elsa, nora, blabar] = await Promise.all([personId(t.db, 'Elsa', 'Andersson'), personId(t.db, 'Nora', 'Haddad'), groupId(t.db, 'Blåbär')]);
    ids = {
      emma: await personId(t.db, 'Emma', 'Andersson'), johan: await personId(t.db, 'Johan', 'Berg'),
      karim: await personId(t.db, 'Karim', 'Haddad'), sara: await personId(t.db, 'Sara', 'Holm'),
    };
  });
  beforeEach(() => t.db.deleteFrom('photo_consents').execute());
  after(() => t.close());

  const page = (childId: number) => `/children/${childId}/consent`;
  const answer = (agent: Agent, childId: number, value: string | null) => postForm(agent, page(childId), page(childId), value === null ? {} : { answer: value });
  const rows = () => t.db.selectFrom('photo_consents').selectAll().orderBy('id').execute();
  const consented = async () => [...await childrenWithGroupConsent(t.db, [elsa, nora])];

  it('shows a guardian the question, their own missing answer, and that Elsa is not shown to the group', async () => {
    const res = await emma.get(page(elsa));
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Samtycke till bilder: Elsa<\/h1>/);
    assert.match(res.text, /Du har inte svarat ännu\. Inget svar räknas som nej\./);
    assert.match(res.text, /Elsa visas inte på bilder och filmer som hela gruppen ser: alla vårdnadshavare har inte svarat ja\./);
    assert.match(res.text, /<legend>Får Elsa synas på bilder och filmer som hela gruppen ser\?<\/legend>/);
    assert.match(res.text, /<input id="answer-yes" name="answer" type="radio" value="yes">/);
    assert.match(res.text, /Bilder i barnets egen dokumentation \(portfolio\) ser bara barnets vårdnadshavare och personalen/);
    assert.doesNotMatch(res.text, /Johan/, 'nothing of the other household');
    assert.doesNotMatch(res.text, /Registrera ett svar på papper/, 'the paper form is the staff\'s');
  });

  it('stores a guardian\'s yes with who and when, and Elsa has consent once both households said yes', async () => {
    const res = await answer(emma, elsa, 'yes');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, page(elsa));
    const shown = await emma.get(page(elsa));
    assert.match(shown.text, /<p class="flash" role="status">Ditt ja är sparat\.<\/p>/);
    assert.match(shown.text, /Ditt svar: Ja\. <span class="muted">\(svarat i Vardag tisdag 24 november\)/);
    assert.match(shown.text, /<input id="answer-yes" name="answer" type="radio" value="yes" checked>/, 'the current answer chosen');
    assert.deepEqual((await rows()).map((r) => [r.child_id, r.guardian_id, r.answer, r.source, r.answered_on, r.recorded_by, r.recorded_at]),
      [[elsa, ids.emma, 'yes', 'guardian', '2026-11-24', ids.emma, t.clock.now().toISOString()]]);
    assert.deepEqual(await consented(), [], 'Johan has not answered');

    await answer(johan, elsa, 'yes');
    assert.deepEqual(await consented(), [elsa]);
    assert.match((await emma.get(page(elsa))).text, /Elsa får synas på bilder och filmer som hela gruppen ser\./);
  });

  it('takes a withdrawal at once, and tells the other guardian only that not everyone said yes', async () => {
    await answer(emma, elsa, 'yes');
    await answer(johan, elsa, 'yes');
    const res = await answer(johan, elsa, 'no');
    assert.equal(res.status, 303);
    assert.deepEqual(await consented(), [], 'withdrawn from the next question on');
    assert.match((await johan.get(page(elsa))).text, /Ditt nej är sparat\. Bilder med barnet visas inte längre för andra familjer\./);
    const emmas = await emma.get(page(elsa));
    assert.match(emmas.text, /alla vårdnadshavare har inte svarat ja\./);
    assert.doesNotMatch(emmas.text, /har svarat nej/, 'Johan\'s answer is his to tell');
    assert.deepEqual((await rows()).map((r) => r.answer), ['yes', 'yes', 'no'], 'every answer kept');
  });

  it('stores nothing for the same answer again, and says so', async () => {
    await answer(emma, elsa, 'yes');
    const res = await answer(emma, elsa, 'yes');
    assert.equal(res.status, 303);
    assert.match((await emma.get(page(elsa))).text, /Det svaret var redan sparat\. Inget ändrades\./);
    assert.equal((await rows()).length, 1);
  });

  it('refuses a form without an answer: the message at the field, nothing stored', async () => {
    const before = await fingerprint(t.db);
    for (const bad of [null, 'kanske']) {
      const res = await answer(emma, elsa, bad);
      assert.equal(res.status, 400);
      assert.match(res.text, /<title>Fel: Samtycke till bilder: Elsa/);
      assert.match(res.text, /<a href="#answer">Välj ja eller nej<\/a>/);
      assert.match(res.text, /<p class="field-error" id="answer-error">[\s\S]*Välj ja eller nej<\/p>/);
    }
    assert.equal(await fingerprint(t.db), before);
  });

  it('shows staff each guardian\'s answer and the history, and stores a paper answer under the staff member\'s name', async () => {
    await answer(emma, elsa, 'yes');
    const staffPage = await pedagog.get(page(elsa));
    assert.equal(staffPage.status, 200);
    assert.match(staffPage.text, /<strong>Emma Andersson<\/strong>: Ja/);
    assert.match(staffPage.text, /<strong>Johan Berg<\/strong>: Har inte svarat/);
    assert.match(staffPage.text, /Registrera ett svar på papper/);
    assert.doesNotMatch(staffPage.text, /name="answer" type="radio"/, 'staff give no answer of their own');

    const res = await postForm(pedagog, page(elsa), `${page(elsa)}/paper`, { guardian: String(ids.johan), paper_answer: 'yes', answered_on: '2026-11-20' });
    assert.equal(res.status, 303);
    const last = (await rows()).at(-1)!;
    assert.deepEqual([last.guardian_id, last.answer, last.source, last.answered_on, last.recorded_by], [ids.johan, 'yes', 'paper', '2026-11-20', ids.sara]);
    assert.deepEqual(await consented(), [elsa]);
    const after = await pedagog.get(page(elsa));
    assert.match(after.text, /Svaret är sparat\./);
    assert.match(after.text, /<strong>Johan Berg<\/strong>: Ja <span class="muted">\(på papper daterat fredag 20 november, registrerat av Sara Holm\)/);
    assert.match(after.text, /Johan Berg: Ja[\s\S]*Emma Andersson: Ja/, 'the history, newest first');
    // Johan sees the answer recorded for him, and how it came
    assert.match((await johan.get(page(elsa))).text, /Ditt svar: Ja\. <span class="muted">\(på papper daterat fredag 20 november, registrerat av Sara Holm\)/);
  });

  it('refuses a paper answer of someone who is not the child\'s guardian, or dated ahead: messages at the fields, the form kept', async () => {
    const before = await fingerprint(t.db);
    const res = await postForm(pedagog, page(elsa), `${page(elsa)}/paper`, { guardian: String(ids.karim), paper_answer: 'no', answered_on: '2026-12-01' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<a href="#guardian">Välj vems svar det är<\/a>/);
    assert.match(res.text, /<a href="#answered_on">Datumet kan inte vara senare än i dag<\/a>/);
    assert.match(res.text, /<input id="paper_answer-no" name="paper_answer" type="radio" value="no" checked>/);
    assert.match(res.text, /id="answered_on" name="answered_on" type="date" value="2026-12-01"/);
    const old = await postForm(pedagog, page(elsa), `${page(elsa)}/paper`, { guardian: String(ids.emma), paper_answer: 'yes', answered_on: '2024-11-23' });
    assert.equal(old.status, 400);
    assert.match(old.text, /Datumet kan inte vara tidigare än/);
    assert.equal(await fingerprint(t.db), before);
  });

  it('never asks about a child with protected identity: no form, a refused answer, never consented', async () => {
    const karims = await karim.get(page(nora));
    assert.equal(karims.status, 200);
    assert.match(karims.text, /Nora har skyddade personuppgifter och visas aldrig på bilder eller med namn i det som hela gruppen ser\./);
    assert.doesNotMatch(karims.text, /name="answer"/);
    assert.doesNotMatch((await pedagog.get(page(nora))).text, /name="paper_answer"/);
    const before = await fingerprint(t.db);
    const res = await answer(karim, nora, 'yes');
    assert.equal(res.status, 409);
    assert.match(res.text, /Barnet har skyddade personuppgifter och visas aldrig för hela gruppen\. Inget svar sparades\./);
    const paper = await postForm(pedagog, page(nora), `${page(nora)}/paper`, { guardian: String(ids.karim), paper_answer: 'yes', answered_on: '' });
    assert.equal(paper.status, 409);
    assert.equal(await fingerprint(t.db), before);
  });

  it('lets no guardian answer for another family\'s child', async () => {
    assert.equal((await answer(karim, elsa, 'yes')).status, 404);
    assert.equal((await karim.get(page(elsa))).status, 404);
    assert.equal((await postForm(emma, page(elsa), `${page(elsa)}/paper`, { guardian: String(ids.emma), paper_answer: 'yes' })).status, 404);
    assert.deepEqual(await rows(), []);
  });

  it('records each answer in the audit trail', async () => {
    const last = async () => (await t.db.selectFrom('audit_trail').select(['action', 'child_id', 'method', 'outcome']).orderBy('id', 'desc').executeTakeFirstOrThrow());
    await answer(emma, elsa, 'yes');
    assert.deepEqual(await last(), { action: 'child.consent.give', child_id: elsa, method: 'POST', outcome: 'written' });
    await postForm(pedagog, page(elsa), `${page(elsa)}/paper`, { guardian: String(ids.johan), paper_answer: 'no', answered_on: '' });
    assert.deepEqual(await last(), { action: 'child.consent.record', child_id: elsa, method: 'POST', outcome: 'written' });
  });

  describe('the reference list', () => {
    const list = () => pedagog.get(`/groups/${blabar}/consent`);
    const card = (html: string, name: string) => html.match(new RegExp(`<li class="consent-card [^"]*">(?:(?!</li>)[\\s\\S])*${name}(?:(?!</li>)[\\s\\S])*</li>`))?.[0] ?? '';

    it('shows every child of the group with consent at a glance, in words and a mark, and counts them', async () => {
      await answer(emma, elsa, 'yes');
      await answer(johan, elsa, 'yes');
      const res = await list();
      assert.equal(res.status, 200);
      assert.match(res.text, /<h1>Samtycke till bilder: Blåbär <span class="muted">Förskolan Solrosen<\/span><\/h1>/);
      const placed = await t.db.selectFrom('placements').select('child_id').where('group_id', '=', blabar)
        .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', '2026-11-24')])).execute();
      assert.equal([...res.text.matchAll(/<li class="consent-card /g)].length, placed.length, 'a card per child placed now or later');
      assert.match(card(res.text, 'Elsa Andersson'), /class="consent-card consent-yes"[\s\S]*✓[\s\S]*Får synas[\s\S]*2 av 2 vårdnadshavare har svarat ja/);
      assert.match(card(res.text, 'Nora Haddad'), /consent-protected[\s\S]*Skyddade personuppgifter: visas aldrig/);
      assert.doesNotMatch(card(res.text, 'Nora Haddad'), /Får synas</);
      assert.match(res.text, /1 får synas, 0 har nej, \d+ saknar svar, 1 har skyddade personuppgifter/);
      assert.match(res.text, /<button type="button" class="print-button" data-print hidden>Skriv ut<\/button>/);
      assert.match(card(res.text, 'Elsa Andersson'), new RegExp(`<a class="screen-only" href="/children/${elsa}/consent">Svar och historik`));
    });

    it('marks a child whose guardian said no apart from one whose answer is missing', async () => {
      await answer(emma, elsa, 'yes');
      await answer(johan, elsa, 'no');
      const res = await list();
      assert.match(card(res.text, 'Elsa Andersson'), /consent-no[\s\S]*Får inte synas \(nej\)[\s\S]*1 av 2 vårdnadshavare har svarat ja/);
      await t.db.deleteFrom('photo_consents').where('guardian_id', '=', ids.johan).execute();
      assert.match(card((await list()).text, 'Elsa Andersson'), /consent-unanswered[\s\S]*Får inte synas \(svar saknas\)/);
    });

    it('shows the child\'s picture where the child page has one, and the initials where not', async () => {
      const pages = await t.db.selectFrom('child_pages').selectAll().where('child_id', 'in', [elsa, nora]).execute();
      await t.db.deleteFrom('child_pages').where('child_id', 'in', [elsa, nora]).execute();
      await t.db.insertInto('child_pages').values({ child_id: elsa, presentation: '', picture_file: `${elsa}-0123456789abcdef.webp`,
        version: 1, updated_by: ids.emma, updated_at: t.clock.now().toISOString() }).execute();
      try {
        const res = await list();
        assert.match(card(res.text, 'Elsa Andersson'), new RegExp(`<img class="consent-picture" src="/children/${elsa}/picture" width="160" height="200" alt="">`));
        assert.match(card(res.text, 'Nora Haddad'), /<span class="consent-picture consent-no-picture" aria-hidden="true">NH<\/span>/);
        assert.doesNotMatch(card(res.text, 'Nora Haddad'), /<img/);
      } finally {
        await t.db.deleteFrom('child_pages').where('child_id', 'in', [elsa, nora]).execute();
        if (pages.length) await t.db.insertInto('child_pages').values(pages).execute();
      }
    });
  });

  describe('personal data', () => {
    it('puts a guardian\'s own answers in their extract, not the other household\'s', async () => {
      await answer(emma, elsa, 'yes');
      await answer(johan, elsa, 'no');
      const part = await consentPersonalData.extract!(t.db, { personId: ids.emma, municipalityId: 0, accountIds: [], childIds: [elsa] });
      assert.deepEqual(part.sections.map((s) => [s.title, s.childId, s.rows.map((r) => [r.guardian_answer, r.source, r.by])]),
        [['personalData.sections.photoConsents', elsa, [['yes', 'guardian', 'you']]]]);
    });

    it('removes the answers with the child\'s records', async () => {
      await answer(emma, elsa, 'yes');
      await answer(karim, nora, 'yes'); // refused: nothing stored for Nora
      const [rule] = consentPersonalData.retention!;
      assert.equal(await rule.remove(t.db, [elsa]), 1);
      assert.deepEqual(await currentAnswers(t.db, [elsa]), []);
    });
  });
});
