// Backups and restoring them, so that a municipality loses at most a night's work to a broken disk or a bad upgrade.
// A backup is a folder `vardag-<time>` in the backup folder: the database (SQLite: a copy made with SQLite's online
// backup API; PostgreSQL: `pg_dump -Fc`), the media folder if there is one, and `backup.json` (what it is, when, which
// migration). Taken while Vardag runs: both copies are consistent (one snapshot of the database).
// Restoring puts a backup in place of the installation's database and media, keeping what it replaces (SQLite and
// media: beside it, named `…before-restore-<time>`); Vardag must be stopped while it runs.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import type { Config } from '../config.ts';

const run = promisify(execFile);

/** The folders of the data folder that hold files users uploaded (unit logos, photos...), copied along. */
export const MEDIA_FOLDERS = ['media'] as const;

const MANIFEST = 'backup.json';
const SQLITE_FILE = 'database.sqlite';
const PG_FILE = 'database.pgdump';
const PREFIX = 'vardag-';

export type Installation = Pick<Config, 'dataDir' | 'databaseFile' | 'databaseUrl'>;

export interface BackupManifest {
  format: 1;
  database: 'sqlite' | 'postgres';
  /** When the copy was taken (ISO time). */
  takenAt: string;
  /** 'nightly' for the scheduled backup (its Stockholm day in `night`), 'manual' for `npm run backup`. */
  kind: 'nightly' | 'manual';
  night?: string;
  /** The last migration the database had. */
  migration: string | null;
  /** Bytes of the database copy and of the media copied. */
  databaseBytes: number;
  mediaBytes: number;
  mediaFolders: string[];
}

export interface Backup { dir: string; manifest: BackupManifest }

/** Where PostgreSQL's programs are: POSTGRES_BIN, else Debian's place for version 15 if there, else the PATH. */
export function postgresProgram(name: 'pg_dump' | 'pg_restore' | 'psql'): string {
  const dirs = [process.env.POSTGRES_BIN, '/usr/lib/postgresql/15/bin'].filter((d): d is string => Boolean(d));
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return name;
}

