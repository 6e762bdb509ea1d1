// `npm run migrate-to-postgres`: the demo installation, used for a while on SQLite, moved into an empty PostgreSQL
// database: every row there, the same checksums on both sides, and Vardag started on the copy works (a demo user
// logs in and reports an absence under a new id). It refuses while the SQLite file is in use and when PostgreSQL
// already holds rows, and its comparison catches a row changed after the copy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { openDatabase, openPostgres, type Connection, type Db } from '../../server/kernel/db.ts';
import { dialectOf } from '../../db/sql.ts';
import { moveToPostgres, Refusal, verifyCopy } from '../../scripts/migrate-to-postgres.ts';
import { DEFAULT_NOW, postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { groupId, personId, unitId } from '../support/demo.ts';
import { formFields, submit } from '../schedule/support.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';
import { removeTempDirs, tempDir } from '../support/system.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/migrate-to-postgres.ts');

/** The script as `npm run migrate-to-postgres` runs it: its exit status and what it printed. */
async function runScript(args: string[], env: Record<string, string>): Promise<{ status: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, ...args],
      { cwd: ROOT, env: { ...process.env, ...env } });
    return { status: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, out: failed.stdout + failed.stderr };
  }
}

/** Every row of every table (but the migrations' own), each row as JSON, sorted: equal contents, equal results. */
async function contents(db: Db): Promise<Map<string, string[]>> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).sort();
  const all = new Map<string, string[]>();
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    all.set(table, rows.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))).sort());
  }
  return all;
}

