// The portfolio's ZIP (/children/:childId/portfolio/export): the terms first, then one file with an index.html that
// opens offline and the original photos; for the child's guardians and the pupil only, while the child is placed and
// for the municipality's grace period after; a photo of another family's child without consent never in it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import request from 'supertest';
import { strFromU8, unzipSync } from 'fflate';
import { DEFAULT_NOW, demoPasswordHash, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { mediaFilePath } from '../../server/media/index.ts';
import { saveDocumentationSettings, DEFAULT_DOCUMENTATION_SETTINGS } from '../../server/documentation/settings.ts';
import { locateChildPortfolio, type PortfolioPost } from '../../server/documentation/export-queries.ts';
import { exportFiles, exportSummary, extensionOf } from '../../server/documentation/export-rules.ts';
import { consentOf, insertPost, storedPhoto, withoutDemoPosts } from './export-fixtures.ts';
import { addComment, addObservation, decideComment, decideObservation } from '../../server/documentation/comments-queries.ts';

const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('downloading a portfolio as a ZIP', () => {
  let t: TestApp;
  let elsa: number;
  let nora: number;
  let other: number; // a child of Blåbär whose guardians never answered (no consent)
  let consenting: number; // a child of Blåbär whose guardians said yes
  let blabar: number;
  let teacher: number;
  let demo: number;
  const photos: Record<string, Awaited<ReturnType<typeof storedPhoto>>> = {};
  const media: Record<string, number> = {};

  before(async () => {
    t = await startTestApp();
    await withoutDemoPosts(t.db);
    demo = await municipalityId(t.db, 'Demokommun');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
    teacher = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).person_id;
    blabar = await groupId(t.db, 'Blåbär');
    const others = await t.db.selectFrom('placements').select('child_id').where('group_id', '=', blabar)
      .where('child_id', 'not in', [elsa, nora]).where('end_date', 'is', null).orderBy('child_id').execute();
    [other, consenting] = [others[0].child_id, others[1].child_id];
    await consentOf(t.db, consenting, 'yes', teacher);
    for (const [name, color] of Object.entries({ own: { r: 200, g: 30, b: 30 }, withOther: { r: 30, g: 200, b: 30 }, withConsenting: { r: 30, g: 30, b: 200 }, nobody: { r: 200, g: 200, b: 30 }, nora: { r: 90, g: 90, b: 90 } })) {
      photos[name] = await storedPhoto(t.dir, color);
    }
    const lera = await insertPost(t.db, {
      groupId: blabar, kind: 'portfolio', title: 'Elsa formar lera', body: 'Elsa gjorde en skål.', reflection: 'Finmotoriken växer.', authorId: teacher,
      children: [elsa], media: [{ stored: photos.own, tagged: [elsa], caption: 'Skålen' }],
    });
    media.own = lera.mediaIds[0];
    // From home: a comment on the post and an observation with a photo, approved by the staff; others still waiting or refused.
    const emma = await personId(t.db, 'Emma', 'Andersson');
    const at = new Date('2026-11-22T17:00:00Z');
    const comment = await addComment(t.db, { postId: lera.postId, childId: elsa, by: emma, body: 'Skålen står på köksbordet nu!', at });
    await decideComment(t.db, comment, 'approved', teacher, at);
    const refused = await addComment(t.db, { postId: lera.postId, childId: elsa, by: emma, body: 'En refuserad kommentar', at });
    await decideComment(t.db, refused, 'rejected', teacher, at);
    photos.home = await storedPhoto(t.dir, { r: 240, g: 140, b: 20 });
    const seen = await addObservation(t.db, { childId: elsa, groupId: blabar, by: emma, body: 'Elsa bakade bullar hemma.', at,
      photo: { key: photos.home.key, mime: photos.home.mime, width: photos.home.width, height: photos.home.height } });
    await decideObservation(t.db, seen, 'approved', teacher, at);
    await addObservation(t.db, { childId: elsa, groupId: blabar, by: emma, body: 'En observation som väntar', at, photo: null });
    const skog = await insertPost(t.db, {
      groupId: blabar, kind: 'group', title: 'Skogsdag i Blåbär', authorId: teacher, publishedAt: '2026-11-23T10:00:00.000Z',
      media: [
        { stored: photos.withOther, tagged: [elsa, other], caption: 'Vid elden' },
        { stored: photos.withConsenting, tagged: [elsa, consenting], caption: 'I backen' },
        { stored: photos.nobody, noChildren: true, caption: 'Kojan' },
      ],
    });
    [media.withOther, media.withConsenting, media.nobody] = skog.mediaIds;
    await insertPost(t.db, { groupId: blabar, kind: 'portfolio', title: 'Utkast om Elsa', status: 'draft', authorId: teacher, children: [elsa] });
    await insertPost(t.db, {
      groupId: blabar, kind: 'portfolio', title: 'Noras målning', authorId: teacher, children: [nora], media: [{ stored: photos.nora, tagged: [nora] }],
    });
    await insertPost(t.db, { groupId: blabar, kind: 'blog', title: 'Veckans blogg', authorId: teacher });
  });
  after(() => t.close());

  async function download(username: string, childId: number) {
    const agent = await signIn(t.app, username);
    const res = await agent.get(`/children/${childId}/portfolio/export/download?accept=yes`).buffer(true).parse(binary);
    return res;
  }

  it('shows the terms for downloading and what the file holds before the download, and asks that the terms are read', async () => {
    const agent = await signIn(t.app, 'vardnadshavare');
    const page = await agent.get(`/children/${elsa}/portfolio/export`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Villkor för nedladdning/);
    assert.match(page.text, /endast för privat bruk/);
    assert.match(page.text, /Inlägg: 2/, 'the published post to Elsa and the group post; not the draft, not the blog, not Nora’s');
    assert.match(page.text, /Bilder: 4/, 'the photo with a child without consent is left out; the photo from home counted');
    assert.match(page.text, /Från hemmet: 1/, 'the approved home observation, not the waiting one');
    const refused = await agent.get(`/children/${elsa}/portfolio/export/download`);
    assert.equal(refused.status, 400);
    assert.match(refused.text, /<title>Fel:/);
    assert.match(refused.text, /Kryssa i att du har läst villkoren/);
    assert.doesNotMatch(String(refused.headers['content-type']), /zip/);
  });

  it('gives one ZIP with an index.html that opens offline and the original photos the family may see', async () => {
    const res = await download('vardnadshavare', elsa);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /application\/zip/);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="portfolj-/);
    assert.match(String(res.headers['cache-control']), /private/);
    assert.equal(res.headers['content-length'], undefined, 'streamed as it is written, not built whole first');
    const files = unzipSync(new Uint8Array(res.body as Buffer));
    const index = strFromU8(files['index.html']);
    assert.match(index, /Elsa formar lera/);
    assert.match(index, /Elsa gjorde en skål\./);
    assert.match(index, /Finmotoriken växer\./);
    assert.match(index, /Skogsdag i Blåbär/);
    assert.doesNotMatch(index, /Utkast om Elsa|Noras målning|Veckans blogg/);
    assert.doesNotMatch(index, /https?:\/\/|src="\//, 'nothing fetched from a server: every file by a relative path');
    const names = Object.keys(files).filter((n) => n.startsWith('media/'));
    const fileOf = (id: number) => names.find((n) => n.endsWith(`-${id}.jpg`));
    assert.ok(fileOf(media.own) && fileOf(media.withConsenting) && fileOf(media.nobody));
    assert.equal(fileOf(media.withOther), undefined, 'a photo with a child whose guardians gave no consent is not in another family’s ZIP');
    assert.equal(names.filter((n) => !n.startsWith('media/hemma-')).length, 3);
    // What the family wrote, once approved: the comment under its post, the observation with its photo.
    assert.match(index, /Skålen står på köksbordet nu!/);
    assert.match(index, /Elsa bakade bullar hemma\./);
    assert.doesNotMatch(index, /En refuserad kommentar|En observation som väntar/);
    const home = names.find((n) => n.startsWith('media/hemma-'));
    assert.ok(home && index.includes(`src="${home}"`));
    assert.deepEqual(Buffer.from(files[home]), await fs.readFile(mediaFilePath(t.dir, photos.home, 'full', 'jpeg')));
    for (const name of names) assert.ok(index.includes(`src="${name}"`), `${name} on the page`);
    const original = await fs.readFile(mediaFilePath(t.dir, photos.own, 'full', 'jpeg'));
    assert.deepEqual(Buffer.from(files[fileOf(media.own) as string]), original, 'the full-size JPEG the library made');
    // Only the family's own children are named among a photo's tags.
    const names2 = await t.db.selectFrom('persons').select('first_name').where('id', 'in', [other, consenting]).execute();
    for (const n of names2) assert.ok(!index.includes(n.first_name), `${n.first_name} is not named`);
    assert.match(index, /På bilden: Elsa/);
  });

  it('hides a photo at once when a guardian of a child in it withdraws the consent', async () => {
    const agent = await signIn(t.app, 'vardnadshavare');
    await consentOf(t.db, consenting, 'no', teacher, new Date('2026-11-24T08:30:00Z'));
    try {
      const res = await agent.get(`/children/${elsa}/portfolio/export/download?accept=yes`).buffer(true).parse(binary);
      const files = Object.keys(unzipSync(new Uint8Array(res.body as Buffer)));
      assert.ok(!files.some((n) => n.endsWith(`-${media.withConsenting}.jpg`)));
      assert.ok(files.some((n) => n.endsWith(`-${media.own}.jpg`)));
    } finally {
      await consentOf(t.db, consenting, 'yes', teacher, new Date('2026-11-24T08:40:00Z'));
    }
  });

  it('is the guardians’ (both homes) and the pupil’s: not another family’s, not staff’s, not found otherwise', async () => {
    assert.equal((await download('vardnadshavare2', elsa)).status, 200, 'the other home');
    for (const username of ['vardnadshavare3', 'pedagog', 'rektor', 'admin', 'grannadmin', 'elev']) {
      const agent = await signIn(t.app, username);
      assert.equal((await agent.get(`/children/${elsa}/portfolio/export`)).status, 404, username);
      assert.equal((await agent.get(`/children/${elsa}/portfolio/export/download?accept=yes`)).status, 404, username);
    }
    const anonymous = await request(t.app).get(`/children/${elsa}/portfolio/export`);
    assert.equal(anonymous.status, 303);
    assert.match(String(anonymous.headers.location), /^\/login/);
    const student = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'elev').executeTakeFirstOrThrow();
    assert.equal((await (await signIn(t.app, 'elev')).get(`/children/${student.person_id}/portfolio/export`)).status, 200, 'the pupil, their own');
  });

  it('leaves a row in the audit trail for each download, naming the child', async () => {
    const before = await t.db.selectFrom('audit_trail').select('id').where('action', '=', 'child.portfolio.export').execute();
    await download('vardnadshavare', elsa);
    const rows = await t.db.selectFrom('audit_trail').select(['child_id', 'method']).where('action', '=', 'child.portfolio.export')
      .where('id', 'not in', before.length ? before.map((r) => r.id) : [0]).execute();
    assert.deepEqual(rows, [{ child_id: elsa, method: 'GET' }]);
  });

  it('stays downloadable for the grace period after the last placement ended, then is not found', async () => {
    // Linnea left Blåbär on 31 October 2026; her guardian gets an account.
    const linnea = await personId(t.db, 'Linnea', 'Slutberg');
    const guardian = (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', linnea).executeTakeFirstOrThrow()).guardian_id;
    await t.db.insertInto('accounts').values({
      person_id: guardian, username: 'linneasmamma', username_key: 'linneasmamma', password_hash: await demoPasswordHash(), language: 'sv', created_at: DEFAULT_NOW,
    }).execute();
    await insertPost(t.db, { groupId: blabar, kind: 'portfolio', title: 'Linneas sista dag', authorId: teacher, children: [linnea], publishedAt: '2026-10-30T09:00:00.000Z' });
    const agent = await signIn(t.app, 'linneasmamma');
    try {
      const start = await agent.get('/');
      assert.match(start.text, new RegExp(`<a href="/children/${linnea}/portfolio/export">Ladda ner Linneas portfolio \\(till och med 29 januari 2027\\)</a>`),
        'her start page offers the download, though she sees none of Linnea’s boxes');
      const page = await agent.get(`/children/${linnea}/portfolio/export`);
      assert.equal(page.status, 200);
      assert.match(page.text, /till och med 29 januari 2027/, '90 days after 31 October');
      const files = unzipSync(new Uint8Array((await agent.get(`/children/${linnea}/portfolio/export/download?accept=yes`).buffer(true).parse(binary)).body as Buffer));
      assert.match(strFromU8(files['index.html']), /Linneas sista dag/);
      assert.doesNotMatch(strFromU8(files['index.html']), /Skogsdag i Blåbär/, 'the group’s documentation from after she left is not hers');
      // (The guard's locator on those days: a session cannot be moved two months on.)
      assert.ok(await locateChildPortfolio(t.db, linnea, '2027-01-29'), 'the last day');
      assert.equal(await locateChildPortfolio(t.db, linnea, '2027-01-30'), null, 'the day after');
      assert.deepEqual((await locateChildPortfolio(t.db, linnea, '2026-11-24'))?.groupIds, [], 'in no group: no staff rule holds');
      await saveDocumentationSettings(t.db, demo, { ...DEFAULT_DOCUMENTATION_SETTINGS, exportGraceDays: 10 }, teacher, new Date());
      assert.equal((await agent.get(`/children/${linnea}/portfolio/export`)).status, 404, 'a municipality’s shorter period');
      assert.doesNotMatch((await agent.get('/')).text, /portfolio\/export/, 'and the start page no longer offers it');
    } finally {
      await saveDocumentationSettings(t.db, demo, DEFAULT_DOCUMENTATION_SETTINGS, teacher, new Date());
    }
  });

  it('asks for a strong login where the municipality turned it on', async () => {
    const agent = await signIn(t.app, 'vardnadshavare');
    await t.db.insertInto('documentation_settings').values({
      municipality_id: demo, image_max_mb: 25, video_max_mb: 200, video_max_seconds: 120, audio_max_mb: 25, audio_max_seconds: 300,
      export_grace_days: 90, strong_login: 1,
    }).onConflict((oc) => oc.column('municipality_id').doUpdateSet({ strong_login: 1 })).execute();
    try {
      const refused = await agent.get(`/children/${elsa}/portfolio/export`);
      // (the municipality has no e-ID login here, so the page says so instead of sending the guardian to one)
      assert.equal(refused.status, 403);
      assert.match(refused.text, /kräver inloggning med BankID/);
      assert.equal((await (await signIn(t.app, 'vardnadshavare3')).get(`/children/${elsa}/portfolio/export`)).status, 404, 'not found first');
    } finally {
      await t.db.updateTable('documentation_settings').set({ strong_login: 0 }).where('municipality_id', '=', demo).execute();
    }
    assert.equal((await agent.get(`/children/${elsa}/portfolio/export`)).status, 200);
  });
});

