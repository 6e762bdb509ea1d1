// A teacher publishes a post with two photos from a phone-sized window (360 px), with JavaScript on (each file its own
// request with a progress bar) and off (one plain multi-file form): one photo with Elsa (her guardians said yes), one
// with no child. Emma (vardnadshavare) then sees both photos in Elsa's portfolio. axe finds nothing on the post form.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';

const photo = async (r: number) => ({
  name: `lek-${r}.jpg`, mimeType: 'image/jpeg',
  buffer: await sharp({ create: { width: 640, height: 480, channels: 3, background: { r, g: 140, b: 90 } } }).jpeg().toBuffer(),
});

describe('staff publish a post with photos on a phone', () => {
  const { h, demo } = browserSuite();
  before(async () => {
    const guardians = await h.t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', demo.elsa).execute();
    for (const g of guardians) {
      await h.t.db.insertInto('photo_consents').values({ child_id: demo.elsa, guardian_id: g.guardian_id, answer: 'yes', source: 'paper',
        answered_on: '2026-11-20', recorded_by: 1, recorded_at: '2026-11-20T10:00:00Z' }).execute();
    }
  });

  for (const javaScript of [true, false]) {
    it(`pedagog publishes two photos, Emma sees them in Elsa's portfolio (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const title = `Vattenlek på gården ${javaScript ? 'A' : 'B'}`;
      const { page, problems } = await h.page({ width: 360, touch: true, javaScript });
      await login(page, 'pedagog');
      await page.getByRole('link', { name: 'Dokumentation och blogg Blåbär' }).click();
      await page.getByRole('link', { name: 'Skriv ett nytt inlägg' }).click();
      if (javaScript) await assertAccessible(page, 'the new post form');
      await page.getByLabel('Gruppens dokumentation').check();
      await page.locator('#title').fill(title);
      await page.locator('#body').fill('Vi hällde vatten mellan kannor av olika storlek.');
      await page.locator('#reflection').fill('Barnen undersöker volym.');
      await page.getByRole('button', { name: 'Spara utkast och lägg till bilder' }).click();
      await page.locator('#files').waitFor();

      await page.locator('#files').setInputFiles([await photo(20), await photo(200)]);
      await page.getByRole('button', { name: 'Ladda upp' }).click();
      const items = page.locator('.media-list .media-item');
      if (javaScript) {
        await page.locator('.upload-progress li', { hasText: 'Klar' }).nth(1).waitFor();
        assert.equal(await page.locator('.upload-progress progress').count(), 2, 'a progress bar per file');
      } else {
        await page.locator('.flash').waitFor();
      }
      assert.equal(await items.count(), 2);
      if (javaScript) await assertAccessible(page, 'the post form with two photos');
      await items.nth(0).getByLabel('Elsa Andersson').check();
      await items.nth(0).getByLabel('Bildtext').fill('Elsa fyller kannan');
      await items.nth(1).getByLabel('Inga barn på bilden').check();
      await page.getByRole('button', { name: 'Publicera' }).click();
      await page.locator('.flash').waitFor();
      assert.equal(new URL(page.url()).pathname, `/groups/${demo.blabar}/posts`);
      const post = await h.t.db.selectFrom('posts').select(['id', 'status']).where('title', '=', title).executeTakeFirstOrThrow();
      assert.equal(post.status, 'published');
      problems.assertNone();

      const guardian = await h.page({ width: 360, touch: true, javaScript });
      await login(guardian.page, 'vardnadshavare');
      const loaded = new Set<string>();
      guardian.page.on('response', (r) => {
        if (r.status() === 200 && /^image\//.test(r.headers()['content-type'] ?? '')) loaded.add(new URL(r.url()).pathname.split('/')[2]);
      });
      await guardian.page.goto(`/children/${demo.elsa}/portfolio`);
      await guardian.page.getByText(title).first().waitFor();
      const media = await h.t.db.selectFrom('post_media').select('id').where('post_id', '=', post.id).orderBy('position').execute();
      for (const m of media) {
        const img = guardian.page.locator(`img[src^="/media/${m.id}/"]`);
        assert.equal(await img.count(), 1, `photo ${m.id} is shown`);
        if (!loaded.has(String(m.id))) {
          const arrives = guardian.page.waitForResponse((r) => r.url().includes(`/media/${m.id}/`) && r.status() === 200);
          await img.scrollIntoViewIfNeeded();
          await arrives;
        }
      }
      guardian.problems.assertNone();
    });
  }

  it('a dropped connection after the server took the file: the script tries again with the same key, and the photo is there once', async () => {
    const { page, problems } = await h.page({ width: 360, touch: true });
    await login(page, 'pedagog');
    await page.goto(`/groups/${demo.blabar}/posts/new`);
    await page.locator('#title').fill('Tappad uppkoppling');
    await page.getByRole('button', { name: 'Spara utkast och lägg till bilder' }).click();
    await page.locator('#files').waitFor();
    let dropped = 0;
    await page.route('**/posts/*/media', async (route) => {
      if (dropped++ > 0) return route.continue();
      await route.fetch(); // the server gets the whole file and keeps it...
      await route.abort('connectionreset'); // ...but the answer never reaches the phone
    });
    await page.locator('#files').setInputFiles([await photo(90)]);
    await page.getByRole('button', { name: 'Ladda upp' }).click();
    await page.locator('.upload-progress li', { hasText: 'Klar' }).waitFor();
    assert.equal(dropped, 2, 'sent twice');
    assert.equal(await page.locator('.media-list .media-item').count(), 1);
    const post = await h.t.db.selectFrom('posts').select('id').where('title', '=', 'Tappad uppkoppling').executeTakeFirstOrThrow();
    const media = await h.t.db.selectFrom('post_media').select('upload_key').where('post_id', '=', post.id).execute();
    assert.equal(media.length, 1, 'stored once');
    assert.ok(media[0].upload_key, 'with the key the script made');
    assert.deepEqual(problems.list.filter((p) => !p.includes('ERR_CONNECTION_RESET')), [], 'nothing but the dropped request');
  });
});
