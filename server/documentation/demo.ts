// The demo's documentation: group posts, blog entries and portfolio posts with drawings made here (SVG drawn by sharp,
// never a photo of a person), stored through the media library, so that `vardnadshavare` opens a portfolio with photos
// at first start. Tests and the bench make posts the same way (`writeDemoPost`).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { Database, PostKind } from '../../db/schema.ts';
import { addDays } from '../kernel/dates.ts';
import { mediaLimits, storeMedia, type StoredMedia } from '../media/index.ts';
import { DEFAULT_DOCUMENTATION_SETTINGS } from './settings.ts';

type Trx = Kysely<Database>;

const SKIES = ['#bfe3f5', '#ffe9b8', '#d9ecd0', '#f5d0d9', '#d6d3f5', '#c8eee9'];
const THINGS = ['#e4572e', '#2e86ab', '#f3a712', '#4f9d69', '#8a4fff', '#d1495b'];

/** A drawing (a landscape with a sun, a house or a tree, and shapes) as PNG bytes, different for each `n`. */
export async function drawing(n: number, size = { width: 1200, height: 900 }): Promise<Buffer> {
  const { width: w, height: h } = size;
  const sky = SKIES[n % SKIES.length];
  const thing = THINGS[n % THINGS.length];
  const other = THINGS[(n + 2) % THINGS.length];
  const sunX = Math.round(w * (0.15 + ((n * 37) % 70) / 100));
  const shapes = Array.from({ length: 5 }, (_, i) => {
    const x = Math.round(w * (0.1 + ((n * 13 + i * 17) % 80) / 100));
    const y = Math.round(h * (0.7 + ((n * 7 + i * 5) % 20) / 100));
    return `<circle cx="${x}" cy="${y}" r="${Math.round(h / 40)}" fill="${THINGS[(n + i) % THINGS.length]}"/>`;
  }).join('');
  const house = n % 2 === 0
    ? `<rect x="${w * 0.55}" y="${h * 0.42}" width="${w * 0.25}" height="${h * 0.25}" fill="${thing}"/><polygon points="${w * 0.52},${h * 0.43} ${w * 0.675},${h * 0.27} ${w * 0.83},${h * 0.43}" fill="${other}"/><rect x="${w * 0.64}" y="${h * 0.54}" width="${w * 0.06}" height="${h * 0.13}" fill="#5b3a29"/>`
    : `<rect x="${w * 0.66}" y="${h * 0.4}" width="${w * 0.04}" height="${h * 0.28}" fill="#5b3a29"/><circle cx="${w * 0.68}" cy="${h * 0.36}" r="${h * 0.14}" fill="${THINGS[3]}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<rect width="${w}" height="${h}" fill="${sky}"/>
<circle cx="${sunX}" cy="${h * 0.2}" r="${h * 0.09}" fill="#ffd23f"/>
<rect y="${h * 0.66}" width="${w}" height="${h * 0.34}" fill="#7cc47f"/>
${house}${shapes}
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Stores a drawing through the media library, as an upload would be. */
export async function storeDrawing(dataDir: string, n: number, size?: { width: number; height: number }): Promise<StoredMedia> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'vardag-drawing-'));
  try {
    const file = path.join(folder, `teckning-${n}.png`);
    const bytes = await drawing(n, size);
    await fs.writeFile(file, bytes);
    const stored = await storeMedia(dataDir, { path: file, originalName: `teckning-${n}.png`, size: bytes.length }, mediaLimits(DEFAULT_DOCUMENTATION_SETTINGS));
    if (!stored.ok) throw new Error(`The drawing could not be stored: ${stored.error}`);
    return stored.media;
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

export interface DemoPost {
  municipalityId: number; unitId: number; groupId: number; kind: PostKind; authorId: number;
  title: string; body?: string; reflection?: string;
  /** For a portfolio post: the children it goes to. */
  children?: readonly number[];
  /** Each medium: an already stored file (or a drawing number), its caption, and its children or 'none' (inga barn på bilden). */
  media?: readonly { stored: StoredMedia | number; caption?: string; tagged: readonly number[] | 'none' }[];
  /** When it was published; null: a draft. */
  publishedAt: string | null;
}

/** Writes a post with its media and tags straight into the tables (the demo's, a test's or the bench's); its id and its media's. */
export async function writeDemoPost(trx: Trx, dataDir: string, post: DemoPost): Promise<{ id: number; mediaIds: number[] }> {
  const at = post.publishedAt ?? new Date().toISOString();
  const { id } = await trx.insertInto('posts').values({
    municipality_id: post.municipalityId, unit_id: post.unitId, group_id: post.groupId, kind: post.kind, title: post.title,
    body: post.body ?? '', reflection: post.reflection ?? '', status: post.publishedAt ? 'published' : 'draft', author_id: post.authorId,
    created_at: at, updated_at: at, published_at: post.publishedAt,
  }).returning('id').executeTakeFirstOrThrow();
  if (post.kind === 'portfolio' && post.children?.length) {
    await trx.insertInto('post_children').values(post.children.map((child) => ({ post_id: id, child_id: child }))).execute();
  }
  const mediaIds: number[] = [];
  for (const [position, medium] of (post.media ?? []).entries()) {
    const stored = typeof medium.stored === 'number' ? await storeDrawing(dataDir, medium.stored) : medium.stored;
    const made = await trx.insertInto('post_media').values({
      post_id: id, kind: stored.kind, file_key: stored.key, mime: stored.mime, bytes: stored.bytes, width: stored.width,
      height: stored.height, duration_ms: stored.durationMs, caption: medium.caption ?? '', no_children: medium.tagged === 'none' ? 1 : 0,
      position, created_by: post.authorId, created_at: at,
    }).returning('id').executeTakeFirstOrThrow();
    if (medium.tagged !== 'none' && medium.tagged.length) {
      await trx.insertInto('post_media_children').values(medium.tagged.map((child) => ({ media_id: made.id, child_id: child }))).execute();
    }
    mediaIds.push(made.id);
  }
  return { id, mediaIds };
}

export interface DocumentationDemo {
  dataDir: string; now: Date; today: string;
  municipalityId: number; unitId: number; groupId: number; authorId: number;
  /** The child whose portfolio the demo fills (Elsa). */
  childId: number;
  /** Other children of the group with photo consent (in the group's photos that every family sees). */
  consented?: readonly number[];
}

/** The demo's posts in Blåbär: the group's documentation, its blog and Elsa's portfolio, with drawings. */
export async function seedDocumentationDemo(trx: Trx, demo: DocumentationDemo): Promise<void> {
  const place = { municipalityId: demo.municipalityId, unitId: demo.unitId, groupId: demo.groupId, authorId: demo.authorId };
  const daysAgo = (days: number, time: string) => `${addDays(demo.today, -days)}T${time}:00.000Z`;
  await writeDemoPost(trx, demo.dataDir, {
    ...place, kind: 'portfolio', children: [demo.childId], publishedAt: daysAgo(12, '13:20'),
    title: 'Vattenlek', body: 'Elsa hällde vatten mellan kannor av olika storlek och räknade hur många små som fick plats i den stora.',
    reflection: 'Elsa undersöker volym och antal på egen hand. Nästa steg: låta henne gissa först och sedan pröva.',
    media: [{ stored: 5, caption: 'Kannorna på rad', tagged: [demo.childId] }],
  });
  await writeDemoPost(trx, demo.dataDir, {
    ...place, kind: 'group', publishedAt: daysAgo(6, '10:05'),
    title: 'Vi byggde en koja i skogen',
    body: 'I tisdags gick hela Blåbär till skogen bakom förskolan. Barnen samlade pinnar och byggde en koja tillsammans.',
    reflection: 'Barnen samarbetade och löste problem tillsammans: hur får man taket att hålla? Vi fortsätter med bygglek nästa vecka.',
    media: [{ stored: 1, caption: 'Kojan blev klar före lunch', tagged: 'none' }, { stored: 2, caption: 'Skogen bakom förskolan', tagged: 'none' }],
  });
  const consented = demo.consented ?? [];
  if (consented.length >= 2) {
    await writeDemoPost(trx, demo.dataDir, {
      ...place, kind: 'group', publishedAt: daysAgo(4, '09:50'),
      title: 'Sagostund i läshörnan', body: 'Vi läste sagan om de tre bockarna Bruse, och barnen fick själva hitta på ett nytt slut.',
      reflection: 'Barnen lyssnade länge och byggde vidare på varandras idéer. Nästa gång får de rita sitt slut.',
      media: [{ stored: 7, caption: 'Vi lyssnar på sagan', tagged: consented.slice(0, 2) }],
    });
  }
  await writeDemoPost(trx, demo.dataDir, {
    ...place, kind: 'portfolio', children: [demo.childId], publishedAt: daysAgo(3, '14:40'),
    title: 'Elsa målar solen', body: 'Elsa valde själv färgerna och berättade att solen är glad i dag.',
    reflection: 'Elsa sätter ord på känslor i sina bilder. Vi ger henne fler tillfällen att berätta om det hon skapar.',
    media: [{ stored: 3, caption: 'Elsas målning', tagged: [demo.childId] }, { stored: 4, caption: 'Färgerna Elsa valde', tagged: 'none' }],
  });
  await writeDemoPost(trx, demo.dataDir, {
    ...place, kind: 'blog', publishedAt: daysAgo(1, '15:30'),
    title: 'Veckan som gått', body: 'Den här veckan har vi varit i skogen, målat och lekt med vatten. Nästa vecka börjar vi med vårt sagotema.',
    media: [{ stored: 6, caption: 'Gården en solig eftermiddag', tagged: 'none' }],
  });
}
