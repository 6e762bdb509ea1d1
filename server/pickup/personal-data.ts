// The pickup domain's part of the register extract — each child's pickup list and emergency contacts (removed ones
// too, with when) and a guardian's yes to walking home alone — and of retention (kind 'pickup': the lists, the bans and
// the walk-home answers of a child who left, after the municipality's period). Who may not pick the child up is never
// in an extract: no guardian may read it (the registry cannot tell the admin's extract from the person's own, and the
// admin's is handed to the person).
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';
import { pickupPersonsForExtract, removePickupOf, walkHomeForExtract } from './queries.ts';

export const pickupPersonalData: PersonalDataPart = {
  domain: 'pickup',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const [persons, walkers] = await Promise.all([pickupPersonsForExtract(db, subject.childIds), walkHomeForExtract(db, subject.childIds)]);
    const who = (personId: number) => (personId === subject.personId ? 'you' : 'other');
    const list = (childId: number, kind: 'pickup' | 'emergency') => ({
      title: kind === 'pickup' ? 'personalData.sections.pickupPersons' : 'personalData.sections.emergencyContacts', childId,
      columns: ['name', 'relation', 'phone', 'by', 'created_at', 'updated_at', 'removed_at'],
      rows: persons.filter((p) => p.childId === childId && p.kind === kind).map((p) => ({
        name: p.name, relation: p.relation, phone: p.phone, by: who(p.createdBy), created_at: p.createdAt, updated_at: p.updatedAt, removed_at: p.removedAt,
      })),
    });
    return {
      sections: subject.childIds.flatMap((childId) => {
        const walk = walkers.filter((w) => w.childId === childId);
        return [
          list(childId, 'pickup'), list(childId, 'emergency'),
          ...(walk.length ? [{
            title: 'personalData.sections.walkHome', childId, columns: ['by', 'allowed_at'],
            rows: walk.map((w) => ({ by: who(w.allowedBy), allowed_at: w.allowedAt })),
          }] : []),
        ];
      }),
    };
  },
  retention: [{
    kind: 'pickup', defaultMonths: 12,
    async remove(trx, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += await removePickupOf(trx, ids);
      return removed;
    },
  }],
};
