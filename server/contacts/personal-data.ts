// The contact list's part of the register extract: the person's own choice of what the other guardians see of them.
// Nothing about a child, so nothing for retention: the row goes with the person (on delete cascade).
import type { PersonalDataPart } from '../kernel/personal-data.ts';
import { choiceOf } from './queries.ts';

export const contactsPersonalData: PersonalDataPart = {
  domain: 'contacts',
  async extract(db, subject) {
    const choice = await choiceOf(db, subject.personId);
    if (!choice) return { sections: [] };
    return {
      sections: [{
        title: 'personalData.sections.contactVisibility', childId: null, columns: ['contact_shows', 'updated_at'],
        rows: [{ contact_shows: choice.shows, updated_at: choice.updatedAt }],
      }],
    };
  },
};
