// Two guardians press "Spara" on the same day of the same child at the same moment. On PostgreSQL their saves run
// side by side: both read the day before either writes (a third connection holds the day's lock until both wait).
// One save wins; the other gets the conflict form with both versions, as if it had come a moment later. A staff
// comment at the same moment is kept beside the guardian's times; standard times saved at once: the later replaces
// the earlier. Never an error page. The same on SQLite, where the saves take turns.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { databaseOf, type TestDatabase } from '../support/database.ts';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { whileHeld } from '../support/locks.ts';
import { formFields, submit, textOf } from './support.ts';

interface Cast { t: TestApp; elsa: number; emma: Agent; johan: Agent }

async function cast(t: TestApp): Promise<Cast> {
  return { t, elsa: await personId(t.db, 'Elsa', 'Andersson'), emma: await signIn(t.app, 'vardnadshavare'), johan: await signIn(t.app, 'vardnadshavare2') };
}

const week = (c: Cast) => `/children/${c.elsa}/schedule?week=2026-W49`;
const action = (c: Cast) => `/children/${c.elsa}/schedule`;
const day = (c: Cast, date: string) => c.t.db.selectFrom('care_times').select(['starts', 'ends', 'version'])
  .where('child_id', '=', c.elsa).where('date', '=', date).executeTakeFirst();
const history = async (c: Cast, date: string) => (await c.t.db.selectFrom('care_history').select('id')
  .where('child_id', '=', c.elsa).where('date', '=', date).execute()).length;

/** Both guardians open the week, then both save their own times for `date` at once (`together` sends the two posts). */
async function bothSave(c: Cast, date: string, together: (send: () => Promise<[Res, Res]>) => Promise<[Res, Res]>) {
  const emmas = formFields((await c.emma.get(week(c))).text, action(c));
  const johans = formFields((await c.johan.get(week(c))).text, action(c));
  const [emma, johan] = await together(() => Promise.all([
    submit(c.emma, action(c), emmas, { [`starts_${date}`]: '07:30', [`ends_${date}`]: '16:00' }),
    submit(c.johan, action(c), johans, { [`starts_${date}`]: '08:15', [`ends_${date}`]: '14:45' }),
  ]));
  return { emma, johan };
}
type Res = Awaited<ReturnType<typeof submit>>;

/** One save won (303) and one got the conflict form (409) with its own times and the winner's, and nothing else. */
function oneWins(date: string, { emma, johan }: { emma: Res; johan: Res }): { starts: string; ends: string } {
  assert.deepEqual([emma.status, johan.status].sort(), [303, 409], `statuses ${emma.status} and ${johan.status}`);
  const [winner, loser] = emma.status === 303 ? [{ starts: '07:30', ends: '16:00', who: 'Emma Andersson' }, johan] : [{ starts: '08:15', ends: '14:45', who: 'Johan Berg' }, emma];
  const mine = winner.starts === '07:30' ? '08:15–14:45' : '07:30–16:00';
  assert.match(loser.text, /Någon annan har ändrat en dag efter att du öppnade veckan\. Inget är sparat än\./);
  const choice = textOf(loser.text, `day_${date}`);
  assert.match(choice, new RegExp(`Din ändring: ${mine}`));
  assert.match(choice, new RegExp(`Sparad av ${winner.who} .*: ${winner.starts}–${winner.ends}`));
  return { starts: winner.starts, ends: winner.ends };
}

