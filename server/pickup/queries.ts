// The pickup list, emergency contacts, who may not pick up and walking home alone (server/pickup/): the SQL of the
// pickup_persons, pickup_bans and walk_home_permissions tables, and their locators.
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { locateChild } from '../people/relations.ts';

const pickupPersonChild = prepared((db: Db, id: number) => db.selectFrom('pickup_persons').select('child_id').where('id', '=', id).where('removed_at', 'is', null));
const pickupBanPlace = prepared((db: Db, id: number) => db.selectFrom('pickup_bans').select(['child_id', 'unit_id']).where('id', '=', id));

async function locatePickupPerson(db: Db, id: number, today: string): Promise<Location | null> {
  const [row] = await pickupPersonChild(db, id);
  return row ? locateChild(db, row.child_id, today) : null;
}

/** A ban sits where its child is, in the unit it was recorded in only (a head of another unit of the child's does not end it). */
async function locatePickupBan(db: Db, id: number, today: string): Promise<Location | null> {
  const [row] = await pickupBanPlace(db, id);
  if (!row) return null;
  const child = await locateChild(db, row.child_id, today);
  const groups = child?.groups?.filter((g) => g.unitId === row.unit_id) ?? [];
  if (!child || groups.length === 0) return null;
  return { ...child, unitIds: [row.unit_id], groupIds: groups.map((g) => g.id), groups };
}

/** The records of this module that routes name by id. */
export const pickupLocators = { pickupPerson: locatePickupPerson, pickupBan: locatePickupBan } satisfies Partial<Locators>;
