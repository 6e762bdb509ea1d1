// The posts the reading tests look at, made in Blåbär (Förskolan Solrosen) beside the demo's: a group post whose photos
// tag children with and without consent, portfolio posts to Elsa and to another child, a blog post and a draft.
import type { TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { storeDrawing, writeDemoPost } from '../../server/documentation/demo.ts';
import { recordAnswer } from '../../server/consent/queries.ts';
import type { StoredMedia } from '../../server/media/index.ts';

export interface ReadingCast {
  elsa: number; nora: number; consented: number; unconsented: number; consentedName: string; unconsentedName: string;
  blabar: number; solrosen: number; demokommun: number; author: number;
  /** The posts: a group post, Elsa's portfolio post, another child's portfolio post, a blog post, a draft. */
  posts: { group: number; elsas: number; others: number; blog: number; draft: number };
  /** The media by what they show. */
  media: {
    none: number; consented: number; unconsented: number; elsaAndConsented: number; elsaAlone: number;
    elsasPortfolio: number; othersPortfolio: number; blogNone: number; blogUnconsented: number; draft: number;
  };
}

/** Every current guardian of the child answers yes (or no). */
export async function answerFor(t: TestApp, childId: number, answer: 'yes' | 'no'): Promise<void> {
  const guardians = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', childId).execute();
  for (const { guardian_id } of guardians) {
    await recordAnswer(t.db, { childId, guardianId: guardian_id, answer, source: 'guardian', answeredOn: '2026-11-24', recordedBy: guardian_id, at: t.clock.now() });
  }
}

export async function readingCast(t: TestApp): Promise<ReadingCast> {
  const blabar = await groupId(t.db, 'Blåbär');
  const solrosen = await unitId(t.db, 'Förskolan Solrosen');
  const demokommun = await municipalityId(t.db, 'Demokommun');
  const elsa = await personId(t.db, 'Elsa', 'Andersson');
  const nora = await personId(t.db, 'Nora', 'Haddad');
  const author = await personId(t.db, 'Sara', 'Holm');
  // Two other children of Blåbär (not Elsa, not Nora): one whose guardians all said yes, one whose did not.
  const others = await t.db.selectFrom('placements').innerJoin('persons', 'persons.id', 'placements.child_id')
    .select(['persons.id', 'persons.first_name']).where('placements.group_id', '=', blabar).where('placements.end_date', 'is', null)
    .where('persons.id', 'not in', [elsa, nora]).orderBy('persons.id').execute();
  const [consented, unconsented] = others.filter((c, i, all) => all.findIndex((o) => o.first_name === c.first_name) === i);
  await answerFor(t, consented.id, 'yes');
  await answerFor(t, unconsented.id, 'no');
  const place = { municipalityId: demokommun, unitId: solrosen, groupId: blabar, authorId: author };
  const files: StoredMedia[] = [];
  for (let n = 20; n < 24; n++) files.push(await storeDrawing(t.dir, n, { width: 320, height: 240 }));
  const at = (hour: number) => `2026-11-2${hour % 4}T1${hour}:00:00.000Z`;
  const group = await writeDemoPost(t.db, t.dir, {
    ...place, kind: 'group', title: 'Läsprov gruppinlägg', body: 'Vi lekte i snön.', reflection: 'Reflektion om snön.', publishedAt: at(0),
    media: [
      { stored: files[0], caption: 'Snögubben', tagged: 'none' },
      { stored: files[1], tagged: [consented.id] },
      { stored: files[2], tagged: [unconsented.id] },
      { stored: files[3], tagged: [elsa, consented.id] },
      { stored: files[0], tagged: [elsa] },
    ],
  });
  const elsas = await writeDemoPost(t.db, t.dir, {
    ...place, kind: 'portfolio', children: [elsa], title: 'Läsprov Elsas portfolio', publishedAt: at(1), media: [{ stored: files[1], tagged: [elsa] }],
  });
  const othersPost = await writeDemoPost(t.db, t.dir, {
    ...place, kind: 'portfolio', children: [unconsented.id], title: 'Läsprov annans portfolio', publishedAt: at(2), media: [{ stored: files[2], tagged: [unconsented.id] }],
  });
  const blog = await writeDemoPost(t.db, t.dir, {
    ...place, kind: 'blog', title: 'Läsprov blogginlägg', publishedAt: at(3),
    media: [{ stored: files[3], tagged: 'none' }, { stored: files[2], tagged: [unconsented.id] }],
  });
  const draft = await writeDemoPost(t.db, t.dir, {
    ...place, kind: 'group', title: 'Läsprov utkast', publishedAt: null, media: [{ stored: files[0], tagged: 'none' }],
  });
  return {
    elsa, nora, consented: consented.id, unconsented: unconsented.id, consentedName: consented.first_name, unconsentedName: unconsented.first_name,
    blabar, solrosen, demokommun, author,
    posts: { group: group.id, elsas: elsas.id, others: othersPost.id, blog: blog.id, draft: draft.id },
    media: {
      none: group.mediaIds[0], consented: group.mediaIds[1], unconsented: group.mediaIds[2], elsaAndConsented: group.mediaIds[3], elsaAlone: group.mediaIds[4],
      elsasPortfolio: elsas.mediaIds[0], othersPortfolio: othersPost.mediaIds[0], blogNone: blog.mediaIds[0], blogUnconsented: blog.mediaIds[1],
      draft: draft.mediaIds[0],
    },
  };
}
