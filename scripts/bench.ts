// `npm run bench`: how fast the guardians' and staff's pages are on a realistic data set (with a year of history),
// and how many absence reports a second the server takes without losing one, measured against a fixed text served
// through the same helmet and compression (the baseline), on this machine. See README, "Performance".
//
//   npm run bench                          5000 children, 10 s per route after 5 s of warm-up
//   npm run bench -- --quick               3 s per route after 2 s of warm-up (under a minute once the data set is cached)
//   npm run bench -- --children 20000 --json bench.json --profile
//   npm run bench -- --peak [--minutes 2]  the peak day: 2,000 guardians log in while 200 staff write (scripts/bench/peak.ts)
//   npm run bench -- --import [--children 10000]  the registry import's preview and apply (scripts/bench/registry-import.ts)
//   npm run bench -- --media               photos through the media pipeline: throughput and peak memory (scripts/bench/media.ts)
//   npm run bench -- --messages            a bulletin to a group and a 500-thread inbox against the baseline (scripts/bench/messages.ts)
//   npm run bench -- --calendar            the calendar's month view, the information list and the iCal feed only (scripts/bench/calendar.ts)
//   npm run bench -- --summary             the evening summary of notifications for the whole data set, < 60 s (scripts/bench/summary.ts)
//   npm run bench -- --database postgres --children 50000 --explain --processes 1,2
//                                          on PostgreSQL (scripts/bench/postgres.ts), the pages' plans (scripts/bench/explain.ts),
//                                          one server process and then two
//
// Steps: build (or reuse) the data set in .bench/, put guardian and staff sessions in its `sessions` table (each with
// its CSRF token), start one server as production runs it, measure the start page's transfer size, load each route
// with autocannon in a separate process, stop the server, print the table. A route that answers anything but 2xx
// (for the absence reports: 2xx or 3xx), or fails, or loses a write, fails the run. The absence reports the run
// wrote are deleted again afterwards, so the cached data set stays as it was built.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Connection } from '../server/kernel/db.ts';
import { numberOption } from './bench/options.ts';
import { stockholmDate } from '../server/kernel/clock.ts';
import { childSummary } from '../server/people/queries.ts';
import { unitRules } from '../server/settings/queries.ts';
import { BENCH_DIR, ensureDataset } from './bench/dataset.ts';
import { prepareDocumentation } from './bench/documentation.ts';
import { prepareCalendar, type CalendarProbe } from './bench/calendar.ts';
import type { LoadJob, LoadResult } from './bench/load.ts';
import { runLoadProcess } from './bench/run-load.ts';
import { BENCH_SESSION_SECRET, sessionRow } from './bench/sessions.ts';
import { backupDuringLoad, type BackupFigure } from './bench/backup-during-load.ts';
import { peakDay } from './bench/peak.ts';
import { importBench } from './bench/registry-import.ts';
import { mediaBench } from './bench/media.ts';
import { messagesBench } from './bench/messages.ts';
import { summaryBench } from './bench/summary.ts';
import { formatProfile, summariseProfile, type ProfileSummary } from './bench/profile.ts';
import { decoded, get, machineCpuSeconds, post, startServers, type RunningServer } from './bench/server.ts';
import { benchPostgres, type BenchPostgres } from './bench/postgres.ts';
import { explainPages, SEQ_SCAN_ROWS, type PageProbe, type PlanReport } from './bench/explain.ts';
import { unitCalendar, openDays } from '../server/settings/calendar.ts';
import { addDays, addMonths } from '../server/kernel/dates.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SESSION_SECRET = BENCH_SESSION_SECRET;
const PAGE_LIMIT_BYTES = 30 * 1024;
const P99_LIMIT_MS = 50;
const RPS_RATIO_TARGET = 0.3;
const WRITES_PER_SECOND_TARGET = 1000;
/** Cores used by other processes while a route is measured above which the figures are called unreliable. */
const OTHER_LOAD_WARNING = 0.25;

const USAGE = `npm run bench -- [options]

  --children N       children in the data set (default 5000); cached in .bench/ per N
  --quick            3 s per route after 2 s of warm-up (default: 10 s after 5 s)
  --duration S       seconds measured per route (overrides --quick)
  --warmup S         seconds of warm-up load per route, not measured (overrides --quick)
  --connections C    concurrent connections (default 50)
  --sessions K       guardian sessions the page routes rotate over (default 500)
  --staff K          staff sessions the Today page rotates over (default 200)
  --routes LIST      comma-separated subset of: start,box,week,today,login,absence,portfolio,thumb,calendar,information,feed,baseline
                     (default: all)
  --calendar         the routes calendar,information,feed,baseline only (the figures of issue 23), --quick unless timed
  --json FILE        also write the figures as JSON
  --profile          run the server with --cpu-prof and print where its time went
  --database D       sqlite (default) or postgres: the bench's own cluster in .bench/postgres, or VARDAG_DATABASE_URL's server
  --history-months M months of history in the data set (default 12; 3 above 20000 children)
  --processes LIST   server processes to measure with, e.g. 1,2 (default 1): each count measures every route
  --explain          PostgreSQL: EXPLAIN (ANALYZE) the SQL behind the start page, week view, Today and an absence report
  --peak             the peak day instead (npm run bench -- --peak --help for its options)
  --media            the media pipeline instead: photo throughput against sharp directly, peak memory of uploads
  --messages         messages instead: a bulletin to a 25-child group, a 500-thread inbox (--messages --help)
  --summary          the evening summary of notifications for the whole data set instead (target < 60 s)
  --help`;

type RouteKey = 'start' | 'box' | 'week' | 'today' | 'login' | 'absence' | 'portfolio' | 'thumb' | 'calendar' | 'information' | 'feed' | 'baseline';
const ROUTE_KEYS: readonly RouteKey[] = ['start', 'box', 'week', 'today', 'login', 'absence', 'portfolio', 'thumb', 'calendar', 'information', 'feed', 'baseline'];
/** The calendar's month view, the information list and the iCal feed (issue 23): each at least this share of the baseline's req/s. */
const CALENDAR_RPS_RATIO_TARGET = 0.25;
const WEEK_RPS_RATIO_TARGET = 0.25;
const TODAY_RPS_RATIO_TARGET = 0.25;
const PORTFOLIO_RPS_RATIO_TARGET = 0.25;
const THUMB_RPS_RATIO_TARGET = 0.5;

interface Settings {
  children: number; duration: number; warmup: number; connections: number; sessions: number; staff: number; quick: boolean;
  routes: RouteKey[]; json?: string; profile: boolean;
  database: 'sqlite' | 'postgres'; historyMonths: number; processes: number[]; explain: boolean;
}

interface BenchSession { accountId: number; childId: number; cookie: string; csrfToken: string }
interface StaffSession { accountId: number; groupId: number; cookie: string }

