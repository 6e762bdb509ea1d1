// Reading the documentation: a child's portfolio (the posts to the child and the group's posts), a group's blog, one
// post's page and the start page's boxes, as the child's guardians, another family and the staff see them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { writeDemoPost } from '../../server/documentation/demo.ts';
import { photoViewers } from '../../server/documentation/visibility.ts';
import { readingCast, type ReadingCast } from './reading-setup.ts';

describe('photoViewers: the children whose families may see a photo', () => {
  const guardians = new Map<number, number[]>([[1, [100, 101]], [2, [200]], [3, [100, 101]], [4, [100, 300]]]);
  it('everyone of the audience when every tagged child has consent, or none is tagged', () => {
    assert.deepEqual(photoViewers([1, 2, 3], [], new Set(), guardians), [1, 2, 3]);
    assert.deepEqual(photoViewers([1, 2, 3], [1, 2], new Set([1, 2]), guardians), [1, 2, 3]);
  });
  it('only the family of a tagged child without consent', () => {
    // (1's parents see it through 1; 3, 1's twin, is not a viewer of their own: a pupil sees only their own photos)
    assert.deepEqual(photoViewers([1, 2, 3], [1, 2], new Set([2]), guardians), [1]);
    assert.deepEqual(photoViewers([1, 2, 3], [2], new Set(), guardians), [2]);
  });
  it('two children without consent: only a family that is guardian of both', () => {
    assert.deepEqual(photoViewers([1, 2, 3], [1, 3], new Set(), guardians), [1, 3]); // twins of 100 and 101
    assert.deepEqual(photoViewers([1, 2, 3], [1, 2], new Set(), guardians), []); // two families: neither sees the other's child
    // 100 is a guardian of both, but 101 (of 1) and 300 (of 4) are not: no child of theirs counts (nobody sees it)
    assert.deepEqual(photoViewers([1, 2, 3, 4], [1, 4], new Set(), guardians), []);
    // 5 has no guardian in the register: as a pupil, 5 would otherwise see 2, another family's child
    assert.deepEqual(photoViewers([2, 5], [2, 5], new Set(), guardians), []);
    assert.deepEqual(photoViewers([2, 5], [5], new Set(), guardians), [5], 'alone in it, their own photo');
  });
  it('a tagged child without consent outside the audience: nobody of the audience', () => {
    assert.deepEqual(photoViewers([1, 3], [2], new Set(), guardians), []);
  });
});

