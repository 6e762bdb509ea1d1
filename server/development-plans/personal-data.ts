// (being built: issue 25)
import type { PersonalDataPart } from '../kernel/personal-data.ts';

export const developmentPlanPersonalData: PersonalDataPart = {
  domain: 'development-plans',
  async extract() { return { sections: [] }; },
};
