// Who gets a photo: every media address tried as every kind of user. A photo reaches a family only when every child in
// it is their own or has consent; another family, another unit's staff, another municipality and a stranger get 404
// (anonymous: the login page), whatever the variant; a withdrawal of consent hides a photo from the next request on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { ACTORS, type ActorName } from '../support/visibility.ts';
import { mediaFilePath } from '../../server/media/index.ts';
import { writeDemoPost } from '../../server/documentation/demo.ts';
import { recordAnswer } from '../../server/consent/queries.ts';
import { answerFor, readingCast, type ReadingCast } from './reading-setup.ts';

type MediaName = keyof ReadingCast['media'];
const ALL: MediaName[] = ['none', 'consented', 'unconsented', 'elsaAndConsented', 'elsaAlone', 'elsasPortfolio', 'othersPortfolio', 'blogNone', 'blogUnconsented', 'draft'];
/** Elsa's guardians: their own child, the consented child, the untagged; never the unconsented child, never a draft. */
const ELSAS_FAMILY: MediaName[] = ['none', 'consented', 'elsaAndConsented', 'elsaAlone', 'elsasPortfolio', 'blogNone'];

/** What each user may see, written out by hand (everything else: 404, anonymous the login page). */
const SEES: Record<ActorName, MediaName[]> = {
  anonymous: [],
  admin: ALL, rektor: ALL, pedagog: ALL, // Demokommun's admin, Solrosen's head, Blåbär's staff: every photo, the draft's too
  pedagog2: [], // Lingon, the same unit: not Blåbär's
  pedagog3: [], rektor2: [], larare2b: [], fritids: [], grannadmin: [], elev: [],
  vardnadshavare: ELSAS_FAMILY, vardnadshavare2: ELSAS_FAMILY,
  vardnadshavare3: ['none', 'consented', 'blogNone'], // Nora's: a Blåbär family, none of the tagged children is theirs
};

const VARIANTS = ['thumb.webp', 'thumb.jpg', 'display.webp', 'display.jpg', 'full.jpg', 'download'];

