// A unit's logo: the admin uploads it on the unit's page; what is stored is the image drawn anew (no EXIF, no GPS
// position of the photo), fitted to 320×160, as a file under the data folder's media/units/. A file that is no image,
// one of too many pixels or one too large is refused with a Swedish message at the field and nothing saved. The logo
// is served to those of the unit only (its staff, its head, its children's guardians, the admin): anyone else,
// another municipality's admin included, gets 404.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { csrfFrom, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint, unitId } from '../support/demo.ts';
import { changesOf } from '../../server/people/register-changes.ts';

/** Whether an EXIF block (as sharp's metadata gives it) holds the GPS IFD's pointer (tag 0x8825), in its byte order. */
function hasGpsTag(exif: Buffer): boolean {
  const tiff = exif.subarray(exif.indexOf('II*') >= 0 ? exif.indexOf('II*') : exif.indexOf('MM'));
  return tiff.includes(tiff[0] === 0x49 ? Buffer.from([0x25, 0x88]) : Buffer.from([0x88, 0x25]));
}

describe('a unit’s logo', () => {
  let t: TestApp;
  const agents: Record<string, Agent> = {};
  let solrosen: number;
  let ekorren: number;
  let photo: Buffer;
  const folder = () => path.join(t.config.dataDir, 'media', 'units');
  const filesStored = () => (fs.existsSync(folder()) ? fs.readdirSync(folder()).sort() : []);
  const logoRow = (id: number) => t.db.selectFrom('units').select(['logo_file', 'logo_width', 'logo_height']).where('id', '=', id).executeTakeFirstOrThrow();

  before(async () => {
    t = await startTestApp();
    for (const name of ['admin', 'rektor', 'pedagog', 'pedagog3', 'larare2b', 'elev', 'vardnadshavare', 'grannadmin']) agents[name] = await signIn(t.app, name);
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    ekorren = await unitId(t.db, 'Förskolan Ekorren');
    // a phone photo: 1200×900, with the place it was taken in its EXIF
    photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg()
      .withExif({ IFD0: { Copyright: 'Hemlig plats' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '59/1 19/1 4/1', GPSLongitudeRef: 'E', GPSLongitude: '18/1 4/1 7/1' } })
      .toBuffer();
  });
  after(() => t.close());

  /** Posts the unit page's logo form with this file, as a browser sends it (the CSRF token first). */
  async function upload(agent: Agent, unit: number, file: Buffer, filename: string, contentType: string) {
    const page = await agent.get(`/admin/units/${unit}`);
    return agent.post(`/admin/units/${unit}/logo`).field('_csrf', csrfFrom(page.text)).attach('logo', file, { filename, contentType });
  }

  async function assertRefused(res: { status: number; text: string }, message: RegExp) {
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /<p class="field-error" id="logo-error">[^<]*<span[^>]*>[^<]*<\/span>([^<]*)<\/p>/);
    assert.match(res.text.match(/id="logo-error">([\s\S]*?)<\/p>/)![1], message);
    assert.match(res.text, /<a href="#logo">/, 'the error summary links to the field');
  }

  describe('POST /admin/units/:unitId/logo', () => {
    it('refuses a file that is no image, whatever it claims to be, and saves nothing', async () => {
      const before = await fingerprint(t.db);
      const res = await upload(agents.admin, solrosen, Buffer.from('<html>inte en bild</html>'), 'logo.png', 'image/png');
      await assertRefused(res, /går inte att läsa som en bild/);
      assert.equal(await fingerprint(t.db), before);
      assert.deepEqual(filesStored(), []);
    });

    it('refuses an SVG (a picture that is a program), and saves nothing', async () => {
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
      const before = await fingerprint(t.db);
      await assertRefused(await upload(agents.admin, solrosen, svg, 'logo.svg', 'image/svg+xml'), /går inte att läsa som en bild/);
      assert.equal(await fingerprint(t.db), before);
    });

    it('refuses a pixel bomb (a small file of 54 million pixels) before decoding it, and saves nothing', async () => {
      const bomb = await sharp({ create: { width: 9000, height: 6000, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png({ compressionLevel: 9 }).toBuffer();
      assert.ok(bomb.length < 1024 * 1024, 'the file itself is small');
      const before = await fingerprint(t.db);
      await assertRefused(await upload(agents.admin, solrosen, bomb, 'logo.png', 'image/png'), /fler än 40 miljoner bildpunkter/);
      assert.equal(await fingerprint(t.db), before);
      assert.deepEqual(filesStored(), []);
    });

    it('refuses a file larger than 5 MB with a message at the field, and saves nothing', async () => {
      const before = await fingerprint(t.db);
      await assertRefused(await upload(agents.admin, solrosen, Buffer.alloc(5 * 1024 * 1024 + 1, 7), 'stor.jpg', 'image/jpeg'), /större än 5 MB/);
      assert.equal(await fingerprint(t.db), before);
      assert.deepEqual(filesStored(), []);
    });

    it('refuses an upload without the page’s CSRF token (403), and saves nothing', async () => {
      const before = await fingerprint(t.db);
      const res = await agents.admin.post(`/admin/units/${solrosen}/logo`).attach('logo', photo, { filename: 'logo.jpg', contentType: 'image/jpeg' });
      assert.equal(res.status, 403);
      assert.equal(await fingerprint(t.db), before);
      assert.deepEqual(filesStored(), []);
    });

    it('says so when no file was chosen', async () => {
      const page = await agents.admin.get(`/admin/units/${solrosen}`);
      const res = await agents.admin.post(`/admin/units/${solrosen}/logo`).type('form').send({ _csrf: csrfFrom(page.text) });
      await assertRefused(res, /Välj en bildfil/);
    });

    it('stores a photo drawn anew: fitted to 320×160 as WebP, its EXIF and GPS position gone, with its history', async () => {
      const before = await sharp(photo).metadata();
      assert.ok(before.exif && hasGpsTag(before.exif), 'the photo sent has a GPS position');
      const res = await upload(agents.admin, solrosen, photo, 'IMG_0001.jpg', 'application/octet-stream');
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/admin/units/${solrosen}`);
      const row = await logoRow(solrosen);
      assert.deepEqual([row.logo_width, row.logo_height], [213, 160]);
      assert.deepEqual(filesStored(), [row.logo_file]);
      const stored = fs.readFileSync(path.join(folder(), row.logo_file!));
      const meta = await sharp(stored).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 213, 160]);
      assert.equal(meta.exif, undefined, 'no EXIF');
      assert.equal(stored.includes('Hemlig plats'), false);
      const history = await changesOf(t.db, 'unit', solrosen);
      assert.equal(history[0].field, 'logo');
      const page = await agents.admin.get(`/admin/units/${solrosen}`);
      assert.match(page.text, /Logotypen är sparad\./);
      assert.match(page.text, new RegExp(`<img class="unit-logo-preview" src="/units/${solrosen}/logo\\?v=${row.logo_file}" width="213" height="160"`));
      assert.match(page.text, /En ny logotyp laddades upp\./);
    });

    it('a new logo takes the place of the old, whose file is removed', async () => {
      const old = (await logoRow(solrosen)).logo_file;
      const wide = await sharp({ create: { width: 1000, height: 100, channels: 4, background: { r: 0, g: 90, b: 200, alpha: 0.5 } } }).png().toBuffer();
      assert.equal((await upload(agents.admin, solrosen, wide, 'bred.png', 'image/png')).status, 303);
      const row = await logoRow(solrosen);
      assert.notEqual(row.logo_file, old);
      assert.deepEqual([row.logo_width, row.logo_height], [320, 32]);
      assert.deepEqual(filesStored(), [row.logo_file]);
    });

    it('is not there for the unit’s head, nor for another municipality’s admin (404, nothing saved)', async () => {
      for (const [who, unit] of [['rektor', solrosen], ['grannadmin', solrosen]] as const) {
        const page = await agents[who].get('/');
        const before = await fingerprint(t.db);
        const res = await agents[who].post(`/admin/units/${unit}/logo`).field('_csrf', csrfFrom(page.text))
          .attach('logo', photo, { filename: 'x.jpg', contentType: 'image/jpeg' });
        assert.equal(res.status, 404, who);
        assert.equal(await fingerprint(t.db), before, who);
      }
      assert.equal(filesStored().length, 1);
    });
  });

  describe('GET /units/:unitLogoId/logo', () => {
    it('serves the logo to the unit’s staff, head, children’s guardians and the admin', async () => {
      const row = await logoRow(solrosen);
      for (const who of ['admin', 'rektor', 'pedagog', 'vardnadshavare']) {
        const res = await agents[who].get(`/units/${solrosen}/logo?v=${row.logo_file}`).buffer(true);
        assert.equal(res.status, 200, who);
        assert.equal(res.headers['content-type'], 'image/webp', who);
        assert.match(res.headers['cache-control'], /^private/, who);
        assert.equal((await sharp(res.body as Buffer).metadata()).width, 320, who);
      }
    });

    it('shows it in the footer beside the unit’s contact details', async () => {
      const row = await logoRow(solrosen);
      for (const who of ['pedagog', 'vardnadshavare']) {
        assert.match((await agents[who].get('/')).text, new RegExp(`<img class="unit-logo" src="/units/${solrosen}/logo\\?v=${row.logo_file}" width="320" height="32" alt="">`), who);
      }
    });

    it('is not found for anyone else: another municipality’s admin, staff of another unit, a pupil elsewhere, no login', async () => {
      for (const who of ['grannadmin', 'pedagog3', 'larare2b', 'elev']) {
        assert.equal((await agents[who].get(`/units/${solrosen}/logo`)).status, 404, who);
      }
      const anonymous = await (await import('supertest')).default(t.app).get(`/units/${solrosen}/logo`);
      assert.equal(anonymous.status, 303);
      assert.match(anonymous.headers.location, /^\/login/);
    });

    it('is not found for another municipality’s guardian or staff when that municipality’s unit has a logo', async () => {
      const page = await agents.grannadmin.get(`/admin/units/${ekorren}`);
      assert.equal(page.status, 200);
      const res = await agents.grannadmin.post(`/admin/units/${ekorren}/logo`).field('_csrf', csrfFrom(page.text))
        .attach('logo', photo, { filename: 'ekorre.jpg', contentType: 'image/jpeg' });
      assert.equal(res.status, 303);
      assert.equal((await agents.grannadmin.get(`/units/${ekorren}/logo`)).status, 200);
      for (const who of ['admin', 'rektor', 'pedagog', 'vardnadshavare']) {
        assert.equal((await agents[who].get(`/units/${ekorren}/logo`)).status, 404, who);
      }
    });

    it('is not found when the unit has no logo', async () => {
      const blank = await t.db.selectFrom('units').select('id').where('municipality_id', '=', (await t.db.selectFrom('units')
        .select('municipality_id').where('id', '=', solrosen).executeTakeFirstOrThrow()).municipality_id).where('logo_file', 'is', null).executeTakeFirstOrThrow();
      assert.equal((await agents.admin.get(`/units/${blank.id}/logo`)).status, 404);
    });
  });

  describe('POST /admin/units/:unitId/logo/remove', () => {
    it('removes the logo, its file, and shows it in the history', async () => {
      const page = await agents.admin.get(`/admin/units/${solrosen}`);
      const res = await agents.admin.post(`/admin/units/${solrosen}/logo/remove`).type('form').send({ _csrf: csrfFrom(page.text) });
      assert.equal(res.status, 303);
      assert.deepEqual(await logoRow(solrosen), { logo_file: null, logo_width: null, logo_height: null });
      assert.ok(filesStored().every((f) => !f.startsWith(`${solrosen}-`)), 'the file is gone');
      const after = await agents.admin.get(`/admin/units/${solrosen}`);
      assert.match(after.text, /Logotypen är borttagen\./);
      assert.equal((await agents.admin.get(`/units/${solrosen}/logo`)).status, 404);
      assert.match(after.text, /Logotypen togs bort\./);
      assert.match(after.text, /Enheten har ingen logotyp\./);
      assert.doesNotMatch((await agents.vardnadshavare.get('/')).text, /class="unit-logo"/);
    });
  });
});
