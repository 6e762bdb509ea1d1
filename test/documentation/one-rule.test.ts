// One answer wherever a family meets the documentation: the media route and the portfolio's ZIP (and the register
// extract) let the same families see the same photos, the portfolio's pages and its ZIP hold the same posts (the
// group's documentation from while the child was in the group), and a former pupil downloads their own portfolio in
// the grace period after the last placement ended, not after.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import type request from 'supertest';
import { DEFAULT_NOW, demoPasswordHash, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { addPlacement } from '../../server/people/commands.ts';
import { locateChildPortfolio } from '../../server/documentation/export-queries.ts';
import { DEFAULT_DOCUMENTATION_SETTINGS, saveDocumentationSettings } from '../../server/documentation/settings.ts';
import { buildExtract } from '../../server/privacy/extract.ts';
import { consentOf, insertPost, storedPhoto, withoutDemoPosts } from './export-fixtures.ts';

const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** The files and the index page of a portfolio's ZIP as the agent downloads it (none: not found). */
async function zipOf(agent: Agent, childId: number): Promise<{ status: number; names: string[]; index: string }> {
  const res = await agent.get(`/children/${childId}/portfolio/export/download?accept=yes`).buffer(true).parse(binary);
  if (res.status !== 200) return { status: res.status, names: [], index: '' };
  const files = unzipSync(new Uint8Array(res.body as Buffer));
  return { status: 200, names: Object.keys(files), index: strFromU8(files['index.html']) };
}

/** The names of the files of a person's register extract. */
async function extractNames(t: TestApp, person: number): Promise<string[]> {
  const extract = await buildExtract(t.db, PERSONAL_DATA, person, t.clock.now(), () => '');
  assert.ok(extract);
  const chunks: Buffer[] = [];
  await extract.write(new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk); done(); } }));
  return Object.keys(unzipSync(new Uint8Array(Buffer.concat(chunks))));
}

/** A login for a person of the demo who has none. */
async function accountFor(t: TestApp, person: number, username: string): Promise<void> {
  await t.db.insertInto('accounts').values({
    person_id: person, username, username_key: username, password_hash: await demoPasswordHash(), language: 'sv', created_at: DEFAULT_NOW,
  }).execute();
}

describe('one photo rule: the media route and the ZIP answer alike', () => {
  let t: TestApp;
  const media: Record<string, number> = {};
  const ids: Record<string, number> = {};

  before(async () => {
    t = await startTestApp();
    await withoutDemoPosts(t.db);
    const blabar = await groupId(t.db, 'Blåbär');
    const teacher = await personId(t.db, 'Sara', 'Holm');
    Object.assign(ids, {
      emma: await personId(t.db, 'Emma', 'Andersson'), elsa: await personId(t.db, 'Elsa', 'Andersson'),
      oskar: await personId(t.db, 'Oskar', 'Andersson'), nora: await personId(t.db, 'Nora', 'Haddad'),
    });
    const others = await t.db.selectFrom('placements').select('child_id').where('group_id', '=', blabar).where('end_date', 'is', null)
      .where('child_id', 'not in', [ids.elsa, ids.nora]).orderBy('child_id').execute();
    [ids.unconsented, ids.consented] = [others[0].child_id, others[1].child_id];
    // Elsa (Emma and Johan), Oskar (Emma alone, not in Blåbär) and another child of Blåbär have no consent.
    for (const child of [ids.elsa, ids.oskar, ids.unconsented]) await consentOf(t.db, child, 'no', teacher);
    await consentOf(t.db, ids.consented, 'yes', teacher);
    const shows: Record<string, number[] | 'none'> = {
      // two children without consent of different guardians: Emma is a guardian of both, Johan of Elsa only
      elsaAndOskar: [ids.elsa, ids.oskar],
      elsa: [ids.elsa],
      elsaAndOther: [ids.elsa, ids.unconsented],
      consented: [ids.consented],
      nobody: 'none',
    };
    const post = await insertPost(t.db, {
      groupId: blabar, kind: 'group', title: 'Gruppens dag', authorId: teacher, publishedAt: '2026-11-23T10:00:00.000Z',
      media: await Promise.all(Object.values(shows).map(async (tagged, n) => ({
        stored: await storedPhoto(t.dir, { r: 40 + n, g: 80, b: 120 }), ...(tagged === 'none' ? { noChildren: true } : { tagged }),
      }))),
    });
    Object.keys(shows).forEach((name, n) => { media[name] = post.mediaIds[n]; });
  });
  after(() => t.close());

  it('gives each guardian a photo by its address exactly when it is in their child’s ZIP', async () => {
    const seen: Record<string, string[]> = {};
    for (const [username, child] of [['vardnadshavare', ids.elsa], ['vardnadshavare2', ids.elsa], ['vardnadshavare3', ids.nora]] as const) {
      const agent = await signIn(t.app, username);
      const zip = await zipOf(agent, child);
      assert.equal(zip.status, 200, username);
      seen[username] = [];
      for (const [name, id] of Object.entries(media)) {
        const route = (await agent.get(`/media/${id}/thumb.jpg`)).status;
        const inZip = zip.names.some((n) => n.endsWith(`-${id}.jpg`));
        assert.equal(route === 200, inZip, `${username}, the photo "${name}": the route answers ${route}, the ZIP ${inZip ? 'has' : 'lacks'} it`);
        if (inZip) seen[username].push(name);
      }
    }
    assert.deepEqual(seen, {
      vardnadshavare: ['elsa', 'consented', 'nobody'],
      vardnadshavare2: ['elsa', 'consented', 'nobody'],
      vardnadshavare3: ['consented', 'nobody'],
    }, 'two children without consent whose guardians differ: nobody sees the photo, not even a guardian of both');
  });

  it('puts the same photos in the register extract', async () => {
    const names = await extractNames(t, ids.emma);
    const inExtract = Object.entries(media).filter(([, id]) => names.some((n) => n.startsWith(`barn-${ids.elsa}/`) && n.endsWith(`-${id}.jpg`)));
    assert.deepEqual(inExtract.map(([name]) => name), ['elsa', 'consented', 'nobody']);
  });
});

