// The Bedömning box: for a pupil with a school placement, how many of the term's subjects have a published assessment,
// with the way to them, to the IUP and to the extra adaptations. Its content needs a strong login: on a weak session
// server/start/boxes.ts shows the way to BankID in its place (STRONG_BOX_ACTIONS), never this.
import { today } from '../kernel/clock.ts';
import { defineBox } from '../kernel/boxes.ts';
import type { ChildSummary } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { publishedCount } from './queries.ts';
import { schoolClasses } from './rules.ts';
import { termOf } from '../kernel/terms.ts';

export const assessmentBox = defineBox<ChildSummary, 'assessment'>({
  key: 'assessment',
  view: '/assessment/box',
  load: async ({ db, clock, child }) => {
    const day = today(clock);
    const placed = await locateChild(db, child.id, day);
    if (schoolClasses(placed?.groups ?? []).length === 0) return null;
    const term = termOf(day);
    return { child, term, published: await publishedCount(db, child.id, term) };
  },
});