/** The absence reports' writes: every success (warm-up included) against the rows the run added. */
interface WriteFigures {
  /** Answers 2xx or 3xx (a 303 is the form's success), warm-up and measurement together. */
  successes: number;
  /** Answers of any other status. */
  failures: number;
  /** Absence rows added by the run, counted after it. */
  rows: number;
  /** Successes whose (child, day) has no new absence row. */
  lost: number;
  /** Rows written for requests the load generator stopped waiting for at the end of the warm-up or the run. */
  unanswered: number;
  /** Successes per second while measured. */
  perSecond: number;
  /** Distinct (child, day) pairs prepared; more requests than these would repeat one. */
  pairs: number;
}

interface RouteFigures extends LoadResult {
  key: RouteKey;
  /** Server processes the load was spread over. */
  processes: number;
  path: string;
  /** The server's CPU time per measured request (all its threads), and its CPU use while measured (1 = one core). */
  serverCpu: { msPerRequest: number; cores: number } | null;
  /** PostgreSQL's CPU time per measured request (the bench's own cluster: every backend), and its CPU use. */
  dbCpu: { msPerRequest: number; cores: number } | null;
  /** Cores busy while measured: the server, the load generator, and every other process of the machine. */
  cores: { server: number; db: number; load: number; other: number } | null;
  ratio: { rps: number | null; p50: number | null; p99: number | null };
  /** Answers that fail the route: non-2xx (for the absence reports: neither 2xx nor 3xx), errors, timeouts. */
  failedAnswers: number;
  writes?: WriteFigures;
}

interface TransferPart { url: string; kind: 'html' | 'css' | 'js'; bytes: number; uncompressedBytes: number; encoding: string }
interface TransferSize { parts: TransferPart[]; total: number; limit: number; withinLimit: boolean }

const started = performance.now();
const progress = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);

let server: RunningServer | undefined;
let cluster: BenchPostgres | undefined;
let loadProcess: ChildProcess | undefined;
let stopping = false;

async function cleanUp(): Promise<void> {
  if (loadProcess && loadProcess.exitCode === null) loadProcess.kill('SIGTERM');
  if (server) await server.stop();
  if (cluster) await cluster.stop();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    progress(`${signal}: stopping the server`);
    void cleanUp().finally(() => process.exit(130));
  });
}

function parseSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      children: { type: 'string' }, quick: { type: 'boolean' }, duration: { type: 'string' }, warmup: { type: 'string' },
      connections: { type: 'string' }, sessions: { type: 'string' }, staff: { type: 'string' }, routes: { type: 'string' }, json: { type: 'string' },
      profile: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, calendar: { type: 'boolean' },
      database: { type: 'string' }, 'history-months': { type: 'string' }, processes: { type: 'string' }, explain: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = numberOption(USAGE);
  const quick = values.quick === true || (values.calendar === true && values.duration === undefined);
  const routes = values.calendar ? ['calendar', 'information', 'feed', 'baseline']
    : values.routes ? values.routes.split(',').map((r) => r.trim()) : [...ROUTE_KEYS];
  for (const r of routes) if (!ROUTE_KEYS.includes(r as RouteKey)) throw new Error(`unknown route "${r}" in --routes\n\n${USAGE}`);
  const database = values.database ?? 'sqlite';
  if (database !== 'sqlite' && database !== 'postgres') throw new Error(`--database must be sqlite or postgres, got "${database}"\n\n${USAGE}`);
  const children = Math.round(number(values.children, 5000, 'children', 10));
  const processes = (values.processes ?? '1').split(',').map((p) => Math.round(number(p.trim(), 1, 'processes', 1)));
  if (values.explain && database !== 'postgres') throw new Error(`--explain is for --database postgres\n\n${USAGE}`);
  return {
    database, processes, explain: values.explain === true,
    historyMonths: Math.round(number(values['history-months'], children > 20_000 ? 3 : 12, 'history-months', 1)),
    children,
    duration: number(values.duration, quick ? 3 : 10, 'duration', 1),
    warmup: number(values.warmup, quick ? 2 : 5, 'warmup', 0),
    connections: Math.round(number(values.connections, 50, 'connections', 1)),
    sessions: Math.round(number(values.sessions, 500, 'sessions', 1)),
    staff: Math.round(number(values.staff, 200, 'staff', 1)),
    quick,
    routes: routes as RouteKey[],
    json: values.json,
    profile: values.profile === true,
  };
}

/**
 * Replaces every session with K guardian sessions and K' staff sessions (each a staff member of a group, spread over
 * the groups), as a login would write them, returning their cookies.
 */
async function prepareSessions(open: () => Connection, count: number, staffCount: number): Promise<{ guardians: BenchSession[]; staff: StaffSession[] }> {
  const connection = open();
  try {
    const guardians = await connection.db.selectFrom('accounts')
      .innerJoin('guardianships', 'guardianships.guardian_id', 'accounts.person_id')
      .select((eb) => ['accounts.id as accountId', eb.fn.min<number>('guardianships.child_id').as('childId')])
      .where('accounts.closed_at', 'is', null)
      .groupBy('accounts.id').orderBy('accounts.id').execute();
    if (guardians.length === 0) throw new Error('the data set has no guardian accounts');
    const k = Math.min(count, guardians.length);
    const chosen = Array.from({ length: k }, (_, i) => guardians[Math.floor((i * guardians.length) / k)]);
    const sessions = chosen.map((g) => {
      const { row, cookie, csrfToken } = sessionRow(g.accountId);
      return { row, session: { accountId: g.accountId, childId: Number(g.childId), cookie, csrfToken } };
    });
    const staffMembers = await connection.db.selectFrom('staff_assignments').innerJoin('accounts', 'accounts.person_id', 'staff_assignments.person_id')
      .select(['accounts.id as accountId', 'staff_assignments.group_id as groupId'])
      .where('staff_assignments.role', '=', 'staff').where('staff_assignments.group_id', 'is not', null).where('accounts.closed_at', 'is', null)
      .orderBy('staff_assignments.group_id').orderBy('accounts.id').execute();
    const ks = Math.min(staffCount, staffMembers.length);
    const staff = Array.from({ length: ks }, (_, i) => staffMembers[Math.floor((i * staffMembers.length) / ks)]).map((m) => {
      const { row, cookie } = sessionRow(m.accountId);
      return { row, session: { accountId: m.accountId, groupId: Number(m.groupId), cookie } };
    });
    const rows = [...sessions, ...staff].map((s) => s.row);
    await connection.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sessions').execute();
      for (let i = 0; i < rows.length; i += 500) {
        await trx.insertInto('sessions').values(rows.slice(i, i + 500)).execute();
      }
    });
    return { guardians: sessions.map((s) => s.session), staff: staff.map((s) => s.session) };
  } finally {
    await connection.close();
  }
}

