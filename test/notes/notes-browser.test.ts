// The notes pages and the unit settings' Dokumentation section in a browser: a note written on a phone-sized screen
// without JavaScript, the form's error at its field, and axe (WCAG 2.1 AA) on each page with JavaScript on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';
import { unitId } from '../support/demo.ts';

describe('notes in the browser', () => {
  const { h, demo } = browserSuite();

  it('a teacher writes a note on a phone without JavaScript; an empty one is refused at the field', () => h.withPage({ javaScript: false, width: 360 }, async (page) => {
    await login(page, 'pedagog');
    await page.goto(`/children/${demo.elsa}/notes`);
    await page.getByRole('button', { name: 'Spara anteckningen' }).click();
    assert.match(await page.title(), /^Fel: /);
    assert.equal(await page.locator('#body-error').count(), 1);
    await page.locator('#body').fill('Vi har varit i skogen och letat svamp.');
    await page.getByRole('button', { name: 'Spara anteckningen' }).click();
    await page.getByText('Anteckningen är sparad.').waitFor();
    assert.equal(await page.getByText('Vi har varit i skogen och letat svamp.').count(), 1);
  }));

  it('axe finds nothing on the staff’s notes page, with an error, and on a note to change', () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'pedagog');
    await page.goto(`/children/${demo.elsa}/notes`);
    await assertAccessible(page, 'notes page for staff');
    await page.getByRole('button', { name: 'Spara anteckningen' }).click();
    await page.locator('#body-error').waitFor();
    await assertAccessible(page, 'notes page with an error');
    await page.goto(`/children/${demo.elsa}/notes`);
    await page.getByRole('link', { name: /^Ändra/ }).first().click();
    await page.getByRole('button', { name: 'Spara ändringen' }).waitFor();
    await assertAccessible(page, 'a note to change');
  }));

  it('a guardian reads the notes; axe finds nothing', () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}/notes`);
    assert.equal(await page.getByText('Vi har varit i skogen och letat svamp.').count(), 1);
    await assertAccessible(page, 'notes page for a guardian');
  }));

  it('the unit’s head finds the Dokumentation section from the settings overview; axe finds nothing', () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'rektor');
    await page.goto(`/units/${await unitId(h.t.db, 'Förskolan Solrosen')}/settings`);
    await page.getByRole('link', { name: 'Ändra Dokumentation' }).click();
    await page.getByRole('checkbox', { name: 'Gästbok på barnets sida' }).check();
    await page.getByRole('button', { name: 'Spara', exact: true }).click();
    await page.getByText('Ändringarna är sparade.').waitFor();
    assert.ok(await page.getByRole('checkbox', { name: 'Anteckningar' }).isChecked());
    assert.ok(await page.getByRole('checkbox', { name: 'Gästbok på barnets sida' }).isChecked());
    await assertAccessible(page, 'the Dokumentation settings');
  }));
});