describe('reading the documentation', () => {
  let t: TestApp;
  let cast: ReadingCast;
  let emma: Agent;
  let karim: Agent;
  let pedagog: Agent;
  const shows = (html: string, id: number) => html.includes(`/media/${id}/`);

  before(async () => {
    t = await startTestApp();
    cast = await readingCast(t);
    emma = await signIn(t.app, 'vardnadshavare');
    karim = await signIn(t.app, 'vardnadshavare3');
    pedagog = await signIn(t.app, 'pedagog');
  });
  after(() => t.close());

  describe('GET /children/:childId/portfolio', () => {
    it("shows a guardian the child's posts and the group's, newest first, with the photos the family may see", async () => {
      const res = await emma.get(`/children/${cast.elsa}/portfolio`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<title>[^<]*Portfolio: Elsa/);
      const titles = [...res.text.matchAll(/id="post-\d+-title"[^>]*><a href="\/posts\/(\d+)">/g)].map((m) => Number(m[1]));
      assert.ok(titles.includes(cast.posts.group) && titles.includes(cast.posts.elsas), 'the group post and her own');
      assert.ok(!titles.includes(cast.posts.others) && !titles.includes(cast.posts.blog) && !titles.includes(cast.posts.draft), 'nothing else');
      assert.ok(titles.indexOf(cast.posts.elsas) < titles.indexOf(cast.posts.group), 'newest first');
      for (const m of ['none', 'consented', 'elsaAndConsented', 'elsaAlone', 'elsasPortfolio'] as const) assert.ok(shows(res.text, cast.media[m]), m);
      assert.ok(!shows(res.text, cast.media.unconsented), 'not the photo of a child without consent');
      assert.match(res.text, /På bilden: Elsa</, 'her own child named');
      assert.ok(!res.text.includes(cast.consentedName) && !res.text.includes(cast.unconsentedName), 'no other child named');
      assert.match(res.text, /<picture>\s*<source type="image\/webp" srcset="\/media\/\d+\/thumb.webp">\s*<img src="\/media\/\d+\/thumb.jpg"/);
      assert.match(res.text, /Pedagogisk reflektion/);
      assert.match(res.text, /href="\/children\/\d+\/portfolio\/export"/);
    });

    it('shows another family of the group the group post without the photos of children not theirs without consent', async () => {
      const res = await karim.get(`/children/${cast.nora}/portfolio`);
      assert.equal(res.status, 200);
      assert.ok(res.text.includes(`href="/posts/${cast.posts.group}"`));
      assert.ok(shows(res.text, cast.media.none) && shows(res.text, cast.media.consented));
      for (const m of ['unconsented', 'elsaAndConsented', 'elsaAlone', 'elsasPortfolio'] as const) assert.ok(!shows(res.text, cast.media[m]), m);
      assert.ok(!res.text.includes('Elsa'), 'Elsa is named nowhere');
      assert.ok(!res.text.includes('Läsprov Elsas portfolio'));
    });

    it("shows the group's staff every photo and every tagged child's name", async () => {
      const res = await pedagog.get(`/children/${cast.elsa}/portfolio`);
      assert.equal(res.status, 200);
      for (const m of ['none', 'consented', 'unconsented', 'elsaAndConsented', 'elsaAlone', 'elsasPortfolio'] as const) assert.ok(shows(res.text, cast.media[m]), m);
      assert.ok(res.text.includes(cast.unconsentedName) && res.text.includes(cast.consentedName));
      assert.match(res.text, /Du ser portfolion som personal/);
      assert.doesNotMatch(res.text, /portfolio\/export"/, 'the download is the family\'s (staff get 404 there)');
    });

    it('is not found for another family, other staff and a page that is not a number', async () => {
      assert.equal((await karim.get(`/children/${cast.elsa}/portfolio`)).status, 404);
      assert.equal((await (await signIn(t.app, 'pedagog2')).get(`/children/${cast.elsa}/portfolio`)).status, 404);
      for (const page of ['abc', '0', '-1', '1e3']) assert.equal((await emma.get(`/children/${cast.elsa}/portfolio?page=${page}`)).status, 404, page);
      assert.equal((await emma.get(`/children/${cast.elsa}/portfolio?page=99`)).status, 404, 'a page after the last');
    });

    it('comes a page at a time, ten posts a page, newest first', async () => {
      const lingon = await groupId(t.db, 'Lingon');
      for (let i = 0; i < 12; i++) {
        await writeDemoPost(t.db, t.dir, { municipalityId: cast.demokommun, unitId: cast.solrosen, groupId: lingon, authorId: cast.author, kind: 'group',
          title: `Sidprov ${String(i).padStart(2, '0')}`, publishedAt: `2026-10-${String(i + 1).padStart(2, '0')}T09:00:00.000Z` });
      }
      const child = (await t.db.selectFrom('placements').select('child_id').where('group_id', '=', lingon).where('end_date', 'is', null).orderBy('child_id').executeTakeFirstOrThrow()).child_id;
      const teacher = await signIn(t.app, 'pedagog2');
      const first = await teacher.get(`/children/${child}/portfolio`);
      const second = await teacher.get(`/children/${child}/portfolio?page=2`);
      const titles = (html: string) => [...html.matchAll(/Sidprov (\d\d)/g)].map((m) => m[1]);
      assert.deepEqual(titles(first.text), ['11', '10', '09', '08', '07', '06', '05', '04', '03', '02']);
      assert.deepEqual(titles(second.text), ['01', '00']);
      assert.match(first.text, /href="\/children\/\d+\/portfolio\?page=2" rel="next">Äldre/);
      assert.match(second.text, /href="\/children\/\d+\/portfolio" rel="prev">Nyare/);
      assert.doesNotMatch(second.text, /rel="next"/);
      assert.equal((await teacher.get(`/children/${child}/portfolio?page=3`)).status, 404);
    });

    it('is in the audit trail: who read which child\'s portfolio', async () => {
      await emma.get(`/children/${cast.elsa}/portfolio`);
      const row = await t.db.selectFrom('audit_trail').select(['action', 'child_id']).where('action', '=', 'child.portfolio.read').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(row.child_id, cast.elsa);
    });
  });

  describe('GET /groups/:groupId/blog', () => {
    it("shows a guardian of the group its blog, without another child's photo without consent", async () => {
      const res = await karim.get(`/groups/${cast.blabar}/blog`);
      assert.equal(res.status, 200);
      assert.match(res.text, /Blogg: Blåbär/);
      assert.ok(res.text.includes('Läsprov blogginlägg') && !res.text.includes('Läsprov gruppinlägg'));
      assert.ok(shows(res.text, cast.media.blogNone) && !shows(res.text, cast.media.blogUnconsented));
    });
    it('is not found for a family of another group', async () => {
      const lingon = await groupId(t.db, 'Lingon');
      assert.equal((await emma.get(`/groups/${lingon}/blog`)).status, 404);
    });
  });

  describe('GET /posts/:publishedPostId', () => {
    it('shows the photos large, each with its download and the terms for private use', async () => {
      const res = await emma.get(`/posts/${cast.posts.group}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<h1 id="post-title"[^>]*>Läsprov gruppinlägg<\/h1>/);
      assert.match(res.text, new RegExp(`<source type="image/webp" srcset="/media/${cast.media.none}/display.webp">\\s*<img src="/media/${cast.media.none}/display.jpg" alt="Snögubben"`));
      assert.ok(res.text.includes(`href="/media/${cast.media.none}/download"`));
      assert.ok(!shows(res.text, cast.media.unconsented));
      assert.match(res.text, /Villkor för nedladdning/);
      assert.match(res.text, /får bara laddas ner för privat bruk/);
      assert.match(res.text, /endast är tillåtet att ladda ner bilder och videoklipp för privat bruk/, "the municipality's own terms");
      assert.match(res.text, new RegExp(`href="/children/${cast.elsa}/portfolio"`), 'back to her portfolio');
      assert.ok(res.text.includes(`href="/posts/${cast.posts.group}/comments"`), "the way to the post's comments");
    });
    it("is not found for a post to another child, a draft, or a post of another group's family", async () => {
      assert.equal((await emma.get(`/posts/${cast.posts.others}`)).status, 404);
      assert.equal((await emma.get(`/posts/${cast.posts.draft}`)).status, 404);
      assert.equal((await pedagog.get(`/posts/${cast.posts.draft}`)).status, 404, 'a draft is read on the staff\'s own page');
      assert.equal((await (await signIn(t.app, 'pedagog3')).get(`/posts/${cast.posts.group}`)).status, 404);
    });
  });

  describe('the start page', () => {
    it('has a Dokumentation box with the newest posts of the portfolio and a way to it', async () => {
      const res = await emma.get(`/children/${cast.elsa}/boxes/documentation`);
      assert.equal(res.status, 200);
      assert.ok(res.text.includes(`href="/posts/${cast.posts.elsas}"`));
      assert.ok(res.text.includes(`href="/children/${cast.elsa}/portfolio"`));
    });
    it('has a Blogg box with the newest blog posts of the group', async () => {
      const res = await emma.get(`/children/${cast.elsa}/boxes/blog`);
      assert.equal(res.status, 200);
      assert.ok(res.text.includes(`href="/posts/${cast.posts.blog}"`));
      assert.ok(res.text.includes(`href="/groups/${cast.blabar}/blog"`));
      const start = await emma.get(`/children/${cast.elsa}`);
      assert.ok(start.text.includes('id="box-documentation"') && start.text.includes('id="box-blog"'));
      assert.doesNotMatch(start.text, /Bloggen är inte byggd än|Här kommer barnets portfolio/);
    });
  });

  it('the demo: Elsa\'s portfolio has photos at first start', async () => {
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const res = await emma.get(`/children/${elsa}/portfolio`);
    assert.match(res.text, /Elsa målar solen/);
    assert.match(res.text, /Vi byggde en koja i skogen/);
    const thumb = res.text.match(/\/media\/(\d+)\/thumb.jpg/);
    assert.ok(thumb);
    assert.equal((await emma.get(thumb[0])).status, 200);
    // A group photo of two other children whose guardians gave consent (the demo's paper answers): every family sees it.
    const story = await t.db.selectFrom('post_media').innerJoin('posts', 'posts.id', 'post_media.post_id').select('post_media.id')
      .where('posts.title', '=', 'Sagostund i läshörnan').executeTakeFirstOrThrow();
    assert.ok(res.text.includes(`/media/${story.id}/thumb.jpg`), 'on Elsa’s portfolio page');
    for (const username of ['vardnadshavare', 'vardnadshavare3']) {
      assert.equal((await (await signIn(t.app, username)).get(`/media/${story.id}/thumb.jpg`)).status, 200, username);
    }
    const tagged = await t.db.selectFrom('post_media_children').select('child_id').where('media_id', '=', story.id).execute();
    assert.equal(tagged.length, 2, 'two children in it, neither of them Elsa');
    assert.ok(!tagged.some((c) => c.child_id === elsa));
  });
});
