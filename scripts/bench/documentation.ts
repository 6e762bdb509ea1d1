// The bench's documentation, made before the portfolio and thumbnail routes are loaded (like the week view's care
// times): in each group of the sessions' children, a dozen published group posts of three drawings each (no child in
// them), and for each session's child a portfolio post with a drawing of the child (whose consent is then asked on each
// request of it). The drawings are stored once through the media library under the data set's folder; an earlier run's
// posts are removed first, so the data set keeps one set.
import type { Connection } from '../../server/kernel/db.ts';
import { storeDrawing, writeDemoPost } from '../../server/documentation/demo.ts';
import type { StoredMedia } from '../../server/media/index.ts';

const MARK = 'Bänkprov';
const GROUP_POSTS = 12;

export interface PortfolioSession { accountId: number; childId: number; cookie: string; csrfToken: string }
export interface PortfolioProbe { childId: number; cookie: string; thumbId: number }

export async function prepareDocumentation(open: () => Connection, dataDir: string, sessions: readonly PortfolioSession[]): Promise<PortfolioProbe[]> {
  const connection = open();
  try {
    const db = connection.db;
    const drawings: StoredMedia[] = [];
    for (let n = 0; n < 6; n++) drawings.push(await storeDrawing(dataDir, 100 + n));
    const children = [...new Set(sessions.map((s) => s.childId))];
    const placed = await db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
      .select(['placements.child_id', 'placements.group_id', 'groups.unit_id', 'units.municipality_id'])
      .where('placements.child_id', 'in', children).where('placements.end_date', 'is', null).orderBy('placements.start_date').execute();
    const groupOf = new Map<number, (typeof placed)[number]>();
    for (const p of placed) if (!groupOf.has(p.child_id)) groupOf.set(p.child_id, p);
    const author = await db.selectFrom('staff_assignments').select(['group_id', 'person_id']).where('group_id', 'is not', null).execute();
    const authorOf = new Map(author.map((a) => [a.group_id, a.person_id]));
    const probes: PortfolioProbe[] = [];
    await db.transaction().execute(async (trx) => {
      const old = trx.selectFrom('posts').select('id').where('title', 'like', `${MARK}%`);
      const oldMedia = trx.selectFrom('post_media').select('id').where('post_id', 'in', old);
      await trx.deleteFrom('post_media_children').where('media_id', 'in', oldMedia).execute();
      await trx.deleteFrom('post_media').where('post_id', 'in', old).execute();
      await trx.deleteFrom('post_children').where('post_id', 'in', old).execute();
      await trx.deleteFrom('posts').where('title', 'like', `${MARK}%`).execute();
      const done = new Set<number>();
      const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
      for (const s of sessions) {
        const at = groupOf.get(s.childId);
        if (!at) continue;
        const place = { municipalityId: at.municipality_id, unitId: at.unit_id, groupId: at.group_id, authorId: authorOf.get(at.group_id) ?? s.childId };
        if (!done.has(at.group_id)) {
          done.add(at.group_id);
          for (let i = 0; i < GROUP_POSTS; i++) {
            await writeDemoPost(trx, dataDir, {
              ...place, kind: 'group', title: `${MARK} ${i + 1}`, publishedAt: day(2 + i),
              body: 'Vi var i skogen och byggde en koja. Barnen samlade pinnar och löste tillsammans hur taket skulle hålla.',
              reflection: 'Barnen samarbetade och prövade sig fram; nästa vecka fortsätter vi med bygglek.',
              media: [0, 1, 2].map((k) => ({ stored: drawings[(i + k) % drawings.length], caption: `Bild ${k + 1}`, tagged: 'none' as const })),
            });
          }
        }
        const own = await writeDemoPost(trx, dataDir, {
          ...place, kind: 'portfolio', children: [s.childId], title: `${MARK} portfolio`, publishedAt: day(1),
          body: 'Målade solen och berättade om färgerna.', media: [{ stored: drawings[s.childId % drawings.length], tagged: [s.childId] }],
        });
        probes.push({ childId: s.childId, cookie: s.cookie, thumbId: own.mediaIds[0] });
      }
    });
    return probes;
  } finally {
    await connection.close();
  }
}
