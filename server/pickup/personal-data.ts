// (being written: issue 26)
import type { PersonalDataPart } from '../kernel/personal-data.ts';

export const pickupPersonalData: PersonalDataPart = {
  domain: 'pickup',
  async extract() { return { sections: [] }; },
};
