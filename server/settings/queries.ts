// Each unit's settings, read by later features (absence, schedule, invitations) and changed with who and when.
import { prepared, type Db } from '../kernel/db.ts';
import type { CareRules, Hours } from './rules.ts';
import { addDays, isoWeekday, WEEKDAYS } from '../kernel/dates.ts';
import { holidayOn, holidaysBetween, type Holiday } from './holidays.ts';
import { jsonValues, lockedRows } from '../../db/sql.ts';
import { accountPersonName } from '../accounts/queries.ts';
import { groupIdsOfUnit, groupsOfUnit } from '../people/queries.ts';
import { municipalityTerms, setInvitationValidDays, setTermsOfUse, termsOfUse } from '../people/municipality-terms.ts';

export interface UnitRules { lockDays: number; planAheadMonths: number; inviteDaysBefore: number }
export const DEFAULT_RULES: UnitRules = { lockDays: 0, planAheadMonths: 12, inviteDaysBefore: 14 };

// A unit's boxes, rules and opening hours are read on every start page and week view, from the tables each time: a
// copy kept in one process's memory would not see a change saved through another process, and each read is a few rows
// by the unit's key (README.md, Performance, "Unit settings without a cache": what the copy saved).
const rulesOfUnit = prepared((db: Db, unitId: number) => db.selectFrom('unit_settings')
  .select(['lock_days', 'plan_ahead_months', 'invite_days_before']).where('unit_id', '=', unitId));

export async function unitRules(db: Db, unitId: number): Promise<UnitRules> {
  const [row] = await rulesOfUnit(db, unitId);
  return row ? { lockDays: row.lock_days, planAheadMonths: row.plan_ahead_months, inviteDaysBefore: row.invite_days_before } : DEFAULT_RULES;
}

/** Whether a unit uses notes (Anteckningar) and the child page's guestbook: both off until its head turns them on. */
export interface DocumentationFeatures { notes: boolean; guestbook: boolean }

const featuresOfUnit = prepared((db: Db, unitId: number) => db.selectFrom('unit_settings')
  .select(['notes_enabled', 'guestbook_enabled']).where('unit_id', '=', unitId));

export async function documentationFeatures(db: Db, unitId: number): Promise<DocumentationFeatures> {
  const [row] = await featuresOfUnit(db, unitId);
  return { notes: row?.notes_enabled === 1, guestbook: row?.guestbook_enabled === 1 };
}

const chosenBoxes = prepared((db: Db, unitId: number) => db.selectFrom('unit_boxes').select(['box', 'enabled']).where('unit_id', '=', unitId));

/** Which of the start page's boxes (`keys`, the start page's list) the unit shows; a box the unit never chose is on. */
export async function enabledBoxes<Key extends string>(db: Db, unitId: number, keys: readonly Key[]): Promise<Record<Key, boolean>> {
  const chosen = new Map((await chosenBoxes(db, unitId)).map((r) => [r.box, r.enabled === 1]));
  return Object.fromEntries(keys.map((box) => [box, chosen.get(box) ?? true])) as Record<Key, boolean>;
}

const hoursOfUnit = prepared((db: Db, unitId: number) => db.selectFrom('unit_opening_hours').select(['weekday', 'opens', 'closes'])
  .where('unit_id', '=', unitId));

export async function openingHours(db: Db, unitId: number): Promise<Record<number, Hours>> {
  const byDay = new Map((await hoursOfUnit(db, unitId)).map((r) => [r.weekday, { opens: r.opens, closes: r.closes }]));
  return Object.fromEntries(WEEKDAYS.map((d) => [d, byDay.get(d) ?? null]));
}

/** A day the unit is closed, with why; `id` is the unit's entry it belongs to, null for a public holiday. */
export interface ClosedDay { id: number | null; date: string; reason: string }

/** One of the unit's own entries: a day, or a range from `date` to `lastDate` (a summer closure). */
export interface ClosedEntry { id: number; date: string; lastDate: string; reason: string }

const entriesBetween = prepared((db: Db, unitId: number, from: string, to: string) => db.selectFrom('unit_closed_days')
  .select(['id', 'date', 'last_date', 'reason']).where('unit_id', '=', unitId).where('date', '<=', to)
  .where((eb) => eb(eb.fn.coalesce('last_date', 'date'), '>=', from)).orderBy('date'));
const openHolidaysBetween = prepared((db: Db, unitId: number, from: string, to: string) => db.selectFrom('unit_open_holidays')
  .select('date').where('unit_id', '=', unitId).where('date', '>=', from).where('date', '<=', to));

/** The unit's own closed days and ranges that reach into `from` to `to` (the settings page lists them). */
export async function closedEntries(db: Db, unitId: number, from: string, to: string): Promise<ClosedEntry[]> {
  return (await entriesBetween(db, unitId, from, to)).map((r) => ({ id: r.id, date: r.date, lastDate: r.last_date ?? r.date, reason: r.reason }));
}