describe('one portfolio: the pages, the post, its photos, the ZIP and the extract hold the same group posts', () => {
  let t: TestApp;
  let linnea: number;
  let petra: number;
  const posts: Record<string, { postId: number; mediaIds: number[] }> = {};

  before(async () => {
    t = await startTestApp();
    await withoutDemoPosts(t.db);
    const blabar = await groupId(t.db, 'Blåbär');
    const lingon = await groupId(t.db, 'Lingon');
    const teacher = await personId(t.db, 'Sara', 'Holm');
    // Linnea was in Blåbär until 31 October and moved on to Lingon on 1 November; Petra, her guardian, gets a login.
    linnea = await personId(t.db, 'Linnea', 'Slutberg');
    petra = await personId(t.db, 'Petra', 'Slutberg');
    await addPlacement(t.db, { childId: linnea, groupId: lingon, startDate: '2026-11-01' });
    await accountFor(t, petra, 'petra');
    const photo = await storedPhoto(t.dir, { r: 10, g: 200, b: 90 });
    const groupPost = async (group: number, title: string, day: string) => insertPost(t.db, {
      groupId: group, kind: 'group', title, authorId: teacher, publishedAt: `${day}T09:00:00.000Z`, media: [{ stored: photo, noChildren: true }],
    });
    posts.blabarWhileThere = await groupPost(blabar, 'Blåbär i oktober', '2026-10-15');
    posts.blabarLastDay = await groupPost(blabar, 'Blåbär sista dagen', '2026-10-31');
    posts.blabarAfter = await groupPost(blabar, 'Blåbär i november', '2026-11-02');
    posts.lingonBefore = await groupPost(lingon, 'Lingon i oktober', '2026-10-15');
    posts.lingonFirstDay = await groupPost(lingon, 'Lingon första dagen', '2026-11-01');
  });
  after(() => t.close());

  const shown = ['Lingon första dagen', 'Blåbär sista dagen', 'Blåbär i oktober'];
  const hidden = ['Blåbär i november', 'Lingon i oktober'];

  it('shows in the portfolio the group posts from while the child was in each group, for the family; the staff only their group\'s', async () => {
    // (the staff of her new group read the posts of the places they work in: not Blåbär's, see staff-reading.test.ts)
    const seen: Record<string, string[]> = { petra: shown, pedagog2: ['Lingon första dagen'] };
    for (const [username, expected] of Object.entries(seen)) {
      const page = await (await signIn(t.app, username)).get(`/children/${linnea}/portfolio`);
      assert.equal(page.status, 200, username);
      const titles = expected.map((title) => page.text.indexOf(title));
      assert.ok(titles.every((at) => at >= 0), `${username} sees ${expected.join(', ')}`);
      assert.deepEqual([...titles].sort((a, b) => a - b), titles, 'newest first');
      for (const title of [...shown, ...hidden].filter((x) => !expected.includes(x))) assert.ok(!page.text.includes(title), `${username}: ${title} is not shown`);
    }
  });

  it('lets the family open those posts and their photos, and no other', async () => {
    const agent = await signIn(t.app, 'petra');
    for (const [name, post] of Object.entries(posts)) {
      const expected = name === 'blabarAfter' || name === 'lingonBefore' ? 404 : 200;
      assert.equal((await agent.get(`/posts/${post.postId}`)).status, expected, `the post ${name}`);
      assert.equal((await agent.get(`/media/${post.mediaIds[0]}/thumb.jpg`)).status, expected, `the photo of ${name}`);
    }
  });

  it('puts the same posts in the ZIP and the register extract', async () => {
    const zip = await zipOf(await signIn(t.app, 'petra'), linnea);
    assert.equal(zip.status, 200);
    for (const title of shown) assert.ok(zip.index.includes(title), `${title} in the ZIP`);
    for (const title of hidden) assert.ok(!zip.index.includes(title), `${title} not in the ZIP`);
    const names = await extractNames(t, petra);
    const expected = Object.entries(posts).filter(([name]) => name !== 'blabarAfter' && name !== 'lingonBefore').map(([, p]) => p.mediaIds[0]).sort();
    const found = names.filter((n) => n.startsWith(`barn-${linnea}/portfolj-`)).map((n) => Number(n.replace(/.*-(\d+)\.jpg$/, '$1'))).sort();
    assert.deepEqual(found, expected);
  });
});

