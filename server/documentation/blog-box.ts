// The Blogg box: the newest entries of the blog of each group the child is in now.
import { defineBox } from '../kernel/boxes.ts';
import { today } from '../kernel/clock.ts';
import { groupWithUnit, type ChildSummary } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { latestBlog } from './read-queries.ts';

export const blogBox = defineBox<ChildSummary, 'blog'>({
  key: 'blog',
  view: '/documentation/box-blog',
  load: async ({ db, clock, child }) => {
    const placed = await locateChild(db, child.id, today(clock));
    const groups = await Promise.all((placed?.groupIds ?? [child.groupId]).map(async (id) => ({
      id, name: (await groupWithUnit(db, id))?.name ?? '', posts: await latestBlog(db, id, 3),
    })));
    return { childId: child.id, groups };
  },
});
