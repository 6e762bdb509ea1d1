// (being built: issue 25)
import type { PersonalDataPart } from '../kernel/personal-data.ts';

export const adaptationPersonalData: PersonalDataPart = {
  domain: 'adaptations',
  async extract() { return { sections: [] }; },
};
