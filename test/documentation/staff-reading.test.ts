// Staff read a post, one rule for the portfolio's pages, the post's page and the media route: a staff member reads a
// post (and sees its photos) iff they are staff of its place — its own group, unit or municipality, and for a portfolio
// post the groups its children are placed in now. Elsa moved from Blåbär to Lingon on 22 November: Lingon's teacher reads
// the portfolio posts to her and Lingon's documentation, not Blåbär's group documentation from before she came, and the
// media route answers the same; her guardian reads all of it (as the ZIP holds it), Solrosen's head too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { strFromU8, unzipSync } from 'fflate';
import type request from 'supertest';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { addPlacement } from '../../server/people/commands.ts';
import { insertPost, storedPhoto, withoutDemoPosts } from './export-fixtures.ts';

const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('staff read the posts of the places they work in, on every page and in the media route alike', () => {
  let t: TestApp;
  let elsa: number;
  const posts: Record<'blabarGroup' | 'toElsa' | 'lingonGroup', { postId: number; mediaIds: number[] }> = {} as never;
  const agents: Record<string, Agent> = {};

  before(async () => {
    t = await startTestApp();
    await withoutDemoPosts(t.db);
    const blabar = await groupId(t.db, 'Blåbär');
    const lingon = await groupId(t.db, 'Lingon');
    const teacher = await personId(t.db, 'Sara', 'Holm');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    // Elsa leaves Blåbär on 21 November and is in Lingon from the 22nd (the app's day is the 24th).
    await t.db.updateTable('placements').set({ end_date: '2026-11-21' }).where('child_id', '=', elsa).where('group_id', '=', blabar).execute();
    await addPlacement(t.db, { childId: elsa, groupId: lingon, startDate: '2026-11-22' });
    const photo = (r: number) => storedPhoto(t.dir, { r, g: 90, b: 140 });
    posts.blabarGroup = await insertPost(t.db, {
      groupId: blabar, kind: 'group', title: 'Blåbärs skogsdag', authorId: teacher, publishedAt: '2026-11-20T09:00:00.000Z',
      media: [{ stored: await photo(21), noChildren: true }],
    });
    posts.toElsa = await insertPost(t.db, {
      groupId: blabar, kind: 'portfolio', title: 'Elsas teckning', authorId: teacher, publishedAt: '2026-11-19T09:00:00.000Z', children: [elsa],
      media: [{ stored: await photo(22), tagged: [elsa] }],
    });
    posts.lingonGroup = await insertPost(t.db, {
      groupId: lingon, kind: 'group', title: 'Lingons bakdag', authorId: teacher, publishedAt: '2026-11-23T09:00:00.000Z',
      media: [{ stored: await photo(23), noChildren: true }],
    });
    for (const name of ['pedagog', 'pedagog2', 'rektor', 'vardnadshavare']) agents[name] = await signIn(t.app, name);
  });
  after(() => t.close());

  /** What the user reads of the posts: in Elsa's portfolio, each post's own page, each post's photo through the media route. */
  async function readsAs(name: string) {
    const agent = agents[name];
    const portfolio = await agent.get(`/children/${elsa}/portfolio`);
    const result: Record<string, { inPortfolio: boolean; photoInPortfolio: boolean; page: number; photo: number }> = {};
    for (const [key, post] of Object.entries(posts)) {
      const photo = post.mediaIds[0];
      result[key] = {
        inPortfolio: portfolio.status === 200 && portfolio.text.includes(`href="/posts/${post.postId}"`),
        photoInPortfolio: portfolio.status === 200 && portfolio.text.includes(`/media/${photo}/thumb.jpg`),
        page: (await agent.get(`/posts/${post.postId}`)).status,
        photo: (await agent.get(`/media/${photo}/thumb.jpg`)).status,
      };
    }
    return { portfolio: portfolio.status, posts: result };
  }

  const all = { inPortfolio: true, photoInPortfolio: true, page: 200, photo: 200 };
  const none = { inPortfolio: false, photoInPortfolio: false, page: 404, photo: 404 };

  it('the new group\'s teacher reads the posts to Elsa and the new group\'s, not the old group\'s documentation, anywhere', async () => {
    const read = await readsAs('pedagog2');
    assert.equal(read.portfolio, 200);
    assert.deepEqual(read.posts, { blabarGroup: none, toElsa: all, lingonGroup: all });
  });

  it('the old group\'s teacher reads the old group\'s post, no longer Elsa\'s portfolio', async () => {
    const read = await readsAs('pedagog');
    assert.equal(read.portfolio, 404);
    assert.deepEqual(read.posts.blabarGroup, { ...all, inPortfolio: false, photoInPortfolio: false });
    assert.equal(read.posts.lingonGroup.page, 404);
    assert.equal(read.posts.lingonGroup.photo, 404);
    assert.equal(read.posts.toElsa.photo, read.posts.toElsa.page, 'the post\'s page and its photo answer alike');
  });

  it('the head of the unit of both groups reads all of it, and so does Elsa\'s guardian, whose ZIP holds the same posts', async () => {
    for (const name of ['rektor', 'vardnadshavare']) {
      const read = await readsAs(name);
      assert.equal(read.portfolio, 200, name);
      assert.deepEqual(read.posts, { blabarGroup: all, toElsa: all, lingonGroup: all }, name);
    }
    const zip = await agents.vardnadshavare.get(`/children/${elsa}/portfolio/export/download?accept=yes`).buffer(true).parse(binary);
    assert.equal(zip.status, 200);
    const index = strFromU8(unzipSync(new Uint8Array(zip.body as Buffer))['index.html']);
    for (const title of ['Blåbärs skogsdag', 'Elsas teckning', 'Lingons bakdag']) assert.ok(index.includes(title), title);
  });

  it('pages the new group\'s teacher through the posts they read only (the old group\'s are left out before paging)', async () => {
    const blabar = await groupId(t.db, 'Blåbär');
    const teacher = await personId(t.db, 'Sara', 'Holm');
    for (let n = 0; n < 12; n++) {
      await insertPost(t.db, { groupId: blabar, kind: 'group', title: `Blåbär dag ${n}`, authorId: teacher, publishedAt: `2026-11-21T0${n % 10}:${10 + n}:00.000Z` });
    }
    const page = await agents.pedagog2.get(`/children/${elsa}/portfolio`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(`href="/posts/${posts.toElsa.postId}"`) && page.text.includes(`href="/posts/${posts.lingonGroup.postId}"`));
    assert.ok(!page.text.includes('Blåbär dag'));
    assert.ok(!page.text.includes('rel="next"'), 'one page: nothing more to read');
    assert.equal((await agents.pedagog2.get(`/children/${elsa}/portfolio?page=2`)).status, 404);
    const family = await agents.vardnadshavare.get(`/children/${elsa}/portfolio`);
    assert.ok(family.text.includes('rel="next"'), 'the family pages through all 15');
  });
});
