// Backups and restoring them, on the run's database (SQLite, or PostgreSQL with VARDAG_TEST_DATABASE=postgres): back
// up, change the data, restore, and the data is as it was; a backup taken while writes run is one moment's data; the
// nightly backup keeps BACKUP_KEEP of its own and tells the admins when it cannot be taken.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { loadConfig, type Config } from '../../server/config.ts';
import { FixedClock, today } from '../../server/kernel/clock.ts';
import { migrateToLatest, type Connection } from '../../server/kernel/db.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { settleMode } from '../../server/demo/mode.ts';
import { copySqlite, listBackups, pruneBackups, RestoreRefused, restoreBackup, takeBackup } from '../../server/operations/backup.ts';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { NIGHTLY_BACKUP_JOB, queueNightlyBackup, registerBackupJobs } from '../../server/operations/nightly-backup.ts';
import { demoPasswordHash, signIn, startTestApp } from '../support/app.ts';
import { fingerprint } from '../support/demo.ts';
import { newInstallation, TEST_DATABASE, type TestInstallation } from '../support/database.ts';
import { removeTempDirs, tempDir } from '../support/system.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NOW = '2026-11-24T09:00:00Z';

after(removeTempDirs);

/** A demo installation (data folder and database), its config, and its database opened by the test. */
async function demoInstallation(name: string): Promise<{ installation: TestInstallation; config: Config; connection: Connection }> {
  const installation = await newInstallation(name);
  const connection = installation.open();
  await migrateToLatest(connection.db);
  const clock = new FixedClock(NOW);
  const passwordHash = await demoPasswordHash();
  await settleMode(connection.db, false, (trx) => seedDemo(trx, { passwordHash, now: clock.now(), today: today(clock) }));
  return { installation, config: loadConfig(installation.env), connection };
}

/** Runs one of the project's scripts (`npm run backup`, `npm run restore`) on an installation. */
async function script(name: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', `${name}.ts`), ...args],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', ...env } });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

