// The demo's child pages: a drawn picture (an SVG face in bright colours, never a photo of a person) and a short
// presentation for some demo children, so the child switcher, the staff's Today list and the consent list show
// pictures at first start. The drawings go through the same encoding as an upload.
import sharp from 'sharp';
import type { Db } from '../kernel/db.ts';
import { guardiansOfChildren } from '../people/queries.ts';
import { encodePicture, storePicture } from './picture.ts';

const BACKGROUNDS = ['#ffd166', '#8ecae6', '#b8e0a8', '#f4a6c1', '#cdb4db', '#ffb703', '#a8dadc', '#f6bd60'];
const SKINS = ['#f1c27d', '#e0ac69', '#c68642', '#8d5524', '#ffdbac', '#d4a373'];
const HAIR = ['#4a2c0f', '#1b1b1b', '#e6be8a', '#a0522d', '#6f4e37', '#d2691e'];

/** A child's drawing: a round face with hair, eyes and a smile on a coloured background, by the child's number. */
export function drawing(n: number): string {
  const bg = BACKGROUNDS[n % BACKGROUNDS.length];
  const skin = SKINS[(n * 5 + 1) % SKINS.length];
  const hair = HAIR[(n * 3 + 2) % HAIR.length];
  const smile = n % 3 === 0 ? 'M58 128 Q80 150 102 128' : 'M62 130 Q80 142 98 130';
  const bun = n % 2 === 0 ? `<circle cx="80" cy="38" r="18" fill="${hair}"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="200" viewBox="0 0 160 200">
<rect width="160" height="200" fill="${bg}"/>
<circle cx="${20 + (n % 5) * 30}" cy="180" r="26" fill="#ffffff" opacity="0.35"/>
${bun}<ellipse cx="80" cy="92" rx="52" ry="46" fill="${hair}"/>
<ellipse cx="80" cy="112" rx="44" ry="50" fill="${skin}"/>
<circle cx="63" cy="106" r="6" fill="#222"/><circle cx="97" cy="106" r="6" fill="#222"/>
<circle cx="58" cy="124" r="7" fill="#ff8fa3" opacity="0.6"/><circle cx="102" cy="124" r="7" fill="#ff8fa3" opacity="0.6"/>
<path d="${smile}" stroke="#7a2e2e" stroke-width="5" fill="none" stroke-linecap="round"/>
<rect x="30" y="160" width="100" height="40" rx="18" fill="${BACKGROUNDS[(n + 3) % BACKGROUNDS.length]}"/>
</svg>`;
}

const PRESENTATIONS = {
  elsa: 'Jag heter Elsa och är fyra år. Jag tycker om att måla, hoppa i vattenpölar och leka med lera.\n\nMin favoritfärg är gul och jag har en katt som heter Sigge.',
  oskar: 'Oskar gillar fotboll, lego och att läsa om dinosaurier. På fritids bygger han gärna kojor.',
};

/** The encoded drawings, made once per process (tests seed the demo many times). */
const encoded = new Map<number, Promise<Buffer>>();
function picture(n: number): Promise<Buffer> {
  let image = encoded.get(n);
  if (!image) {
    // (drawn to PNG first: an uploaded SVG is refused, as a picture that is a program)
    image = sharp(Buffer.from(drawing(n))).png().toBuffer().then(encodePicture).then((r) => {
      if (!r.ok) throw new Error(`the demo drawing ${n} did not encode: ${r.error}`);
      return r.image;
    });
    encoded.set(n, image);
  }
  return image;
}

/**
 * Gives Elsa, Oskar and the other children a drawn picture each, and Elsa and Oskar a text, as saved by a guardian of
 * the child. Without a data folder (no place for the files) only the texts are saved.
 */
export async function seedDemoChildPages(trx: Db, demo: { dataDir?: string; elsa: number; oskar: number; others: readonly number[]; at: Date }): Promise<void> {
  const children = [demo.elsa, demo.oskar, ...demo.others.filter((id) => id !== demo.elsa && id !== demo.oskar)];
  const texts = new Map([[demo.elsa, PRESENTATIONS.elsa], [demo.oskar, PRESENTATIONS.oskar]]);
  const guardians = await guardiansOfChildren(trx, children);
  for (const [i, childId] of children.entries()) {
    const by = guardians.get(childId)?.[0]?.id;
    if (by === undefined) continue;
    const file = demo.dataDir ? await storePicture(demo.dataDir, childId, await picture(i)) : null;
    const presentation = texts.get(childId) ?? '';
    if (!file && !presentation) continue;
    await trx.insertInto('child_pages')
      .values({ child_id: childId, presentation, picture_file: file, updated_by: by, updated_at: demo.at.toISOString() }).execute();
  }
}
