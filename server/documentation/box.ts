// The Dokumentation box: the newest posts of the child's portfolio, a thumbnail the child's family may see, and the way
// to the whole portfolio.
import { defineBox } from '../kernel/boxes.ts';
import { today } from '../kernel/clock.ts';
import type { ChildSummary } from '../people/queries.ts';
import { latestPortfolio } from './read-queries.ts';

export const documentationBox = defineBox<ChildSummary, 'documentation'>({
  key: 'documentation',
  view: '/documentation/box-documentation',
  load: async ({ db, clock, child }) => {
    const posts = await latestPortfolio(db, { id: child.id }, today(clock), 3);
    return { childId: child.id, posts };
  },
});