describe(`backup and restore (${TEST_DATABASE})`, () => {
  it('npm run restore brings back the data and the media as they were at the backup', async () => {
    const { installation, config, connection } = await demoInstallation('backup');
    const backups = tempDir('backups');
    try {
      fs.mkdirSync(path.join(config.dataDir, 'media', 'logos'), { recursive: true });
      fs.writeFileSync(path.join(config.dataDir, 'media', 'logos', 'solrosen.png'), 'the logo at the backup');
      const before = await fingerprint(connection.db);
      const backup = await takeBackup(config, backups, { now: new Date(NOW) });
      assert.equal(backup.manifest.database, TEST_DATABASE);
      assert.deepEqual(backup.manifest.mediaFolders, ['media']);
      assert.match(backup.manifest.migration ?? '', /^\d{4}_/);

      // Changes after the backup: rows removed, rows added, a row changed, the logo replaced.
      await connection.db.deleteFrom('absences').execute();
      await connection.db.insertInto('app_meta').values({ key: 'after the backup', value: 'x' }).execute();
      await connection.db.updateTable('municipalities').set({ name: 'Omdöpt kommun' }).execute();
      // ...and a table a newer version's migration would make: gone after the restore, so that migration can run again.
      await sql`create table made_after_the_backup (id integer primary key)`.execute(connection.db);
      fs.writeFileSync(path.join(config.dataDir, 'media', 'logos', 'solrosen.png'), 'a later logo');
      fs.writeFileSync(path.join(config.dataDir, 'media', 'logos', 'later.png'), 'added later');
      assert.notEqual(await fingerprint(connection.db), before);
      await connection.close();

      const restored = await script('restore', [backup.dir], installation.env);
      assert.equal(restored.code, 0, restored.out);
      assert.match(restored.out, /Restored/);

      const reopened = installation.open();
      try {
        assert.equal(await fingerprint(reopened.db), before);
        const tables = (await reopened.db.introspection.getTables()).map((t) => t.name);
        assert.ok(tables.includes('persons'));
        assert.equal(tables.includes('made_after_the_backup'), false);
        assert.equal(fs.readFileSync(path.join(config.dataDir, 'media', 'logos', 'solrosen.png'), 'utf8'), 'the logo at the backup');
        assert.equal(fs.existsSync(path.join(config.dataDir, 'media', 'logos', 'later.png')), false);
      } finally {
        await reopened.close();
      }
    } finally {
      await installation.remove();
    }
  });

  it('npm run backup while writes run copies one moment: every write whole or not at all, and restores', async () => {
    const { installation, connection } = await demoInstallation('backup-writes');
    const target = await newInstallation('restore-target');
    const backups = tempDir('backups');
    try {
      // Each write is a pair of rows in one transaction; the copy must hold both rows of a pair or neither.
      let written = 0;
      let stop = false;
      const writer = (async () => {
        while (!stop) {
          const n = written;
          await connection.db.transaction().execute(async (trx) => {
            await trx.insertInto('app_meta').values({ key: `pair ${n} a`, value: String(n) }).execute();
            await trx.insertInto('app_meta').values({ key: `pair ${n} b`, value: String(n) }).execute();
          });
          written++;
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      while (written < 20) await new Promise((resolve) => setTimeout(resolve, 5));
      const startedAt = written;
      const run = await script('backup', ['--to', backups], installation.env);
      const finishedAt = written;
      stop = true;
      await writer;
      assert.equal(run.code, 0, run.out);
      assert.ok(finishedAt > startedAt, 'writes went on while the backup ran');

      const [backup] = listBackups(backups);
      assert.ok(backup, run.out);
      const targetConfig = loadConfig(target.env);
      await restoreBackup(targetConfig, backup.dir, new Date());
      const copy = target.open();
      try {
        const pairs = await copy.db.selectFrom('app_meta').select(['key', 'value']).where('key', 'like', 'pair %').execute();
        const a = pairs.filter((p) => p.key.endsWith(' a')).map((p) => p.value).sort();
        const b = pairs.filter((p) => p.key.endsWith(' b')).map((p) => p.value).sort();
        assert.deepEqual(a, b, 'no write is half in the copy');
        assert.ok(a.length >= startedAt && a.length <= finishedAt, `${a.length} writes copied, between ${startedAt} and ${finishedAt}`);
        // The demo is whole in the copy too.
        const persons = await copy.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        const original = await connection.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(persons.n), Number(original.n));
      } finally {
        await copy.close();
      }
    } finally {
      await connection.close();
      await installation.remove();
      await target.remove();
    }
  });

  it('refuses a backup of the other kind of database, and a folder that is no backup', async () => {
    const { installation, config, connection } = await demoInstallation('restore-refused');
    try {
      const backups = tempDir('backups');
      const backup = await takeBackup(config, backups, { now: new Date(NOW) });
      const manifestFile = path.join(backup.dir, 'backup.json');
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { database: string };
      fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, database: TEST_DATABASE === 'sqlite' ? 'postgres' : 'sqlite' }));
      await assert.rejects(restoreBackup(config, backup.dir, new Date()), RestoreRefused);
      await assert.rejects(restoreBackup(config, tempDir('empty'), new Date()), /is no Vardag backup/);
      assert.equal((await connection.db.selectFrom('municipalities').select('name').execute()).length > 0, true);
    } finally {
      await connection.close();
      await installation.remove();
    }
  });

  if (TEST_DATABASE === 'sqlite') {
    it('refuses to replace a SQLite file that a running Vardag has open, and keeps the file it replaces', async () => {
      const { installation, config, connection } = await demoInstallation('restore-open');
      try {
        const backup = await takeBackup(config, tempDir('backups'), { now: new Date(NOW) });
        await sql`select 1`.execute(connection.db);
        const refused = await script('restore', [backup.dir], installation.env);
        assert.equal(refused.code, 1, refused.out);
        assert.match(refused.out, /is in use: stop Vardag/);
        await connection.close();
        const { kept } = await restoreBackup(config, backup.dir, new Date('2026-11-25T10:00:00Z'));
        assert.deepEqual(kept.map((k) => path.basename(k)), ['vardag.sqlite.before-restore-20261125T100000Z']);
        assert.ok(fs.existsSync(kept[0] as string));
      } finally {
        await installation.remove();
      }
    });
  }
});