describe('the media of the documentation, through the access check', () => {
  let t: TestApp;
  let cast: ReadingCast;
  const agents = new Map<ActorName, Agent>();

  before(async () => {
    t = await startTestApp();
    cast = await readingCast(t);
    for (const actor of ACTORS) agents.set(actor, actor === 'anonymous' ? request.agent(t.app) : await signIn(t.app, actor));
  });
  after(() => t.close());

  for (const actor of ACTORS) {
    it(`as ${actor}: ${SEES[actor].length ? SEES[actor].join(', ') : 'nothing'}`, async () => {
      const agent = agents.get(actor)!;
      for (const name of ALL) {
        for (const variant of VARIANTS) {
          const url = `/media/${cast.media[name]}/${variant}`;
          const res = await agent.get(url);
          if (SEES[actor].includes(name)) {
            assert.equal(res.status, 200, `${url} (${name}) as ${actor}`);
            assert.match(res.headers['content-type'], variant.endsWith('webp') ? /^image\/webp/ : /^image\/jpeg/, url);
            assert.ok(res.body.length > 100, `${url}: the image`);
            assert.match(res.headers['cache-control'], /private/, url);
          } else if (actor === 'anonymous') {
            assert.equal(res.status, 303, `${url} as anonymous`);
            assert.match(res.headers.location, /^\/login/);
          } else {
            assert.equal(res.status, 404, `${url} (${name}) as ${actor}`);
            assert.ok(!/^image\//.test(res.headers['content-type'] ?? ''), `${url} as ${actor}: no image`);
          }
        }
      }
    });
  }

  it('an image has no "file" variant and an unknown variant is not found, even for staff', async () => {
    const staff = agents.get('pedagog')!;
    for (const variant of ['file', 'thumb.png', 'full.webp', '..', 'thumb.jpg.exe']) {
      assert.equal((await staff.get(`/media/${cast.media.none}/${variant}`)).status, 404, variant);
    }
  });

  it('a download is an attachment (a full-size JPEG) and is in the audit trail; a thumbnail is not', async () => {
    const emma = agents.get('vardnadshavare')!;
    const before = await t.db.selectFrom('audit_trail').select('id').where('action', '=', 'postMedia.download').execute();
    const res = await emma.get(`/media/${cast.media.elsaAlone}/download`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-disposition'], /^attachment; filename="?vardag-2026-11-2\d-\d+\.jpg"?$/);
    assert.match(res.headers['content-type'], /^image\/jpeg/);
    const after = await t.db.selectFrom('audit_trail').select(['id', 'record_id']).where('action', '=', 'postMedia.download').execute();
    assert.equal(after.length, before.length + 1);
    assert.equal(after.at(-1)?.record_id, cast.media.elsaAlone);
    await emma.get(`/media/${cast.media.elsaAlone}/thumb.jpg`);
    assert.equal((await t.db.selectFrom('audit_trail').select('id').where('action', '=', 'postMedia.read').execute()).length, 0);
  });

  it('answers a repeated request with 304 (its ETag), after the access check', async () => {
    const emma = agents.get('vardnadshavare')!;
    const first = await emma.get(`/media/${cast.media.none}/thumb.webp`);
    assert.ok(first.headers.etag);
    const again = await emma.get(`/media/${cast.media.none}/thumb.webp`).set('If-None-Match', first.headers.etag);
    assert.equal(again.status, 304);
    const other = await agents.get('pedagog3')!.get(`/media/${cast.media.none}/thumb.webp`).set('If-None-Match', first.headers.etag);
    assert.equal(other.status, 404, 'an ETag opens nothing');
  });

  it('a withdrawal hides the child at once from other families, and a new yes shows it again', async () => {
    const karim = agents.get('vardnadshavare3')!;
    const emma = agents.get('vardnadshavare')!;
    const url = (name: MediaName) => `/media/${cast.media[name]}/thumb.jpg`;
    assert.equal((await karim.get(url('consented'))).status, 200);
    await answerFor(t, cast.consented, 'no');
    try {
      assert.equal((await karim.get(url('consented'))).status, 404, 'another family: gone at once');
      assert.equal((await emma.get(url('consented'))).status, 404, 'Elsa\'s family too');
      assert.equal((await emma.get(url('elsaAndConsented'))).status, 404, 'with Elsa in it too');
      assert.equal((await emma.get(url('elsaAlone'))).status, 200, 'her own child\'s photo stays');
      assert.equal((await agents.get('pedagog')!.get(url('consented'))).status, 200, 'the staff still see it');
      const page = await karim.get(`/children/${cast.nora}/portfolio`);
      assert.equal(page.status, 200);
      assert.ok(!page.text.includes(`/media/${cast.media.consented}/`), 'nor is it on the page');
      assert.ok(page.text.includes(`/media/${cast.media.none}/`), 'the photo without children is');
    } finally {
      await answerFor(t, cast.consented, 'yes');
    }
    assert.equal((await karim.get(url('consented'))).status, 200, 'a new yes shows it again');
  });

  it('a photo of a child whose one guardian says no reaches no other family (the stricter answer holds)', async () => {
    const guardians = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', cast.consented).orderBy('guardian_id').execute();
    if (guardians.length < 2) return; // (a child with one guardian: the test above covers it)
    await recordNo(guardians[1].guardian_id);
    try {
      assert.equal((await agents.get('vardnadshavare3')!.get(`/media/${cast.media.consented}/thumb.jpg`)).status, 404);
    } finally {
      await answerFor(t, cast.consented, 'yes');
    }
    async function recordNo(guardianId: number) {
      await recordAnswer(t.db, { childId: cast.consented, guardianId, answer: 'no', source: 'guardian', answeredOn: '2026-11-24', recordedBy: guardianId, at: t.clock.now() });
    }
  });

  it('a video plays with range requests, and only its file variant exists', async () => {
    const bytes = Buffer.alloc(4096, 7);
    const key = 'ab'.repeat(32);
    const medium = { key, kind: 'video' as const, mime: 'video/mp4' };
    const file = mediaFilePath(t.dir, medium, 'file', 'jpeg');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, bytes);
    const post = await writeDemoPost(t.db, t.dir, {
      municipalityId: cast.demokommun, unitId: cast.solrosen, groupId: cast.blabar, authorId: cast.author, kind: 'portfolio', children: [cast.elsa],
      title: 'Läsprov film', publishedAt: '2026-11-23T10:00:00.000Z',
      media: [{ stored: { ...medium, bytes: bytes.length, width: 640, height: 360, durationMs: 3000 }, tagged: [cast.elsa] }],
    });
    const emma = agents.get('vardnadshavare')!;
    const id = post.mediaIds[0];
    const part = await emma.get(`/media/${id}/file`).set('Range', 'bytes=0-99');
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 0-99/${bytes.length}`);
    assert.match(part.headers['content-type'], /^video\/mp4/);
    assert.equal((await emma.get(`/media/${id}/thumb.jpg`)).status, 404);
    const download = await emma.get(`/media/${id}/download`);
    assert.match(download.headers['content-disposition'], /^attachment; filename="?vardag-2026-11-23-\d+\.mp4"?$/);
    assert.equal((await agents.get('vardnadshavare3')!.get(`/media/${id}/file`)).status, 404, 'another family');
    const page = await emma.get(`/posts/${post.id}`);
    assert.match(page.text, new RegExp(`<video controls preload="metadata" src="/media/${id}/file"`));
  });
});
