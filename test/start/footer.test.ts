// Every signed-in page's footer names the municipality and gives the contact details of the person's units (a guardian:
// their children's; staff: where they work), with links to the privacy notice and the accessibility statement. The
// contact is the unit's own: a person's address, phone or e-mail never shows there (protected identity or not).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { setUnitContact } from '../../server/people/commands.ts';

function footerOf(html: string): string {
  const start = html.indexOf('<footer class="site-footer">');
  assert.ok(start >= 0, 'the page has a footer');
  return html.slice(start, html.indexOf('</footer>', start));
}

const unitNames = (footer: string) => [...footer.matchAll(/<address class="unit-contact">\s*<strong dir="auto">([^<]+)<\/strong>/g)].map((m) => m[1]);

describe('the footer', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  it("gives a guardian the municipality and each of their children's units, with tel: and mailto: links", async () => {
    const emma = await signIn(t.app, 'vardnadshavare'); // Elsa at Solrosen, Oskar at Björkskolan and its fritidshem
    const footer = footerOf((await emma.get('/').expect(200)).text);
    assert.match(footer, /<p class="footer-municipality">Demokommun<\/p>/);
    assert.deepEqual(unitNames(footer), ['Björkskolan', 'Björkskolans fritidshem', 'Förskolan Solrosen']);
    assert.match(footer, /<strong dir="auto">Förskolan Solrosen<\/strong>\s*<span dir="auto">Solrosvägen 4<\/span>\s*<span dir="auto">462 30 Demostad<\/span>\s*<a dir="ltr" href="tel:0313900610">031-390 06 10<\/a>\s*<a dir="ltr" href="mailto:solrosen@demokommun\.example">solrosen@demokommun\.example<\/a>/);
    assert.doesNotMatch(footer, /Vitsippan|Ekorren/);
    // On every page, not only the start page.
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    for (const page of ['/settings', '/notifications', `/children/${elsa}/schedule`, `/children/${elsa}/absence`, '/privacy']) {
      const res = await emma.get(page).expect(200);
      assert.deepEqual(unitNames(footerOf(res.text)), ['Björkskolan', 'Björkskolans fritidshem', 'Förskolan Solrosen'], page);
    }
  });

  it("links the privacy notice and the accessibility statement, which say what the municipality publishes there", async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    const footer = footerOf((await emma.get('/').expect(200)).text);
    assert.match(footer, /<a href="\/privacy">Personuppgifter<\/a>/);
    assert.match(footer, /<a href="\/accessibility">Tillgänglighetsredogörelse<\/a>/);
    // The signed-in reader gets their own municipality's; a visitor of a database with two chooses one first.
    const privacy = (await emma.get('/privacy').expect(200)).text;
    assert.match(privacy, /<h1>Personuppgifter i Vardag<\/h1>/);
    assert.match(privacy, /Demokommun är personuppgiftsansvarig/);
    const accessibility = (await emma.get('/accessibility').expect(200)).text;
    assert.match(accessibility, /<h1>Tillgänglighetsredogörelse för Vardag<\/h1>/);
    assert.match(accessibility, /Digg/);
    assert.match((await request(t.app).get('/privacy').expect(200)).text, /<a href="\/privacy\?municipality=\d+">Grannkommun<\/a>/);
    // The login page's footer links them too, and names no municipality (no one is signed in).
    const login = footerOf((await request(t.app).get('/login').expect(200)).text);
    assert.match(login, /href="\/privacy"/);
    assert.match(login, /href="\/accessibility"/);
    assert.doesNotMatch(login, /Demokommun|unit-contact/);
  });

  it("gives staff their own unit's, and an admin the municipality", async () => {
    assert.deepEqual(unitNames(footerOf((await (await signIn(t.app, 'pedagog3')).get('/').expect(200)).text)), ['Förskolan Vitsippan']);
    assert.deepEqual(unitNames(footerOf((await (await signIn(t.app, 'rektor')).get('/').expect(200)).text)), ['Förskolan Solrosen']);
    const admin = footerOf((await (await signIn(t.app, 'admin')).get('/').expect(200)).text);
    assert.match(admin, /<p class="footer-municipality">Demokommun<\/p>/);
    assert.deepEqual(unitNames(admin), []);
    assert.match(footerOf((await (await signIn(t.app, 'grannadmin')).get('/').expect(200)).text), /<p class="footer-municipality">Grannkommun<\/p>/);
  });

  it("shows a protected person's family only the unit's contact, never a person's", async () => {
    const karim = await signIn(t.app, 'vardnadshavare3'); // Nora (protected identity) at Solrosen; Leila, her other guardian, protected too
    const footer = footerOf((await karim.get('/').expect(200)).text);
    assert.deepEqual(unitNames(footer), ['Förskolan Solrosen']);
    const persons = await t.db.selectFrom('persons').select(['street_address', 'phone', 'email']).execute();
    for (const detail of persons.flatMap((p) => [p.street_address, p.phone, p.email]).filter((d): d is string => Boolean(d))) {
      assert.ok(!footer.includes(detail), `the footer shows a person's detail: ${detail}`);
    }
    assert.doesNotMatch(footer, /Hemlig väg/);
  });

  it('leaves out what a unit has not filled in, and shows its name', async () => {
    const vitsippan = await unitId(t.db, 'Förskolan Vitsippan');
    await setUnitContact(t.db, vitsippan, { phone: '031-390 06 20' });
    try {
      const footer = footerOf((await (await signIn(t.app, 'pedagog3')).get('/').expect(200)).text);
      assert.match(footer, /<strong dir="auto">Förskolan Vitsippan<\/strong>\s*<a dir="ltr" href="tel:0313900620">031-390 06 20<\/a>\s*<\/address>/);
      assert.doesNotMatch(footer, /mailto:|<span/);
    } finally {
      await setUnitContact(t.db, vitsippan, {
        streetAddress: 'Vitsippsgången 11', postalCode: '462 50', city: 'Demostad', phone: '031-390 06 20', email: 'vitsippan@demokommun.example',
      });
    }
  });

  it('names the municipality on a form that comes back with an error too', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    const res = await postForm(emma, '/settings', '/settings/username', { username: '' });
    if (res.status === 400) assert.match(footerOf(res.text), /<p class="footer-municipality">Demokommun<\/p>/);
    else assert.fail(`the form was not refused (${res.status}); pick another form to refuse`);
  });

  it('is in the reader\'s language, and right to left in Arabic', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    await postForm(emma, '/', '/language', { language: 'ar', next: '/' });
    const page = (await emma.get('/').expect(200)).text;
    assert.match(page, /<html lang="ar" dir="rtl">/);
    const footer = footerOf(page);
    assert.match(footer, />التواصل<\/h2>/);
    assert.match(footer, />البيانات الشخصية<\/a>/);
    assert.match(footer, />بيان إمكانية الوصول<\/a>/);
    await postForm(emma, '/', '/language', { language: 'sv', next: '/' });
  });
});
