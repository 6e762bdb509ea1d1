// Documentation in the register extract and in retention: the extract holds the person's own children's portfolios
// with their photos as files, and nothing of another family (the photo rule); a child's documentation is removed with
// the child's records, never while the portfolio can still be downloaded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import { startTestApp, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { buildExtract, type Extract } from '../../server/privacy/extract.ts';
import { saveRetentionPeriods } from '../../server/privacy/queries.ts';
import { runRetention } from '../../server/privacy/retention.ts';
import { mediaFilePath } from '../../server/media/index.ts';
import { documentationPersonalData, registerDocumentationJobs, removeDocumentation } from '../../server/documentation/personal-data.ts';
import { addObservation, decideObservation } from '../../server/documentation/comments-queries.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { MEDIA_REMOVAL_GRACE_MS } from '../../server/documentation/media-sweep.ts';
import { FixedClock } from '../../server/kernel/clock.ts';
import { insertPost, storedPhoto, withoutDemoPosts } from './export-fixtures.ts';

/** The extract's ZIP, written to memory as the route writes it to the response. */
async function zipOf(extract: Extract): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  const out = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk); done(); } });
  await extract.write(out);
  return new Uint8Array(Buffer.concat(chunks));
}

describe('documentation’s personal data', () => {
  let t: TestApp;
  let ids: { emma: number; elsa: number; oskar: number; nora: number; linnea: number; teacher: number; blabar: number; demo: number };

  before(async () => {
    t = await startTestApp();
    await withoutDemoPosts(t.db);
    const blabar = await groupId(t.db, 'Blåbär');
    ids = {
      emma: await personId(t.db, 'Emma', 'Andersson'), elsa: await personId(t.db, 'Elsa', 'Andersson'), oskar: await personId(t.db, 'Oskar', 'Andersson'),
      nora: await personId(t.db, 'Nora', 'Haddad'), linnea: await personId(t.db, 'Linnea', 'Slutberg'), blabar, demo: await municipalityId(t.db, 'Demokommun'),
      teacher: (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).person_id,
    };
  });
  after(() => t.close());

  describe('the register extract', () => {
    it('holds the person’s children’s portfolio posts and their photos as files, nothing of another family', async () => {
      const { elsa, nora, teacher, blabar } = ids;
      const other = (await t.db.selectFrom('placements').select('child_id').where('group_id', '=', blabar).where('end_date', 'is', null)
        .where('child_id', 'not in', [elsa, nora]).orderBy('child_id').executeTakeFirstOrThrow()).child_id;
      const own = await storedPhoto(t.dir, { r: 250, g: 10, b: 10 });
      const withOther = await storedPhoto(t.dir, { r: 10, g: 250, b: 10 });
      const norasOwn = await storedPhoto(t.dir, { r: 10, g: 10, b: 250 });
      const mine = await insertPost(t.db, { groupId: blabar, kind: 'portfolio', title: 'Elsa bygger torn', reflection: 'Hon prövar balans.', authorId: teacher,
        children: [elsa], media: [{ stored: own, tagged: [elsa] }] });
      const shared = await insertPost(t.db, { groupId: blabar, kind: 'group', title: 'Gruppen sjunger', authorId: teacher,
        media: [{ stored: withOther, tagged: [elsa, other] }] });
      await insertPost(t.db, { groupId: blabar, kind: 'portfolio', title: 'Nora i sandlådan', authorId: teacher, children: [nora], media: [{ stored: norasOwn, tagged: [nora] }] });

      const extract = await buildExtract(t.db, PERSONAL_DATA, ids.emma, t.clock.now(), () => '<html></html>');
      assert.ok(extract);
      const files = unzipSync(await zipOf(extract));
      const json = strFromU8(files['registerutdrag.json']);
      const section = extract.document.sections.find((s) => s.title === 'personalData.sections.portfolio' && s.childId === elsa);
      assert.ok(section);
      assert.deepEqual(section.rows.map((r) => r.post_title).sort(), ['Elsa bygger torn', 'Gruppen sjunger']);
      assert.ok(!json.includes('Nora i sandlådan'), 'another family’s portfolio is not in it');
      const photos = Object.keys(files).filter((n) => n.startsWith(`barn-${elsa}/portfolj-`));
      assert.deepEqual(photos.map((n) => n.replace(/.*-(\d+)\.jpg$/, '$1')), [String(mine.mediaIds[0])],
        'the photo with a child without consent is left out; Nora’s never in it');
      assert.deepEqual(Buffer.from(files[photos[0]]), fs.readFileSync(mediaFilePath(t.dir, own, 'full', 'jpeg')));
      assert.ok(section.rows.some((r) => String(r.post_files).includes(photos[0].split('/')[1])), 'the row names its file');
      assert.equal(shared.mediaIds.length, 1);
    });
  });

  describe('the register extract’s files', () => {
    it('holds the home observations’ photos, and names each file without reading any into memory (read while the ZIP is written)', async () => {
      const { emma, elsa, blabar, teacher } = ids;
      await withoutDemoPosts(t.db);
      const home = await storedPhoto(t.dir, { r: 33, g: 144, b: 55 });
      const waiting = await storedPhoto(t.dir, { r: 34, g: 145, b: 56 });
      const post = await insertPost(t.db, { groupId: blabar, kind: 'portfolio', title: 'Elsa och tornet', authorId: teacher, children: [elsa],
        media: [{ stored: await storedPhoto(t.dir, { r: 35, g: 146, b: 57 }), tagged: [elsa] }] });
      const at = new Date('2026-11-22T17:00:00Z');
      const approved = await addObservation(t.db, { childId: elsa, groupId: blabar, by: emma, body: 'Elsa bakade.', at, photo: home });
      await decideObservation(t.db, approved, 'approved', teacher, at);
      const pending = await addObservation(t.db, { childId: elsa, groupId: blabar, by: emma, body: 'Elsa cyklade.', at, photo: waiting });
      await addObservation(t.db, { childId: elsa, groupId: blabar, by: emma, body: 'Utan bild.', at, photo: null });

      const subject = await PERSONAL_DATA.subjectOf(t.db, emma);
      assert.ok(subject);
      const part = await documentationPersonalData.extract?.(t.db, subject);
      assert.ok(part);
      assert.equal(part.files, undefined, 'no file’s bytes in memory');
      const own = (part.stored ?? []).filter((f) => f.childId === elsa);
      assert.deepEqual(own.map((f) => f.name).sort(), [
        `portfolj-2026-11-20-${post.postId}-${post.mediaIds[0]}.jpg`, `portfolj-hemma-2026-11-22-${approved}.jpg`, `portfolj-hemma-2026-11-22-${pending}.jpg`,
      ]);
      for (const f of own) assert.ok(fs.existsSync(f.source), f.source);

      const extract = await buildExtract(t.db, PERSONAL_DATA, emma, t.clock.now(), () => '<html></html>');
      assert.ok(extract);
      const files = unzipSync(await zipOf(extract));
      assert.deepEqual(Buffer.from(files[`barn-${elsa}/portfolj-hemma-2026-11-22-${approved}.jpg`]), fs.readFileSync(mediaFilePath(t.dir, home, 'full', 'jpeg')));
      assert.ok(files[`barn-${elsa}/portfolj-hemma-2026-11-22-${pending}.jpg`], 'every observation’s photo the family sent: theirs, waiting or not');
      const observations = extract.document.sections.find((s) => s.title === 'personalData.sections.homeObservations' && s.childId === elsa);
      assert.deepEqual(observations?.rows.map((r) => r.photo).sort(), ['', `portfolj-hemma-2026-11-22-${approved}.jpg`, `portfolj-hemma-2026-11-22-${pending}.jpg`],
        'each row names its photo’s file');
      assert.ok(extract.document.files.some((f) => f.path === `barn-${elsa}/portfolj-hemma-2026-11-22-${approved}.jpg`));

      // Elsa's father, in another home: the approved observation, never Emma's still waiting (nor its photo).
      const johan = await personId(t.db, 'Johan', 'Berg');
      const his = await buildExtract(t.db, PERSONAL_DATA, johan, t.clock.now(), () => '<html></html>');
      assert.ok(his);
      const hisFiles = unzipSync(await zipOf(his));
      assert.ok(hisFiles[`barn-${elsa}/portfolj-hemma-2026-11-22-${approved}.jpg`], 'the approved one');
      assert.equal(hisFiles[`barn-${elsa}/portfolj-hemma-2026-11-22-${pending}.jpg`], undefined, 'not the other home’s waiting photo');
      const hisRows = his.document.sections.find((s) => s.title === 'personalData.sections.homeObservations' && s.childId === elsa)?.rows ?? [];
      assert.deepEqual(hisRows.map((r) => r.body), ['Elsa bakade.']);
    });
  });

  describe('retention', () => {
    it('removes a child’s documentation with the child’s records, only after the grace period for downloading, and nothing of others', async () => {
      const { elsa, linnea, teacher, blabar, demo } = ids;
      await withoutDemoPosts(t.db);
      const photo = await storedPhoto(t.dir, { r: 120, g: 60, b: 200 }); // (also in Elsa's posts: its files stay)
      const herOwn = await storedPhoto(t.dir, { r: 121, g: 61, b: 201 }); // (hers alone: its files go)
      const hers = await insertPost(t.db, { groupId: blabar, kind: 'portfolio', title: 'Linneas teckning', authorId: teacher, children: [linnea],
        publishedAt: '2026-10-20T09:00:00.000Z', media: [{ stored: herOwn, tagged: [linnea] }, { stored: photo, tagged: [linnea] }] });
      const both = await insertPost(t.db, { groupId: blabar, kind: 'portfolio', title: 'Linnea och Elsa', authorId: teacher, children: [linnea, elsa],
        publishedAt: '2026-10-21T09:00:00.000Z' });
      const group = await insertPost(t.db, { groupId: blabar, kind: 'group', title: 'Höstlöv', authorId: teacher, publishedAt: '2026-10-22T09:00:00.000Z',
        media: [{ stored: photo, tagged: [linnea, elsa] }, { stored: photo, tagged: [elsa] }] });
      const elsas = await insertPost(t.db, { groupId: blabar, kind: 'portfolio', title: 'Elsas bok', authorId: teacher, children: [elsa],
        media: [{ stored: photo, tagged: [elsa] }] });
      // Linnea left on 31 October 2026: documentation kept one month would go after 30 November, but the portfolio can
      // be downloaded for 90 days, to 29 January 2027.
      await saveRetentionPeriods(t.db, demo, { months: new Map([['documentation', 1]]) }, teacher, new Date());
      const state = async () => ({
        posts: (await t.db.selectFrom('posts').select('id').orderBy('id').execute()).map((r) => r.id),
        postChildren: (await t.db.selectFrom('post_children').select(['post_id', 'child_id']).orderBy('post_id').orderBy('child_id').execute()),
        media: (await t.db.selectFrom('post_media').select('id').orderBy('id').execute()).map((r) => r.id),
        tags: (await t.db.selectFrom('post_media_children').select(['media_id', 'child_id']).orderBy('media_id').orderBy('child_id').execute()),
      });
      const before = await state();
      await runRetention(t.db, PERSONAL_DATA, '2027-01-29');
      assert.deepEqual(await state(), before, 'kept on the last day the portfolio can be downloaded');
      await runRetention(t.db, PERSONAL_DATA, '2027-01-30');
      const afterGrace = await state();
      assert.deepEqual(afterGrace.posts, [both.postId, group.postId, elsas.postId], 'her own post gone; a post to several and the group post stay');
      assert.deepEqual(afterGrace.postChildren, [{ post_id: both.postId, child_id: elsa }, { post_id: elsas.postId, child_id: elsa }]);
      assert.deepEqual(afterGrace.media, [group.mediaIds[1], elsas.mediaIds[0]], 'every photo she is in goes, wherever it was');
      assert.deepEqual(afterGrace.tags, [{ media_id: group.mediaIds[1], child_id: elsa }, { media_id: elsas.mediaIds[0], child_id: elsa }]);
      assert.ok(!afterGrace.media.includes(hers.mediaIds[0]));
      // The files leave the disk after the transaction, through the sweep job: those no row names any more.
      const full = (stored: typeof photo) => mediaFilePath(t.dir, stored, 'full', 'jpeg');
      assert.ok(fs.existsSync(full(herOwn)), 'not before the job runs');
      // (the sweep leaves a folder written within its grace, by the file system's clock: these were written just now)
      const longAgo = new Date(Date.now() - 2 * MEDIA_REMOVAL_GRACE_MS);
      for (const stored of [herOwn, photo]) fs.utimesSync(path.dirname(full(stored)), longAgo, longAgo);
      const runner = new JobRunner({ db: t.db, clock: new FixedClock('2027-01-30T12:00:00Z'), log: () => undefined });
      registerDocumentationJobs(runner, { db: t.db, dataDir: t.dir });
      await runner.runDue();
      await runner.stop();
      assert.equal(fs.existsSync(full(herOwn)), false, 'her own photo’s files are gone');
      assert.ok(fs.existsSync(full(photo)), 'a file another row still names stays');
      await t.db.deleteFrom('retention_periods').execute();
    });

    it('removes every given child’s documentation when asked without a day (the registry’s plain call)', async () => {
      await withoutDemoPosts(t.db);
      const post = await insertPost(t.db, { groupId: ids.blabar, kind: 'portfolio', title: 'Oskar', authorId: ids.teacher, children: [ids.oskar] });
      assert.ok(await removeDocumentation(t.db, [ids.oskar]) >= 2);
      assert.equal(await t.db.selectFrom('posts').select('id').where('id', '=', post.postId).executeTakeFirst(), undefined);
    });
  });
});
