// The Kontaktlista box: the child's group's staff with their work phone, how many families share their details, and
// the way to the whole list and to one's own choice.
import { defineBox } from '../kernel/boxes.ts';
import { today } from '../kernel/clock.ts';
import type { ChildSummary } from '../people/queries.ts';
import { groupContactList } from './list.ts';

export const contactsBox = defineBox<ChildSummary, 'contacts'>({
  key: 'contacts',
  view: '/contacts/box',
  load: async ({ db, clock, child }) => {
    const list = await groupContactList(db, child.groupId, child.unitId, today(clock));
    return { child, staff: list.staff, sharing: list.children.reduce((n, c) => n + c.guardians.length, 0) };
  },
});
