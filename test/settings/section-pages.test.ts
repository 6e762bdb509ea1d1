// Unit settings on a phone: an overview with each section's current values and a link to its own page, and one page
// per section with only that section's form, so a save on one page can never drop what was typed on another.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { unitId } from '../support/demo.ts';
import { textOf } from '../schedule/support.ts';

describe('unit settings: an overview and a page per section', () => {
  let t: TestApp;
  let solrosen: number;
  let rektor: Agent;
  let base: string;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    base = `/units/${solrosen}/settings`;
    rektor = await signIn(t.app, 'rektor');
  });
  after(() => t.close());

  /** The addresses the page's forms post to, but the header's and footer's (log out, language). */
  const formActions = (html: string) => [...html.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => m[1])
    .filter((action) => action !== '/logout' && action !== '/language');

  const SECTIONS: [string, string, RegExp][] = [
    ['boxes', 'Boxar på startsidan', /^\/units\/\d+\/settings\/boxes$/],
    ['opening-hours', 'Öppettider', /^\/units\/\d+\/settings\/opening-hours$/],
    ['care-times', 'Omsorgstider och frånvaro', /^\/units\/\d+\/settings\/care-times$/],
    ['closed-days', 'Stängda dagar', /^\/units\/\d+\/closed-days(\/\d+\/delete)?$/],
    ['holidays', 'Helgdagar', /^\/units\/\d+\/holidays$/],
    ['history', 'Ändringshistorik', /^$/],
  ];

  it('the overview shows each section\'s current values and links to its page, with no form of its own', async () => {
    await postForm(rektor, `${base}/closed-days`, `/units/${solrosen}/closed-days`, [['date', '2026-12-04'], ['reason', 'Planeringsdag']]);
    const page = await rektor.get(base);
    assert.equal(page.status, 200);
    assert.deepEqual(formActions(page.text), []);
    for (const [section, title] of SECTIONS) {
      assert.match(page.text, new RegExp(`<a class="action-link" href="${base}/${section}">(Ändra|Visa)<span class="visually-hidden"> ${title}</span></a>`));
    }
    assert.match(textOf(page.text, 'boxes'), /9 av 9 boxar visas för vårdnadshavarna/);
    assert.match(textOf(page.text, 'opening-hours'), /måndag–fredag 06:30–18:00 lördag–söndag Stängt/);
    assert.match(textOf(page.text, 'care-times'), /Låsta dagar: 2 Registrering framåt \(månader\): 12/);
    assert.match(textOf(page.text, 'closed-days'), /Nästa: fredag 4 december \(Planeringsdag\)/);
    assert.match(textOf(page.text, 'holidays'), /Stängt alla helgdagar/);
    assert.match(textOf(page.text, 'history'), /Senast ändrat .* av Maria Ek/);
  });

  it('each section has a page of its own with only its own form', async () => {
    for (const [section, title, posts] of SECTIONS) {
      const page = await rektor.get(`${base}/${section}`);
      assert.equal(page.status, 200, section);
      assert.match(page.text, new RegExp(`<h1>${title} <span class="muted">Förskolan Solrosen</span></h1>`));
      assert.match(page.text, new RegExp(`<a class="action-link" href="${base}">Tillbaka till inställningarna</a>`));
      for (const action of formActions(page.text)) assert.match(action, posts, `${section} posts only its own forms`);
    }
  });

  it('a save comes back to its own section\'s page, which says it is saved', async () => {
    const saved = await postForm(rektor, `${base}/care-times`, `${base}/care-times`, [['lock_days', '3'], ['plan_ahead_months', '12'], ['invite_days_before', '14']]);
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.location, `${base}/care-times`);
    const page = await rektor.get(`${base}/care-times`);
    assert.match(page.text, /Ändringarna är sparade/);
    assert.match(page.text, /id="lock_days"[^>]*value="3"/);
  });

  it('a refused form comes back on its own page, filled in, without the other sections', async () => {
    const res = await postForm(rektor, `${base}/closed-days`, `/units/${solrosen}/closed-days`, [['date', '2020-01-01'], ['reason', 'Studiedag']]);
    assert.equal(res.status, 400);
    assert.match(res.text, /<h1>Stängda dagar /);
    assert.match(res.text, /id="reason"[^>]*value="Studiedag"/);
    assert.doesNotMatch(res.text, /id="opens_1"|name="boxes"/);
  });

  it('is the unit head\'s and the admin\'s only', async () => {
    const pedagog = await signIn(t.app, 'pedagog');
    for (const [section] of SECTIONS) assert.equal((await pedagog.get(`${base}/${section}`)).status, 404);
    const admin = await signIn(t.app, 'admin');
    assert.equal((await admin.get(`${base}/history`)).status, 200);
  });
});