/** A PostgreSQL URL without its password, and the password for PGPASSWORD (a password never goes on a command line). */
function connectionOf(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.href, env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function folderName(takenAt: Date): string {
  return `${PREFIX}${takenAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * Takes a backup of the installation into a new folder of `backupDir` and returns it. The copy is written under a
 * temporary name and renamed when complete, so a folder named `vardag-…` with a `backup.json` is always whole.
 */
export async function takeBackup(installation: Installation, backupDir: string, options: { now: Date; kind?: 'nightly' | 'manual'; night?: string }): Promise<Backup> {
  fs.mkdirSync(backupDir, { recursive: true });
  let name = folderName(options.now);
  for (let n = 2; fs.existsSync(path.join(backupDir, name)); n++) name = `${folderName(options.now)}-${n}`;
  const partial = path.join(backupDir, `.partial-${name}-${process.pid}`);
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial);
  try {
    const postgres = Boolean(installation.databaseUrl);
    const databaseFile = path.join(partial, postgres ? PG_FILE : SQLITE_FILE);
    if (installation.databaseUrl) await dumpPostgres(installation.databaseUrl, databaseFile);
    else await copySqlite(installation.databaseFile, databaseFile);
    const migration = postgres ? await lastMigrationOfDump(databaseFile) : lastMigrationOfSqlite(databaseFile);
    const media = copyMedia(installation.dataDir, partial);
    const manifest: BackupManifest = {
      format: 1, database: postgres ? 'postgres' : 'sqlite', takenAt: options.now.toISOString(), kind: options.kind ?? 'manual',
      ...(options.night ? { night: options.night } : {}), migration,
      databaseBytes: fs.statSync(databaseFile).size, mediaBytes: media.bytes, mediaFolders: media.folders,
    };
    fs.writeFileSync(path.join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const dir = path.join(backupDir, name);
    fs.renameSync(partial, dir);
    return { dir, manifest };
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}

/**
 * How fast a backup copies a SQLite database: background work that leaves the disk to the server answering people.
 * Copied in one go, a large file's writes fill the disk's queue and the server's own commits wait behind them.
 */
export const SQLITE_COPY_BYTES_PER_SECOND = 48 * 1024 * 1024;

/**
 * SQLite's online backup API on a connection of its own, a little at a time at `bytesPerSecond`. The connection
 * holds one read transaction for the whole copy, so in WAL mode (Vardag's) the copy is that one snapshot whatever
 * Vardag's processes write meanwhile (without it, each of their writes would start the copy again). A database not in
 * WAL mode would have its writers wait for that read, so it is copied in one step instead.
 */
export async function copySqlite(source: string, target: string, bytesPerSecond = SQLITE_COPY_BYTES_PER_SECOND): Promise<void> {
  if (!fs.existsSync(source)) throw new Error(`There is no database at ${source}`);
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const paced = db.pragma('journal_mode', { simple: true }) === 'wal';
    if (paced) {
      db.exec('BEGIN');
      db.prepare('select count(*) from sqlite_master').get(); // the read that fixes the snapshot
    }
    const pageBytes = Number(db.pragma('page_size', { simple: true }));
    const pagesPerStep = paced ? Math.max(16, Math.round((bytesPerSecond / pageBytes) / 20)) : 0x7fffffff; // 50 ms of copying
    const started = performance.now();
    const pause = new Int32Array(new SharedArrayBuffer(4));
    await db.backup(target, {
      progress: ({ totalPages, remainingPages }) => {
        if (!paced) return pagesPerStep;
        const due = started + (((totalPages - remainingPages) * pageBytes) / bytesPerSecond) * 1000;
        const ahead = due - performance.now();
        if (ahead > 1) Atomics.wait(pause, 0, 0, ahead); // (this process does nothing else meanwhile)
        return pagesPerStep;
      },
    });
    if (paced) db.exec('COMMIT');
  } finally {
    db.close();
  }
  const copy = new SQLite(target);
  try {
    // A copy that a later restore can use as it is: one file, no WAL beside it.
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`The copy of the database failed its check: ${String(check)}`);
  } finally {
    copy.close();
  }
}

async function dumpPostgres(url: string, target: string): Promise<void> {
  const connection = connectionOf(url);
  try {
    await run(postgresProgram('pg_dump'), ['--format=custom', '--no-owner', '--no-privileges', `--file=${target}`, `--dbname=${connection.url}`],
      { env: connection.env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`pg_dump failed: ${programError(err)}`);
  }
}

function lastMigrationOfSqlite(file: string): string | null {
  const db = new SQLite(file, { readonly: true });
  try {
    const row = db.prepare("select name from kysely_migration order by name desc limit 1").get() as { name: string } | undefined;
    return row?.name ?? null;
  } catch {
    return null;
  } finally {
    db.close();
  }
}

/** The last migration in a dump: pg_restore prints the rows of kysely_migration. */
async function lastMigrationOfDump(file: string): Promise<string | null> {
  try {
    const { stdout } = await run(postgresProgram('pg_restore'), ['--data-only', '--table=kysely_migration', `--file=-`, file], { maxBuffer: 64 * 1024 * 1024 });
    const names = [...stdout.matchAll(/^(\d{4}_[a-z0-9_]+)\t/gm)].map((m) => m[1] as string).sort();
    return names.at(-1) ?? null;
  } catch {
    return null;
  }
}

function copyMedia(dataDir: string, into: string): { bytes: number; folders: string[] } {
  let bytes = 0;
  const folders: string[] = [];
  for (const folder of MEDIA_FOLDERS) {
    const source = path.join(dataDir, folder);
    if (!fs.existsSync(source)) continue;
    fs.cpSync(source, path.join(into, 'media', folder), { recursive: true });
    bytes += folderBytes(path.join(into, 'media', folder));
    folders.push(folder);
  }
  return { bytes, folders };
}

function folderBytes(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

/** The backup in a folder, or undefined when it is none (no readable `backup.json`, or no database copy). */
export function readBackup(dir: string): Backup | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as BackupManifest;
    if (manifest.format !== 1 || (manifest.database !== 'sqlite' && manifest.database !== 'postgres')) return undefined;
    if (!fs.existsSync(path.join(dir, manifest.database === 'postgres' ? PG_FILE : SQLITE_FILE))) return undefined;
    return { dir, manifest };
  } catch {
    return undefined;
  }
}

/** The complete backups in `backupDir`, newest first. */
export function listBackups(backupDir: string): Backup[] {
  if (!fs.statSync(backupDir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return fs.readdirSync(backupDir).filter((name) => name.startsWith(PREFIX))
    .map((name) => readBackup(path.join(backupDir, name))).filter((b): b is Backup => b !== undefined)
    .sort((a, b) => (a.manifest.takenAt < b.manifest.takenAt ? 1 : a.manifest.takenAt > b.manifest.takenAt ? -1 : b.dir.localeCompare(a.dir)));
}

/**
 * Keeps the newest `keep` nightly backups and removes the older ones (backups taken by hand are the operator's to
 * remove); also removes copies left half-made by a process that died. Returns the folders removed.
 */
export function pruneBackups(backupDir: string, keep: number): string[] {
  const removed: string[] = [];
  for (const backup of listBackups(backupDir).filter((b) => b.manifest.kind === 'nightly').slice(Math.max(keep, 1))) {
    fs.rmSync(backup.dir, { recursive: true, force: true });
    removed.push(backup.dir);
  }
  if (fs.existsSync(backupDir)) {
    for (const name of fs.readdirSync(backupDir).filter((n) => n.startsWith('.partial-'))) {
      const pid = Number(name.split('-').at(-1));
      if (Number.isInteger(pid) && pid !== process.pid && !processRuns(pid)) {
        fs.rmSync(path.join(backupDir, name), { recursive: true, force: true });
        removed.push(path.join(backupDir, name));
      }
    }
  }
  return removed;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RestoreRefused extends Error {}

/**
 * Puts the backup in `dir` in place of the installation's database and media. The backup must be of the same kind of
 * database. SQLite: the current file (and its WAL) and media are moved aside as `…before-restore-<time>`; PostgreSQL:
 * the schema `public` made anew and the dump loaded, in one transaction (all or nothing). Vardag must not be running.
 */
export async function restoreBackup(installation: Installation, dir: string, now: Date): Promise<{ kept: string[] }> {
  const backup = readBackup(dir);
  if (!backup) throw new RestoreRefused(`${dir} is no Vardag backup (no ${MANIFEST}, or its database copy is missing)`);
  const wanted = installation.databaseUrl ? 'postgres' : 'sqlite';
  if (backup.manifest.database !== wanted) {
    throw new RestoreRefused(`${dir} is a backup of a ${backup.manifest.database} database, and this installation uses ${wanted}`);
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const kept: string[] = [];
  if (installation.databaseUrl) {
    await restorePostgres(installation.databaseUrl, path.join(dir, PG_FILE));
  } else {
    const copy = path.join(dir, SQLITE_FILE);
    const check = checkSqlite(copy);
    if (check !== 'ok') throw new RestoreRefused(`The database copy in ${dir} is damaged: ${check}`);
    const target = installation.databaseFile;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (fs.existsSync(target)) assertNotInUse(target);
    const incoming = `${target}.restoring-${process.pid}`;
    fs.copyFileSync(copy, incoming);
    for (const suffix of ['', '-wal', '-shm']) {
      if (!fs.existsSync(target + suffix)) continue;
      const aside = `${target}.before-restore-${stamp}${suffix}`;
      fs.renameSync(target + suffix, aside);
      if (suffix === '') kept.push(aside);
    }
    fs.renameSync(incoming, target);
  }
  for (const folder of MEDIA_FOLDERS) {
    const current = path.join(installation.dataDir, folder);
    const saved = path.join(dir, 'media', folder);
    if (fs.existsSync(current)) {
      const aside = `${current}.before-restore-${stamp}`;
      fs.renameSync(current, aside);
      kept.push(aside);
    }
    if (fs.existsSync(saved)) fs.cpSync(saved, current, { recursive: true });
  }
  return { kept };
}

function checkSqlite(file: string): string {
  try {
    const db = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      return String(db.pragma('integrity_check', { simple: true }));
    } finally {
      db.close();
    }
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * A SQLite file that a running Vardag has open must not be replaced. Leaving WAL mode needs the only connection to
 * the file (it fails at once while another process has it open), and it folds the WAL into the file, so the copy kept
 * aside is one whole file.
 */
function assertNotInUse(file: string): void {
  const db = new SQLite(file, { fileMustExist: true, timeout: 0 });
  try {
    const mode = String(db.pragma('journal_mode = DELETE', { simple: true }));
    if (mode !== 'delete') throw new Error(mode);
  } catch {
    throw new RestoreRefused(`${file} is in use: stop Vardag (systemctl stop vardag) before restoring`);
  } finally {
    db.close();
  }
}

/**
 * pg_restore's SQL, after dropping and making again the schema `public`, in one transaction of psql: all or nothing,
 * and nothing of the current database stays (a table a newer version's migration made would otherwise survive the
 * restore and make that migration fail when the newer version starts again).
 */
async function restorePostgres(url: string, file: string): Promise<void> {
  const connection = connectionOf(url);
  const restore = spawn(postgresProgram('pg_restore'), ['--no-owner', '--no-privileges', '--file=-', file], { env: connection.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const psql = spawn(postgresProgram('psql'), ['--quiet', '--no-psqlrc', '--single-transaction', '--set=ON_ERROR_STOP=1', `--dbname=${connection.url}`],
    { env: connection.env, stdio: ['pipe', 'ignore', 'pipe'] });
  const errors: string[] = [];
  restore.stderr.on('data', (chunk) => errors.push(String(chunk)));
  psql.stderr.on('data', (chunk) => errors.push(String(chunk)));
  psql.stdin.on('error', () => undefined); // psql stopped at an error: its exit code says so
  psql.stdin.write('drop schema if exists public cascade;\ncreate schema public;\n');
  restore.stdout.pipe(psql.stdin);
  const exited = (child: ReturnType<typeof spawn>) => new Promise<number | null>((resolve) => {
    child.on('error', (err) => { errors.push(err.message); resolve(-1); });
    child.on('close', (code) => resolve(code));
  });
  const [restoreCode, psqlCode] = await Promise.all([exited(restore), exited(psql)]);
  if (restoreCode !== 0 || psqlCode !== 0) {
    throw new Error(`pg_restore failed, the database is as it was: ${programError({ stderr: errors.join('') })}`);
  }
}

/** What a failed program said (its stderr), without the connection URL. */
function programError(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  const text = typeof stderr === 'string' && stderr.trim() ? stderr.trim() : (err as Error).message;
  return text.replace(/postgres(?:ql)?:\/\/[^\s"']+/g, 'postgres://…').slice(0, 2000);
}
