// Staff write posts: a draft to the group, its blog or chosen children's portfolios, photos uploaded to it (a plain
// multi-file form, or one file at a time with an upload key that makes a retry harmless), each photo's children or
// "inga barn på bilden", publishing under the consent and protected-identity rules, a stale save, removing a photo
// or the whole post (the files leave the disk). The real app, the demo's Blåbär: pedagog is its teacher, Elsa (both
// guardians' consent given here) and Nora (protected identity) are placed in it.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { csrfOf, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { mediaFilePath, mediaLimits, storeMedia } from '../../server/media/index.ts';
import { updatePost } from '../../server/documentation/queries.ts';
import { MEDIA_REMOVAL_GRACE_MS, registerDocumentationJobs } from '../../server/documentation/media-sweep.ts';
import { documentationSettings } from '../../server/documentation/settings.ts';
import { FixedClock } from '../../server/kernel/clock.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { tempDir } from '../support/system.ts';
import { mp3 } from '../media/fixtures.ts';
import { DEFAULT_LANGUAGE, translator } from '../../server/kernel/i18n.ts';

const SV = translator(DEFAULT_LANGUAGE);
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
/** Whether the page says the catalogue's Swedish text (as Eta writes it). */
const says = (html: string, key: string, params?: Record<string, unknown>) => html.includes(escaped(String(SV(key, params))));

const drawing = (r: number) => sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g: 120, b: 60 } } }).jpeg().toBuffer();

