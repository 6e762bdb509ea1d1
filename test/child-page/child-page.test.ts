// The child's own page: a presentation and a 160×200 picture that the guardians and the group's staff keep, seen by the
// child's guardians (both homes), the pupil and the group's staff (head, admin) — 404 for any other family, staff of
// another group or unit, another municipality. The picture is drawn anew (no EXIF, no GPS), turned upright and cropped
// to 160×200; a refused file gets a Swedish message at the field and nothing is saved. A guestbook, when the unit uses
// one: greetings between home and staff, which the staff remove.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint, personId, unitId } from '../support/demo.ts';
import { childrenWithPicture } from '../../server/child-page/queries.ts';
import { sweepPictureFiles } from '../../server/child-page/picture.ts';
import { registerChildPageJobs } from '../../server/child-page/personal-data.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { documentationSettings, saveDocumentationSettings } from '../../server/documentation/settings.ts';

const ACCOUNTS = ['admin', 'rektor', 'pedagog', 'pedagog2', 'pedagog3', 'vardnadshavare', 'vardnadshavare2', 'vardnadshavare3',
  'elev', 'larare2b', 'rektor2', 'grannadmin'] as const;
type Name = (typeof ACCOUNTS)[number];

/** Whether an EXIF block (as sharp's metadata gives it) holds the GPS IFD's pointer (tag 0x8825), in its byte order. */
function hasGpsTag(exif: Buffer): boolean {
  const tiff = exif.subarray(exif.indexOf('II*') >= 0 ? exif.indexOf('II*') : exif.indexOf('MM'));
  return tiff.includes(tiff[0] === 0x49 ? Buffer.from([0x25, 0x88]) : Buffer.from([0x88, 0x25]));
}

