// (being built: issue 25)
import type { PersonalDataPart } from '../kernel/personal-data.ts';

export const assessmentPersonalData: PersonalDataPart = {
  domain: 'assessment',
  async extract() { return { sections: [] }; },
};
