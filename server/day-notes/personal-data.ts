// (being written: issue 26)
import type { PersonalDataPart } from '../kernel/personal-data.ts';

export const dayNotePersonalData: PersonalDataPart = {
  domain: 'day-notes',
  async extract() { return { sections: [] }; },
};
