// Retention on a fixed clock: the records of a child whose placements all ended longer ago than the municipality's
// period for each kind are removed, each kind by its own domain through the registry; nothing else is.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { municipalityId, personId } from '../support/demo.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { PersonalDataRegistry, type PersonalDataPart } from '../../server/kernel/personal-data.ts';
import { personRegister } from '../../server/people/personal-data.ts';
import { accountIdsOf } from '../../server/accounts/personal-data.ts';
import { recordRegisterChanges } from '../../server/people/register-changes.ts';
import { createInvitation, issueKey } from '../../server/invitations/queries.ts';
import { retentionPeriods, saveRetentionPeriods } from '../../server/privacy/queries.ts';
import { runRetention } from '../../server/privacy/retention.ts';

/** The tables whose rows name a child, which retention removes a child's rows from. */
const CHILD_TABLES = ['absences', 'attendances', 'care_times', 'standard_schedules', 'care_history', 'notifications', 'sms_outbox', 'audit_trail',
  'invitation_children'] as const;

describe('retention', () => {
  let t: TestApp;
  let demo: number;
  let linnea: number; // left Blåbär on 31 October 2026
  let elsa: number; // still in Blåbär
  let accountId: number;
  let linneaAccount: number;

  before(async () => {
    t = await startTestApp();
    demo = await municipalityId(t.db, 'Demokommun');
    linnea = await personId(t.db, 'Linnea', 'Slutberg');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    accountId = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).id;
    const end = await t.db.selectFrom('placements').select('end_date').where('child_id', '=', linnea).executeTakeFirstOrThrow();
    assert.equal(end.end_date, '2026-10-31');
    linneaAccount = (await t.db.insertInto('accounts').values({
      person_id: linnea, username: 'linnea', username_key: 'linnea', password_hash: 'x', language: 'sv', created_at: '2026-01-01T00:00:00Z',
    }).returning('id').executeTakeFirstOrThrow()).id;
  });
  after(() => t.close());

  /** One of every kind of record for each child, and the sessions of Linnea's own account. */
  async function recordsOf(childIds: number[]): Promise<void> {
    const now = '2026-10-01T08:00:00.000Z';
    const blabar = (await t.db.selectFrom('groups').select('id').where('name', '=', 'Blåbär').executeTakeFirstOrThrow()).id;
    for (const [i, child] of childIds.entries()) {
      const date = `2026-10-0${i + 1}`;
      await t.db.insertInto('absences').values({ child_id: child, date, kind: 'reported', comment: 'sjuk', created_by: accountId, created_at: now }).execute();
      await t.db.insertInto('attendances').values({ child_id: child, group_id: blabar, date, arrived_at: '08:00', left_at: '16:00', updated_by: accountId }).execute();
      await t.db.insertInto('care_times').values({ child_id: child, date, starts: '08:00', ends: '16:00', day_off: 0, updated_at: now, version: 1 }).execute();
      const schedule = await t.db.insertInto('standard_schedules').values({ child_id: child, valid_from: '2026-01-05', created_by: accountId, created_at: now })
        .returning('id').executeTakeFirstOrThrow();
      await t.db.insertInto('standard_care_times').values({ schedule_id: schedule.id, weekday: 1, starts: '08:00', ends: '16:00', day_off: 0 }).execute();
      await t.db.insertInto('care_history').values({ child_id: child, date, what: 'care_time', new_value: '08:00–16:00', changed_by: accountId, changed_at: now }).execute();
      await t.db.insertInto('notifications').values({ account_id: accountId, child_id: child, kind: 'absence.reported', params: '{}', url: '/', created_at: now }).execute();
      await t.db.insertInto('sms_outbox').values({ recipient: '+46701234567', message: 'frånvaro', child_id: child, day: date, created_at: now }).execute();
      await t.db.insertInto('audit_trail').values({ at: now, account_id: accountId, person_id: 1, action: 'child.info.read', child_id: child, method: 'GET', outcome: 'read' }).execute();
      await recordRegisterChanges(t.db, demo, { source: 'admin', personId: null, at: new Date(now) }, [{ entity: 'person', entityId: child, change: 'changed', field: 'city', oldValue: 'A', newValue: 'B' }]);
      const guardian = (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).executeTakeFirstOrThrow()).guardian_id;
      const invitation = await createInvitation(t.db, { guardianId: guardian, childId: child, email: null, language: 'sv', sendOn: '2026-10-01', municipalityId: demo, by: accountId, now: new Date(now) });
      await issueKey(t.db, invitation, 'paper', new Date(now));
    }
    await t.db.insertInto('sessions').values({ sid: `linnea-${Math.random()}`, sess: '{}', expires: Date.now() + 3_600_000, account_id: linneaAccount }).execute();
  }

  async function counts(child: number): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of CHILD_TABLES) {
      out[table] = (await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('child_id', '=', child).executeTakeFirstOrThrow()).n;
    }
    out.register_changes = (await t.db.selectFrom('register_changes').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('entity', '=', 'person').where('entity_id', '=', child).executeTakeFirstOrThrow()).n;
    out.sessions = linnea === child
      ? (await t.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', linneaAccount).executeTakeFirstOrThrow()).n
      : 0;
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Number(v)]));
  }

  const KEPT = { absences: 1, attendances: 1, care_times: 1, standard_schedules: 1, care_history: 1, notifications: 1, sms_outbox: 1,
    audit_trail: 1, invitation_children: 1, register_changes: 1 };

  beforeEach(async () => {
    for (const table of CHILD_TABLES) {
      if (table === 'standard_schedules') {
        const schedules = t.db.selectFrom('standard_schedules').select('id').where('child_id', 'in', [linnea, elsa]);
        await t.db.deleteFrom('standard_care_times').where('schedule_id', 'in', schedules).execute();
      }
      if (table === 'invitation_children') {
        const invitations = (await t.db.selectFrom('invitation_children').select('invitation_id').where('child_id', 'in', [linnea, elsa]).execute()).map((r) => r.invitation_id);
        if (invitations.length === 0) continue;
        await t.db.deleteFrom('invitation_children').where('invitation_id', 'in', invitations).execute();
        await t.db.deleteFrom('invitation_keys').where('invitation_id', 'in', invitations).execute();
        await t.db.deleteFrom('invitations').where('id', 'in', invitations).execute();
        continue;
      }
      await t.db.deleteFrom(table).where('child_id', 'in', [linnea, elsa]).execute();
    }
    await t.db.deleteFrom('retention_periods').execute();
    await t.db.deleteFrom('register_changes').where('entity', '=', 'person').where('entity_id', 'in', [linnea, elsa]).execute();
    await recordsOf([linnea, elsa]);
  });

  it('removes only the kinds whose period has passed since the child\'s last placement ended, the day after it has', async () => {
    // On 15 January 2027: absence kept 2 months (ended before 15 November: Linnea's go), care times 3 (ended before 15
    // October: hers stay), the sessions of her own account their default month (they go), every other kind its default
    // of a year or more (they stay).
    await saveRetentionPeriods(t.db, demo, { months: new Map([['absences', 2], ['careTimes', 3]]) }, 1, new Date());
    const runs = await runRetention(t.db, PERSONAL_DATA, '2027-01-15');
    const absences = runs.find((r) => r.municipalityId === demo && r.kind === 'absences');
    assert.deepEqual(absences && { months: absences.months, endedBefore: absences.endedBefore, children: absences.children }, { months: 2, endedBefore: '2026-11-15', children: 1 });
    assert.deepEqual(await counts(linnea), { ...KEPT, absences: 0, sessions: 0 });
    assert.deepEqual(await counts(elsa), { ...KEPT, sessions: 0 });

    // The period ends on the day: a placement that ended on 31 October is kept 2 months to 31 December, and goes on 1 January.
    await saveRetentionPeriods(t.db, demo, { months: new Map([['attendances', 2]]) }, 1, new Date());
    await runRetention(t.db, PERSONAL_DATA, '2026-12-31');
    assert.equal((await counts(linnea)).attendances, 1, 'kept on the last day');
    await runRetention(t.db, PERSONAL_DATA, '2027-01-01');
    assert.equal((await counts(linnea)).attendances, 0, 'removed the day after');
    assert.deepEqual(await counts(elsa), { ...KEPT, sessions: 0 });
  });

  it('removes every kind a domain declares once each period has passed, and nothing of a child still placed', async () => {
    const shortest = new Map(PERSONAL_DATA.rules().map((r) => [r.kind, 1]));
    await saveRetentionPeriods(t.db, demo, { months: shortest }, 1, new Date());
    const elsaInvitations = await t.db.selectFrom('invitation_children').select('invitation_id').where('child_id', '=', elsa).execute();
    const linneaInvitations = (await t.db.selectFrom('invitation_children').select('invitation_id').where('child_id', '=', linnea).execute()).map((r) => r.invitation_id);
    await runRetention(t.db, PERSONAL_DATA, '2026-12-01');
    const none = Object.fromEntries(Object.keys(KEPT).map((k) => [k, 0]));
    assert.deepEqual(await counts(linnea), { ...none, sessions: 0 });
    assert.deepEqual(await counts(elsa), { ...KEPT, sessions: 0 });
    assert.deepEqual(await t.db.selectFrom('invitations').select('id').where('id', 'in', linneaInvitations).execute(), [], 'an invitation left naming no child goes');
    assert.deepEqual(await t.db.selectFrom('invitation_keys').select('id').where('invitation_id', 'in', linneaInvitations).execute(), [], '...with its keys');
    assert.equal((await t.db.selectFrom('invitations').select('id').where('id', 'in', elsaInvitations.map((r) => r.invitation_id)).execute()).length, elsaInvitations.length);
    // The child stays in the register, with the placement: only the records of the kinds declared go.
    assert.ok(await t.db.selectFrom('persons').select('id').where('id', '=', linnea).executeTakeFirst());
    assert.ok(await t.db.selectFrom('placements').select('id').where('child_id', '=', linnea).executeTakeFirst());
  });

  it('keeps every kind its default period when the municipality set none, and never shorter than a part requires', async () => {
    await runRetention(t.db, PERSONAL_DATA, '2027-01-15');
    assert.deepEqual(await counts(linnea), { ...KEPT, sessions: 0 }, 'only the sessions (default 1 month) went');
    const portfolio: PersonalDataPart = { domain: 'portfolio', keepsAtLeastMonths: 6 };
    const registry = new PersonalDataRegistry(personRegister, accountIdsOf, [...PERSONAL_DATA.parts, portfolio]);
    assert.equal(registry.minimumMonths(), 6);
    await saveRetentionPeriods(t.db, demo, { months: new Map([['absences', 1]]) }, 1, new Date());
    await runRetention(t.db, registry, '2027-04-30');
    assert.equal((await counts(linnea)).absences, 1, 'six months from 31 October is 30 April: kept');
    await runRetention(t.db, registry, '2027-05-01');
    assert.equal((await counts(linnea)).absences, 0);
    assert.throws(() => new PersonalDataRegistry(personRegister, accountIdsOf, [...PERSONAL_DATA.parts, { domain: 'again', retention: [PERSONAL_DATA.rules()[0]] }]),
      /declare the retention kind/);
  });

  it('is saved whole when two admins save at once', async () => {
    const kinds = PERSONAL_DATA.rules().map((r) => r.kind);
    const first = new Map(kinds.map((k) => [k, 20]));
    const second = new Map(kinds.map((k) => [k, 30]));
    await Promise.all([saveRetentionPeriods(t.db, demo, { months: first }, 1, new Date()), saveRetentionPeriods(t.db, demo, { months: second }, 2, new Date())]);
    const saved = [...(await retentionPeriods(t.db, demo)).values()];
    assert.equal(saved.length, kinds.length);
    assert.ok(saved.every((m) => m === saved[0]) && [20, 30].includes(saved[0]), `one save whole, not a mix: ${saved}`);
  });

  it('is set by the municipality\'s admin: a bad period is refused at its field with the form filled in, nothing saved', async () => {
    const admin = await signIn(t.app, 'admin');
    const page = `/municipalities/${demo}/privacy`;
    assert.match((await admin.get('/')).text, new RegExp(`href="${page}"`), 'linked from the start page');
    const form = Object.fromEntries([...PERSONAL_DATA.rules().map((r) => [`months_${r.kind}`, String(r.defaultMonths)]),
      ...PERSONAL_DATA.timedRules().map((r) => [`days_${r.kind}`, String(r.defaultDays)])]);
    const refused = await postForm(admin, page, `${page}/retention`, { ...form, months_absences: '0', months_history: 'tre' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /<title>Fel:/);
    assert.match(refused.text, /Skriv ett helt antal månader, från 1 till 120/);
    assert.match(refused.text, /id="months_history" name="months_history" type="text" value="tre"/);
    assert.equal((await retentionPeriods(t.db, demo)).size, 0);
    const saved = await postForm(admin, page, `${page}/retention`, { ...form, months_absences: '18' });
    assert.equal(saved.status, 303);
    assert.equal((await retentionPeriods(t.db, demo)).get('absences'), 18);
    assert.match((await admin.get(page)).text, /id="months_absences" name="months_absences" type="text" value="18"/);
    const other = await signIn(t.app, 'grannadmin');
    assert.equal((await other.get(page)).status, 404);
  });
});
