// Each unit's settings, read by later features (absence, schedule, invitations) and changed with who and when.
import { prepared, type Db } from '../kernel/db.ts';
import type { CareRules, Hours } from './rules.ts';
import { isoWeekday, WEEKDAYS } from '../kernel/dates.ts';
import { jsonValues } from '../../db/sql.ts';
import { accountPersonName } from '../accounts/queries.ts';
import { groupIdsOfUnit, groupsOfUnit } from '../people/queries.ts';
import { municipalityTerms, setInvitationValidDays, setTermsOfUse, termsOfUse } from '../people/municipality-terms.ts';

export interface UnitRules { lockDays: number; planAheadMonths: number; inviteDaysBefore: number }
export const DEFAULT_RULES: UnitRules = { lockDays: 0, planAheadMonths: 12, inviteDaysBefore: 14 };

/**
 * A unit's boxes, rules and opening hours are read on every start page and change a few times a year, always through
 * the save functions below, which forget the unit's entries. (One process per database; several processes would need
 * a shared cache or none.) Reads inside a transaction pass the transaction, not `db`, and so always read the table.
 */
const unitCache = new WeakMap<object, Map<string, unknown>>();

async function cachedPerUnit<T>(db: Db, key: string, load: () => Promise<T>): Promise<T> {
  let entries = unitCache.get(db);
  if (!entries) {
    entries = new Map();
    unitCache.set(db, entries);
  }
  if (entries.has(key)) return entries.get(key) as T;
  const value = await load();
  entries.set(key, value);
  return value;
}

function forgetUnit(db: Db, unitId: number): void {
  const entries = unitCache.get(db);
  for (const kind of ['rules', 'boxes', 'hours']) entries?.delete(`${kind}:${unitId}`);
}

export async function unitRules(db: Db, unitId: number): Promise<UnitRules> {
  return cachedPerUnit(db, `rules:${unitId}`, () => readUnitRules(db, unitId));
}

async function readUnitRules(db: Db, unitId: number): Promise<UnitRules> {
  const row = await db.selectFrom('unit_settings').select(['lock_days', 'plan_ahead_months', 'invite_days_before'])
    .where('unit_id', '=', unitId).executeTakeFirst();
  return row ? { lockDays: row.lock_days, planAheadMonths: row.plan_ahead_months, inviteDaysBefore: row.invite_days_before } : DEFAULT_RULES;
}

/** Which of the start page's boxes (`keys`, the start page's list) the unit shows; a box the unit never chose is on. */
export async function enabledBoxes<Key extends string>(db: Db, unitId: number, keys: readonly Key[]): Promise<Record<Key, boolean>> {
  const chosen = await cachedPerUnit(db, `boxes:${unitId}`, () => readChosenBoxes(db, unitId));
  return Object.fromEntries(keys.map((box) => [box, chosen.get(box) ?? true])) as Record<Key, boolean>;
}

async function readChosenBoxes(db: Db, unitId: number): Promise<Map<string, boolean>> {
  const rows = await db.selectFrom('unit_boxes').select(['box', 'enabled']).where('unit_id', '=', unitId).execute();
  return new Map(rows.map((r) => [r.box, r.enabled === 1]));
}

export async function openingHours(db: Db, unitId: number): Promise<Record<number, Hours>> {
  return cachedPerUnit(db, `hours:${unitId}`, () => readOpeningHours(db, unitId));
}

async function readOpeningHours(db: Db, unitId: number): Promise<Record<number, Hours>> {
  const rows = await db.selectFrom('unit_opening_hours').select(['weekday', 'opens', 'closes']).where('unit_id', '=', unitId).execute();
  const byDay = new Map(rows.map((r) => [r.weekday, { opens: r.opens, closes: r.closes }]));
  return Object.fromEntries(WEEKDAYS.map((d) => [d, byDay.get(d) ?? null]));
}

export interface ClosedDay { id: number; date: string; reason: string }

const closedFrom = prepared((db: Db, unitId: number, from: string) => db.selectFrom('unit_closed_days').select(['id', 'date', 'reason'])
  .where('unit_id', '=', unitId).where('date', '>=', from).orderBy('date'));
const closedBetween = prepared((db: Db, unitId: number, from: string, to: string) => db.selectFrom('unit_closed_days')
  .select(['id', 'date', 'reason']).where('unit_id', '=', unitId).where('date', '>=', from).where('date', '<=', to).orderBy('date'));

export async function closedDays(db: Db, unitId: number, from: string, to?: string): Promise<ClosedDay[]> {
  return to ? closedBetween(db, unitId, from, to) : closedFrom(db, unitId, from);
}

const unitsWithHoursOn = prepared((db: Db, unitIds: string, weekday: number) => db.selectFrom('unit_opening_hours').select('unit_id')
  .where('unit_id', 'in', jsonValues(db, unitIds)).where('weekday', '=', weekday));
