// The calendar's part of the register extract: whether the person's accounts have a calendar subscription (a secret
// feed URL) and when it was made — never the token, which Vardag does not have (only its hash, which is not shown
// either). Events are a group's or a unit's, not personal data of the family. The subscription goes when the account
// is closed (removeFeedToken, called by accounts' closeAccount).
import type { PersonalDataPart } from '../kernel/personal-data.ts';
import { feedTokensForExtract } from './queries.ts';

export const calendarPersonalData: PersonalDataPart = {
  domain: 'calendar',
  async extract(db, subject) {
    const tokens = await feedTokensForExtract(db, subject.accountIds);
    if (tokens.length === 0) return { sections: [] };
    return { sections: [{ title: 'personalData.sections.calendarFeed', childId: null, columns: ['created_at'], rows: tokens.map((t) => ({ created_at: t.createdAt })) }] };
  },
};