describe('a former pupil’s own portfolio', () => {
  let t: TestApp;
  let linnea: number;
  let own: number;

  before(async () => {
    t = await startTestApp();
    await withoutDemoPosts(t.db);
    const blabar = await groupId(t.db, 'Blåbär');
    const teacher = await personId(t.db, 'Sara', 'Holm');
    // Linnea left Blåbär on 31 October 2026 and has a login of her own.
    linnea = await personId(t.db, 'Linnea', 'Slutberg');
    await accountFor(t, linnea, 'linnea');
    const post = await insertPost(t.db, {
      groupId: blabar, kind: 'portfolio', title: 'Linneas lera', authorId: teacher, children: [linnea], publishedAt: '2026-10-30T09:00:00.000Z',
      media: [{ stored: await storedPhoto(t.dir, { r: 150, g: 20, b: 220 }), tagged: [linnea] }],
    });
    own = post.mediaIds[0];
  });
  after(() => t.close());

  it('is hers to download for the grace period after her last placement ended, with the photos of her, then not found', async () => {
    const inside = await zipOf(await signIn(t.app, 'linnea'), linnea);
    assert.equal(inside.status, 200, 'a pupil who has left is no longer a pupil, but the portfolio is still hers');
    assert.match((await (await signIn(t.app, 'linnea')).get('/')).text, new RegExp(`<a href="/children/${linnea}/portfolio/export">Ladda ner Linneas portfolio`),
      'her start page offers it');
    assert.match(inside.index, /Linneas lera/);
    assert.ok(inside.names.some((n) => n.endsWith(`-${own}.jpg`)), 'the photo of her, though she has no consent: it is her own');
    assert.equal((await (await signIn(t.app, 'linnea')).get(`/children/${await personId(t.db, 'Elsa', 'Andersson')}/portfolio/export`)).status, 404,
      'not another child’s');
    // (A session cannot be moved two months on: the guard's locator on those days, and a municipality's shorter period.)
    const lastDay = await locateChildPortfolio(t.db, linnea, '2027-01-29');
    assert.equal(lastDay?.person?.id, linnea, 'the last day of the 90: the child is the record’s person (the policy’s "self")');
    assert.deepEqual(lastDay?.groupIds, [], 'in no group: no staff rule holds');
    assert.equal(await locateChildPortfolio(t.db, linnea, '2027-01-30'), null, 'the day after');
    const demo = await municipalityId(t.db, 'Demokommun');
    await saveDocumentationSettings(t.db, demo, { ...DEFAULT_DOCUMENTATION_SETTINGS, exportGraceDays: 10 }, linnea, t.clock.now());
    try {
      const agent = await signIn(t.app, 'linnea');
      assert.equal((await agent.get(`/children/${linnea}/portfolio/export`)).status, 404, 'after a shorter grace period');
      assert.equal((await zipOf(agent, linnea)).status, 404);
    } finally {
      await saveDocumentationSettings(t.db, demo, DEFAULT_DOCUMENTATION_SETTINGS, linnea, t.clock.now());
    }
  });
});