const unitsClosedOn = prepared((db: Db, unitIds: string, date: string) => db.selectFrom('unit_closed_days').select('unit_id')
  .where('unit_id', 'in', jsonValues(db, unitIds)).where('date', '=', date));

/** Of the units, those open on `date`: with opening hours that weekday, and not closed that day (the staff's Today). */
export async function unitsOpenOn(db: Db, unitIds: readonly number[], date: string): Promise<Set<number>> {
  if (unitIds.length === 0) return new Set();
  const ids = JSON.stringify(unitIds);
  const [open, closed] = await Promise.all([unitsWithHoursOn(db, ids, isoWeekday(date)), unitsClosedOn(db, ids, date)]);
  const units = new Set(open.map((o) => o.unit_id));
  for (const c of closed) units.delete(c.unit_id);
  return units;
}

export interface GroupCutoff { groupId: number; name: string; cutoff: string | null }

const cutoffsOfUnit = prepared((db: Db, unitId: number) => db.selectFrom('group_settings').select(['group_id', 'change_cutoff'])
  .where('group_id', 'in', groupIdsOfUnit(db, unitId)));

/** Each group of the unit (by name) with its cut-off time for changes, null where the group has none. */
export async function groupCutoffs(db: Db, unitId: number): Promise<GroupCutoff[]> {
  const [groups, settings] = await Promise.all([groupsOfUnit(db, unitId), cutoffsOfUnit(db, unitId)]);
  const cutoffOf = new Map(settings.map((s) => [s.group_id, s.change_cutoff]));
  return groups.map((g) => ({ groupId: g.id, name: g.name, cutoff: cutoffOf.get(g.id) ?? null }));
}

const cutoffOfGroup = prepared((db: Db, groupId: number) => db.selectFrom('group_settings').select('change_cutoff').where('group_id', '=', groupId));

/** One group's cut-off time for changes (HH:MM the day before), null when it has none (a child's week page). */
export async function groupCutoff(db: Db, groupId: number): Promise<string | null> {
  const [row] = await cutoffOfGroup(db, groupId);
  return row?.change_cutoff ?? null;
}

export interface SettingsChange { setting: string; oldValue: string | null; newValue: string | null; changedBy: string; changedAt: string }

export async function settingsHistory(db: Db, scope: { unitId: number } | { municipalityId: number }, limit = 30): Promise<SettingsChange[]> {
  let query = db.selectFrom('settings_changes')
    .select((eb) => ['settings_changes.setting', 'settings_changes.old_value', 'settings_changes.new_value', 'settings_changes.changed_at',
      accountPersonName(eb, 'settings_changes.changed_by').as('changed_by')]);
  query = 'unitId' in scope
    ? query.where('settings_changes.unit_id', '=', scope.unitId)
    : query.where('settings_changes.municipality_id', '=', scope.municipalityId).where('settings_changes.unit_id', 'is', null);
  const rows = await query.orderBy('settings_changes.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    setting: r.setting, oldValue: r.old_value, newValue: r.new_value, changedAt: r.changed_at, changedBy: r.changed_by ?? '',
  }));
}

/** Who changes what, and when: every write below records each value it changes. */
export interface Change { municipalityId: number; unitId: number | null; by: number; at: Date }

async function recordChange(trx: Db, change: Change, setting: string, oldValue: string | null, newValue: string | null): Promise<void> {
  if (oldValue === newValue) return;
  await trx.insertInto('settings_changes').values({
    municipality_id: change.municipalityId, unit_id: change.unitId, setting, old_value: oldValue, new_value: newValue,
    changed_by: change.by, changed_at: change.at.toISOString(),
  }).execute();
}

export async function saveBoxes(db: Db, unitId: number, boxes: Record<string, boolean>, change: Change): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await enabledBoxes(trx, unitId, Object.keys(boxes));
    for (const box of Object.keys(boxes)) {
      await trx.insertInto('unit_boxes').values({ unit_id: unitId, box, enabled: boxes[box] ? 1 : 0 })
        .onConflict((oc) => oc.columns(['unit_id', 'box']).doUpdateSet({ enabled: boxes[box] ? 1 : 0 })).execute();
      await recordChange(trx, change, `box:${box}`, onOff(before[box]), onOff(boxes[box]));
    }
  });
  forgetUnit(db, unitId);
}

export async function saveOpeningHours(db: Db, unitId: number, hours: Record<number, Hours>, change: Change): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await openingHours(trx, unitId);
    await trx.deleteFrom('unit_opening_hours').where('unit_id', '=', unitId).execute();
    for (const day of WEEKDAYS) {
      const h = hours[day];
      if (h) await trx.insertInto('unit_opening_hours').values({ unit_id: unitId, weekday: day, opens: h.opens, closes: h.closes }).execute();
      await recordChange(trx, change, `opening_hours:${day}`, hoursText(before[day]), hoursText(h));
    }
  });
  forgetUnit(db, unitId);
}