describe('staff write posts', () => {
  let t: TestApp;
  let pedagog: Agent;
  let blabar: number;
  let elsa: number;
  let nora: number;
  let oskar: number;
  let elsaGuardians: number[];

  before(async () => {
    t = await startTestApp();
    pedagog = await signIn(t.app, 'pedagog');
    blabar = await groupId(t.db, 'Blåbär');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    elsaGuardians = (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', elsa).execute()).map((g) => g.guardian_id);
  });
  after(() => t.close());

  /** Elsa's guardians' answers: yes from both, or one of them saying no. */
  async function consentForElsa(answer: 'yes' | 'no') {
    await t.db.deleteFrom('photo_consents').where('child_id', '=', elsa).execute();
    for (const [i, guardian] of elsaGuardians.entries()) {
      await t.db.insertInto('photo_consents').values({ child_id: elsa, guardian_id: guardian, answer: i === 0 ? answer : 'yes', source: 'paper',
        answered_on: '2026-11-20', recorded_by: 1, recorded_at: '2026-11-20T10:00:00Z' }).execute();
    }
  }

  async function newDraft(fields: Record<string, string | string[]> = {}): Promise<number> {
    const res = await postForm(pedagog, `/groups/${blabar}/posts/new`, `/groups/${blabar}/posts`,
      { kind: 'group', title: 'Vattenlek', body: 'Vi hällde vatten mellan kannor.', reflection: '', ...fields });
    assert.equal(res.status, 303, res.text);
    const id = Number(res.headers.location.match(/^\/posts\/(\d+)\/edit$/)?.[1]);
    assert.ok(id > 0, res.headers.location);
    return id;
  }

  async function upload(postId: number, files: [Buffer, string][], fields: Record<string, string> = {}) {
    const token = await csrfOf(pedagog);
    let req = pedagog.post(`/posts/${postId}/media`).field('_csrf', token);
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    for (const [bytes, name] of files) req = req.attach('files', bytes, name);
    return req;
  }

  const mediaOf = (postId: number) => t.db.selectFrom('post_media').select(['id', 'file_key', 'kind', 'upload_key', 'no_children', 'caption'])
    .where('post_id', '=', postId).orderBy('position').orderBy('id').execute();
  const postRow = (postId: number) => t.db.selectFrom('posts').selectAll().where('id', '=', postId).executeTakeFirst();
  const tagsOf = async (mediaId: number) => (await t.db.selectFrom('post_media_children').select('child_id').where('media_id', '=', mediaId)
    .orderBy('child_id').execute()).map((r) => r.child_id);

  /** The edit form as its page would send it, with `changes` over the stored values. */
  async function editForm(postId: number, changes: Record<string, string | string[]>): Promise<[string, string][]> {
    const post = (await postRow(postId))!;
    const base: Record<string, string | string[]> = { version: String(post.version), kind: post.kind, title: post.title, body: post.body, reflection: post.reflection };
    const merged = { ...base, ...changes };
    return Object.entries(merged).flatMap(([name, value]) => [value].flat().map((v): [string, string] => [name, v]));
  }

  beforeEach(async () => consentForElsa('yes'));

  it('makes a draft of the group, listed for the group\'s staff, nothing published', async () => {
    const id = await newDraft({ title: 'Höstlöv' });
    const post = await postRow(id);
    assert.equal(post?.status, 'draft');
    assert.equal(post?.kind, 'group');
    assert.equal(post?.group_id, blabar);
    assert.equal(post?.published_at, null);
    const list = await pedagog.get(`/groups/${blabar}/posts`);
    assert.equal(list.status, 200);
    assert.match(list.text, /Höstlöv/);
    assert.ok(says(list.text, 'documentation.write.status.draft'));
  });

  it('refuses a post without a title, and a portfolio without children, with the form kept and nothing saved', async () => {
    const before = (await t.db.selectFrom('posts').select('id').execute()).length;
    const res = await postForm(pedagog, `/groups/${blabar}/posts/new`, `/groups/${blabar}/posts`,
      { kind: 'portfolio', title: '', body: 'Texten jag skrev', reflection: '' });
    assert.equal(res.status, 400);
    assert.ok(says(res.text, 'documentation.write.errors.titleMissing'));
    assert.ok(says(res.text, 'documentation.write.errors.noChildren'));
    assert.match(res.text, /Texten jag skrev/);
    assert.equal((await t.db.selectFrom('posts').select('id').execute()).length, before);
  });

  it('refuses a child who is not in the group (Oskar is in 2B)', async () => {
    const res = await postForm(pedagog, `/groups/${blabar}/posts/new`, `/groups/${blabar}/posts`,
      { kind: 'portfolio', title: 'Till Oskar', body: 'x', children: [String(oskar)] });
    assert.equal(res.status, 400);
    assert.ok(says(res.text, 'documentation.write.errors.notInGroup'));
  });

  it('takes two photos in one plain form, refuses the broken one by name and keeps the other, and stores them on disk', async () => {
    const id = await newDraft();
    const res = await upload(id, [[await drawing(10), 'gungan.jpg'], [Buffer.from('inte en bild'), 'lista.jpg'], [await drawing(200), 'sandlådan.jpg']]);
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /lista\.jpg/);
    assert.ok(res.text.includes(escaped(String(SV('documentation.write.upload.refused.notMedia')))));
    const media = await mediaOf(id);
    assert.equal(media.length, 2);
    for (const m of media) {
      assert.equal(m.kind, 'image');
      assert.ok(fs.existsSync(mediaFilePath(t.config.dataDir, { key: m.file_key, kind: 'image', mime: 'image/jpeg' }, 'thumb', 'jpeg')));
    }
  });

  it('adds a file sent twice with the same upload key once (a retry), and answers the script with the photo\'s part of the form', async () => {
    const id = await newDraft();
    const photo = await drawing(30);
    const first = await upload(id, [[photo, 'rutschkanan.jpg']], { upload_key: 'retry-key-0001' });
    assert.equal(first.status, 200, first.text);
    assert.match(first.text, /class="media-item"/);
    assert.match(first.text, /name="caption-\d+"/);
    const again = await upload(id, [[photo, 'rutschkanan.jpg']], { upload_key: 'retry-key-0001' });
    assert.equal(again.status, 200);
    const media = await mediaOf(id);
    assert.deepEqual(media.map((m) => m.upload_key), ['retry-key-0001']);
    assert.match(again.text, new RegExp(`name="caption-${media[0].id}"`));
  });

  it('refuses to publish a photo that says neither its children nor "inga barn på bilden"', async () => {
    const id = await newDraft();
    await upload(id, [[await drawing(40), 'a.jpg']]);
    const res = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/publish`, await editForm(id, {}));
    assert.equal(res.status, 400);
    assert.ok(says(res.text, 'documentation.write.errors.untagged'));
    assert.equal((await postRow(id))?.status, 'draft');
  });

  it('publishes a group post whose photos carry a consented child and "inga barn på bilden"', async () => {
    const id = await newDraft();
    await upload(id, [[await drawing(50), 'elsa.jpg'], [await drawing(60), 'tomt.jpg']]);
    const [withElsa, empty] = await mediaOf(id);
    const res = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/publish`, await editForm(id, {
      [`children-${withElsa.id}`]: String(elsa), [`caption-${withElsa.id}`]: 'Elsa bygger', [`nochildren-${empty.id}`]: 'yes',
    }));
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, `/groups/${blabar}/posts`);
    const post = await postRow(id);
    assert.equal(post?.status, 'published');
    assert.equal(post?.published_at, t.clock.now().toISOString());
    assert.deepEqual(await tagsOf(withElsa.id), [elsa]);
    const media = await mediaOf(id);
    assert.deepEqual(media.map((m) => [m.caption, m.no_children]), [['Elsa bygger', 0], ['', 1]]);
  });

  it('refuses to tag a child without every guardian\'s consent in a group post: the message at the photo, nothing published', async () => {
    await consentForElsa('no');
    const id = await newDraft();
    await upload(id, [[await drawing(70), 'elsa.jpg']]);
    const [medium] = await mediaOf(id);
    const res = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/publish`, await editForm(id, { [`children-${medium.id}`]: String(elsa), title: 'Mitt nya namn' }));
    assert.equal(res.status, 400);
    assert.ok(says(res.text, 'documentation.write.errors.noConsent', { names: 'Elsa' }));
    assert.match(res.text, /Mitt nya namn/, 'the form keeps what was typed');
    const post = await postRow(id);
    assert.deepEqual([post?.status, post?.title], ['draft', 'Vattenlek']);
    assert.deepEqual(await tagsOf(medium.id), []);
  });

  it('never tags a child with protected identity in a group post, nor lets the text name her', async () => {
    const id = await newDraft();
    await upload(id, [[await drawing(80), 'nora.jpg']]);
    const [medium] = await mediaOf(id);
    const edit = await pedagog.get(`/posts/${id}/edit`);
    assert.doesNotMatch(edit.text, new RegExp(`name="children-${medium.id}" value="${nora}"`), 'no checkbox for Nora');
    const tagged = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/publish`, await editForm(id, { [`children-${medium.id}`]: String(nora) }));
    assert.equal(tagged.status, 400);
    assert.ok(says(tagged.text, 'documentation.write.errors.protectedTagged', { names: 'Nora' }));
    const named = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/publish`,
      await editForm(id, { body: 'Noras teckning blev fin.', [`nochildren-${medium.id}`]: 'yes' }));
    assert.equal(named.status, 400);
    assert.ok(says(named.text, 'documentation.write.errors.protectedNamed', { name: 'Nora' }));
    assert.equal((await postRow(id))?.status, 'draft');
  });

  it('lets a portfolio post to one child show that child without consent, but not a post to two families', async () => {
    await consentForElsa('no');
    const alone = await newDraft({ kind: 'portfolio', children: [String(elsa)] });
    await upload(alone, [[await drawing(90), 'elsa.jpg']]);
    const [own] = await mediaOf(alone);
    const ok = await postForm(pedagog, `/posts/${alone}/edit`, `/posts/${alone}/publish`,
      await editForm(alone, { children: [String(elsa)], [`children-${own.id}`]: String(elsa) }));
    assert.equal(ok.status, 303, ok.text);
    assert.equal((await postRow(alone))?.status, 'published');

    const two = await newDraft({ kind: 'portfolio', children: [String(elsa), String(nora)] });
    await upload(two, [[await drawing(100), 'elsa.jpg']]);
    const [shared] = await mediaOf(two);
    const refused = await postForm(pedagog, `/posts/${two}/edit`, `/posts/${two}/publish`,
      await editForm(two, { children: [String(elsa), String(nora)], [`children-${shared.id}`]: String(elsa) }));
    assert.equal(refused.status, 400);
    assert.ok(says(refused.text, 'documentation.write.errors.portfolioNoConsent', { names: 'Elsa' }));
    assert.equal((await postRow(two))?.status, 'draft');
  });

  it('refuses a save over someone else\'s newer one, keeping what was typed, and saves nothing', async () => {
    const id = await newDraft();
    const stale = await editForm(id, { title: 'Min rubrik' });
    const first = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/edit`, await editForm(id, { title: 'Kollegans rubrik' }));
    assert.equal(first.status, 303);
    const second = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/edit`, stale);
    assert.equal(second.status, 409);
    assert.ok(says(second.text, 'documentation.write.errors.stale'));
    assert.match(second.text, /Min rubrik/);
    assert.equal((await postRow(id))?.title, 'Kollegans rubrik');
    assert.match(second.text, /name="version" value="2"/, 'saving this form again is a choice made knowing');
  });

  /** The full-size file of a stored photo, and its key's folder. */
  const photoFile = (key: string) => mediaFilePath(t.config.dataDir, { key, kind: 'image', mime: 'image/jpeg' }, 'full', 'jpeg');
  /** Makes the key's folder look last written `minutes` ago (by the file system's clock, which the sweep's grace counts by). */
  function age(key: string, minutes: number) {
    const then = new Date(Date.now() - minutes * 60_000);
    fs.utimesSync(path.dirname(photoFile(key)), then, then);
  }
  /** The jobs a runner finds due `minutes` after the app's clock, with documentation's sweep registered (as main.ts does). */
  async function runJobsAfter(minutes: number) {
    const runner = new JobRunner({ db: t.db, clock: new FixedClock(new Date(t.clock.now().getTime() + minutes * 60_000).toISOString()), log: () => undefined });
    registerDocumentationJobs(runner, { db: t.db, dataDir: t.config.dataDir });
    await runner.runDue();
    await runner.stop();
  }
  const grace = MEDIA_REMOVAL_GRACE_MS / 60_000;

  it('removes a photo\'s files through the sweep, a grace later, never while another post holds the identical file', async () => {
    const [a, b] = [await newDraft(), await newDraft()];
    const photo = await drawing(110);
    await upload(a, [[photo, 'ett.jpg']]);
    await upload(b, [[photo, 'samma.jpg']]);
    const [[first], [second]] = [await mediaOf(a), await mediaOf(b)];
    assert.equal(first.file_key, second.file_key, 'the same content, the same key');
    const key = first.file_key;
    assert.equal((await postForm(pedagog, `/posts/${a}/edit`, `/posts/${a}/media/${first.id}/delete`)).status, 303);
    assert.ok(fs.existsSync(photoFile(key)), 'nothing leaves the disk at once');
    age(key, grace + 1);
    await runJobsAfter(grace + 1);
    assert.ok(fs.existsSync(photoFile(key)), 'the other post still names the files');
    const served = await pedagog.get(`/media/${second.id}/thumb.jpg`);
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/jpeg');
    assert.ok(served.body.length > 0);
    await postForm(pedagog, `/posts/${b}/edit`, `/posts/${b}/media/${second.id}/delete`);
    assert.deepEqual(await mediaOf(b), []);
    assert.ok(fs.existsSync(photoFile(key)), 'still there right after');
    await runJobsAfter(grace / 2);
    assert.ok(fs.existsSync(photoFile(key)), 'the sweep is not due within the grace');
    await runJobsAfter(grace + 1);
    assert.ok(!fs.existsSync(path.dirname(photoFile(key))), 'no photo names the files: the folder goes after the grace');
  });

  it('keeps a removed photo\'s folder that an identical upload found within the grace, before its row was written', async () => {
    const a = await newDraft();
    const photo = await drawing(111);
    await upload(a, [[photo, 'ett.jpg']]);
    const [medium] = await mediaOf(a);
    await postForm(pedagog, `/posts/${a}/edit`, `/posts/${a}/media/${medium.id}/delete`);
    age(medium.file_key, grace + 1);
    // The same photo uploaded at that moment: the store finds the folder (and marks it written), its row not yet written.
    const dir = tempDir('same-photo');
    fs.writeFileSync(path.join(dir, 'samma.jpg'), photo);
    const limits = mediaLimits(await documentationSettings(t.db, (await t.db.selectFrom('posts').select('municipality_id').where('id', '=', a).executeTakeFirstOrThrow()).municipality_id));
    const stored = await storeMedia(t.config.dataDir, { path: path.join(dir, 'samma.jpg'), originalName: 'samma.jpg', size: photo.length }, limits);
    assert.ok(stored.ok && stored.media.key === medium.file_key);
    fs.rmSync(dir, { recursive: true, force: true });
    await runJobsAfter(grace + 1);
    assert.ok(fs.existsSync(photoFile(medium.file_key)), 'written within the grace: left (retention\'s sweep judges it later)');
  });

  it('deletes a post after asking, with its media, children and files', async () => {
    const id = await newDraft({ kind: 'portfolio', children: [String(elsa)] });
    await upload(id, [[await drawing(120), 'borta.jpg']]);
    const [medium] = await mediaOf(id);
    const file = mediaFilePath(t.config.dataDir, { key: medium.file_key, kind: 'image', mime: 'image/jpeg' }, 'full', 'jpeg');
    assert.ok(fs.existsSync(file));
    const asked = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/delete`);
    assert.equal(asked.status, 200);
    assert.equal((await postRow(id))?.id, id, 'nothing deleted before the answer');
    const done = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/delete`, { confirm: 'yes' });
    assert.equal(done.status, 303);
    assert.equal(await postRow(id), undefined);
    assert.deepEqual(await mediaOf(id), []);
    assert.deepEqual(await t.db.selectFrom('post_children').select('child_id').where('post_id', '=', id).execute(), []);
    assert.ok(fs.existsSync(file), 'the files wait for the sweep');
    age(medium.file_key, grace + 1);
    await runJobsAfter(grace + 1);
    assert.ok(!fs.existsSync(file));
  });

  it('takes new photos into a published post, shown to the families only once their children are marked under the same rules', async () => {
    const id = await newDraft();
    await upload(id, [[await drawing(125), 'först.jpg']]);
    const [first] = await mediaOf(id);
    const published = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/publish`, await editForm(id, { [`nochildren-${first.id}`]: 'yes' }));
    assert.equal(published.status, 303, published.text);
    const family = await signIn(t.app, 'vardnadshavare');
    assert.equal((await family.get(`/media/${first.id}/thumb.jpg`)).status, 200, 'the published photo');

    // A plain upload and one from the upload script (its key, the medium's part of the form back).
    const plain = await upload(id, [[await drawing(130), 'sen.jpg']]);
    assert.equal(plain.status, 303, plain.text);
    const scripted = await upload(id, [[await drawing(135), 'senare.jpg']], { upload_key: 'sen-bild-0001' });
    assert.equal(scripted.status, 200, scripted.text);
    assert.ok(says(scripted.text, 'documentation.write.media.notShownYet'), 'the script’s part says it is not shown yet');
    const [, late, later] = await mediaOf(id);
    assert.ok(late && later);
    assert.equal((await postRow(id))?.status, 'published', 'still published, with its first photo');
    const edit = await pedagog.get(`/posts/${id}/edit`);
    assert.ok(says(edit.text, 'documentation.write.upload.published'));
    assert.equal(edit.text.split(escaped(String(SV('documentation.write.media.notShownYet')))).length - 1, 2, 'each new photo says so');
    const unseen = async () => {
      const page = await family.get(`/posts/${id}`);
      assert.equal(page.status, 200);
      assert.ok(page.text.includes(`/media/${first.id}/`));
      for (const m of [late, later]) {
        assert.ok(!page.text.includes(`/media/${m.id}/`), `the new photo ${m.id} is not on the family’s page`);
        assert.equal((await family.get(`/media/${m.id}/thumb.jpg`)).status, 404, `nor sent to them (${m.id})`);
      }
      assert.equal((await pedagog.get(`/media/${late.id}/thumb.jpg`)).status, 200, 'the staff see it');
    };
    await unseen();

    // The same checks as publishing: a child without consent is refused at the photo, nothing saved; a photo left
    // unmarked keeps the save from going through.
    await consentForElsa('no');
    const refused = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/edit`, await editForm(id, {
      [`nochildren-${first.id}`]: 'yes', [`children-${late.id}`]: String(elsa), [`nochildren-${later.id}`]: 'yes', title: 'Ny rubrik',
    }));
    assert.equal(refused.status, 400);
    assert.ok(says(refused.text, 'documentation.write.errors.noConsent', { names: 'Elsa' }));
    const unmarked = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/edit`, await editForm(id, { [`nochildren-${first.id}`]: 'yes' }));
    assert.equal(unmarked.status, 400);
    assert.ok(says(unmarked.text, 'documentation.write.errors.untagged'));
    assert.deepEqual([(await postRow(id))?.title, await tagsOf(late.id)], ['Vattenlek', []]);
    await unseen();

    await consentForElsa('yes');
    const saved = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/edit`, await editForm(id, {
      [`nochildren-${first.id}`]: 'yes', [`children-${late.id}`]: String(elsa), [`nochildren-${later.id}`]: 'yes',
    }));
    assert.equal(saved.status, 303, saved.text);
    for (const m of [first, late, later]) assert.equal((await family.get(`/media/${m.id}/thumb.jpg`)).status, 200, `shown once marked (${m.id})`);
  });

  it('stores nothing of an upload without the form\'s token (the token is checked before a file is written)', async () => {
    const id = await newDraft();
    const mediaDir = `${t.config.dataDir}/media/docs`;
    const filesBefore = fs.existsSync(mediaDir) ? fs.readdirSync(mediaDir, { recursive: true }).length : 0;
    const res = await pedagog.post(`/posts/${id}/media`).field('_csrf', 'wrong-token').attach('files', await drawing(140), 'forged.jpg');
    assert.equal(res.status, 403);
    assert.deepEqual(await mediaOf(id), []);
    assert.equal(fs.existsSync(mediaDir) ? fs.readdirSync(mediaDir, { recursive: true }).length : 0, filesBefore, 'no file written');
  });

  it('takes a sound clip, which needs no children to be published', async () => {
    const id = await newDraft();
    const res = await upload(id, [[mp3(200), 'sång.mp3']]);
    assert.equal(res.status, 303, res.text);
    const [clip] = await mediaOf(id);
    assert.equal(clip.kind, 'audio');
    const edit = await pedagog.get(`/posts/${id}/edit`);
    assert.match(edit.text, new RegExp(`<audio controls preload="metadata" src="/media/${clip.id}/file">`));
    assert.doesNotMatch(edit.text, new RegExp(`name="nochildren-${clip.id}"`));
    const published = await postForm(pedagog, `/posts/${id}/edit`, `/posts/${id}/publish`, await editForm(id, {}));
    assert.equal(published.status, 303, published.text);
  });

  it('lets one of two saves of the same version win, the other told it is stale (at the same moment)', async () => {
    const id = await newDraft();
    const change = (title: string) => updatePost(t.db, id, { kind: 'group', title, body: 'b', reflection: '', childIds: [], media: [], status: 'draft', version: 1, now: t.clock.now() });
    const results = await Promise.all([change('Först'), change('Sedan')]);
    assert.deepEqual(results.filter(Boolean).length, 1);
    const post = await postRow(id);
    assert.equal(post?.version, 2);
    assert.ok(['Först', 'Sedan'].includes(post?.title ?? ''));
  });

  it('shows a post to its group\'s staff only: a teacher of another group, a guardian get 404', async () => {
    const id = await newDraft();
    for (const who of ['pedagog2', 'vardnadshavare', 'pedagog3']) {
      const agent = await signIn(t.app, who);
      assert.equal((await agent.get(`/posts/${id}/edit`)).status, 404, who);
      assert.equal((await agent.get(`/groups/${blabar}/posts`)).status, 404, who);
    }
    assert.equal((await (await signIn(t.app, 'rektor')).get(`/posts/${id}/edit`)).status, 200);
  });

  it('records each read and change of the posts in the audit trail', async () => {
    const last = (await t.db.selectFrom('audit_trail').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0;
    const id = await newDraft();
    await pedagog.get(`/posts/${id}/edit`);
    const rows = await t.db.selectFrom('audit_trail').select(['action', 'record_id', 'method']).where('id', '>', Number(last)).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.action, r.method, r.record_id]), [
      ['group.posts.create', 'GET', blabar], ['group.posts.create', 'POST', blabar], ['post.update', 'GET', id],
    ]);
  });
});
