// What a municipality decides for all its units and keeps on its own row: the terms of use a guardian accepts when
// registering, and how many days an invitation key stays valid. Settings changes them (and logs each change).
import type { Db } from '../kernel/db.ts';

export interface MunicipalityTerms { id: number; name: string; termsOfUse: string | null; invitationValidDays: number }

/** The municipality's name, its terms of use and how long its invitation keys stay valid. */
export async function municipalityTerms(db: Db, municipalityId: number): Promise<MunicipalityTerms | undefined> {
  const row = await db.selectFrom('municipalities').select(['id', 'name', 'terms_of_use', 'invitation_valid_days'])
    .where('id', '=', municipalityId).executeTakeFirst();
  return row && { id: row.id, name: row.name, termsOfUse: row.terms_of_use, invitationValidDays: row.invitation_valid_days };
}

export async function termsOfUse(db: Db, municipalityId: number): Promise<string | null> {
  const row = await db.selectFrom('municipalities').select('terms_of_use').where('id', '=', municipalityId).executeTakeFirst();
  return row?.terms_of_use ?? null;
}

export async function setTermsOfUse(db: Db, municipalityId: number, text: string): Promise<void> {
  await db.updateTable('municipalities').set({ terms_of_use: text }).where('id', '=', municipalityId).execute();
}

export async function setInvitationValidDays(db: Db, municipalityId: number, days: number): Promise<void> {
  await db.updateTable('municipalities').set({ invitation_valid_days: days }).where('id', '=', municipalityId).execute();
}