/** The public holidays from `from` to `to`, each with whether the unit said it is open that day. */
export async function holidaysOfUnit(db: Db, unitId: number, from: string, to: string): Promise<(Holiday & { open: boolean })[]> {
  const open = new Set((await openHolidaysBetween(db, unitId, from, to)).map((r) => r.date));
  return holidaysBetween(from, to).map((h) => ({ ...h, open: open.has(h.date) }));
}

/**
 * Each day from `from` to `to` the unit is closed, in date order: the days of its own entries, and the public holidays
 * it did not say it is open on (a day both is listed once, with the unit's reason).
 */
export async function closedDays(db: Db, unitId: number, from: string, to: string): Promise<ClosedDay[]> {
  const [entries, holidays] = await Promise.all([closedEntries(db, unitId, from, to), holidaysOfUnit(db, unitId, from, to)]);
  const days = new Map<string, ClosedDay>();
  for (const e of entries) {
    const last = e.lastDate < to ? e.lastDate : to;
    for (let day = e.date < from ? from : e.date; day <= last; day = addDays(day, 1)) days.set(day, { id: e.id, date: day, reason: e.reason });
  }
  for (const h of holidays) if (!h.open && !days.has(h.date)) days.set(h.date, { id: null, date: h.date, reason: h.name });
  return [...days.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

const unitsWithHoursOn = prepared((db: Db, unitIds: string, weekday: number) => db.selectFrom('unit_opening_hours').select('unit_id')
  .where('unit_id', 'in', jsonValues(db, unitIds)).where('weekday', '=', weekday));
const unitsClosedOn = prepared((db: Db, unitIds: string, date: string) => db.selectFrom('unit_closed_days').select('unit_id')
  .where('unit_id', 'in', jsonValues(db, unitIds)).where('date', '<=', date).where((eb) => eb(eb.fn.coalesce('last_date', 'date'), '>=', date)));
const unitsOpenOnHoliday = prepared((db: Db, unitIds: string, date: string) => db.selectFrom('unit_open_holidays').select('unit_id')
  .where('unit_id', 'in', jsonValues(db, unitIds)).where('date', '=', date));

/**
 * Of the units, those open on `date`: with opening hours that weekday, not closed that day, and on a public holiday
 * only those that said they are open (the staff's Today).
 */
export async function unitsOpenOn(db: Db, unitIds: readonly number[], date: string): Promise<Set<number>> {
  if (unitIds.length === 0) return new Set();
  const ids = JSON.stringify(unitIds);
  const holiday = holidayOn(date) !== undefined;
  const [open, closed, openHoliday] = await Promise.all([
    unitsWithHoursOn(db, ids, isoWeekday(date)), unitsClosedOn(db, ids, date), holiday ? unitsOpenOnHoliday(db, ids, date) : [],
  ]);
  const units = new Set(open.map((o) => o.unit_id));
  for (const c of closed) units.delete(c.unit_id);
  if (holiday) {
    const opened = new Set(openHoliday.map((o) => o.unit_id));
    for (const unit of units) if (!opened.has(unit)) units.delete(unit);
  }
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

/** Turns the unit's notes and guestbook on or off, each change in the history. */
export async function saveDocumentationFeatures(db: Db, unitId: number, features: DocumentationFeatures, change: Change): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await documentationFeatures(trx, unitId);
    const row = { notes_enabled: features.notes ? 1 : 0, guestbook_enabled: features.guestbook ? 1 : 0 };
    await trx.insertInto('unit_settings').values({ unit_id: unitId, ...dbRules(DEFAULT_RULES), ...row })
      .onConflict((oc) => oc.column('unit_id').doUpdateSet(row)).execute();
    await recordChange(trx, change, 'notes_enabled', onOff(before.notes), onOff(features.notes));
    await recordChange(trx, change, 'guestbook_enabled', onOff(before.guestbook), onOff(features.guestbook));
  });
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
}

/**
 * Replaces the unit's opening hours, recording each weekday that changes against `before` (read in the same
 * transaction). Pass the transaction of the change (opening-hours.ts, which also tells the guardians).
 */
export async function writeOpeningHours(trx: Db, unitId: number, hours: Record<number, Hours>, before: Record<number, Hours>, change: Change): Promise<void> {
  await trx.deleteFrom('unit_opening_hours').where('unit_id', '=', unitId).execute();
  for (const day of WEEKDAYS) {
    const h = hours[day];
    if (h) await trx.insertInto('unit_opening_hours').values({ unit_id: unitId, weekday: day, opens: h.opens, closes: h.closes }).execute();
    await recordChange(trx, change, `opening_hours:${day}`, hoursText(before[day]), hoursText(h));
  }
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
}

export type AddClosedDay = { ok: true; id: number } | { ok: false; error: 'already-closed' | 'overlaps' };