describe('the ZIP’s files, decided on their own', () => {
  const post = (id: number, media: PortfolioPost['media']): PortfolioPost => ({
    id, kind: 'portfolio', title: '', body: '', reflection: '', publishedAt: '2026-11-20T09:00:00.000Z', author: '', media,
  });
  const medium = (id: number, kind: 'image' | 'video' | 'audio', mime: string) => ({
    id, kind, key: 'a'.repeat(64), mime, caption: '', width: null, height: null, durationMs: null, ownTagged: [],
  });

  it('takes a photo’s full-size JPEG and a video or sound file as uploaded, each named by day, post and medium', () => {
    const { list, byMedia } = exportFiles([post(3, [medium(7, 'image', 'image/jpeg'), medium(8, 'video', 'video/quicktime')]), post(2, [medium(5, 'audio', 'audio/mpeg')])]);
    assert.deepEqual(list.map((f) => [f.path, f.variant]), [
      ['media/2026-11-20-3-7.jpg', 'full'], ['media/2026-11-20-3-8.mov', 'file'], ['media/2026-11-20-2-5.mp3', 'file'],
    ]);
    assert.equal(byMedia[8], 'media/2026-11-20-3-8.mov');
    assert.equal(extensionOf('image', 'image/webp'), 'jpg', 'a photo is always its JPEG');
    assert.equal(extensionOf('audio', 'audio/mp4'), 'm4a');
    assert.equal(extensionOf('video', 'video/x-unknown'), 'mp4');
    assert.deepEqual(exportSummary([post(1, [medium(1, 'image', 'image/jpeg'), medium(2, 'audio', 'audio/ogg')]), post(2, [])]),
      { posts: 2, image: 1, video: 0, audio: 1, fromHome: 0 });
  });
});