export async function saveCareRules(db: Db, unitId: number, rules: CareRules, change: Change): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await unitRules(trx, unitId);
    const row = { lock_days: rules.lockDays, plan_ahead_months: rules.planAheadMonths, invite_days_before: rules.inviteDaysBefore };
    await trx.insertInto('unit_settings').values({ unit_id: unitId, ...row })
      .onConflict((oc) => oc.column('unit_id').doUpdateSet(row)).execute();
    await recordChange(trx, change, 'lock_days', String(before.lockDays), String(rules.lockDays));
    await recordChange(trx, change, 'plan_ahead_months', String(before.planAheadMonths), String(rules.planAheadMonths));
    await recordChange(trx, change, 'invite_days_before', String(before.inviteDaysBefore), String(rules.inviteDaysBefore));
    const groups = await groupCutoffs(trx, unitId);
    for (const group of groups) {
      if (!rules.cutoffs.has(group.groupId)) continue;
      const cutoff = rules.cutoffs.get(group.groupId) ?? null;
      await trx.insertInto('group_settings').values({ group_id: group.groupId, change_cutoff: cutoff })
        .onConflict((oc) => oc.column('group_id').doUpdateSet({ change_cutoff: cutoff })).execute();
      await recordChange(trx, change, `change_cutoff:${group.name}`, group.cutoff, cutoff);
    }
  });
  forgetUnit(db, unitId);
}

export type AddClosedDay = { ok: true } | { ok: false; error: 'already-closed' };

export async function addClosedDay(db: Db, unitId: number, day: { date: string; reason: string }, change: Change): Promise<AddClosedDay> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('unit_closed_days').select('id').where('unit_id', '=', unitId).where('date', '=', day.date).executeTakeFirst();
    if (existing) return { ok: false, error: 'already-closed' } as const;
    await trx.insertInto('unit_closed_days').values({ unit_id: unitId, date: day.date, reason: day.reason }).execute();
    await recordChange(trx, change, 'closed_day', null, `${day.date} ${day.reason}`);
    return { ok: true } as const;
  });
}

/** Removes a closed day of this unit; a day of another unit is not found. */
export async function removeClosedDay(db: Db, unitId: number, closedDayId: number, change: Change): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const day = await trx.selectFrom('unit_closed_days').select(['date', 'reason'])
      .where('id', '=', closedDayId).where('unit_id', '=', unitId).executeTakeFirst();
    if (!day) return false;
    await trx.deleteFrom('unit_closed_days').where('id', '=', closedDayId).execute();
    await recordChange(trx, change, 'closed_day', `${day.date} ${day.reason}`, null);
    return true;
  });
}

export async function saveTerms(db: Db, municipalityId: number, text: string, change: Change): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await termsOfUse(trx, municipalityId);
    await setTermsOfUse(trx, municipalityId, text);
    await recordChange(trx, change, 'terms_of_use', before, text);
  });
}

export async function saveInvitationValidity(db: Db, municipalityId: number, days: number, change: Change): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await municipalityTerms(trx, municipalityId);
    if (!before) throw new Error(`No municipality ${municipalityId}`);
    await setInvitationValidDays(trx, municipalityId, days);
    await recordChange(trx, change, 'invitation_valid_days', String(before.invitationValidDays), String(days));
  });
}

function onOff(on: boolean): string {
  return on ? 'on' : 'off';
}

function hoursText(h: Hours): string {
  return h ? `${h.opens}–${h.closes}` : 'closed';
}

/**
 * The settings of a unit being set up (the demo municipality, later the import of a new unit): written as they are,
 * without a line in the history, since nobody changed anything. Opening hours by ISO weekday; change cutoffs by group,
 * each a group of the unit (another unit's group is refused).
 */
export async function setInitialUnitSettings(trx: Db, unitId: number, settings: {
  openingHours?: Record<number, Hours>; rules?: UnitRules; closedDays?: { date: string; reason: string }[]; cutoffs?: Map<number, string | null>;
}): Promise<void> {
  const hours = Object.entries(settings.openingHours ?? {}).flatMap(([weekday, h]) => (h ? [{ unit_id: unitId, weekday: Number(weekday), ...h }] : []));
  if (hours.length) await trx.insertInto('unit_opening_hours').values(hours).execute();
  if (settings.closedDays?.length) await trx.insertInto('unit_closed_days').values(settings.closedDays.map((d) => ({ unit_id: unitId, ...d }))).execute();
  const rules = settings.rules;
  if (rules) {
    await trx.insertInto('unit_settings')
      .values({ unit_id: unitId, lock_days: rules.lockDays, plan_ahead_months: rules.planAheadMonths, invite_days_before: rules.inviteDaysBefore }).execute();
  }
  if (!settings.cutoffs?.size) return;
  const ownGroups = new Set((await groupsOfUnit(trx, unitId)).map((g) => g.id));
  for (const [groupId, cutoff] of settings.cutoffs) {
    if (!ownGroups.has(groupId)) throw new Error(`group ${groupId} is not a group of unit ${unitId}`);
    await trx.insertInto('group_settings').values({ group_id: groupId, change_cutoff: cutoff }).execute();
  }
}
