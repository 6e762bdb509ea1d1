// The contact list's pages in Chromium, for Elsa's mother and Blåbär's teacher, in Swedish and Arabic (right to left),
// on a 360 px phone and a desktop: the group's list and the guardian's choice of what the others see pass axe; on the
// phone nothing scrolls sideways and every target is big enough for a finger. A guardian chooses with JavaScript off
// and the others see exactly that; a guardian of a child with protected identity is told they never appear; the print
// button is there only where it works (with JavaScript).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { postForm, signIn } from '../support/app.ts';
import { browserSuite, login } from '../support/browser.ts';
import { assertPagesFine, sidewaysScroll, visitsOf } from '../support/page-checks.ts';

const PHONE = { width: 360, touch: true };

describe('the contact list’s pages in Chromium', () => {
  const { h, demo } = browserSuite();

  const choose = async (username: string, shows: string) => {
    const res = await postForm(await signIn(h.t.app, username), '/settings/contacts', '/settings/contacts', { shows });
    assert.equal(res.status, 303, `${username} chooses ${shows}`);
  };

  before(async () => {
    // Elsa's father (the other home) shows both; her mother starts from the default, nothing.
    await choose('vardnadshavare2', 'both');
    await choose('vardnadshavare', 'none');
  });

  const pages = () => [`/groups/${demo.blabar}/contacts`, '/settings/contacts'];
  for (const username of ['vardnadshavare', 'pedagog']) {
    for (const visit of visitsOf(username)) {
      it(`passes axe and fits a finger for ${visit.label}`, () => assertPagesFine(h, { ...visit, username, paths: pages() }));
    }
  }
  it('passes axe for the protected guardian’s choice page, on a phone in Swedish and Arabic', async () => {
    for (const language of ['sv', 'ar'] as const) {
      await assertPagesFine(h, { username: 'vardnadshavare3', language, width: 360, paths: ['/settings/contacts', `/groups/${demo.blabar}/contacts`] });
    }
  });

  it('lets the mother show her e-mail without JavaScript; the others then see it, and not on "nothing"', async () => {
    const emma = await h.t.db.selectFrom('persons').select(['email', 'phone']).where('first_name', '=', 'Emma').where('last_name', '=', 'Andersson').executeTakeFirstOrThrow();
    await h.withPage({ ...PHONE, javaScript: false }, async (page) => {
      await login(page, 'vardnadshavare');
      await page.goto('/settings/contacts');
      await page.getByLabel('Min e-postadress').check();
      await page.getByRole('button', { name: 'Spara' }).click();
      await page.getByText('Ditt val är sparat.').waitFor();
      assert.equal(await sidewaysScroll(page), 0);
      await page.goto(`/groups/${demo.blabar}/contacts`);
      await page.getByRole('row', { name: /Elsa Andersson.*Emma Andersson/ }).waitFor();
      assert.equal(await sidewaysScroll(page), 0, 'the list fits 360 px');
      assert.equal(await page.getByRole('button', { name: 'Skriv ut' }).count(), 0, 'no print button that cannot work');
    });
    await h.withPage({ width: 1280 }, async (page) => {
      await login(page, 'vardnadshavare2');
      await page.goto(`/groups/${demo.blabar}/contacts`);
      await page.getByRole('row', { name: /Elsa Andersson.*Emma Andersson/ }).waitFor();
      await page.locator(`main a[href="mailto:${emma.email}"]`).waitFor();
      assert.ok(emma.phone, 'the demo gives Emma a phone number');
      assert.equal(await page.locator('main').getByText(emma.phone).count(), 0, 'not her phone: she chose e-mail');
      await page.getByRole('button', { name: 'Skriv ut' }).waitFor();
    });
    await choose('vardnadshavare', 'none');
    await h.withPage({ width: 1280 }, async (page) => {
      await login(page, 'vardnadshavare2');
      await page.goto(`/groups/${demo.blabar}/contacts`);
      await page.getByRole('heading', { level: 1, name: /Kontaktlista: Blåbär/ }).waitFor();
      assert.equal(await page.getByText('Emma Andersson').count(), 0, 'the mother chose nothing: she is not listed');
    });
  });

  it('tells the guardian of a child with protected identity that they never appear, and does not list the child', () => h.withPage({ ...PHONE, javaScript: false }, async (page) => {
    await login(page, 'vardnadshavare3');
    await page.goto('/settings/contacts');
    await page.getByText('Du syns aldrig i kontaktlistan').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Spara' }).count(), 0, 'nothing to choose');
    await page.goto(`/groups/${demo.blabar}/contacts`);
    await page.getByRole('heading', { level: 1, name: /Kontaktlista: Blåbär/ }).waitFor();
    assert.equal(await page.locator('main').getByText(/Nora|Haddad/).count(), 0, 'neither the protected child nor her guardian');
  }));
});
