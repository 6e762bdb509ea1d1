// (being built: issue 25)
import type { PersonalDataPart } from '../kernel/personal-data.ts';

export const assessmentPersonalData: PersonalDataPart = {
  domain: 'assessment',
  strongLogin: true, // only in an extract taken strong, never the admin's (server/kernel/personal-data.ts)
  async extract() { return { sections: [] }; },
};