describe('copying a SQLite database a little at a time', () => {
  it('copies the moment it began while another connection goes on writing, and lets those writes through', { timeout: 60_000 }, async () => {
    const dir = tempDir('paced-copy');
    const source = path.join(dir, 'source.sqlite');
    const db = new SQLite(source);
    db.pragma('journal_mode = WAL');
    db.exec('create table rows (id integer primary key, text text not null, written_at integer)');
    const insert = db.prepare('insert into rows (text) values (?)');
    db.transaction(() => { for (let i = 0; i < 20_000; i++) insert.run('x'.repeat(200)); })(); // about 4.5 MB
    db.close();
    // A writer in a thread of its own (the paced copy waits with Atomics.wait, which stops this thread's event loop).
    const writer = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const SQLite = require(workerData.module);
      const db = new SQLite(workerData.source);
      db.pragma('busy_timeout = 2000');
      const insert = db.prepare("insert into rows (text, written_at) values ('written during the copy', ?)");
      let written = 0, stop = false;
      parentPort.on('message', () => { stop = true; });
      (function write() { if (stop) { db.close(); parentPort.postMessage(written); return; } insert.run(Date.now()); written++; setTimeout(write, 2); })();
    `, { eval: true, workerData: { source, module: path.join(ROOT, 'node_modules', 'better-sqlite3') } });
    const written = new Promise<number>((resolve, reject) => { writer.on('message', resolve); writer.on('error', reject); });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const copy = path.join(dir, 'copy.sqlite');
    const before = new SQLite(source, { readonly: true });
    const countWritten = () => (before.prepare("select count(*) as n from rows where text = 'written during the copy'").get() as { n: number }).n;
    const writtenBefore = countWritten();
    const startedAt = Date.now();
    const started = performance.now();
    await copySqlite(source, copy, 4 * 1024 * 1024); // about a second
    const seconds = (performance.now() - started) / 1000;
    const halfway = startedAt + (seconds * 1000) / 2;
    writer.postMessage('stop');
    const count = await written;
    await writer.terminate();
    const copied = new SQLite(copy, { readonly: true });
    const rowsInCopy = (copied.prepare('select count(*) as n from rows').get() as { n: number }).n;
    const duringInCopy = (copied.prepare("select count(*) as n from rows where text = 'written during the copy'").get() as { n: number }).n;
    const lastInCopy = (copied.prepare('select max(written_at) as at from rows').get() as { at: number }).at;
    copied.close();
    const inSource = countWritten();
    const inSecondHalf = (before.prepare('select count(*) as n from rows where written_at > ?').get(halfway) as { n: number }).n;
    before.close();
    assert.ok(seconds > 0.5, `the copy went at its pace (${seconds.toFixed(2)} s)`);
    assert.ok(count > 20, `the writer went on writing during the copy (${count} rows)`);
    assert.equal(inSource, count, 'every write went through');
    // The writer may slip rows in between that count and the copy's first read (many on a loaded machine), so "the
    // moment it began" is asked of the clock: nothing written in the copy's second half is in it, though rows were.
    assert.ok(duringInCopy >= writtenBefore, `the copy has the ${writtenBefore} rows written before it began (${duringInCopy})`);
    assert.ok(inSecondHalf > 0, `the writer wrote during the copy's second half (${inSecondHalf} rows)`);
    assert.ok(lastInCopy < halfway,
      `the copy is of the moment it began: its newest row was written ${lastInCopy - startedAt} ms after it began, of ${Math.round(seconds * 1000)} ms`);
    assert.equal(rowsInCopy - duringInCopy, 20_000);
  });
});

