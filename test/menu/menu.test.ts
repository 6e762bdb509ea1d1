// The menu (matsedel): Solrosen's staff write the week's breakfast, lunch and snack; the guardians of its children read
// it; bad input and a week too far away get a Swedish message at the field with nothing saved; two staff saving the
// same day never silently lose each other's text (the second gets a clear message), also when they save at the very
// same moment; "fill in from last week" prefills the form.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { saveWeek } from '../../server/menu/queries.ts';
import { chooseWeek, parseWeek } from '../../server/menu/rules.ts';

// The test app's today is Tuesday 24 November 2026 (week 48); week 49 starts on Monday 30 November.
describe('the menu', () => {
  let t: TestApp;
  let solrosen: number;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const stored = (date: string) => t.db.selectFrom('menu_days').selectAll().where('unit_id', '=', solrosen).where('date', '=', date).executeTakeFirst();
  const form = (week: string) => `/units/${solrosen}/menu/edit?week=${week}`;
  /** The hidden fields of the form as it was opened (each day's version and original meals), so a later post is "made from" that form. */
  const versionsOf = (html: string) => Object.fromEntries([...html.matchAll(/name="((?:version|original)-[\d-]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  /** The form's fields as opened: the hidden ones and every meal as shown, as a browser would post it unchanged. */
  const fieldsOf = (html: string) => ({
    ...versionsOf(html),
    ...Object.fromEntries([...html.matchAll(/name="((?:breakfast|lunch|snack)-[\d-]+)" type="text" dir="auto" value="([^"]*)"/g)].map((m) => [m[1], m[2]])),
  });

  const accountIdOf = async (username: string) =>
    (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

  before(async () => {
    t = await startTestApp();
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
  });
  after(async () => t?.close());

  it('has Solrosen’s menu for this week and next in the demo, then starts from an empty menu', async () => {
    const demo = await t.db.selectFrom('menu_days').select(['date', 'lunch']).where('unit_id', '=', solrosen).orderBy('date').execute();
    assert.deepEqual(demo.map((d) => d.date), ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    assert.ok(demo.every((d) => d.lunch));
    await t.db.deleteFrom('menu_days').execute();
  });

  it('lets the unit’s teacher write a week that the guardians then read, each meal in its own direction', async () => {
    const pedagog = await as('pedagog');
    const page = await pedagog.get(form('2026-W49'));
    assert.equal(page.status, 200);
    assert.match(page.text, /<legend>Måndag 30 november<\/legend>/);
    assert.match(page.text, /<label for="snack-2026-12-04">Mellanmål<\/label>/);
    const saved = await postForm(pedagog, form('2026-W49'), `/units/${solrosen}/menu`, {
      week: '2026-W49', ...versionsOf(page.text),
      'breakfast-2026-11-30': 'Gröt med äpple', 'lunch-2026-11-30': '  Fiskgratäng   med potatis ', 'lunch-2026-12-01': 'Köttbullar', 'snack-2026-12-04': 'Frukt',
    });
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.location, `/units/${solrosen}/menu?week=2026-W49`);
    const monday = await stored('2026-11-30');
    assert.deepEqual([monday?.breakfast, monday?.lunch, monday?.snack, monday?.version], ['Gröt med äpple', 'Fiskgratäng med potatis', null, 1]);
    assert.equal(await stored('2026-12-02'), undefined, 'an empty day is not stored');

    const emma = await as('vardnadshavare');
    const read = await emma.get(`/units/${solrosen}/menu?week=2026-W49`);
    assert.equal(read.status, 200);
    assert.match(read.text, /<h1>Matsedel Förskolan Solrosen, vecka 49<\/h1>/);
    assert.match(read.text, /<dt>Lunch<\/dt>\s*<dd dir="auto">Fiskgratäng med potatis<\/dd>/);
    assert.match(read.text, /<dt>Mellanmål<\/dt>\s*<dd dir="auto">Frukt<\/dd>/);
    assert.doesNotMatch(read.text, /Ändra matsedeln/, 'a guardian cannot write it');
    assert.match((await (await as('pedagog')).get(`/units/${solrosen}/menu?week=2026-W49`)).text, /Ändra matsedeln/);
    // Elsa's start page links to her unit's menu.
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    assert.match((await emma.get(`/children/${elsa}`)).text, new RegExp(`href="/units/${solrosen}/menu"`));
    // Without a week: this week (Tuesday), whose menu is not written yet.
    const thisWeek = await emma.get(`/units/${solrosen}/menu`);
    assert.match(thisWeek.text, /vecka 48/);
    assert.match(thisWeek.text, /Ingen matsedel är inlagd för den här veckan/);
  });

  it('refuses a meal over the limit and a week too far away at the field, saving nothing', async () => {
    const pedagog = await as('pedagog');
    const before = await stored('2026-12-01');
    const page = await pedagog.get(form('2026-W49'));
    const long = await postForm(pedagog, form('2026-W49'), `/units/${solrosen}/menu`, {
      week: '2026-W49', ...versionsOf(page.text), 'lunch-2026-12-01': 'x'.repeat(201), 'lunch-2026-12-02': 'Soppa',
    });
    assert.equal(long.status, 400);
    assert.match(long.text, /<title>Fel:/);
    assert.match(long.text, /id="lunch-2026-12-01-error"[^>]*>[\s\S]*?Skriv högst 200 tecken/);
    assert.match(long.text, /value="Soppa"/, 'the form keeps what was typed');
    assert.deepEqual(await stored('2026-12-01'), before);
    assert.equal(await stored('2026-12-02'), undefined);

    const far = await postForm(pedagog, form('2026-W49'), `/units/${solrosen}/menu`, { week: '2028-W02', 'lunch-2028-01-10': 'Soppa' });
    assert.equal(far.status, 400);
    assert.match(far.text, /Välj en vecka högst ett år bakåt eller framåt/);
    assert.equal((await t.db.selectFrom('menu_days').select('date').where('date', '>=', '2028-01-01').execute()).length, 0);
    const nonsense = await (await as('vardnadshavare')).get(`/units/${solrosen}/menu?week=2026-W54`);
    assert.equal(nonsense.status, 400);
    assert.match(nonsense.text, /id="week-error"[^>]*>[\s\S]*?Skriv veckan som år och vecka/);
    assert.equal((await pedagog.get(form('2025-W40'))).status, 400);
  });

  it('tells the second of two staff saving the same day what the first wrote, and lets them replace it knowingly', async () => {
    const pedagog = await as('pedagog');
    const rektor = await as('rektor');
    const pedagogForm = await pedagog.get(form('2026-W50'));
    const rektorForm = await rektor.get(form('2026-W50'));
    const first = await postForm(pedagog, form('2026-W50'), `/units/${solrosen}/menu`, { week: '2026-W50', ...versionsOf(pedagogForm.text), 'lunch-2026-12-07': 'Lax' });
    assert.equal(first.status, 303);
    const second = await postForm(rektor, form('2026-W50'), `/units/${solrosen}/menu`, {
      week: '2026-W50', ...versionsOf(rektorForm.text), 'lunch-2026-12-07': 'Pannkakor', 'lunch-2026-12-08': 'Soppa',
    });
    assert.equal(second.status, 409);
    assert.match(second.text, /<title>Fel:/);
    assert.match(second.text, /id="day-2026-12-07-error"[^>]*>[\s\S]*?Någon annan sparade måndag 7 december medan du skrev\. Nu står det: Lunch: Lax\./);
    assert.match(second.text, /value="Pannkakor"/, 'the form keeps the second writer’s text');
    assert.equal((await stored('2026-12-07'))?.lunch, 'Lax', 'the first save stands');
    assert.equal(await stored('2026-12-08'), undefined, 'nothing of the refused week is written');
    // The re-rendered form is made from the first save's version: saving it again replaces it, knowingly.
    const again = await postForm(rektor, form('2026-W50'), `/units/${solrosen}/menu`, {
      week: '2026-W50', ...versionsOf(second.text), 'lunch-2026-12-07': 'Pannkakor', 'lunch-2026-12-08': 'Soppa',
    });
    assert.equal(again.status, 303);
    assert.equal((await stored('2026-12-07'))?.lunch, 'Pannkakor');
    assert.equal((await stored('2026-12-07'))?.version, 2);
    assert.equal((await stored('2026-12-08'))?.lunch, 'Soppa');
  });

  it('keeps another staff member’s day that this user did not touch, also when they save again after a conflict', async () => {
    const pedagog = await as('pedagog');
    const rektor = await as('rektor');
    const url = `/units/${solrosen}/menu`;
    // Both open week 52; A saves Monday, then B (form opened before) fills only Tuesday: both stand, no conflict.
    const aForm = await pedagog.get(form('2026-W52'));
    const bForm = await rektor.get(form('2026-W52'));
    assert.equal((await postForm(pedagog, form('2026-W52'), url, { ...fieldsOf(aForm.text), week: '2026-W52', 'lunch-2026-12-21': 'Lax' })).status, 303);
    const b = await postForm(rektor, form('2026-W52'), url, { ...fieldsOf(bForm.text), week: '2026-W52', 'lunch-2026-12-22': 'Soppa' });
    assert.equal(b.status, 303, 'a day B did not touch is no conflict');
    assert.equal((await stored('2026-12-21'))?.lunch, 'Lax', 'A’s Monday stands');
    assert.equal((await stored('2026-12-22'))?.lunch, 'Soppa');

    // Both edit Monday from the same form: B gets the message at Monday and nothing of B's week is written; the
    // re-rendered form shows A's Wednesday (saved meanwhile, untouched by B) as stored, so saving again keeps it.
    const aForm2 = await pedagog.get(form('2026-W52'));
    const bForm2 = await rektor.get(form('2026-W52'));
    assert.equal((await postForm(pedagog, form('2026-W52'), url, { ...fieldsOf(aForm2.text), week: '2026-W52', 'lunch-2026-12-21': 'Torsk', 'snack-2026-12-21': 'Äpple', 'lunch-2026-12-23': 'Gryta' })).status, 303);
    const conflict = await postForm(rektor, form('2026-W52'), url, { ...fieldsOf(bForm2.text), week: '2026-W52', 'lunch-2026-12-21': 'Tacos', 'snack-2026-12-24': 'Frukt' });
    assert.equal(conflict.status, 409);
    assert.match(conflict.text, /id="day-2026-12-21-error"[^>]*>[\s\S]*?Någon annan sparade måndag 21 december medan du skrev\. Nu står det: Lunch: Torsk · Mellanmål: Äpple\./);
    assert.doesNotMatch(conflict.text, /id="day-2026-12-23-error"/, 'a day B did not touch has no message');
    assert.equal((await stored('2026-12-21'))?.lunch, 'Torsk');
    assert.equal(await stored('2026-12-24'), undefined, 'nothing of B’s week is written');
    assert.match(conflict.text, /id="lunch-2026-12-21" name="lunch-2026-12-21" type="text" dir="auto" value="Tacos"/, 'B’s text at the conflict');
    assert.match(conflict.text, /id="lunch-2026-12-23" name="lunch-2026-12-23" type="text" dir="auto" value="Gryta"/, 'A’s Wednesday as stored');
    assert.match(conflict.text, /id="snack-2026-12-24" name="snack-2026-12-24" type="text" dir="auto" value="Frukt"/, 'B’s other edit kept');
    // B saves the re-rendered form as it is: Monday replaced knowingly, A's Wednesday kept, B's Thursday written.
    const again = await postForm(rektor, form('2026-W52'), url, { ...fieldsOf(conflict.text), week: '2026-W52' });
    assert.equal(again.status, 303);
    assert.equal((await stored('2026-12-21'))?.lunch, 'Tacos');
    assert.equal((await stored('2026-12-23'))?.lunch, 'Gryta', 'A’s Wednesday is not erased');
    assert.equal((await stored('2026-12-23'))?.version, 1);
    assert.equal((await stored('2026-12-24'))?.snack, 'Frukt');
  });

  it('lets exactly one of two saves made from the same version win, also at the same moment', async () => {
    const [pedagog, rektor] = await Promise.all([accountIdOf('pedagog'), accountIdOf('rektor')]);
    const week = chooseWeek('2026-W51', '2026-11-24');
    assert.ok(week.ok);
    const input = (lunch: string) => {
      const parsed = parseWeek((name) => (name === 'lunch-2026-12-14' ? lunch : ''), week.monday);
      assert.ok(parsed.ok);
      return parsed.value;
    };
    const at = t.clock.now();
    const results = await Promise.all([saveWeek(t.db, solrosen, input('Soppa'), pedagog, at), saveWeek(t.db, solrosen, input('Gratäng'), rektor, at)]);
    assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
    const lost = results.find((r) => !r.ok);
    const won = (await stored('2026-12-14'))?.lunch;
    assert.ok(lost && !lost.ok && lost.conflicts[0]?.lunch === won, 'the loser is told what the winner wrote');
    assert.equal((await stored('2026-12-14'))?.version, 1);
  });

  it('lets exactly one of two updates of a stored day from the same version win, also at the same moment', async () => {
    const [pedagog, rektor] = await Promise.all([accountIdOf('pedagog'), accountIdOf('rektor')]);
    const before = await stored('2026-12-14');
    assert.equal(before?.version, 1);
    const day = (lunch: string) => [{ date: '2026-12-14', version: 1, breakfast: null, lunch, snack: null, edited: true }];
    const at = t.clock.now();
    const results = await Promise.all([saveWeek(t.db, solrosen, day('Fisk'), pedagog, at), saveWeek(t.db, solrosen, day('Korv'), rektor, at)]);
    assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
    const after = await stored('2026-12-14');
    assert.equal(after?.version, 2, 'one update only');
    const lost = results.find((r) => !r.ok);
    assert.ok(lost && !lost.ok && lost.conflicts[0]?.lunch === after?.lunch && after?.lunch !== before?.lunch, 'the loser is told what the winner wrote');
    // Put back what the next test copies over.
    await t.db.updateTable('menu_days').set({ lunch: before?.lunch ?? null }).where('unit_id', '=', solrosen).where('date', '=', '2026-12-14').execute();
  });

  it('fills in the empty meals of the form from last week on request, keeping this week’s and writing nothing until it is saved', async () => {
    const pedagog = await as('pedagog');
    const thisWeeks = (await stored('2026-12-14'))?.lunch;
    assert.ok(thisWeeks && thisWeeks !== 'Pannkakor', 'this week’s Monday is written and differs from last week’s');
    const count = async () => (await t.db.selectFrom('menu_days').select('date').where('unit_id', '=', solrosen).execute()).length;
    const rows = await t.db.selectFrom('menu_days').selectAll().where('unit_id', '=', solrosen).orderBy('date').execute();
    const copied = await pedagog.get(`${form('2026-W51')}&copy=1`);
    assert.equal(copied.status, 200);
    assert.match(copied.text, /Förra veckans matsedel är ifylld/);
    assert.match(copied.text, new RegExp(`id="lunch-2026-12-14" name="lunch-2026-12-14" type="text" dir="auto" value="${thisWeeks}"`), 'this week’s text is kept');
    assert.match(copied.text, /id="lunch-2026-12-15" name="lunch-2026-12-15" type="text" dir="auto" value="Soppa"/, 'an empty day is filled from last week');
    const version = (await stored('2026-12-14'))?.version;
    assert.match(copied.text, new RegExp(`name="version-2026-12-14" value="${version}"`), 'made from this week’s stored version');
    assert.deepEqual(await t.db.selectFrom('menu_days').selectAll().where('unit_id', '=', solrosen).orderBy('date').execute(), rows, 'the copy writes nothing');
    assert.equal(await count(), rows.length);
    const saved = await postForm(pedagog, form('2026-W51'), `/units/${solrosen}/menu`, { ...fieldsOf(copied.text), week: '2026-W51' });
    assert.equal(saved.status, 303);
    assert.equal((await stored('2026-12-15'))?.lunch, 'Soppa');
    assert.equal((await stored('2026-12-14'))?.lunch, thisWeeks);
    assert.equal((await stored('2026-12-14'))?.version, version, 'an unchanged day is not written again');
  });

  it('shows the menu to the unit’s people only, and lets only its staff write it', async () => {
    const read = `/units/${solrosen}/menu?week=2026-W49`;
    for (const name of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3', 'pedagog2', 'rektor', 'admin']) {
      assert.equal((await (await as(name)).get(read)).status, 200, name);
    }
    for (const name of ['pedagog3', 'rektor2', 'grannadmin', 'larare2b']) assert.equal((await (await as(name)).get(read)).status, 404, name);
    for (const name of ['vardnadshavare', 'pedagog3', 'grannadmin']) assert.equal((await (await as(name)).get(form('2026-W49'))).status, 404, name);
    const refused = await postForm(await as('vardnadshavare'), read, `/units/${solrosen}/menu`, { week: '2026-W49', 'lunch-2026-11-30': 'Glass' });
    assert.equal(refused.status, 404);
    assert.equal((await stored('2026-11-30'))?.lunch, 'Fiskgratäng med potatis');
  });
});