describe('moving an installation from SQLite to PostgreSQL', () => {
  let cluster: PostgresCluster;
  let url: string;
  let dataDir: string;
  let sqliteFile: string;
  let source: TestApp | undefined;
  let copy: Connection | undefined;
  let elsa: number;
  let clearedJob: number;

  before(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase();
    dataDir = tempDir('move');
    sqliteFile = path.join(dataDir, 'vardag.sqlite');
    source = await startTestApp({ careTimes: true, families: true, env: { VARDAG_DATA_DIR: dataDir, VARDAG_DATABASE_URL: '' } });
    assert.equal(dialectOf(source.db), 'sqlite');
    await useForAWhile(source);
  });

  /** A morning's use, so that most tables have rows: absence, care times, a check-in, an invitation, a setting, a job. */
  async function useForAWhile({ app, db }: TestApp) {
    elsa = await personId(db, 'Elsa', 'Andersson');
    const alice = await personId(db, 'Alice', 'Johansson');
    const anna = await personId(db, 'Anna', 'Johansson');
    const emma = await signIn(app, 'vardnadshavare');
    const absence = await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'range', from: '2026-12-02', to: '2026-12-03' });
    const schedule = `/children/${elsa}/schedule`; // week 50: her mother's in the demo's two homes (week 49 is her father's)
    const week = await emma.get(`${schedule}?week=2026-W50`);
    const careTime = await submit(emma, schedule, formFields(week.text, schedule), { 'starts_2026-12-08': '08:00', 'ends_2026-12-08': '15:00' });
    const teacher = await signIn(app, 'pedagog');
    const blabar = await groupId(db, 'Blåbär');
    const arrival = await postForm(teacher, `/groups/${blabar}/today`, `/children/${alice}/attendance`, { event: 'arrive', group: String(blabar) });
    const invitation = await postForm(teacher, `/children/${alice}/invitations/new`, `/children/${alice}/invitations`,
      [['invite', String(anna)], [`email_${anna}`, 'anna.ny@example.com'], [`language_${anna}`, 'sv'], ['confirm', 'yes']]);
    const solrosen = await unitId(db, 'Förskolan Solrosen');
    const rektor = await signIn(app, 'rektor');
    const hours = [1, 2, 3, 4, 5, 6, 7].flatMap((d): [string, string][] => [[`opens_${d}`, d <= 5 ? '06:45' : ''], [`closes_${d}`, d <= 5 ? '17:30' : '']]);
    const setting = await postForm(rektor, `/units/${solrosen}/settings`, `/units/${solrosen}/settings/opening-hours`, hours);
    assert.deepEqual([absence, careTime, arrival, invitation, setting].map((res) => res.status), [303, 303, 303, 303, 303]);
    // The invitation's mail job done and cleared away, as the job runner clears them: its id is never to be given again.
    const job = await db.selectFrom('jobs').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await db.deleteFrom('jobs').where('id', '=', job.id).execute();
    clearedJob = job.id;
  }

  after(async () => {
    await source?.close();
    await copy?.close();
    await cluster?.stop();
    removeTempDirs();
  });

  it('refuses while Vardag still has the SQLite file open, and writes nothing', async () => {
    await assert.rejects(moveToPostgres({ sqliteFile, databaseUrl: url }),
      (error: Error) => error instanceof Refusal && /in use by another process\. Stop Vardag/.test(error.message));
    const target = openPostgres(url, 1);
    try {
      assert.deepEqual(await target.db.introspection.getTables({ withInternalKyselyTables: true }), [], 'not even migrated');
    } finally {
      await target.close();
    }
  });

  it('copies every row of every table, with the same checksums on both sides, and says so', async () => {
    await source?.close();
    source = undefined;
    const { status, out } = await runScript([], { VARDAG_DATA_DIR: dataDir, VARDAG_DATABASE_URL: url });
    assert.equal(status, 0, out);
    assert.match(out, /Every table is the same on both sides/);
    assert.match(out, /^absences +2 +[0-9a-f]{16} +ok$/m);

    const lite = openDatabase(sqliteFile);
    copy = openPostgres(url, 2);
    try {
      const expected = await contents(lite.db);
      const copied = await contents(copy.db);
      assert.deepEqual([...copied.keys()], [...expected.keys()]);
      for (const [table, rows] of expected) assert.deepEqual(copied.get(table), rows, `the rows of ${table}`);
      const filled = [...expected].filter(([, rows]) => rows.length > 0).map(([table]) => table);
      for (const table of ['absences', 'care_times', 'attendances', 'invitation_keys', 'mail_outbox', 'settings_changes', 'sessions', 'audit_trail']) {
        assert.ok(filled.includes(table), `${table} has rows`);
      }
      assert.ok(filled.length * 2 > expected.size, `only ${filled.length} of ${expected.size} tables have rows`);
      for (const [table] of expected) assert.match(out, new RegExp(`^${table} .* ok$`, 'm'), `${table} is in the comparison`);
    } finally {
      await lite.close();
    }
  });

  it('catches a row changed after the copy, in that table only, and exits non-zero', async () => {
    assert.ok(copy);
    const clean = await verifyCopy({ sqliteFile, databaseUrl: url });
    assert.deepEqual(clean.filter((c) => !c.ok), []);

    await copy.db.updateTable('persons').set({ first_name: 'Elsie' }).where('id', '=', elsa).execute();
    try {
      const checks = await verifyCopy({ sqliteFile, databaseUrl: url });
      assert.deepEqual(checks.filter((c) => !c.ok).map((c) => c.table), ['persons']);
      const persons = checks.find((c) => c.table === 'persons');
      assert.equal(persons?.copiedRows, persons?.rows, 'as many rows: only the checksum tells');
      const { status, out } = await runScript(['--verify-only', sqliteFile, url], {});
      assert.equal(status, 1, out);
      assert.match(out, /^persons .* DIFFERS$/m);
      assert.match(out, /1 table\(s\) differ/);
    } finally {
      await copy.db.updateTable('persons').set({ first_name: 'Elsa' }).where('id', '=', elsa).execute();
    }
  });

  it('refuses a database that already holds rows, and leaves it as it was', async () => {
    assert.ok(copy);
    const persons = await copy.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await assert.rejects(moveToPostgres({ sqliteFile, databaseUrl: url }),
      (error: Error) => error instanceof Refusal && /is not empty \(its table \w+ has rows\)/.test(error.message));
    const { status, out } = await runScript([dataDir, url], {});
    assert.equal(status, 1, out);
    assert.match(out, /is not empty/);
    const afterwards = await copy.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(afterwards.n, persons.n);
  });

  it('gives a Vardag started on the copy the same installation: a demo user logs in and reports under a new id', async () => {
    assert.ok(copy);
    const highest = await copy.db.selectFrom('absences').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
    const moved = await startTestApp({ existingDataDir: tempDir('moved'), env: { VARDAG_DATABASE_URL: url } });
    try {
      assert.equal(dialectOf(moved.db), 'postgres');
      const emma = await signIn(moved.app, 'vardnadshavare');
      assert.match((await emma.get(`/children/${elsa}`)).text, /Elsa/);
      const res = await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'range', from: '2026-12-07' });
      assert.equal(res.status, 303);
      const added = await moved.db.selectFrom('absences').select('id').where('date', '=', '2026-12-07').executeTakeFirstOrThrow();
      assert.equal(added.id, Number(highest.id) + 1, 'ids go on after the highest SQLite gave');
      const job = await moved.db.insertInto('jobs').values({ kind: 'test', payload: '{}', run_at: DEFAULT_NOW, created_at: DEFAULT_NOW })
        .returning('id').executeTakeFirstOrThrow();
      assert.equal(job.id, clearedJob + 1, 'not even the id of a row cleared away before the move');
    } finally {
      await moved.close();
    }
  });
});