describe(`the nightly backup (${TEST_DATABASE})`, () => {
  it('is taken once a night from BACKUP_HOUR, keeps BACKUP_KEEP nightly backups and leaves manual ones', async () => {
    const test = await startTestApp({ now: '2026-11-24T00:30:00Z' }); // 01:30 in Stockholm
    const backupDir = tempDir('nightly');
    const config = { ...test.config, backupDir, backupKeep: 2, backupHour: 2 };
    const runner = new JobRunner({ db: test.db, clock: test.clock, pollMs: 10 });
    registerBackupJobs(runner, { db: test.db, clock: test.clock, config });
    try {
      const manual = await takeBackup(config, backupDir, { now: new Date('2026-11-01T12:00:00Z') });
      assert.equal(await queueNightlyBackup({ db: test.db, clock: test.clock, config }), false, 'not before 02:00');

      for (const night of ['2026-11-24', '2026-11-25', '2026-11-26']) {
        test.clock.set(`${night}T01:05:00Z`); // 02:05 in Stockholm
        assert.equal(await queueNightlyBackup({ db: test.db, clock: test.clock, config }), true, night);
        assert.equal(await queueNightlyBackup({ db: test.db, clock: test.clock, config }), false, `${night}: queued once`);
        assert.equal(await runner.runDue(), 1);
        assert.equal(await queueNightlyBackup({ db: test.db, clock: test.clock, config }), false, `${night}: taken`);
        const nightly = listBackups(backupDir).filter((b) => b.manifest.kind === 'nightly');
        const expected = ['2026-11-26', '2026-11-25', '2026-11-24'].filter((n) => n <= night).slice(0, 2);
        assert.deepEqual(nightly.map((b) => b.manifest.night), expected, `after ${night}`);
      }
      assert.ok(listBackups(backupDir).some((b) => b.dir === manual.dir), 'the manual backup is kept');
      assert.deepEqual(pruneBackups(backupDir, 2), []);
    } finally {
      await runner.stop();
      await test.close();
    }
  });

  it('that cannot be taken is tried again, given up, and shown to the admins', async () => {
    const test = await startTestApp({ now: '2026-11-24T01:05:00Z' });
    const blocked = path.join(tempDir('nightly-blocked'), 'backups');
    fs.writeFileSync(blocked, 'a file where the backup folder should be');
    const config = { ...test.config, backupDir: blocked, backupKeep: 7, backupHour: 2 };
    const runner = new JobRunner({ db: test.db, clock: test.clock, pollMs: 10, retryBaseMs: 1000 });
    registerBackupJobs(runner, { db: test.db, clock: test.clock, config });
    try {
      const admin = await signIn(test.app, 'admin');
      assert.doesNotMatch((await admin.get('/')).text, /failed-jobs-note/);
      assert.equal(await queueNightlyBackup({ db: test.db, clock: test.clock, config }), true);
      for (let attempt = 1; attempt <= 4; attempt++) {
        assert.equal(await runner.runDue(), 1, `attempt ${attempt}`);
        test.clock.set(new Date(test.clock.now().getTime() + 60 * 60_000).toISOString());
      }
      assert.equal(await runner.runDue(), 0, 'given up after four attempts');
      assert.equal(await queueNightlyBackup({ db: test.db, clock: test.clock, config }), false, 'not queued again the same night');

      const start = await admin.get('/');
      assert.match(start.text, /failed-jobs-note/);
      assert.match(start.text, /Bakgrundsjobb som har gett upp de senaste 7 dygnen: 1\./);
      const page = await admin.get('/admin/jobs');
      assert.equal(page.status, 200);
      assert.match(page.text, new RegExp(`<code>${NIGHTLY_BACKUP_JOB}</code>`));
      assert.match(page.text, /Senaste felet: [^<]*(EEXIST|ENOTDIR|exists|not a directory)/);

      const teacher = await signIn(test.app, 'pedagog');
      assert.doesNotMatch((await teacher.get('/')).text, /failed-jobs-note/);
      assert.equal((await teacher.get('/admin/jobs')).status, 404);
    } finally {
      await runner.stop();
      await test.close();
    }
  });
});