/**
 * For the week view: each session's first child with care times (preschool or fritids), with this week's weekdays
 * registered by the guardian and a standard week, as a family that uses Tidsregistrering has them.
 */
async function prepareCareTimes(open: () => Connection, sessions: BenchSession[]): Promise<BenchSession[]> {
  const connection = open();
  try {
    const db = connection.db;
    const accounts = sessions.map((s) => s.accountId);
    const rows = await db.selectFrom('accounts').innerJoin('guardianships', 'guardianships.guardian_id', 'accounts.person_id')
      .innerJoin('placements', 'placements.child_id', 'guardianships.child_id').innerJoin('groups', 'groups.id', 'placements.group_id')
      .innerJoin('units', 'units.id', 'groups.unit_id')
      .select((eb) => ['accounts.id as accountId', eb.fn.min<number>('guardianships.child_id').as('childId')])
      .where('units.kind', 'in', ['preschool', 'fritids']).where('accounts.id', 'in', accounts)
      .groupBy('accounts.id').execute();
    const careChild = new Map(rows.map((r) => [r.accountId, Number(r.childId)]));
    const chosen = sessions.filter((s) => careChild.has(s.accountId)).map((s) => ({ ...s, childId: careChild.get(s.accountId)! }));
    const now = new Date();
    const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)));
    const day = (n: number) => new Date(monday.getTime() + n * 86_400_000).toISOString().slice(0, 10);
    const childIds = [...new Set(chosen.map((s) => s.childId))];
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < childIds.length; i += 500) {
        const ids = childIds.slice(i, i + 500);
        // This week only: the data set's history stays.
        await trx.deleteFrom('care_times').where('child_id', 'in', ids).where('date', '>=', day(0)).where('date', '<=', day(6)).execute();
        const old = trx.selectFrom('standard_schedules').select('id').where('child_id', 'in', ids);
        await trx.deleteFrom('standard_care_times').where('schedule_id', 'in', old).execute();
        await trx.deleteFrom('standard_schedules').where('child_id', 'in', ids).execute();
      }
      const seen = new Set<number>();
      for (const s of chosen) {
        if (seen.has(s.childId)) continue;
        seen.add(s.childId);
        const at = now.toISOString();
        await trx.insertInto('care_times').values([0, 1, 2, 3].map((n) => ({
          child_id: s.childId, date: day(n), starts: '07:30', ends: n === 3 ? '15:00' : '16:30', day_off: 0, comment: n === 1 ? 'Mormor hämtar' : null,
          registered_by: s.accountId, updated_at: at, version: 1, staff_comment: null, staff_comment_by: null, staff_comment_at: null,
        }))).execute();
        const { id } = await trx.insertInto('standard_schedules').values({ child_id: s.childId, valid_from: day(-28), created_by: s.accountId, created_at: at })
          .returning('id').executeTakeFirstOrThrow();
        await trx.insertInto('standard_care_times').values([1, 2, 3, 4, 5].map((weekday) => ({
          schedule_id: id, weekday, starts: '08:00', ends: weekday === 5 ? '14:00' : '16:00', day_off: 0,
        }))).execute();
      }
    });
    return chosen;
  } finally {
    await connection.close();
  }
}

interface AbsencePlan {
  /** Every (child, day) once: each session's child on the open days from tomorrow to its unit's "how far ahead". */
  requests: LoadJob['requests'];
  /** The highest absence and care-history ids before the run: what the run adds is above them. */
  absenceIdBefore: number;
  historyIdBefore: number;
}

/**
 * For the absence reports: one request per (child, day), each session's child on its unit's open days (closed days
 * and weekends skipped, so every report writes one row) from tomorrow to the last day the unit plans ahead, sent
 * day by day across the children, so concurrent requests are for different children.
 */
async function prepareAbsences(open: () => Connection, sessions: BenchSession[]): Promise<AbsencePlan> {
  const connection = open();
  try {
    const db = connection.db;
    const day = stockholmDate(new Date());
    const perSession: { session: BenchSession; days: string[] }[] = [];
    const seen = new Set<number>();
    for (const session of sessions) {
      if (seen.has(session.childId)) continue;
      seen.add(session.childId);
      const child = await childSummary(db, session.childId, day);
      if (!child) continue;
      const rules = await unitRules(db, child.unitId);
      const from = addDays(day, 1);
      const to = addDays(addMonths(day, rules.planAheadMonths), -1);
      perSession.push({ session, days: openDays(from, to, await unitCalendar(db, child.unitId, from, to)) });
    }
    const requests: LoadJob['requests'] = [];
    const longest = Math.max(0, ...perSession.map((p) => p.days.length));
    for (let n = 0; n < longest; n++) {
      for (const { session, days } of perSession) {
        if (n >= days.length) continue;
        requests.push({
          method: 'POST', path: `/children/${session.childId}/absences`, body: `when=range&from=${days[n]}`,
          headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/x-www-form-urlencoded' },
        });
      }
    }
    const max = async (table: 'absences' | 'care_history') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.max<number>('id').as('id')).executeTakeFirst())?.id ?? 0);
    return { requests, absenceIdBefore: await max('absences'), historyIdBefore: await max('care_history') };
  } finally {
    await connection.close();
  }
}

/** The (child, day) of each absence row above the id, as `child/day`. */
async function absencePairsAbove(open: () => Connection, id: number): Promise<Set<string>> {
  const connection = open();
  try {
    const rows = await connection.db.selectFrom('absences').select(['child_id', 'date']).where('id', '>', id).execute();
    return new Set(rows.map((r) => `${r.child_id}/${r.date}`));
  } finally {
    await connection.close();
  }
}

/** Absence rows above the id, counted after the run. */
async function absenceRowsAbove(open: () => Connection, id: number): Promise<number> {
  const connection = open();
  try {
    const row = await connection.db.selectFrom('absences').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '>', id).executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await connection.close();
  }
}

/** Takes the run's absence reports (and their care history) out of the cached data set again. */
async function removeAbsencesAbove(open: () => Connection, plan: AbsencePlan): Promise<void> {
  const connection = open();
  try {
    await connection.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('absences').where('id', '>', plan.absenceIdBefore).execute();
      await trx.deleteFrom('care_history').where('id', '>', plan.historyIdBefore).execute();
    });
  } finally {
    await connection.close();
  }
}

