// Comments and home observations in a browser: a guardian comments and sends a home observation with a photo without
// JavaScript on a phone-sized screen, the teacher approves both in the group's queue; axe (WCAG 2.1 AA) on each page
// with JavaScript on.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';
import { municipalityId, personId, unitId } from '../support/demo.ts';

describe('comments and home observations in the browser', () => {
  const { h, demo } = browserSuite();
  let post: number;
  before(async () => {
    const at = h.t.clock.now().toISOString();
    post = (await h.t.db.insertInto('posts').values({
      municipality_id: await municipalityId(h.t.db, 'Demokommun'), unit_id: await unitId(h.t.db, 'Förskolan Solrosen'), group_id: demo.blabar, kind: 'group',
      title: 'Höstlöv', body: 'Vi samlade löv.', status: 'published', author_id: await personId(h.t.db, 'Sara', 'Holm'), created_at: at, updated_at: at,
      published_at: at,
    }).returning('id').executeTakeFirstOrThrow()).id;
  });

  it('a guardian comments and sends a photo from home without JavaScript on a phone', () => h.withPage({ javaScript: false, width: 360 }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/posts/${post}/comments`);
    await page.locator('#body').fill('Elsa tog hem ett löv till oss!');
    await page.getByRole('button', { name: 'Skicka kommentaren' }).click();
    await page.getByText('Tack! Kommentaren visas när personalen har godkänt den.').waitFor();

    await page.goto(`/children/${demo.elsa}/observations`);
    const photo = path.join(h.t.dir, 'hemma.jpg');
    await fs.writeFile(photo, await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 30, g: 140, b: 90 } } }).jpeg().toBuffer());
    await page.locator('#body').fill('Vi bakade bullar.');
    await page.locator('#photo').setInputFiles(photo);
    await page.getByRole('button', { name: 'Skicka', exact: true }).click();
    await page.getByText('Tack! Observationen visas när personalen har godkänt den.').waitFor();
    assert.equal(await page.locator('img.observation-photo').count(), 1);
  }));

  it('axe finds nothing on the guardian’s pages, a comment and an observation waiting', () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/posts/${post}/comments`);
    await page.getByText('Väntar på godkännande').waitFor();
    await assertAccessible(page, 'the comments of a post, one waiting');
    await page.goto(`/children/${demo.elsa}/observations`);
    await page.getByText('Vi bakade bullar.').waitFor();
    await assertAccessible(page, 'home observations, one waiting');
  }));

  it('the teacher approves both in the group’s queue', () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'pedagog');
    await page.goto(`/groups/${demo.blabar}/comments`);
    await assertAccessible(page, 'the group’s queue');
    await page.getByRole('button', { name: /^Godkänn från Emma Andersson/ }).first().click();
    await page.getByText('Kommentaren är godkänd och visas i barnets portfolio.').waitFor();
    await page.getByRole('button', { name: /^Godkänn från Emma Andersson/ }).first().click();
    await page.getByText('Observationen är godkänd och visas i barnets portfolio.').waitFor();
    assert.equal(await page.getByText('Inget väntar.').count(), 2);
  }));
});