function scenarios(database: TestDatabase) {
  let url = '';
  let c: Cast;
  before(async () => {
    const env = await databaseOf(database);
    url = env.VARDAG_DATABASE_URL;
    c = await cast(await startTestApp({ env }));
  });
  after(async () => {
    await c?.t.close();
  });

  /** The two posts at once: on PostgreSQL held at `hold`'s lock until both wait on it. */
  const meet = (hold: (client: pg.Client) => Promise<unknown>) => async <R>(send: () => Promise<R>) => {
    if (database === 'sqlite') return send();
    const held = await whileHeld(url, hold, send);
    assert.equal(held.waited, 2, 'both saves waited on the held lock: they read the day before either wrote');
    return held.results;
  };

  it('a day registered before: one save wins, the other gets the conflict form with both versions', async () => {
    const date = '2026-12-02';
    const first = await submit(c.emma, action(c), formFields((await c.emma.get(week(c))).text, action(c)), { [`starts_${date}`]: '09:00', [`ends_${date}`]: '12:00' });
    assert.equal(first.status, 303);
    const saved = await bothSave(c, date, meet((client) => client.query(
      'select version from care_times where child_id = $1 and date = $2 for update', [c.elsa, date])));
    const winner = oneWins(date, saved);
    assert.deepEqual(await day(c, date), { ...winner, version: 2 }, 'the winner’s times, one version on');
    assert.equal(await history(c, date), 2, 'the first registration and the winner’s change');
  });

  it('a day nobody registered: one save wins, the other gets the conflict form, never an error', async () => {
    const date = '2026-12-03';
    // On PostgreSQL the third connection registers the day without committing: both saves wait on its key, and it rolls back.
    const saved = await bothSave(c, date, meet((client) => client.query(
      "insert into care_times (child_id, date, updated_at, version) values ($1, $2, '2026-11-24T09:00:00Z', 1)", [c.elsa, date])));
    const winner = oneWins(date, saved);
    assert.deepEqual(await day(c, date), { ...winner, version: 1 });
    assert.equal(await history(c, date), 1, 'only the winner’s registration');
  });

  it('a staff comment and a guardian’s times on a new day at once: both kept, never an error', async () => {
    const date = '2026-12-04';
    const pedagog = await signIn(c.t.app, 'pedagog');
    const emmas = formFields((await c.emma.get(week(c))).text, action(c));
    const commentPage = `/children/${c.elsa}/schedule?week=2026-W49&comment=${date}`;
    const commentAction = `/children/${c.elsa}/schedule/comment`;
    const commentForm = formFields((await pedagog.get(commentPage)).text, commentAction);
    const [times, comment] = await meet((client) => client.query(
      "insert into care_times (child_id, date, updated_at, version) values ($1, $2, '2026-11-24T09:00:00Z', 1)", [c.elsa, date]))(() => Promise.all([
      submit(c.emma, action(c), emmas, { [`starts_${date}`]: '07:30', [`ends_${date}`]: '16:00' }),
      submit(pedagog, commentAction, commentForm, { staff_comment: 'Utflykt' }),
    ]));
    assert.deepEqual([times.status, comment.status], [303, 303]);
    const row = await c.t.db.selectFrom('care_times').select(['starts', 'ends', 'staff_comment']).where('child_id', '=', c.elsa).where('date', '=', date)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { starts: '07:30', ends: '16:00', staff_comment: 'Utflykt' });
  });

  it('standard times from one day saved by both at once: both are taken, one schedule from that day, never an error', async () => {
    const validFrom = '2026-12-07';
    const standard = `/children/${c.elsa}/schedule/standard`;
    const week = (starts: string, ends: string) => Object.fromEntries([1, 2, 3, 4, 5].flatMap((d) => [[`starts_${d}`, starts], [`ends_${d}`, ends]]));
    const emmas = formFields((await c.emma.get(standard)).text, standard);
    const johans = formFields((await c.johan.get(standard)).text, standard);
    const emmaId = (await c.t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
    // On PostgreSQL the third connection saves a schedule from the same day without committing: both wait on its key.
    const [emma, johan] = await meet((client) => client.query(
      "insert into standard_schedules (child_id, valid_from, created_by, created_at) values ($1, $2, $3, '2026-11-24T09:00:00Z')",
      [c.elsa, validFrom, emmaId]))(() => Promise.all([
      submit(c.emma, standard, emmas, { ...week('08:00', '16:00'), valid_from: validFrom }),
      submit(c.johan, standard, johans, { ...week('07:00', '15:00'), valid_from: validFrom }),
    ]));
    assert.deepEqual([emma.status, johan.status], [303, 303], 'the later one replaces the earlier, as it would a moment later');
    const schedules = await c.t.db.selectFrom('standard_schedules').select('id').where('child_id', '=', c.elsa).where('valid_from', '=', validFrom).execute();
    assert.equal(schedules.length, 1);
    const days = await c.t.db.selectFrom('standard_care_times').select(['weekday', 'starts']).where('schedule_id', '=', schedules[0].id).execute();
    assert.equal(days.length, 5, 'one week of days, not both saves’ days');
    assert.equal(new Set(days.map((d) => d.starts)).size, 1, 'all from the same save');
  });
}

describe('two guardians save one care-time day at the same moment (PostgreSQL)', () => scenarios('postgres'));
describe('two guardians save one care-time day at the same moment (SQLite)', () => scenarios('sqlite'));
