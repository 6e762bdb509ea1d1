// The Information box: the newest items (pinned first) of the child's groups, units and municipality, not expired.
import { defineBox } from '../kernel/boxes.ts';
import { today } from '../kernel/clock.ts';
import type { ChildSummary } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { listItems } from './queries.ts';

export const BOX_ITEMS = 3;

export const informationBox = defineBox<ChildSummary, 'information'>({
  key: 'information',
  view: '/information/box',
  load: async ({ db, clock, child }) => {
    const day = today(clock);
    const place = await locateChild(db, child.id, day);
    const sources = {
      groupIds: place?.groupIds ?? [child.groupId],
      unitIds: place?.unitIds ?? [child.unitId],
      municipalityIds: place ? [place.municipalityId, ...(place.groups ?? []).map((g) => g.municipalityId)] : [],
    };
    // (the few it shows and how many there are: one page of BOX_ITEMS)
    const { items, total } = await listItems(db, null, sources, { q: '', page: 1, pageSize: BOX_ITEMS }, day);
    return { total, items: items.map((i) => ({ id: i.id, title: i.title, pinned: i.pinned, publishedAt: i.publishedAt, placeName: i.placeName })) };
  },
});