/** The start page as a browser on a fresh cache fetches it: the HTML and its stylesheets and scripts, gzipped. */
async function measureTransfer(origin: string, session: BenchSession): Promise<TransferSize> {
  const page = await get(`${origin}/`, { cookie: session.cookie, 'accept-encoding': 'gzip' });
  if (page.status !== 200) throw new Error(`GET / with a guardian session answered ${page.status}, not 200`);
  const html = decoded(page).toString('utf8');
  if (!html.includes('class="boxes"')) throw new Error('GET / with a guardian session did not show a child\'s boxes');
  const parts: TransferPart[] = [{
    url: '/', kind: 'html', bytes: page.body.length, uncompressedBytes: Buffer.byteLength(html), encoding: String(page.headers['content-encoding'] ?? 'identity'),
  }];
  const stylesheets = [...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0])
    .filter((tag) => /\brel=["']?stylesheet\b/.test(tag)).map((tag) => /\bhref=["']([^"']+)["']/.exec(tag)?.[1]);
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["'][^>]*>/g)].map((m) => m[1]);
  for (const [kind, urls] of [['css', stylesheets], ['js', scripts]] as const) {
    for (const url of urls) {
      if (!url) continue;
      const res = await get(new URL(url, origin).href, { 'accept-encoding': 'gzip' });
      if (res.status !== 200) throw new Error(`GET ${url} (linked from the start page) answered ${res.status}`);
      parts.push({ url, kind, bytes: res.body.length, uncompressedBytes: decoded(res).length, encoding: String(res.headers['content-encoding'] ?? 'identity') });
    }
  }
  const total = parts.reduce((n, p) => n + p.bytes, 0);
  return { parts, total, limit: PAGE_LIMIT_BYTES, withinLimit: total <= PAGE_LIMIT_BYTES };
}

/** Runs one load job in its own process; `onMeasuring` is called when its warm-up is over. */
function runLoad(job: LoadJob, onMeasuring: () => void): Promise<LoadResult> {
  return runLoadProcess(job, { onMeasuring, onProcess: (child) => { loadProcess = child; } });
}

/** The data set's size on disk: the SQLite file, or the PostgreSQL database. */
async function databaseSize(dataset: { databaseFile?: string; open: () => Connection }): Promise<number> {
  if (dataset.databaseFile) return fs.statSync(dataset.databaseFile).size;
  const connection = dataset.open();
  try {
    const { rows } = await sql<{ bytes: number }>`select pg_database_size(current_database()) as bytes`.execute(connection.db);
    return Number(rows[0].bytes);
  } finally {
    await connection.close();
  }
}

/** Cores the machine keeps busy over one second while the bench itself waits. */
async function otherLoad(): Promise<number | undefined> {
  const before = machineCpuSeconds();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = machineCpuSeconds();
  return before === undefined || after === undefined ? undefined : Math.round((after - before) * 100) / 100;
}

const ratio = (a: number, b: number | undefined): number | null => (b ? Math.round((a / b) * 100) / 100 : null);
const fmt = (n: number | null, digits = 2) => (n === null ? '–' : n.toFixed(digits));
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<number> {
  const settings = parseSettings(process.argv.slice(2));
  const machine = {
    cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
  progress(`machine: ${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}`);

  const idle = await otherLoad();
  if (idle !== undefined) {
    progress(`machine load before the run: ${idle} cores busy`
      + (idle > OTHER_LOAD_WARNING ? ' — !! other processes are running; the figures will be low and noisy' : ''));
  }

  if (settings.database === 'postgres') {
    cluster = await benchPostgres(path.join(BENCH_DIR, 'postgres'), (line) => progress(`  ${line}`));
    progress(`PostgreSQL at ${cluster.base}`);
  }
  try {
    return await measure(settings, machine, idle);
  } finally {
    if (cluster) {
      progress('stopping PostgreSQL');
      await cluster.stop();
      cluster = undefined;
    }
  }
}

async function measure(settings: Settings, machine: Record<string, string | number>, idle: number | undefined): Promise<number> {
  progress(`data set: ${settings.children} children, ${settings.historyMonths} months of history, ${settings.database === 'postgres' ? 'PostgreSQL' : 'SQLite'}`);
  const dataset = await ensureDataset(settings.children, (line) => progress(`  ${line}`), { postgres: cluster, historyMonths: settings.historyMonths });
  const where = dataset.databaseFile ? path.relative(ROOT, dataset.databaseFile) : new URL(dataset.databaseUrl!).pathname.slice(1);
  progress(dataset.cached
    ? `  cached: ${where} (built ${dataset.summary.builtAt} in ${dataset.summary.buildSeconds} s)`
    : `  built in ${dataset.summary.buildSeconds} s: ${where}`);
  const databaseBytes = await databaseSize(dataset);

  const { guardians: sessions, staff: staffSessions } = await prepareSessions(dataset.open, settings.sessions, settings.staff);
  progress(`${sessions.length} guardian and ${staffSessions.length} staff sessions written to the sessions table`);
  const careSessions = settings.routes.includes('week') ? await prepareCareTimes(dataset.open, sessions) : [];
  if (settings.routes.includes('week')) {
    if (careSessions.length === 0) throw new Error('no guardian session has a child with care times (preschool or fritids)');
    progress(`${careSessions.length} of them with a child with care times: this week registered, a standard week`);
  }
  if (settings.routes.includes('today') && staffSessions.length === 0) throw new Error('the data set has no staff member of a group');
  const plannedAbsences = settings.routes.includes('absence') ? await prepareAbsences(dataset.open, sessions) : undefined;
  const portfolios = settings.routes.includes('portfolio') || settings.routes.includes('thumb')
    ? await prepareDocumentation(dataset.open, dataset.dir, sessions) : [];
  if (portfolios.length) progress(`documentation: a dozen group posts of three photos in each of the sessions' groups, a portfolio post with a photo for each of ${portfolios.length} sessions' children`);
  const calendars: CalendarProbe[] = ['calendar', 'information', 'feed'].some((k) => settings.routes.includes(k as RouteKey)) ? await prepareCalendar(dataset.open) : [];
  if (calendars.length) progress(`calendar and information: ${calendars.length} guardians with two children in two groups, each group ~40 events a month and 100 information items`);
  if (plannedAbsences) progress(`absence reports: ${plannedAbsences.requests.length} distinct (child, day) pairs on open days ahead`);

  const profileDir = settings.profile ? path.join(BENCH_DIR, 'profiles', new Date().toISOString().replace(/[:.]/g, '-')) : undefined;
  let transfer: TransferSize | undefined;
  const figures: RouteFigures[] = [];
  let plans: PlanReport | undefined;
  let backupFigure: BackupFigure | undefined;
  for (const processes of settings.processes) {
    let absencePlan = plannedAbsences;
    progress(`starting ${processes === 1 ? 'the server' : `${processes} server processes`} (NODE_ENV=production${profileDir ? ', --cpu-prof' : ''}`
      + `${dataset.databaseUrl ? ', PostgreSQL' : ''})`);
    server = await startServers(processes, {
      dataDir: dataset.dir, sessionSecret: SESSION_SECRET, logFile: path.join(BENCH_DIR, 'server.log'), profileDir, databaseUrl: dataset.databaseUrl,
    });
    progress(`  answering at ${server.origins.join(', ')}`);

    try {
      transfer ??= await measureTransfer(server.origin, sessions[0]);
      const htmlBytes = transfer.parts[0].uncompressedBytes;
      progress(`start page: ${htmlBytes} bytes of HTML, ${transfer.total} bytes gzipped with its CSS and JS`);

      const box = await get(`${server.origin}/children/${sessions[0].childId}/boxes/absence`, { cookie: sessions[0].cookie, 'hx-request': 'true' });
      if (box.status !== 200) throw new Error(`the box partial answered ${box.status} for the first guardian`);
      if (staffSessions.length) {
        const today = await get(`${server.origin}/groups/${staffSessions[0].groupId}/today`, { cookie: staffSessions[0].cookie });
        if (today.status !== 200) throw new Error(`the Today page answered ${today.status} for the first staff member`);
      }
      if (absencePlan) {
        // One report by hand first (its row is removed with the rest): it must succeed with a 303.
        const [first, ...rest] = absencePlan.requests;
        if (!first) throw new Error('no (child, day) to report absence for');
        const answer = await post(`${server.origin}${first.path}`, first.headers ?? {}, first.body ?? '');
        if (answer.status !== 303) throw new Error(`reporting absence (${first.path}, ${first.body}) answered ${answer.status}, not 303`);
        absencePlan = { ...absencePlan, requests: rest };
      }
      if (settings.explain && !plans && cluster && dataset.databaseUrl) {
        const probes: PageProbe[] = [{ page: 'start page', method: 'GET', path: '/', headers: { cookie: sessions[0].cookie } }];
        if (careSessions.length) probes.push({ page: 'week view', method: 'GET', path: `/children/${careSessions[0].childId}/schedule`, headers: { cookie: careSessions[0].cookie } });
        if (staffSessions.length) probes.push({ page: 'Today', method: 'GET', path: `/groups/${staffSessions[0].groupId}/today`, headers: { cookie: staffSessions[0].cookie } });
        const last = absencePlan?.requests.at(-1);
        if (absencePlan && last) {
          // The plan's last (child, day), reported once here and left out of the load.
          probes.push({ page: 'absence report', method: 'POST', path: last.path, headers: last.headers ?? {}, body: last.body });
          absencePlan = { ...absencePlan, requests: absencePlan.requests.slice(0, -1) };
        }
        const file = path.join(BENCH_DIR, `plans-postgres-${settings.children}.txt`);
        plans = await explainPages(cluster, dataset.databaseUrl, server.origin, probes, file, progress);
      }
      const absenceRowsBefore = absencePlan ? await absenceRowsAbove(dataset.open, absencePlan.absenceIdBefore) : 0;

      const jobs: Record<RouteKey, Omit<LoadJob, 'origin' | 'connections' | 'duration' | 'warmup' | 'headers'> & { path: string }> = {
        start: { name: 'start page', path: 'GET /', requests: sessions.map((s) => ({ path: '/', headers: { cookie: s.cookie } })) },
        box: {
          name: 'box partial', path: 'GET /children/:id/boxes/absence (HX-Request)',
          requests: sessions.map((s) => ({ path: `/children/${s.childId}/boxes/absence`, headers: { cookie: s.cookie, 'hx-request': 'true' } })),
        },
        week: {
          name: 'week view', path: 'GET /children/:id/schedule (care times)',
          requests: careSessions.map((s) => ({ path: `/children/${s.childId}/schedule`, headers: { cookie: s.cookie } })),
        },
        today: {
          name: 'Today (staff)', path: 'GET /groups/:id/today',
          requests: staffSessions.map((s) => ({ path: `/groups/${s.groupId}/today`, headers: { cookie: s.cookie } })),
        },
        login: { name: 'login page', path: 'GET /login (anonymous)', requests: [{ path: '/login' }] },
        absence: {
          name: 'absence reports', path: 'POST /children/:id/absences (distinct child and day)', requests: absencePlan?.requests ?? [],
        },
        portfolio: {
          name: 'portfolio', path: 'GET /children/:id/portfolio (10 posts, photo rule)',
          requests: portfolios.map((p) => ({ path: `/children/${p.childId}/portfolio`, headers: { cookie: p.cookie } })),
        },
        thumb: {
          name: 'thumbnail', path: 'GET /media/:id/thumb.webp (access check, a tagged child)',
          requests: portfolios.map((p) => ({ path: `/media/${p.thumbId}/thumb.webp`, headers: { cookie: p.cookie } })),
        },
        calendar: {
          name: 'calendar month', path: 'GET /calendar?view=month (two children, two groups)',
          requests: calendars.map((c) => ({ path: '/calendar?view=month', headers: { cookie: c.cookie } })),
        },
        information: {
          name: 'information list', path: 'GET /information (two children, ~200 items)',
          requests: calendars.map((c) => ({ path: '/information', headers: { cookie: c.cookie } })),
        },
        feed: {
          name: 'iCal feed', path: 'GET /calendar/feed/:token.ics (a year of two groups\' events)',
          requests: calendars.map((c) => ({ path: `/calendar/feed/${c.feedToken}.ics` })),
        },
        baseline: { name: 'baseline', path: `GET /bench/baseline?bytes=${htmlBytes}`, requests: [{ path: `/bench/baseline?bytes=${htmlBytes}` }] },
      };
      for (const key of settings.routes) {
        const job = jobs[key];
        progress(`${job.name}: ${job.path}, ${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.duration} s`);
        const running = server;
        let atStart: { server?: number; db?: number; machine?: number; at: number } | undefined;
        const result = await runLoad({
          name: job.name, origin: server.origin, origins: server.origins, connections: settings.connections, duration: settings.duration, warmup: settings.warmup,
          headers: { 'accept-encoding': 'gzip' }, requests: job.requests, listSuccesses: key === 'absence',
        }, () => { atStart = { server: running.cpuSeconds(), db: cluster?.cpuSeconds(), machine: machineCpuSeconds(), at: performance.now() }; });
        const serverEnd = running.cpuSeconds();
        const dbEnd = cluster?.cpuSeconds();
        const machineEnd = machineCpuSeconds();
        const seconds = atStart ? (performance.now() - atStart.at) / 1000 : 0;
        const round2 = (n: number) => Math.round(n * 100) / 100;
        const serverSeconds = atStart?.server === undefined || serverEnd === undefined ? undefined : serverEnd - atStart.server;
        const serverCpu = serverSeconds === undefined || result.requests === 0 || seconds === 0 ? null
          : { msPerRequest: round2((serverSeconds * 1000) / result.requests), cores: round2(serverSeconds / seconds) };
        const dbSeconds = atStart?.db === undefined || dbEnd === undefined ? undefined : dbEnd - atStart.db;
        const dbCpu = dbSeconds === undefined || result.requests === 0 || seconds === 0 ? null
          : { msPerRequest: round2((dbSeconds * 1000) / result.requests), cores: round2(dbSeconds / seconds) };
        const cores = serverSeconds === undefined || atStart?.machine === undefined || machineEnd === undefined || seconds === 0 ? null : {
          server: round2(serverSeconds / seconds), db: round2((dbSeconds ?? 0) / seconds), load: round2(result.cpuSeconds / seconds),
          other: round2(Math.max(0, (machineEnd - atStart.machine - serverSeconds - (dbSeconds ?? 0) - result.cpuSeconds) / seconds)),
        };
        progress(`  ${Math.round(result.rps)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`
          + (serverCpu ? `, server CPU ${serverCpu.msPerRequest} ms/request` : '')
          + (dbCpu ? `, PostgreSQL CPU ${dbCpu.msPerRequest} ms/request (${dbCpu.cores} cores)` : '')
          + (cores ? `; cores busy: server ${cores.server}${dbCpu ? `, PostgreSQL ${cores.db}` : ''}, load generator ${cores.load}, other processes ${cores.other}` : '')
          + (result.non2xx || result.errors || result.timeouts ? `  !! ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts` : ''));
        if (cores && cores.other > OTHER_LOAD_WARNING) progress(`  !! other processes kept ${cores.other} cores busy: this route's figures are low`);
        let writes: WriteFigures | undefined;
        let failedAnswers = result.non2xx + result.errors + result.timeouts;
        if (key === 'absence' && absencePlan) {
          const success = (codes: Record<string, number>) => Object.entries(codes).reduce((n, [code, count]) => n + (Number(code) >= 200 && Number(code) < 400 ? count : 0), 0);
          const all = Object.values(result.allStatusCodes).reduce((a, b) => a + b, 0);
          const successes = success(result.allStatusCodes);
          const rows = (await absenceRowsAbove(dataset.open, absencePlan.absenceIdBefore)) - absenceRowsBefore;
          const written = await absencePairsAbove(dataset.open, absencePlan.absenceIdBefore);
          const pairOf = (index: number) => {
            const r = job.requests[index];
            return `${/\/children\/(\d+)\//.exec(r.path)?.[1]}/${/from=([0-9-]+)/.exec(r.body ?? '')?.[1]}`;
          };
          const lost = (result.succeeded ?? []).filter((index) => !written.has(pairOf(index))).length;
          writes = {
            successes, failures: all - successes, rows, lost, unanswered: rows - (successes - lost),
            perSecond: Math.round((success(result.statusCodes) / (result.seconds || settings.duration)) * 10) / 10, pairs: job.requests.length,
          };
          failedAnswers = writes.failures + result.errors + result.timeouts;
          progress(`  ${writes.perSecond} writes/s; ${successes} successes (warm-up included), ${rows} rows written, ${writes.lost} lost, `
            + `${writes.unanswered} written for requests left unanswered when the load stopped, ${writes.failures} failed answers`
            + (all > job.requests.length ? `  !! ${all} requests for ${job.requests.length} pairs: some repeated a (child, day)` : ''));
        }
        figures.push({ ...result, key, processes, path: job.path, serverCpu, dbCpu, cores, ratio: { rps: null, p50: null, p99: null }, failedAnswers, writes });
      }
      // The start page's load again, while npm run backup runs again and again (the first process count only).
      const startFigure = figures.find((f) => f.key === 'start' && f.processes === processes);
      if (startFigure && !backupFigure) {
        progress(`start page while backups run one after another (npm run backup), ${settings.warmup} s warm-up + ${settings.duration} s`);
        const running = server;
        backupFigure = await backupDuringLoad({
          root: ROOT, benchDir: BENCH_DIR, dataDir: dataset.dir, databaseUrl: dataset.databaseUrl, rpsWithout: startFigure.rps,
          load: () => runLoad({
            name: 'start page during backups', origin: running.origin, origins: running.origins, connections: settings.connections, duration: settings.duration,
            warmup: settings.warmup, headers: { 'accept-encoding': 'gzip' }, requests: jobs.start.requests,
          }, () => undefined),
        });
        progress(`  ${Math.round(backupFigure.rpsWith)} req/s during ${backupFigure.backups} backups (${backupFigure.backupSeconds} s each), `
          + `${Math.round(backupFigure.rpsWithout)} without: the backups cost ${Math.round(backupFigure.cost * 100)} %`);
      }
    } finally {
      progress(processes === 1 ? 'stopping the server' : 'stopping the servers');
      await server.stop();
      server = undefined;
      if (absencePlan) await removeAbsencesAbove(dataset.open, absencePlan);
    }
  }

  for (const f of figures) {
    const baseline = figures.find((b) => b.key === 'baseline' && b.processes === f.processes);
    f.ratio = { rps: ratio(f.rps, baseline?.rps), p50: ratio(f.latency.p50, baseline?.latency.p50), p99: ratio(f.latency.p99, baseline?.latency.p99) };
  }

  if (!transfer) throw new Error('no server was measured');
  let profile: { file: string; summary: ProfileSummary } | undefined;
  if (profileDir && fs.existsSync(profileDir)) {
    // One profile per thread (tsx's module loader runs in a worker): the main thread is the busiest.
    const profiles = fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => ({ file: path.relative(ROOT, path.join(profileDir, f)), summary: summariseProfile(path.join(profileDir, f)) }));
    profile = profiles.sort((a, b) => (b.summary.totalMs - b.summary.idleMs) - (a.summary.totalMs - a.summary.idleMs))[0];
  }

  // The report.
  const date = new Date().toISOString();
  const out: string[] = [];
  out.push(`Vardag bench, ${date}`);
  out.push(`machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`);
  const s = dataset.summary;
  out.push(`data set: ${s.children} children in ${s.families} families, ${s.guardians} guardians, ${s.staff} staff, ${s.accounts} accounts; `
    + `${s.areas} areas, ${s.units.preschool} preschools, ${s.units.school} schools, ${s.units.fritids} fritids, ${s.groups} groups`
    + ` (${dataset.cached ? 'cached' : `built in ${s.buildSeconds} s`})`);
  if (s.history) {
    const h = s.history;
    out.push(`history ${h.from} – ${h.to}: ${h.careTimes} care times (two weeks ahead included), ${h.absences} absences, ${h.attendances} attendances, `
      + `${h.careHistory} care-history rows, ${h.standardSchedules} standard schedules, ${h.closedDays} closed days`);
  }
  out.push(`load: ${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.duration} s per route, `
    + `${sessions.length} guardian and ${staffSessions.length} staff sessions round-robin, Accept-Encoding: gzip; autocannon in its own process\n`);
  out.push(`database: ${dataset.databaseUrl ? `PostgreSQL (${cluster?.logFile ? 'the bench\'s own cluster' : 'VARDAG_DATABASE_URL'}), database ${where}` : `SQLite, ${where}`}, ${Math.round(databaseBytes / 2 ** 20)} MiB`);
  out.push(table(
    ['route', 'procs', 'req/s', 'p50 ms', 'p99 ms', 'rps/base', 'p50/base', 'p99/base', 'cpu ms/req', 'db ms/req', 'cores s/d/l/o', 'non-2xx', 'errors'],
    figures.map((f) => [
      `${f.name}  ${f.path}`, String(f.processes), f.rps.toFixed(0), String(f.latency.p50), String(f.latency.p99),
      fmt(f.ratio.rps), fmt(f.ratio.p50), fmt(f.ratio.p99), f.serverCpu ? f.serverCpu.msPerRequest.toFixed(2) : '–',
      f.dbCpu ? f.dbCpu.msPerRequest.toFixed(2) : '–',
      f.cores ? `${f.cores.server.toFixed(1)}/${f.cores.db.toFixed(1)}/${f.cores.load.toFixed(1)}/${f.cores.other.toFixed(1)}` : '–',
      String(f.key === 'absence' ? f.writes?.failures ?? f.non2xx : f.non2xx), String(f.errors + f.timeouts),
    ]),
  ));
  out.push('rps/base: route req/s ÷ baseline req/s (higher is better); p50/base, p99/base: route latency ÷ baseline latency;\n'
    + 'procs: server processes the load was spread over (each on its own port, the connections round-robin);\n'
    + 'cpu ms/req: the server processes\' CPU time per request (all threads, all processes); db ms/req: PostgreSQL\'s\n'
    + '(the bench\'s own cluster: every backend; SQLite runs inside the server, in cpu ms/req); cores s/d/l/o: cores busy while measured,\n'
    + 'server / PostgreSQL / load generator / other processes; non-2xx: for the absence reports, answers neither 2xx nor 3xx (303 is success).');
  const disturbed = figures.filter((f) => f.cores && f.cores.other > OTHER_LOAD_WARNING);
  if (disturbed.length) {
    out.push(`!! other processes kept more than ${OTHER_LOAD_WARNING} cores busy while measuring ${disturbed.map((f) => f.name).join(', ')}:`
      + ' those figures are low; run again on a quiet machine.');
  }
  out.push('');
  out.push(`start page transfer size, gzipped, with its CSS and JS (fresh cache): ${transfer.total} bytes = ${kib(transfer.total)}`
    + ` — ${transfer.withinLimit ? 'within' : 'OVER'} the 30 KiB budget`);
  for (const p of transfer.parts) out.push(`  ${p.kind.padEnd(4)} ${String(p.bytes).padStart(7)} bytes (${p.encoding}; ${p.uncompressedBytes} uncompressed)  ${p.url}`);

  if (plans) {
    out.push('', `EXPLAIN (ANALYZE) of the SQL behind the pages (PostgreSQL; every plan in ${path.relative(ROOT, plans.file)}):`);
    for (const p of plans.statements) {
      const sqlText = p.sql.replace(/\s+/g, ' ');
      out.push(`  ${p.page.padEnd(14)} ${(p.executionMs === null ? '–' : p.executionMs.toFixed(2)).padStart(7)} ms  ${sqlText.length > 110 ? `${sqlText.slice(0, 107)}...` : sqlText}`);
      out.push(`  ${''.padEnd(14)} ${''.padStart(7)}     ${p.scans.length ? [...new Set(p.scans)].join('; ') : '(no table scan)'}`
        + (p.bigSeqScans.length ? `  !! SEQUENTIAL SCAN of ${p.bigSeqScans.map((t) => `${t.table} (${t.rows} rows)`).join(', ')}` : ''));
    }
    const big = plans.statements.filter((p) => p.bigSeqScans.length);
    out.push(big.length ? `!! ${big.length} statements read a table of more than ${SEQ_SCAN_ROWS} rows by a sequential scan`
      : `every statement reads tables of more than ${SEQ_SCAN_ROWS} rows through an index`);
  }

  const start = figures.find((f) => f.key === 'start');
  const week = figures.find((f) => f.key === 'week');
  const todayPage = figures.find((f) => f.key === 'today');
  const absence = figures.find((f) => f.key === 'absence');
  const portfolioPage = figures.find((f) => f.key === 'portfolio');
  const thumbnail = figures.find((f) => f.key === 'thumb');
  const calendarTarget = (key: RouteKey) => {
    const f = figures.find((r) => r.key === key);
    return f?.ratio.rps === null || !f ? null : { value: f.ratio.rps, target: `≥ ${CALENDAR_RPS_RATIO_TARGET}`, met: f.ratio.rps >= CALENDAR_RPS_RATIO_TARGET };
  };
  const targets = {
    calendarMonthRpsRatio: calendarTarget('calendar'), informationListRpsRatio: calendarTarget('information'), calendarFeedRpsRatio: calendarTarget('feed'),
    startPageRpsRatio: start?.ratio.rps === null || !start ? null : { value: start.ratio.rps, target: `≥ ${RPS_RATIO_TARGET}`, met: start.ratio.rps >= RPS_RATIO_TARGET },
    startPageP99: start ? { value: start.latency.p99, target: `< ${P99_LIMIT_MS} ms`, met: start.latency.p99 < P99_LIMIT_MS } : null,
    startPageBytesGzip: { value: transfer.total, target: `≤ ${PAGE_LIMIT_BYTES}`, met: transfer.withinLimit },
    weekViewRpsRatio: week?.ratio.rps === null || !week ? null : { value: week.ratio.rps, target: `≥ ${WEEK_RPS_RATIO_TARGET}`, met: week.ratio.rps >= WEEK_RPS_RATIO_TARGET },
    todayRpsRatio: todayPage?.ratio.rps === null || !todayPage ? null : { value: todayPage.ratio.rps, target: `≥ ${TODAY_RPS_RATIO_TARGET}`, met: todayPage.ratio.rps >= TODAY_RPS_RATIO_TARGET },
    portfolioRpsRatio: portfolioPage?.ratio.rps === null || !portfolioPage ? null
      : { value: portfolioPage.ratio.rps, target: `≥ ${PORTFOLIO_RPS_RATIO_TARGET}`, met: portfolioPage.ratio.rps >= PORTFOLIO_RPS_RATIO_TARGET },
    thumbnailRpsRatio: thumbnail?.ratio.rps === null || !thumbnail ? null
      : { value: thumbnail.ratio.rps, target: `≥ ${THUMB_RPS_RATIO_TARGET}`, met: thumbnail.ratio.rps >= THUMB_RPS_RATIO_TARGET },
    absenceWrites: !absence?.writes ? null : {
      value: absence.writes.perSecond, failedAnswers: absence.failedAnswers, lost: absence.writes.lost,
      target: `≥ ${WRITES_PER_SECOND_TARGET}/s, 0 errors, 0 lost`,
      met: absence.writes.perSecond >= WRITES_PER_SECOND_TARGET && absence.failedAnswers === 0 && absence.writes.lost === 0,
    },
  };
  out.push('');
  out.push('targets (a benchmark, not a test):');
  if (targets.startPageRpsRatio) out.push(`  start page throughput ≥ 30 % of the baseline: ${Math.round(targets.startPageRpsRatio.value * 100)} % — ${targets.startPageRpsRatio.met ? 'met' : 'MISSED'}`);
  if (targets.startPageP99) out.push(`  start page p99 < ${P99_LIMIT_MS} ms at ${settings.connections} connections: ${targets.startPageP99.value} ms — ${targets.startPageP99.met ? 'met' : 'MISSED'}`);
  out.push(`  start page ≤ 30 KiB gzipped: ${kib(transfer.total)} — ${transfer.withinLimit ? 'met' : 'MISSED'}`);
  if (targets.weekViewRpsRatio) out.push(`  week view throughput ≥ 25 % of the baseline: ${Math.round(targets.weekViewRpsRatio.value * 100)} % — ${targets.weekViewRpsRatio.met ? 'met' : 'MISSED'}`);
  if (targets.todayRpsRatio) out.push(`  Today page throughput ≥ 25 % of the baseline: ${Math.round(targets.todayRpsRatio.value * 100)} % — ${targets.todayRpsRatio.met ? 'met' : 'MISSED'}`);
  if (targets.portfolioRpsRatio) out.push(`  portfolio page throughput ≥ 25 % of the baseline: ${Math.round(targets.portfolioRpsRatio.value * 100)} % — ${targets.portfolioRpsRatio.met ? 'met' : 'MISSED'}`);
  if (targets.thumbnailRpsRatio) out.push(`  a thumbnail through the access check ≥ 50 % of the baseline: ${Math.round(targets.thumbnailRpsRatio.value * 100)} % — ${targets.thumbnailRpsRatio.met ? 'met' : 'MISSED'}`);
  for (const [name, t] of [['calendar month view', targets.calendarMonthRpsRatio], ['information list', targets.informationListRpsRatio], ['iCal feed of a year', targets.calendarFeedRpsRatio]] as const) {
    if (t) out.push(`  ${name} (two children) throughput ≥ 25 % of the baseline: ${Math.round(t.value * 100)} % — ${t.met ? 'met' : 'MISSED'}`);
  }
  if (backupFigure) {
    out.push(`  a backup while the start-page load runs costs it < 20 % of its requests per second: ${Math.round(backupFigure.cost * 100)} % `
      + `(${Math.round(backupFigure.rpsWith)} vs ${Math.round(backupFigure.rpsWithout)} req/s, ${backupFigure.backups} backups of ${kib(backupFigure.databaseBytes)}, `
      + `${backupFigure.backupSeconds} s each) — ${backupFigure.met ? 'met' : 'MISSED'}`);
  }
  if (targets.absenceWrites && absence?.writes) {
    const w = absence.writes;
    out.push(`  absence reports ≥ ${WRITES_PER_SECOND_TARGET}/s sustained, 0 errors, 0 lost writes: ${w.perSecond}/s, ${absence.failedAnswers} failed answers, `
      + `${w.lost} lost (${w.successes} successes each checked for its row; ${w.rows} rows, ${w.unanswered} of them for requests in flight when the`
      + ` load stopped) — ${targets.absenceWrites.met ? 'met' : 'MISSED'}`);
  }

  const failed = figures.filter((f) => f.failedAnswers > 0 || (f.writes && f.writes.lost !== 0));
  if (failed.length) {
    out.push('');
    for (const f of failed) {
      out.push(`!!! ${f.name} (${f.path}): ${f.failedAnswers} failed answers ${JSON.stringify(f.allStatusCodes)}, ${f.errors} errors, ${f.timeouts} timeouts`
        + (f.writes?.lost ? `, ${f.writes.lost} lost writes` : '') + ' — its figures do not measure the route. See .bench/server.log.');
    }
  }
  if (profile) out.push('', `server CPU profile: ${profile.file}`, formatProfile(profile.summary));
  console.log(out.join('\n'));

  if (settings.json) {
    const report = {
      date, machine,
      settings: {
        connections: settings.connections, duration: settings.duration, warmup: settings.warmup, sessions: sessions.length,
        staffSessions: staffSessions.length, quick: settings.quick,
      },
      machineLoadBefore: idle ?? null,
      dataset: { ...s, cached: dataset.cached, databaseBytes },
      routes: figures.map((f) => ({
        name: f.name, route: f.path, rps: Math.round(f.rps * 10) / 10, p50: f.latency.p50, p90: f.latency.p90, p99: f.latency.p99,
        mean: f.latency.mean, max: f.latency.max, ratio: f.ratio, serverCpu: f.serverCpu, dbCpu: f.dbCpu, cores: f.cores, requests: f.requests, seconds: f.seconds,
        non2xx: f.non2xx, errors: f.errors, timeouts: f.timeouts, statusCodes: f.statusCodes, allStatusCodes: f.allStatusCodes,
        failedAnswers: f.failedAnswers, ...(f.writes ? { writes: f.writes } : {}),
      })),
      startPageBytesGzip: transfer,
      targets: { ...targets, backupDuringStartLoad: backupFigure ?? null },
      failedRoutes: failed.map((f) => f.name),
      ...(profile ? { profile: { file: profile.file, ...profile.summary } } : {}),
    };
    fs.writeFileSync(settings.json, `${JSON.stringify(report, null, 2)}\n`);
    progress(`figures written to ${settings.json}`);
  }
  if (failed.length) console.error(`\nFAILED: ${failed.map((f) => f.name).join(', ')} answered non-2xx, failed or lost writes.`);
  return failed.length ? 1 : 0;
}

const args = process.argv.slice(2);
const run = args.includes('--peak')
  ? () => peakDay(args.filter((a) => a !== '--peak'), { progress, track: (s) => { server = s; } })
  : args.includes('--import') ? () => importBench(args.filter((a) => a !== '--import'), progress)
  : args.includes('--media') ? () => mediaBench(args.filter((a) => a !== '--media'), progress)
  : args.includes('--summary') ? () => summaryBench(args.filter((a) => a !== '--summary'), progress)
  : args.includes('--messages') ? () => messagesBench(args.filter((a) => a !== '--messages'), progress, (s) => { server = s; })
  : main;
run().then((code) => process.exit(code), async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await cleanUp().catch(() => undefined);
  process.exit(1);
});
