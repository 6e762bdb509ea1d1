// Guardians' comments on a post in their child's portfolio and their home observations: written by a guardian for
// their own child, waiting for the group's staff, shown only once approved, and then only in that child's portfolio
// (its own family, both households, and the staff), never to another family; a rejected one never reaches anyone else.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import sharp from 'sharp';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId, unitId } from '../support/demo.ts';

describe('guardians’ comments and home observations', () => {
  let t: TestApp;
  let elsa: number;
  let nora: number;
  let blabar: number;
  let post: number;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const comments = () => t.db.selectFrom('post_comments').select(['id', 'child_id', 'body', 'status', 'author_id']).orderBy('id').execute();
  const observations = () => t.db.selectFrom('home_observations').select(['id', 'child_id', 'group_id', 'body', 'status', 'photo_key']).orderBy('id').execute();

  /** A published post of Blåbär (to the group, or to chosen children's portfolios), written as B's pages write one. */
  async function publishedPost(kind: 'group' | 'portfolio', title: string, children: number[] = [], status: 'draft' | 'published' = 'published'): Promise<number> {
    const at = t.clock.now().toISOString();
    const { id } = await t.db.insertInto('posts').values({
      municipality_id: await municipalityId(t.db, 'Demokommun'), unit_id: await unitId(t.db, 'Förskolan Solrosen'), group_id: blabar, kind, title,
      body: 'Vi målade med vattenfärg.', status, author_id: await personId(t.db, 'Sara', 'Holm'), created_at: at, updated_at: at,
      published_at: status === 'published' ? at : null,
    }).returning('id').executeTakeFirstOrThrow();
    for (const child of children) await t.db.insertInto('post_children').values({ post_id: id, child_id: child }).execute();
    return id;
  }

  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
    blabar = await groupId(t.db, 'Blåbär');
    post = await publishedPost('group', 'Vattenfärg');
  });
  after(() => t.close());

  describe('a comment on a group post', () => {
    it('waits for the staff: its writer sees it as waiting, the other household and other families do not see it', async () => {
      const emma = await as('vardnadshavare');
      const page = await emma.get(`/posts/${post}/comments`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Kommentarer: Vattenfärg/);
      assert.match(page.text, new RegExp(`name="child" value="${elsa}"`), 'Emma writes for Elsa, her child in the group');
      const res = await postForm(emma, `/posts/${post}/comments`, `/posts/${post}/comments`, { child: String(elsa), body: 'Elsa pratade om målningen hela kvällen!' });
      assert.equal(res.status, 303);
      const [saved] = await comments();
      assert.deepEqual([saved.child_id, saved.status, saved.author_id], [elsa, 'pending', await personId(t.db, 'Emma', 'Andersson')]);
      const own = await emma.get(`/posts/${post}/comments`);
      assert.match(own.text, /pratade om målningen/);
      assert.match(own.text, /Väntar på godkännande/);
      for (const name of ['vardnadshavare2', 'vardnadshavare3']) {
        const other = await (await as(name)).get(`/posts/${post}/comments`);
        assert.equal(other.status, 200, name);
        assert.doesNotMatch(other.text, /pratade om målningen/, name);
      }
    });

    it('is in the group’s queue for its staff, and not for staff of another group', async () => {
      const queue = await (await as('pedagog')).get(`/groups/${blabar}/comments`);
      assert.equal(queue.status, 200);
      assert.match(queue.text, /Att godkänna: Blåbär/);
      assert.match(queue.text, /pratade om målningen/);
      assert.match(queue.text, /om Elsa/);
      for (const name of ['pedagog2', 'vardnadshavare', 'rektor2', 'grannadmin']) {
        assert.equal((await (await as(name)).get(`/groups/${blabar}/comments`)).status, 404, name);
      }
      const [comment] = await comments();
      assert.equal((await postForm(await as('pedagog2'), '/', `/comments/${comment.id}/approve`)).status, 404);
      assert.equal((await postForm(await as('vardnadshavare'), '/', `/comments/${comment.id}/approve`)).status, 404);
      assert.equal((await comments())[0].status, 'pending');
    });

    it('once approved, is shown in Elsa’s portfolio to both her households, never to another family', async () => {
      const [comment] = await comments();
      const res = await postForm(await as('pedagog'), `/groups/${blabar}/comments`, `/comments/${comment.id}/approve`, { next: `/groups/${blabar}/comments` });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/groups/${blabar}/comments`);
      assert.equal((await comments())[0].status, 'approved');
      const johan = await (await as('vardnadshavare2')).get(`/posts/${post}/comments`);
      assert.match(johan.text, /pratade om målningen/);
      assert.doesNotMatch(johan.text, /Väntar på godkännande/);
      const karim = await (await as('vardnadshavare3')).get(`/posts/${post}/comments`);
      assert.doesNotMatch(karim.text, /pratade om målningen/, 'Nora’s family never sees Elsa’s');
      const again = await postForm(await as('rektor'), `/groups/${blabar}/comments`, `/comments/${comment.id}/reject`);
      assert.equal(again.status, 303);
      assert.equal((await comments())[0].status, 'approved', 'a decision made stays');
    });

    it('once rejected, is never shown to anyone but its writer and the staff', async () => {
      const karim = await as('vardnadshavare3');
      await postForm(karim, `/posts/${post}/comments`, `/posts/${post}/comments`, { child: String(nora), body: 'Olämplig kommentar' });
      const comment = (await comments()).at(-1)!;
      assert.equal(comment.child_id, nora);
      await postForm(await as('pedagog'), `/groups/${blabar}/comments`, `/comments/${comment.id}/reject`);
      assert.equal((await comments()).at(-1)!.status, 'rejected');
      assert.match((await karim.get(`/posts/${post}/comments`)).text, /Inte publicerad/);
      for (const name of ['vardnadshavare', 'vardnadshavare2']) {
        assert.doesNotMatch((await (await as(name)).get(`/posts/${post}/comments`)).text, /Olämplig kommentar/, name);
      }
      assert.doesNotMatch((await (await as('pedagog')).get(`/groups/${blabar}/comments`)).text, /Olämplig kommentar/, 'no longer waiting');
    });

    it('cannot be written for another family’s child, nor by staff; an empty one is refused at the field', async () => {
      const before = await comments();
      const karim = await as('vardnadshavare3');
      assert.equal((await postForm(karim, `/posts/${post}/comments`, `/posts/${post}/comments`, { child: String(elsa), body: 'Hej' })).status, 404);
      assert.equal((await postForm(await as('pedagog'), `/posts/${post}/comments`, `/posts/${post}/comments`, { child: String(elsa), body: 'Hej' })).status, 404);
      const empty = await postForm(await as('vardnadshavare'), `/posts/${post}/comments`, `/posts/${post}/comments`, { child: String(elsa), body: ' ' });
      assert.equal(empty.status, 400);
      assert.match(empty.text, /id="body-error"[^>]*>.*Skriv en kommentar/);
      assert.deepEqual(await comments(), before);
    });

    it('has no comments page for a draft, nor for a portfolio post to another child', async () => {
      const draft = await publishedPost('group', 'Utkast', [], 'draft');
      assert.equal((await (await as('vardnadshavare')).get(`/posts/${draft}/comments`)).status, 404);
      const toNora = await publishedPost('portfolio', 'Noras portfolio', [nora]);
      assert.equal((await (await as('vardnadshavare')).get(`/posts/${toNora}/comments`)).status, 404);
      assert.equal((await (await as('vardnadshavare3')).get(`/posts/${toNora}/comments`)).status, 200);
    });
  });

  describe('a home observation', () => {
    const photo = () => sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 40 } } })
      .withExif({ IFD0: { Make: 'Hemkamera' } }).jpeg().toBuffer();

    async function sendObservation(agent: Agent, fields: Record<string, string>, file?: { bytes: Buffer; name: string }) {
      const page = await agent.get(`/children/${elsa}/observations`);
      let req = agent.post(`/children/${elsa}/observations`).field('_csrf', csrfFrom(page.text));
      for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
      if (file) req = req.attach('photo', file.bytes, file.name);
      return req;
    }

    it('sent as a multipart form, has its text cleaned as every form\'s: no NUL character (PostgreSQL refuses it), letters composed', async () => {
      const emma = await as('vardnadshavare');
      const res = await sendObservation(emma, { body: 'Elsa la\u0000gade sa\u0308ng.' });
      assert.equal(res.status, 303, res.text?.slice(0, 300));
      const saved = (await observations()).at(-1);
      assert.equal(saved?.body, 'Elsa lagade säng.');
      await t.db.deleteFrom('home_observations').where('id', '=', saved!.id).execute();
    });

    it('with a photo, waits for the staff; its photo reaches nobody but its writer and the staff until then', async () => {
      const emma = await as('vardnadshavare');
      const res = await sendObservation(emma, { body: 'Elsa byggde en koja av filtar.' }, { bytes: await photo(), name: 'koja.jpg' });
      assert.equal(res.status, 303, res.text?.slice(0, 300));
      const [saved] = await observations();
      assert.deepEqual([saved.child_id, saved.group_id, saved.status], [elsa, blabar, 'pending']);
      assert.ok(saved.photo_key, 'the photo is stored');
      const own = await emma.get(`/children/${elsa}/observations`);
      assert.match(own.text, /byggde en koja/);
      assert.match(own.text, /Väntar på godkännande/);
      const thumb = await emma.get(`/observations/${saved.id}/photo/thumb.jpg`);
      assert.equal(thumb.status, 200);
      assert.equal(thumb.headers['content-type'], 'image/jpeg');
      const stored = await sharp(thumb.body as Buffer).metadata();
      assert.equal(stored.exif, undefined, 'no metadata of the upload is kept');
      const johan = await as('vardnadshavare2');
      assert.doesNotMatch((await johan.get(`/children/${elsa}/observations`)).text, /byggde en koja/);
      assert.equal((await johan.get(`/observations/${saved.id}/photo/thumb.jpg`)).status, 404);
      assert.equal((await (await as('vardnadshavare3')).get(`/observations/${saved.id}/photo/thumb.jpg`)).status, 404);
      assert.equal((await (await as('pedagog')).get(`/observations/${saved.id}/photo/display.webp`)).status, 200);
      assert.equal((await emma.get(`/observations/${saved.id}/photo/original.heic`)).status, 404);
    });

    it('once approved by the group’s staff, is shown to both of Elsa’s households, never to another family', async () => {
      const [saved] = await observations();
      const queue = await (await as('pedagog')).get(`/groups/${blabar}/comments`);
      assert.match(queue.text, /byggde en koja/);
      const res = await postForm(await as('pedagog'), `/groups/${blabar}/comments`, `/observations/${saved.id}/approve`, { next: `/groups/${blabar}/comments` });
      assert.equal(res.status, 303);
      assert.equal((await observations())[0].status, 'approved');
      const johan = await as('vardnadshavare2');
      assert.match((await johan.get(`/children/${elsa}/observations`)).text, /byggde en koja/);
      assert.equal((await johan.get(`/observations/${saved.id}/photo/thumb.webp`)).status, 200);
      const karim = await as('vardnadshavare3');
      assert.equal((await karim.get(`/children/${elsa}/observations`)).status, 404);
      assert.equal((await karim.get(`/observations/${saved.id}/photo/thumb.webp`)).status, 404);
      assert.equal((await request(t.app).get(`/observations/${saved.id}/photo/thumb.webp`)).status, 303);
    });

    it('refuses a file that is no picture and an empty text at their fields, keeping the text; nothing is saved', async () => {
      const before = await observations();
      const emma = await as('vardnadshavare');
      const notImage = await sendObservation(emma, { body: 'Här är en bild' }, { bytes: Buffer.from('inte en bild alls'), name: 'bild.jpg' });
      assert.equal(notImage.status, 400);
      assert.match(notImage.text, /id="photo-error"[^>]*>.*Filen är ingen bild som går att läsa/);
      assert.match(notImage.text, />Här är en bild<\/textarea>/);
      const empty = await sendObservation(emma, { body: '' });
      assert.equal(empty.status, 400);
      assert.match(empty.text, /Skriv vad som hände/);
      assert.deepEqual(await observations(), before);
    });

    it('is written by a guardian only, and a forged form stores nothing', async () => {
      const before = await observations();
      const res = await sendObservation(await as('pedagog'), { body: 'Från personalen' });
      assert.equal(res.status, 404);
      const emma = await as('vardnadshavare');
      const forged = await emma.post(`/children/${elsa}/observations`).field('_csrf', 'fel').field('body', 'Förfalskad').attach('photo', await photo(), 'f.jpg');
      assert.equal(forged.status, 403);
      assert.deepEqual(await observations(), before);
    });
  });

  it('records reads and decisions in the audit trail, about the child', async () => {
    const before = await t.db.selectFrom('audit_trail').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    await (await as('vardnadshavare')).get(`/posts/${post}/comments`);
    await (await as('pedagog')).get(`/groups/${blabar}/comments`);
    const rows = await t.db.selectFrom('audit_trail').select(['action', 'child_id', 'record_id'])
      .where('id', '>', Number(before?.id ?? 0)).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.action, r.child_id, r.record_id]), [['post.comments.read', null, post], ['group.comments.read', null, blabar]]);
  });
});