describe("the child's own page", () => {
  let t: TestApp;
  const agents = {} as Record<Name, Agent>;
  let elsa: number;
  let oskar: number;
  let nora: number;
  let solrosen: number;
  const folder = () => path.join(t.config.dataDir, 'media', 'children');
  const filesOf = (child: number) => (fs.existsSync(folder()) ? fs.readdirSync(folder()).filter((f) => f.startsWith(`${child}-`)).sort() : []);
  const pageRow = (child: number) => t.db.selectFrom('child_pages').selectAll().where('child_id', '=', child).executeTakeFirst();
  const entries = (child: number) => t.db.selectFrom('guestbook_entries').selectAll().where('child_id', '=', child).orderBy('id').execute();

  before(async () => {
    t = await startTestApp();
    for (const name of ACCOUNTS) agents[name] = await signIn(t.app, name);
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
  });
  after(() => t.close());

  /** Posts the edit page's picture form with this file, as a browser sends it (the CSRF token first). */
  async function upload(agent: Agent, child: number, file: Buffer, filename: string, contentType = 'image/jpeg') {
    const page = await agent.get('/');
    return agent.post(`/children/${child}/picture`).field('_csrf', csrfFrom(page.text)).attach('picture', file, { filename, contentType });
  }

  async function assertRefused(res: { status: number; text: string }, field: string, message: RegExp) {
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text.match(new RegExp(`id="${field}-error">([\\s\\S]*?)</p>`))![1], message);
    assert.match(res.text, new RegExp(`<a href="#${field}">`), 'the error summary links to the field');
  }

  describe('who sees it', () => {
    it("shows Elsa's page to her guardians in both homes, her group's teacher, the unit's head and the admin", async () => {
      for (const who of ['vardnadshavare', 'vardnadshavare2', 'pedagog', 'rektor', 'admin'] as const) {
        const res = await agents[who].get(`/children/${elsa}/page`);
        assert.equal(res.status, 200, who);
        assert.match(res.text, /<h1>Om Elsa Andersson/, who);
        assert.match(res.text, /Jag heter Elsa och är fyra år\./, who);
      }
    });

    it('is not found for another family of the same group, staff of another group or unit, a pupil, another municipality', async () => {
      for (const who of ['vardnadshavare3', 'pedagog2', 'pedagog3', 'elev', 'larare2b', 'rektor2', 'grannadmin'] as const) {
        assert.equal((await agents[who].get(`/children/${elsa}/page`)).status, 404, who);
        assert.equal((await agents[who].get(`/children/${elsa}/picture`)).status, 404, who);
        assert.equal((await agents[who].get(`/children/${elsa}/page/edit`)).status, 404, who);
      }
      const anonymous = await request(t.app).get(`/children/${elsa}/picture`);
      assert.equal(anonymous.status, 303);
      assert.match(anonymous.headers.location, /^\/login/);
    });

    it('shows the pupil their own page, and Oskar’s to his class teacher, not to a teacher of another group', async () => {
      const pupil = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'elev').executeTakeFirstOrThrow()).person_id;
      const own = await agents.elev.get(`/children/${pupil}/page`);
      assert.equal(own.status, 200);
      assert.doesNotMatch(own.text, /Ändra presentation och bild/, 'the pupil reads their page; the guardians and staff keep it');
      assert.equal((await agents.larare2b.get(`/children/${oskar}/page`)).status, 200);
      assert.equal((await agents.pedagog.get(`/children/${oskar}/page`)).status, 404);
    });

    it('records every read of the page in the audit trail, not each picture', async () => {
      const count = async () => Number((await t.db.selectFrom('audit_trail').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'child.page.read').where('child_id', '=', elsa).executeTakeFirstOrThrow()).n);
      const before = await count();
      await agents.pedagog.get(`/children/${elsa}/page`);
      await agents.pedagog.get(`/children/${elsa}/picture`);
      assert.equal(await count(), before + 1);
    });
  });

  describe('the picture', () => {
    it('is served through the access check: JPEG, 160×200, private cache, an ETag and 304, kept for good under its version', async () => {
      const row = await pageRow(elsa);
      assert.ok(row?.picture_file, 'the demo gave Elsa a drawn picture');
      const res = await agents.vardnadshavare.get(`/children/${elsa}/picture`).buffer(true);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'image/jpeg');
      assert.equal(res.headers['cache-control'], 'private, no-cache');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      const meta = await sharp(res.body as Buffer).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 160, 200]);
      const again = await agents.vardnadshavare.get(`/children/${elsa}/picture`).set('If-None-Match', res.headers.etag);
      assert.equal(again.status, 304);
      const version = row.picture_file.slice(row.picture_file.indexOf('-') + 1, -'.jpg'.length);
      const kept = await agents.vardnadshavare.get(`/children/${elsa}/picture?v=${version}`);
      assert.equal(kept.headers['cache-control'], 'private, max-age=31536000, immutable');
    });

    it('is not found for a child without one', async () => {
      assert.equal((await agents.vardnadshavare3.get(`/children/${nora}/picture`)).status, 404);
    });

    it('is told to the consent list by childrenWithPicture', async () => {
      const withPicture = await childrenWithPicture(t.db, [elsa, oskar, nora]);
      assert.deepEqual([...withPicture].sort(), [elsa, oskar].sort());
      assert.deepEqual([...(await childrenWithPicture(t.db, []))], []);
    });

    it('shows in the child switcher and on the staff’s Today list', async () => {
      const start = await agents.vardnadshavare.get(`/children/${elsa}`);
      assert.match(start.text, new RegExp(`<img class="child-bar-picture" src="/children/${elsa}/picture\\?v=[0-9a-f]{16}" width="48" height="60" alt="">`));
      assert.match(start.text, new RegExp(`<a href="/children/${oskar}"><img src="/children/${oskar}/picture\\?v=[0-9a-f]{16}"`));
      assert.match(start.text, new RegExp(`<a class="action-link" href="/children/${elsa}/page">Sidan om Elsa</a>`));
      const blabar = (await t.db.selectFrom('groups').select('id').where('name', '=', 'Blåbär').executeTakeFirstOrThrow()).id;
      const today = await agents.pedagog.get(`/groups/${blabar}/today`);
      assert.match(today.text, new RegExp(`<a href="/children/${elsa}/page" class="screen-only"><img class="today-picture" src="/children/${elsa}/picture\\?v=[0-9a-f]{16}"`));
      assert.doesNotMatch(today.text, new RegExp(`/children/${nora}/picture`), 'Nora has none');
    });

    it('refuses a file that is no image, whatever its name, and saves nothing', async () => {
      const before = await fingerprint(t.db);
      const files = filesOf(oskar);
      await assertRefused(await upload(agents.vardnadshavare, oskar, Buffer.from('det här är text'), 'bild.jpg'), 'picture', /ingen bild som kan visas/);
      assert.equal(await fingerprint(t.db), before);
      assert.deepEqual(filesOf(oskar), files);
    });

    it('refuses a HEIC photo with a message saying what to do', async () => {
      const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(200, 1)]);
      await assertRefused(await upload(agents.vardnadshavare, oskar, heic, 'IMG_0001.HEIC', 'image/heic'), 'picture', /HEIC-format/);
    });

    it('refuses a pixel bomb and a file over 15 MB, and saves nothing', async () => {
      const before = await fingerprint(t.db);
      const bomb = await sharp({ create: { width: 9000, height: 6000, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png({ compressionLevel: 9 }).toBuffer();
      await assertRefused(await upload(agents.vardnadshavare, oskar, bomb, 'bomb.png', 'image/png'), 'picture', /för många pixlar \(högst 50 megapixlar\)/);
      await assertRefused(await upload(agents.vardnadshavare, oskar, Buffer.alloc(15 * 1024 * 1024 + 1, 7), 'stor.jpg'), 'picture', /för stor \(högst 15 MB\)/);
      assert.equal(await fingerprint(t.db), before);
    });

    it('says so when no file was chosen', async () => {
      const page = await agents.vardnadshavare.get(`/children/${oskar}/page/edit`);
      const res = await agents.vardnadshavare.post(`/children/${oskar}/picture`).type('form').send({ _csrf: csrfFrom(page.text) });
      await assertRefused(res, 'picture', /Välj en bild att ladda upp/);
    });

    it('refuses an upload without the page’s CSRF token (403), and saves nothing', async () => {
      const before = await fingerprint(t.db);
      const photo = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#00f' } }).jpeg().toBuffer();
      const res = await agents.vardnadshavare.post(`/children/${oskar}/picture`).attach('picture', photo, { filename: 'a.jpg', contentType: 'image/jpeg' });
      assert.equal(res.status, 403);
      assert.equal(await fingerprint(t.db), before);
    });

    it('stores a phone photo drawn anew: upright by its EXIF, cropped to 160×200, its EXIF and GPS position gone; the old file removed', async () => {
      // 300×200, red on the left and blue on the right, to be turned a quarter clockwise (orientation 6): upright it
      // is red at the top and blue at the bottom.
      const left = await sharp({ create: { width: 150, height: 200, channels: 3, background: '#ff0000' } }).png().toBuffer();
      const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#0000ff' } })
        .composite([{ input: left, left: 0, top: 0 }]).jpeg()
        .withExif({ IFD0: { Copyright: 'Hemlig plats' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '59/1 19/1 4/1', GPSLongitudeRef: 'E', GPSLongitude: '18/1 4/1 7/1' } })
        .withMetadata({ orientation: 6 }).toBuffer();
      const sent = await sharp(photo).metadata();
      assert.ok(sent.exif && hasGpsTag(sent.exif), 'the photo sent has a GPS position');
      assert.equal(sent.orientation, 6);
      const old = (await pageRow(oskar))?.picture_file;
      assert.ok(old);
      const res = await upload(agents.vardnadshavare, oskar, photo, 'IMG_0002.jpg', 'application/octet-stream');
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/children/${oskar}/page`);
      const row = await pageRow(oskar);
      assert.ok(row?.picture_file && row.picture_file !== old);
      assert.deepEqual(filesOf(oskar), [row.picture_file], 'the old file is gone');
      const stored = fs.readFileSync(path.join(folder(), row.picture_file));
      const meta = await sharp(stored).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 160, 200]);
      assert.equal(meta.exif, undefined, 'no EXIF');
      assert.equal(stored.includes('Hemlig plats'), false);
      const { data } = await sharp(stored).raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number, y: number) => [...data.subarray((y * 160 + x) * 3, (y * 160 + x) * 3 + 3)];
      const [top, bottom] = [pixel(80, 10), pixel(80, 190)];
      assert.ok(top[0] > 200 && top[2] < 60, `red at the top, was ${top}`);
      assert.ok(bottom[2] > 200 && bottom[0] < 60, `blue at the bottom, was ${bottom}`);
      const page = await agents.vardnadshavare.get(`/children/${oskar}/page`);
      assert.match(page.text, /Bilden är sparad\./);
    });

    it('is taken away with its file by a guardian; the page then has none', async () => {
      const res = await postForm(agents.vardnadshavare, `/children/${oskar}/page/edit`, `/children/${oskar}/picture/delete`);
      assert.equal(res.status, 303);
      assert.equal((await pageRow(oskar))?.picture_file, null);
      assert.deepEqual(filesOf(oskar), []);
      assert.equal((await agents.vardnadshavare.get(`/children/${oskar}/picture`)).status, 404);
      assert.match((await agents.vardnadshavare.get(`/children/${oskar}/page/edit`)).text, /Ingen bild än\./);
    });

    it('cannot be changed by another family or the pupil (404, nothing saved)', async () => {
      const photo = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#0f0' } }).jpeg().toBuffer();
      const before = await fingerprint(t.db);
      for (const who of ['vardnadshavare3', 'pedagog2', 'elev', 'grannadmin'] as const) {
        assert.equal((await upload(agents[who], elsa, photo, 'x.jpg')).status, 404, who);
        const page = await agents[who].get('/');
        assert.equal((await agents[who].post(`/children/${elsa}/picture/delete`).type('form').send({ _csrf: csrfFrom(page.text) })).status, 404, who);
      }
      assert.equal(await fingerprint(t.db), before);
    });
  });

  describe('the presentation', () => {
    const save = (agent: Agent, child: number, fields: Record<string, string>) =>
      postForm(agent, `/children/${child}/page/edit`, `/children/${child}/page`, fields);

    it('is saved by the group’s teacher and shown with who changed it', async () => {
      const row = await pageRow(elsa);
      const res = await save(agents.pedagog, elsa, { presentation: 'Elsa tycker om att måla.\r\nOch att sjunga.', version: String(row!.version) });
      assert.equal(res.status, 303);
      assert.equal((await pageRow(elsa))?.presentation, 'Elsa tycker om att måla.\nOch att sjunga.');
      const page = await agents.vardnadshavare2.get(`/children/${elsa}/page`);
      assert.match(page.text, /Elsa tycker om att måla\.<br>Och att sjunga\./);
      assert.match(page.text, /av Sara Holm/);
    });

    it('keeps what the user typed and says so when someone else saved in between (nothing overwritten)', async () => {
      const row = await pageRow(elsa);
      const stale = String(row!.version - 1);
      const res = await save(agents.vardnadshavare, elsa, { presentation: 'Min egen text', version: stale });
      assert.equal(res.status, 400);
      assert.match(res.text, /Någon annan sparade sidan medan du skrev/);
      assert.match(res.text, /<textarea [^>]*id="presentation"[^>]*>Min egen text<\/textarea>/);
      assert.match(res.text, new RegExp(`name="version" value="${row!.version}"`), 'the form now carries the version saved');
      assert.equal((await pageRow(elsa))?.presentation, row!.presentation);
    });

    it('is saved for a child whose page has no row yet, once: a second form of the same start is told it is stale', async () => {
      assert.equal(await pageRow(nora), undefined);
      assert.equal((await save(agents.vardnadshavare3, nora, { presentation: 'Nora', version: '0' })).status, 303);
      assert.equal((await pageRow(nora))?.presentation, 'Nora');
      assert.equal((await save(agents.pedagog, nora, { presentation: 'Annan', version: '0' })).status, 400);
      assert.equal((await pageRow(nora))?.presentation, 'Nora');
    });

    it('refuses a text over 2000 characters with the message at the field, the text kept', async () => {
      const row = await pageRow(elsa);
      const res = await save(agents.vardnadshavare, elsa, { presentation: 'a'.repeat(2001), version: String(row!.version) });
      await assertRefused(res, 'presentation', /högst 2000 tecken/);
      assert.match(res.text, /<textarea [^>]*id="presentation"[^>]*>a{2001}<\/textarea>/);
      assert.equal((await pageRow(elsa))?.version, row!.version);
    });
  });

  describe('the guestbook', () => {
    const write = (agent: Agent, child: number, greeting: string) =>
      postForm(agent, `/children/${child}/page`, `/children/${child}/guestbook`, { greeting });

    it('is not there while the unit does not use one', async () => {
      const page = await agents.vardnadshavare.get(`/children/${elsa}/page`);
      assert.doesNotMatch(page.text, /id="guestbook"/);
      assert.equal((await write(agents.vardnadshavare, elsa, 'Hej')).status, 404);
      assert.deepEqual(await entries(elsa), []);
    });

    it('takes greetings from home and from the staff, marked as the staff’s', async () => {
      await t.db.updateTable('unit_settings').set({ guestbook_enabled: 1 }).where('unit_id', '=', solrosen).execute();
      assert.equal((await write(agents.vardnadshavare, elsa, 'Tack för en fin vecka!')).status, 303);
      assert.equal((await write(agents.pedagog, elsa, 'Elsa målade en sol idag.')).status, 303);
      assert.deepEqual((await entries(elsa)).map((e) => [e.body, e.from_staff]), [['Tack för en fin vecka!', 0], ['Elsa målade en sol idag.', 1]]);
      const page = await agents.vardnadshavare2.get(`/children/${elsa}/page`);
      assert.match(page.text, /<strong>Sara Holm<\/strong> <span class="muted">\(personal\)<\/span>/);
      assert.match(page.text, /<strong>Emma Andersson<\/strong> <span class="muted">/);
      assert.ok(page.text.indexOf('Elsa målade en sol') < page.text.indexOf('Tack för en fin vecka'), 'newest first');
      assert.doesNotMatch(page.text, /guestbook\/\d+\/remove/, 'a guardian removes nothing');
    });

    it('refuses an empty greeting with the message at the field', async () => {
      const before = (await entries(elsa)).length;
      await assertRefused(await write(agents.vardnadshavare, elsa, '   '), 'greeting', /Skriv en hälsning/);
      assert.equal((await entries(elsa)).length, before);
    });

    it('is closed to another family of the group (404)', async () => {
      assert.equal((await write(agents.vardnadshavare3, elsa, 'Hej Elsa')).status, 404);
      assert.equal((await entries(elsa)).some((e) => e.body === 'Hej Elsa'), false);
    });

    it('lets the staff remove an entry, and no guardian; an entry of another child is not found', async () => {
      const [first] = await entries(elsa);
      const remove = (agent: Agent, child: number) => postForm(agent, `/children/${child}/page`, `/children/${child}/guestbook/${first.id}/remove`);
      assert.equal((await remove(agents.vardnadshavare, elsa)).status, 404);
      assert.equal((await remove(agents.pedagog, nora)).status, 404, 'the entry is not Nora’s');
      assert.equal((await remove(agents.pedagog, elsa)).status, 303);
      assert.deepEqual((await entries(elsa)).map((e) => e.body), ['Elsa målade en sol idag.']);
      assert.match((await agents.pedagog.get(`/children/${elsa}/page`)).text, /Hälsningen är borttagen\./);
    });
  });

  describe('strong login', () => {
    it('asks for it on the page where the municipality wants it for documentation; the picture in the switcher still shows', async () => {
      const demokommun = (await t.db.selectFrom('persons').select('municipality_id').where('id', '=', elsa).executeTakeFirstOrThrow()).municipality_id;
      const settings = await documentationSettings(t.db, demokommun);
      await saveDocumentationSettings(t.db, demokommun, { ...settings, strongLogin: true }, 1, t.clock.now());
      try {
        assert.equal((await agents.vardnadshavare.get(`/children/${elsa}/page`)).status, 403);
        assert.equal((await agents.pedagog.get(`/children/${elsa}/page/edit`)).status, 403);
        assert.equal((await agents.vardnadshavare.get(`/children/${elsa}/picture`)).status, 200);
        assert.equal((await agents.vardnadshavare3.get(`/children/${elsa}/page`)).status, 404, 'another family: still not found');
      } finally {
        await saveDocumentationSettings(t.db, demokommun, settings, 1, t.clock.now());
      }
      assert.equal((await agents.vardnadshavare.get(`/children/${elsa}/page`)).status, 200);
    });
  });

  describe('personal data', () => {
    it('puts the presentation, the picture and the guestbook in the guardian’s register extract, their own greetings as "you"', async () => {
      await t.db.insertInto('guestbook_entries').values({ child_id: elsa, author_id: await personId(t.db, 'Emma', 'Andersson'), body: 'Från mamma', created_at: t.clock.now().toISOString() }).execute();
      const subject = await PERSONAL_DATA.subjectOf(t.db, await personId(t.db, 'Emma', 'Andersson'));
      const part = await PERSONAL_DATA.extract(t.db, subject!);
      const page = part.sections.find((s) => s.title === 'personalData.sections.childPage' && s.childId === elsa);
      assert.equal(page?.rows[0].child_page_picture, 'barnets-bild.jpg');
      const file = part.files?.find((f) => f.childId === elsa && f.name === 'barnets-bild.jpg');
      assert.ok(file, 'the picture itself, in Elsa’s folder');
      assert.deepEqual(await sharp(Buffer.from(file.bytes)).metadata().then((m) => [m.format, m.width, m.height]), ['jpeg', 160, 200]);
      assert.equal(part.files?.some((f) => f.childId === nora), false, 'no other family’s child');
      const guestbook = part.sections.find((s) => s.title === 'personalData.sections.guestbook' && s.childId === elsa);
      assert.deepEqual(guestbook?.rows.map((r) => [r.greeting, r.by]), [['Elsa målade en sol idag.', 'other'], ['Från mamma', 'you']]);
    });

    it('sweeps the picture files no page names (a page retention removed), once old enough; others’ files stay', async () => {
      const dir = fs.mkdtempSync(path.join(t.config.dataDir, 'sweep-'));
      const folder = path.join(dir, 'media', 'children');
      fs.mkdirSync(folder, { recursive: true });
      const names = ['12-0123456789abcdef.jpg', '13-0123456789abcdef.jpg', '.14-0123456789abcdef.jpg.0123456789ab.partial', 'readme.txt', '15-fedcba9876543210.jpg'];
      for (const name of names) fs.writeFileSync(path.join(folder, name), 'x');
      const old = new Date('2026-11-01T00:00:00Z');
      for (const name of names.slice(0, 4)) fs.utimesSync(path.join(folder, name), old, old);
      const removed = await sweepPictureFiles(dir, new Set(['12-0123456789abcdef.jpg']), new Date('2026-11-20T00:00:00Z'));
      assert.deepEqual(removed.sort(), ['.14-0123456789abcdef.jpg.0123456789ab.partial', '13-0123456789abcdef.jpg']);
      assert.deepEqual(fs.readdirSync(folder).sort(), ['12-0123456789abcdef.jpg', '15-fedcba9876543210.jpg', 'readme.txt'], 'named, young and not ours stay');
    });

    it('removes the page and its guestbook with the child’s records', async () => {
      const rule = PERSONAL_DATA.rule('childPages');
      assert.ok(rule);
      const file = (await pageRow(elsa))?.picture_file;
      assert.ok(file);
      const others = fs.readdirSync(folder()).filter((f) => !f.startsWith(`${elsa}-`));
      const removed = await t.db.transaction().execute((trx) => rule.remove(trx, [elsa], { municipalityId: 1, today: '2026-11-24' }));
      assert.equal(removed, 3);
      assert.equal(await pageRow(elsa), undefined);
      assert.equal((await entries(elsa)).length, 0);
      assert.ok(fs.existsSync(path.join(folder(), file)), 'the file stays until the job queued with the removal runs');
      // ...and the job queued in the same transaction takes the picture's file, no other child's
      const runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
      registerChildPageJobs(runner, { db: t.db, dataDir: t.config.dataDir });
      assert.equal(await runner.runDue(), 1);
      await runner.stop();
      assert.deepEqual(fs.readdirSync(folder()).sort(), others.sort());
    });
  });
});
