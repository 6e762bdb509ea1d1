// Passkeys' part of the register extract: the passkeys of the person's accounts (their names, when added and last
// used; never the credential or its key). They go when the account is closed (removePasskeysOf, app.ts).
import type { PersonalDataPart } from '../kernel/personal-data.ts';
import { passkeysForExtract } from './queries.ts';

export const passkeysPersonalData: PersonalDataPart = {
  domain: 'passkeys',
  async extract(db, subject) {
    const passkeys = await passkeysForExtract(db, subject.accountIds);
    if (passkeys.length === 0) return { sections: [] };
    return {
      sections: [{
        title: 'personalData.sections.passkeys', childId: null, columns: ['passkey', 'created_at', 'passkey_used_at'],
        rows: passkeys.map((p) => ({ passkey: p.name, created_at: p.createdAt, passkey_used_at: p.lastUsedAt })),
      }],
    };
  },
};