/**
 * Adds a closed day or range of days, unless it meets one of the unit's entries: the same first day ('already-closed')
 * or any other of its days ('overlaps'). Pass the transaction that also tells the guardians (close-days.ts).
 */
export async function addClosedDay(trx: Db, unitId: number, day: { date: string; lastDate: string; reason: string }, change: Change): Promise<AddClosedDay> {
  // Two additions at once must not both pass the overlap check: each first locks the unit's settings row.
  await trx.insertInto('unit_settings').values({ unit_id: unitId, ...dbRules(DEFAULT_RULES) }).onConflict((oc) => oc.column('unit_id').doNothing()).execute();
  await lockedRows(trx, trx.selectFrom('unit_settings').select('unit_id').where('unit_id', '=', unitId)).execute();
  const met = await entriesBetween(trx, unitId, day.date, day.lastDate);
  if (met.some((e) => e.date === day.date)) return { ok: false, error: 'already-closed' };
  if (met.length) return { ok: false, error: 'overlaps' };
  const { id } = await trx.insertInto('unit_closed_days')
    .values({ unit_id: unitId, date: day.date, last_date: day.lastDate === day.date ? null : day.lastDate, reason: day.reason })
    .returning('id').executeTakeFirstOrThrow();
  await recordChange(trx, change, 'closed_day', null, `${closedText(day.date, day.lastDate)} ${day.reason}`);
  return { ok: true, id };
}

function closedText(date: string, lastDate: string | null): string {
  return lastDate && lastDate !== date ? `${date}–${lastDate}` : date;
}

function dbRules(rules: UnitRules) {
  return { lock_days: rules.lockDays, plan_ahead_months: rules.planAheadMonths, invite_days_before: rules.inviteDaysBefore };
}

/** Removes a closed day of this unit; a day of another unit is not found. */
export async function removeClosedDay(db: Db, unitId: number, closedDayId: number, change: Change): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const day = await trx.selectFrom('unit_closed_days').select(['date', 'last_date', 'reason'])
      .where('id', '=', closedDayId).where('unit_id', '=', unitId).executeTakeFirst();
    if (!day) return false;
    await trx.deleteFrom('unit_closed_days').where('id', '=', closedDayId).execute();
    await recordChange(trx, change, 'closed_day', `${closedText(day.date, day.last_date)} ${day.reason}`, null);
    return true;
  });
}

/**
 * Opens the unit on a public holiday (`open`), or closes it again as holidays are; false when `date` is no holiday. The
 * history records it as a closed day removed or added. A save that changes nothing records nothing.
 */
export async function setHolidayOpen(db: Db, unitId: number, date: string, open: boolean, change: Change): Promise<boolean> {
  const holiday = holidayOn(date);
  if (!holiday) return false;
  await db.transaction().execute(async (trx) => {
    const changed = open
      ? (await trx.insertInto('unit_open_holidays').values({ unit_id: unitId, date }).onConflict((oc) => oc.columns(['unit_id', 'date']).doNothing())
        .executeTakeFirst()).numInsertedOrUpdatedRows
      : (await trx.deleteFrom('unit_open_holidays').where('unit_id', '=', unitId).where('date', '=', date).executeTakeFirst()).numDeletedRows;
    const text = `${date} ${holiday.name}`;
    if (Number(changed ?? 0) > 0) await recordChange(trx, change, 'closed_day', open ? text : null, open ? null : text);
  });
  return true;
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
  documentation?: DocumentationFeatures;
}): Promise<void> {
  const hours = Object.entries(settings.openingHours ?? {}).flatMap(([weekday, h]) => (h ? [{ unit_id: unitId, weekday: Number(weekday), ...h }] : []));
  if (hours.length) await trx.insertInto('unit_opening_hours').values(hours).execute();
  if (settings.closedDays?.length) await trx.insertInto('unit_closed_days').values(settings.closedDays.map((d) => ({ unit_id: unitId, ...d }))).execute();
  const rules = settings.rules ?? (settings.documentation ? DEFAULT_RULES : undefined);
  const features = settings.documentation;
  if (rules) {
    await trx.insertInto('unit_settings')
      .values({ unit_id: unitId, lock_days: rules.lockDays, plan_ahead_months: rules.planAheadMonths, invite_days_before: rules.inviteDaysBefore,
        ...(features ? { notes_enabled: features.notes ? 1 : 0, guestbook_enabled: features.guestbook ? 1 : 0 } : {}) }).execute();
  }
  if (!settings.cutoffs?.size) return;
  const ownGroups = new Set((await groupsOfUnit(trx, unitId)).map((g) => g.id));
  for (const [groupId, cutoff] of settings.cutoffs) {
    if (!ownGroups.has(groupId)) throw new Error(`group ${groupId} is not a group of unit ${unitId}`);
    await trx.insertInto('group_settings').values({ group_id: groupId, change_cutoff: cutoff }).execute();
  }
}
