// The figures of issue 23 for the calendar and information (`npm run bench -- --calendar`, and in the full run): the
// calendar's month view (`GET /calendar?view=month`) and the information list (`GET /information`) of guardians with two
// children in different groups, and the iCal feed (`GET /calendar/feed/<token>.ics`) of a year of those groups' events.
// Made here before the load, like the documentation's posts: in each such group about 40 events a month (five weekly
// ones over a school year and about 20 one-off events a month, timed or all day, with "ta med" items) from two months
// back to ten ahead, and 100 information items (80 to the group, 20 to its unit, some pinned, half read by the
// guardian); each guardian gets a feed token. An earlier run's rows (marked "Bänkprov") are removed first, so the data
// set keeps one set. Target: each ≥ 25 % of the baseline's requests per second.
import type { Connection } from '../../server/kernel/db.ts';
import { stockholmDate } from '../../server/kernel/clock.ts';
import { addDays } from '../../server/kernel/dates.ts';
import { renewFeedToken } from '../../server/calendar/feed.ts';
import { sessionRow } from './sessions.ts';

const MARK = 'Bänkprov';
/** Guardians measured (each with two children in two groups), round-robin. */
const GUARDIANS = 20;
const WEEKLY_EVENTS = 5;
const INFORMATION_ITEMS = 100;
const UNIT_SHARE = 20;

export interface CalendarProbe { accountId: number; cookie: string; feedToken: string }

export async function prepareCalendar(open: () => Connection): Promise<CalendarProbe[]> {
  const connection = open();
  try {
    const db = connection.db;
    const today = stockholmDate(new Date());
    // Guardian accounts with two children placed now in two different groups.
    const rows = await db.selectFrom('accounts').innerJoin('guardianships', 'guardianships.guardian_id', 'accounts.person_id')
      .innerJoin('placements', 'placements.child_id', 'guardianships.child_id').innerJoin('groups', 'groups.id', 'placements.group_id')
      .innerJoin('units', 'units.id', 'groups.unit_id')
      .select(['accounts.id as accountId', 'placements.group_id as groupId', 'groups.unit_id as unitId', 'units.municipality_id as municipalityId'])
      .where('accounts.closed_at', 'is', null).where('placements.start_date', '<=', today)
      .where((eb) => eb.or([eb('placements.end_date', 'is', null), eb('placements.end_date', '>=', today)]))
      .orderBy('accounts.id').execute();
    const groupsOf = new Map<number, Map<number, { unitId: number; municipalityId: number }>>();
    for (const r of rows) {
      const groups = groupsOf.get(r.accountId) ?? new Map();
      groups.set(r.groupId, { unitId: r.unitId, municipalityId: r.municipalityId });
      groupsOf.set(r.accountId, groups);
    }
    const chosen = [...groupsOf].filter(([, groups]) => groups.size === 2).slice(0, GUARDIANS);
    if (chosen.length === 0) throw new Error('the data set has no guardian with two children in two groups');
    const groups = new Map<number, { unitId: number; municipalityId: number }>();
    for (const [, g] of chosen) for (const [id, at] of g) groups.set(id, at);
    const staff = await db.selectFrom('staff_assignments').innerJoin('accounts', 'accounts.person_id', 'staff_assignments.person_id')
      .select(['staff_assignments.group_id', 'accounts.id', 'accounts.person_id']).where('staff_assignments.group_id', 'in', [...groups.keys()]).execute();
    const staffOf = new Map(staff.map((s) => [s.group_id, s]));
    const now = new Date().toISOString();
    const probes: CalendarProbe[] = [];
    await db.transaction().execute(async (trx) => {
      const oldItems = trx.selectFrom('information_items').select('id').where('title', 'like', `${MARK}%`);
      await trx.deleteFrom('information_reads').where('item_id', 'in', oldItems).execute();
      await trx.deleteFrom('information_items').where('title', 'like', `${MARK}%`).execute();
      await trx.deleteFrom('calendar_events').where('title', 'like', `${MARK}%`).execute();
      const first = addDays(today, -61);
      const units = new Set<number>();
      for (const [groupId, at] of groups) {
        const by = staffOf.get(groupId);
        const base = { municipality_id: at.municipalityId, unit_id: at.unitId, group_id: groupId, created_by: by?.person_id ?? 0, created_at: now };
        const events = [];
        for (let w = 0; w < WEEKLY_EVENTS; w++) {
          events.push({ ...base, title: `${MARK} veckoaktivitet ${w + 1}`, note: 'Varje vecka.', bring: w === 0 ? 'gymClothes' : '', date: addDays(first, w),
            start_time: '09:00', end_time: '10:30', repeat_until: addDays(first, w + 360) });
        }
        for (let d = 0; d < 365; d++) {
          const day = addDays(first, d);
          const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
          if (weekday === 0 || weekday === 6) continue;
          // About 20 one-off events a month: one on most weekdays.
          if (d % 7 === 3) continue;
          events.push({ ...base, title: `${MARK} händelse ${d}`, note: d % 3 ? '' : 'Samling på gården.', bring: d % 4 ? '' : 'packedLunch,rainClothes', date: day,
            start_time: d % 2 ? '13:00' : null, end_time: d % 2 ? '14:00' : null, repeat_until: null });
        }
        for (let i = 0; i < events.length; i += 200) await trx.insertInto('calendar_events').values(events.slice(i, i + 200)).execute();
        const author = by?.id ?? chosen[0][0];
        const ownUnit = !units.has(at.unitId);
        units.add(at.unitId);
        // 80 items to the group, and 20 to its unit (once per unit): 100 a child.
        const items = Array.from({ length: INFORMATION_ITEMS }, (_, i) => i).filter((i) => i >= UNIT_SHARE || ownUnit).map((i) => ({
          municipality_id: at.municipalityId, unit_id: i < UNIT_SHARE ? at.unitId : null, group_id: i < UNIT_SHARE ? null : groupId,
          title: `${MARK} information ${i + 1}`, body: 'Hej! Här kommer veckans brev med det som händer i gruppen. Läs gärna och hör av er om något är oklart.',
          link_url: null, pinned: i % 40 === 0 ? 1 : 0, expires_on: null, created_by_account_id: author,
          published_at: new Date(Date.now() - (i + 1) * 86_400_000 * 2).toISOString(),
        }));
        for (let i = 0; i < items.length; i += 100) await trx.insertInto('information_items').values(items.slice(i, i + 100)).execute();
      }
      const marked = await trx.selectFrom('information_items').select(['id', 'group_id', 'unit_id']).where('title', 'like', `${MARK}%`).execute();
      for (const [accountId, mine] of chosen) {
        const units = new Set([...mine.values()].map((g) => g.unitId));
        const read = marked.filter((m, i) => i % 2 === 0 && ((m.group_id !== null && mine.has(m.group_id)) || (m.unit_id !== null && units.has(m.unit_id))));
        if (read.length) await trx.insertInto('information_reads').values(read.map((m) => ({ item_id: m.id, account_id: accountId, read_at: now })))
          .onConflict((oc) => oc.doNothing()).execute();
        const feedToken = await renewFeedToken(trx, accountId, new Date());
        const { row, cookie } = sessionRow(accountId);
        await trx.insertInto('sessions').values(row).execute();
        probes.push({ accountId, cookie, feedToken });
      }
    });
    return probes;
  } finally {
    await connection.close();
  }
}
