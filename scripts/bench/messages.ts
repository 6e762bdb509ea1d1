// `npm run bench -- --messages`: the figures of issue 22 for messages, on a copy of the bench's data set.
// (1) A bulletin to a group of about 25 children (about 45 guardians): `POST /groups/:id/bulletins` is accepted at
//     once (the thread, its first message and a `messages.fanout` job) and the server's own job runner then writes its
//     recipients and notifications. Target: the POST's p99 < 3 × the baseline's p99. Afterwards every accepted
//     bulletin is checked to have reached every guardian of the group, and how long the runner took is reported.
// (2) The inbox (`GET /messages`) of guardians with 500 threads each. Target: ≥ 25 % of the baseline's req/s.
// The baseline is the same fixed text as the main bench's (`GET /bench/baseline?bytes=<the inbox page's size>`).
// The data set is copied first (a SQLite file copy; on PostgreSQL a database made from it as a template), so the
// bulletins and threads written here never reach the cached data set; the copy is removed at the end.
//
//   npm run bench -- --messages [--children 5000] [--threads 500] [--quick] [--database postgres] [--json FILE]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql, type Insertable } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { openDatabase, openPostgres, type Connection } from '../../server/kernel/db.ts';
import { BENCH_DIR, ensureDataset } from './dataset.ts';
import type { LoadJob, LoadResult } from './load.ts';
import { runLoadProcess } from './run-load.ts';
import { BENCH_SESSION_SECRET, sessionRow } from './sessions.ts';
import { numberOption } from './options.ts';
import { benchPostgres, type BenchPostgres } from './postgres.ts';
import { decoded, get, post, startServer, type RunningServer } from './server.ts';

const MARK = 'Bänkprov';
/** The bulletin's POST p99 at most this many times the baseline's. */
const BULLETIN_P99_RATIO_TARGET = 3;
/** The inbox's req/s at least this share of the baseline's. */
const INBOX_RPS_RATIO_TARGET = 0.25;
/** Guardians whose inbox is loaded (each with `--threads` threads), round-robin. */
const INBOX_GUARDIANS = 5;
/** The bulletin's group: 25 children (about 45 guardians). */
const GROUP_CHILDREN = 25;

const USAGE = `npm run bench -- --messages [options]

  --children N       children in the data set (default 5000; the main bench's cached set)
  --threads T        threads in each loaded guardian's inbox (default 500)
  --quick            3 s per route after 2 s of warm-up (default: 10 s after 5 s)
  --connections C    concurrent connections (default 50)
  --database D       sqlite (default) or postgres (the bench's own cluster, or VARDAG_DATABASE_URL's server)
  --json FILE        also write the figures as JSON`;

interface Session { accountId: number; cookie: string; csrfToken: string }

export interface MessageFigures {
  database: 'sqlite' | 'postgres';
  children: number; groupId: number; groupChildren: number; groupGuardians: number; threadsPerInbox: number;
  baseline: LoadResult; inbox: LoadResult; bulletin: LoadResult;
  bulletins: { accepted: number; failed: number; fanoutSeconds: number; recipientsWritten: number; incomplete: number };
  ratios: { inboxRps: number; bulletinP99: number };
  met: { inbox: boolean; bulletin: boolean };
}

export async function messagesBench(argv: string[], progress: (line: string) => void, track: (s: RunningServer | undefined) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      children: { type: 'string' }, threads: { type: 'string' }, quick: { type: 'boolean' }, connections: { type: 'string' },
      database: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const number = numberOption(USAGE);
  const children = Math.round(number(values.children, 5000, 'children', 100));
  const threads = Math.round(number(values.threads, 500, 'threads', 1));
  const connections = Math.round(number(values.connections, 50, 'connections', 1));
  const duration = values.quick ? 3 : 10;
  const warmup = values.quick ? 2 : 5;
  const database = values.database ?? 'sqlite';
  if (database !== 'sqlite' && database !== 'postgres') throw new Error(`--database must be sqlite or postgres\n\n${USAGE}`);

  let cluster: BenchPostgres | undefined;
  let copy: { dir: string; url?: string; open: () => Connection; remove: () => Promise<void> } | undefined;
  let server: RunningServer | undefined;
  try {
    if (database === 'postgres') cluster = await benchPostgres(path.join(BENCH_DIR, 'postgres'), (line) => progress(`  ${line}`));
    const dataset = await ensureDataset(children, (line) => progress(`  ${line}`), { postgres: cluster });
    progress(`data set: ${children} children (${dataset.cached ? 'cached' : `built in ${dataset.summary.buildSeconds} s`}); copying it for the run`);
    copy = await copyDataset(dataset, cluster);

    const plan = await prepare(copy.open, threads, progress);
    progress(`group ${plan.groupId}: ${plan.groupChildren} children, ${plan.groupGuardians} guardian accounts; `
      + `${plan.inbox.length} guardians with ${threads} threads each`);

    server = await startServer({ dataDir: copy.dir, sessionSecret: BENCH_SESSION_SECRET, logFile: path.join(BENCH_DIR, 'server-messages.log'), databaseUrl: copy.url });
    track(server);
    progress(`server at ${server.origin}`);

    const page = await get(`${server.origin}/messages`, { cookie: plan.inbox[0].cookie });
    const html = decoded(page).toString('utf8');
    if (page.status !== 200 || !html.includes(MARK)) throw new Error(`GET /messages answered ${page.status} without the prepared threads`);
    const htmlBytes = Buffer.byteLength(html);
    const form = `subject=${encodeURIComponent(`${MARK} anslag`)}&body=${encodeURIComponent('Hej! På fredag går vi till skogen. Ta med matsäck och kläder efter väder.')}`;
    const bulletinHeaders = { cookie: plan.staff.cookie, 'x-csrf-token': plan.staff.csrfToken, 'content-type': 'application/x-www-form-urlencoded' };
    const first = await post(`${server.origin}/groups/${plan.groupId}/bulletins`, bulletinHeaders, form);
    if (first.status !== 303) throw new Error(`POST /groups/${plan.groupId}/bulletins answered ${first.status}, not 303:\n${server.logTail()}`);

    const load = (name: string, requests: LoadJob['requests']) => {
      progress(`${name}: ${connections} connections, ${warmup} s warm-up + ${duration} s`);
      return runLoad({ name, origin: server!.origin, connections, duration, warmup, headers: { 'accept-encoding': 'gzip' }, requests }).then((r) => {
        progress(`  ${Math.round(r.rps)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms ${JSON.stringify(r.allStatusCodes)}`);
        return r;
      });
    };
    const baseline = await load('baseline', [{ path: `/bench/baseline?bytes=${htmlBytes}` }]);
    const inbox = await load(`inbox (${threads} threads)`, plan.inbox.map((s) => ({ path: '/messages', headers: { cookie: s.cookie } })));
    const bulletin = await load('bulletin to a group', [{ method: 'POST', path: `/groups/${plan.groupId}/bulletins`, body: form, headers: bulletinHeaders }]);
    const accepted = Object.entries(bulletin.allStatusCodes).reduce((n, [code, count]) => n + (code === '303' ? count : 0), 0) + 1;
    const failed = Object.values(bulletin.allStatusCodes).reduce((a, b) => a + b, 0) + 1 - accepted + bulletin.errors; // (autocannon counts a timeout as an error too)

    progress(`waiting for the job runner to fan out ${accepted} bulletins`);
    const loadEnded = performance.now();
    const fanout = await waitForFanout(copy.open, plan.groupGuardians, progress);
    const fanoutSeconds = Math.round((performance.now() - loadEnded) / 100) / 10;
    await server.stop();
    track(undefined);
    server = undefined;

    const figures: MessageFigures = {
      database, children, groupId: plan.groupId, groupChildren: plan.groupChildren, groupGuardians: plan.groupGuardians, threadsPerInbox: threads,
      baseline, inbox, bulletin,
      bulletins: { accepted: fanout.bulletins, failed, fanoutSeconds, recipientsWritten: fanout.recipients, incomplete: fanout.incomplete },
      ratios: { inboxRps: round2(inbox.rps / baseline.rps), bulletinP99: round2(bulletin.latency.p99 / Math.max(1, baseline.latency.p99)) },
      met: { inbox: false, bulletin: false },
    };
    figures.met = {
      inbox: figures.ratios.inboxRps >= INBOX_RPS_RATIO_TARGET && inbox.non2xx + inbox.errors + inbox.timeouts === 0,
      bulletin: bulletin.requests > 0 && figures.ratios.bulletinP99 < BULLETIN_P99_RATIO_TARGET && failed === 0 && fanout.incomplete === 0,
    };
    console.log(report(figures));
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
    return figures.met.inbox && figures.met.bulletin ? 0 : 1;
  } finally {
    if (server) await server.stop();
    track(undefined);
    if (copy) await copy.remove();
    if (cluster) await cluster.stop();
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function report(f: MessageFigures): string {
  const row = (name: string, r: LoadResult) => `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} ${String(r.latency.p50).padStart(7)} ${String(r.latency.p99).padStart(7)}`;
  return [
    `Vardag messages bench (${f.database}, ${f.children} children; group ${f.groupId}: ${f.groupChildren} children, ${f.groupGuardians} guardian accounts)`,
    `${'route'.padEnd(34)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}`,
    row('baseline', f.baseline),
    row(`GET /messages (${f.threadsPerInbox} threads)`, f.inbox),
    row('POST /groups/:id/bulletins', f.bulletin),
    `bulletins accepted: ${f.bulletins.accepted} (${f.bulletins.failed} failed); fanned out by the job runner to ${f.bulletins.recipientsWritten} recipients `
      + `(the last ${f.bulletins.fanoutSeconds} s after the load ended); ${f.bulletins.incomplete} bulletins missing a guardian`,
    'targets:',
    `  a bulletin accepted with p99 < ${BULLETIN_P99_RATIO_TARGET} × the baseline's: ${f.ratios.bulletinP99} × (${f.bulletin.latency.p99} vs ${f.baseline.latency.p99} ms) — ${f.met.bulletin ? 'met' : 'MISSED'}`,
    `  the inbox of a guardian with ${f.threadsPerInbox} threads ≥ ${INBOX_RPS_RATIO_TARGET * 100} % of the baseline's req/s: ${Math.round(f.ratios.inboxRps * 100)} % — ${f.met.inbox ? 'met' : 'MISSED'}`,
  ].join('\n');
}

/** A copy of the data set for this run: the SQLite file copied, or a PostgreSQL database made from it. */
async function copyDataset(dataset: Awaited<ReturnType<typeof ensureDataset>>, cluster: BenchPostgres | undefined) {
  const dir = path.join(BENCH_DIR, `messages-run-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (!cluster || !dataset.databaseUrl) {
    const file = path.join(dir, 'vardag.sqlite');
    const source = dataset.open();
    try {
      await sql`vacuum into ${file}`.execute(source.db); // (a consistent copy, WAL included)
    } finally {
      await source.close();
    }
    return { dir, open: () => openDatabase(file) as Connection, remove: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `bench_messages_run_${process.pid}`;
  const template = new URL(dataset.databaseUrl).pathname.slice(1);
  const maintenance = openPostgres(cluster.urlOf('postgres'), 1);
  try {
    await sql`drop database if exists ${sql.id(name)}`.execute(maintenance.db);
    await sql`create database ${sql.id(name)} template ${sql.id(template)}`.execute(maintenance.db);
  } finally {
    await maintenance.close();
  }
  const url = cluster.urlOf(name);
  return {
    dir, url, open: () => openPostgres(url, 4) as Connection,
    remove: async () => {
      await cluster.drop(name);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bench session (scripts/bench/sessions.ts) as this bench keeps it. */
function sessionOf(accountId: number): { row: Insertable<Database['sessions']>; session: Session } {
  const { row, cookie, csrfToken } = sessionRow(accountId);
  return { row, session: { accountId, cookie, csrfToken } };
}

interface Plan { groupId: number; groupChildren: number; groupGuardians: number; staff: Session; inbox: Session[] }

/**
 * The group of about 25 children with a staff member's session, and INBOX_GUARDIANS guardians (of other groups) each
 * given `threads` direct threads about their child: a message from a staff member of the child's group and the
 * guardian's answer, a tenth of them unread.
 */
export async function prepare(open: () => Connection, threads: number, progress: (line: string) => void): Promise<Plan> {
  const connection = open();
  try {
    const db = connection.db;
    const sizes = await db.selectFrom('placements').innerJoin('staff_assignments', 'staff_assignments.group_id', 'placements.group_id')
      .select((eb) => ['placements.group_id', eb.fn.count<number>('placements.child_id').distinct().as('children')])
      .where('placements.end_date', 'is', null).where('staff_assignments.role', '=', 'staff')
      .groupBy('placements.group_id').execute();
    const chosen = sizes.sort((a, b) => Math.abs(Number(a.children) - 25) - Math.abs(Number(b.children) - 25) || a.group_id - b.group_id)[0];
    if (!chosen) throw new Error('the data set has no group with staff');
    const groupId = chosen.group_id;
    // Topped up to 25 children from the unit's other groups (the data set's groups are a little smaller).
    const missing = GROUP_CHILDREN - Number(chosen.children);
    if (missing > 0) {
      const unit = await db.selectFrom('groups').select('unit_id').where('id', '=', groupId).executeTakeFirstOrThrow();
      const moved = await db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').select('placements.id')
        .where('groups.unit_id', '=', unit.unit_id).where('placements.group_id', '!=', groupId).where('placements.end_date', 'is', null)
        .orderBy('placements.id').limit(missing).execute();
      if (moved.length) await db.updateTable('placements').set({ group_id: groupId }).where('id', 'in', moved.map((m) => m.id)).execute();
      chosen.children = Number(chosen.children) + moved.length;
    }
    const guardianAccounts = await db.selectFrom('placements').innerJoin('guardianships', 'guardianships.child_id', 'placements.child_id')
      .innerJoin('accounts', 'accounts.person_id', 'guardianships.guardian_id')
      .select('accounts.id').distinct().where('placements.group_id', '=', groupId).where('placements.end_date', 'is', null)
      .where('accounts.closed_at', 'is', null).execute();
    const staffAccount = await db.selectFrom('staff_assignments').innerJoin('accounts', 'accounts.person_id', 'staff_assignments.person_id')
      .select('accounts.id').where('staff_assignments.group_id', '=', groupId).where('staff_assignments.role', '=', 'staff')
      .where('accounts.closed_at', 'is', null).orderBy('accounts.id').executeTakeFirstOrThrow();

    // Guardians of children in other groups, each with a staff member of their child's group to write to them.
    const candidates = await db.selectFrom('guardianships').innerJoin('accounts', 'accounts.person_id', 'guardianships.guardian_id')
      .innerJoin('placements', 'placements.child_id', 'guardianships.child_id')
      .innerJoin('staff_assignments', 'staff_assignments.group_id', 'placements.group_id')
      .innerJoin('accounts as staff', 'staff.person_id', 'staff_assignments.person_id')
      .innerJoin('groups', 'groups.id', 'placements.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
      .select(['accounts.id as guardian', 'guardianships.child_id as child', 'staff.id as staff', 'placements.group_id as group', 'groups.unit_id as unit', 'units.municipality_id as municipality'])
      .where('placements.end_date', 'is', null).where('placements.group_id', '!=', groupId).where('staff_assignments.role', '=', 'staff')
      .where('accounts.closed_at', 'is', null).orderBy('accounts.id').limit(2000).execute();
    const picked: typeof candidates = [];
    for (const c of candidates) if (!picked.some((p) => p.guardian === c.guardian) && picked.length < INBOX_GUARDIANS) picked.push(c);
    if (picked.length < INBOX_GUARDIANS) throw new Error('too few guardians for the inbox');

    progress(`writing ${picked.length * threads} threads (two messages each) for the inbox`);
    const base = Date.parse('2026-01-01T07:00:00Z');
    await db.transaction().execute(async (trx) => {
      for (const p of picked) {
        for (let from = 0; from < threads; from += 100) {
          const n = Math.min(100, threads - from);
          const made = await trx.insertInto('message_threads').values(Array.from({ length: n }, (_, k) => ({
            municipality_id: p.municipality, subject: `${MARK} tråd ${from + k + 1}`, kind: 'direct' as const, child_id: p.child, group_id: p.group,
            unit_id: p.unit, urgent: 0, sensitive: 0, created_by_account_id: p.staff, created_at: new Date(base + (from + k) * 3_600_000).toISOString(),
          }))).returning('id').execute();
          const ids = made.map((m) => m.id);
          const at = (k: number, plus: number) => new Date(base + (from + k) * 3_600_000 + plus).toISOString();
          // (what server/messages/queries.ts keepInboxColumns would have kept: the guardian's answer is the last message)
          const both = { last_sender_account_id: p.guardian, has_received: 1, has_sent: 1 };
          await trx.insertInto('message_participants').values(ids.flatMap((thread_id, k) => [
            { thread_id, account_id: p.staff, role: 'staff' as const, archived_at: null, ...both, last_message_at: at(k, 600_000), unread_count: 0 },
            {
              thread_id, account_id: p.guardian, role: 'guardian' as const, archived_at: null, ...both, last_message_at: at(k, 600_000),
              unread_count: (from + k) % 10 === 0 ? 1 : 0,
            },
          ])).execute();
          const messages = await trx.insertInto('messages').values(ids.flatMap((thread_id, k) => [
            { thread_id, sender_account_id: p.staff, body: 'Hej! Kan ni ta med regnkläder i morgon? Vi ska vara ute hela förmiddagen.', sent_at: at(k, 0), retracted_at: null },
            { thread_id, sender_account_id: p.guardian, body: 'Absolut, vi packar ner dem i kväll. Tack för påminnelsen!', sent_at: at(k, 600_000), retracted_at: null },
          ])).returning(['id', 'sender_account_id', 'sent_at']).execute();
          await trx.insertInto('message_recipients').values(messages.map((m, i) => ({
            message_id: m.id, account_id: m.sender_account_id === p.staff ? p.guardian : p.staff,
            read_at: m.sender_account_id === p.staff && (from + Math.floor(i / 2)) % 10 === 0 ? null : m.sent_at,
          }))).execute();
        }
      }
    });
    const rows = [sessionOf(staffAccount.id), ...picked.map((p) => sessionOf(p.guardian))];
    await db.deleteFrom('sessions').execute();
    await db.insertInto('sessions').values(rows.map((r) => r.row)).execute();
    if (connection.dialect === 'postgres') await sql`analyze`.execute(db);
    return {
      groupId, groupChildren: Number(chosen.children), groupGuardians: guardianAccounts.length, staff: rows[0].session, inbox: rows.slice(1).map((r) => r.session),
    };
  } finally {
    await connection.close();
  }
}

/**
 * Waits until every `messages.fanout` job is done (at most ten minutes), then counts the bulletins, their recipients,
 * and the bulletins that did not reach every guardian of the group.
 */
async function waitForFanout(open: () => Connection, guardians: number, progress: (line: string) => void) {
  const connection = open();
  try {
    const db = connection.db;
    const deadline = Date.now() + 600_000;
    let lastReport = 0;
    for (;;) {
      const waiting = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'messages.fanout').where('done_at', 'is', null).where('failed_at', 'is', null).executeTakeFirstOrThrow();
      if (Number(waiting.n) === 0) break;
      if (Date.now() > deadline) throw new Error(`${waiting.n} fan-out jobs still waiting after ten minutes`);
      if (Date.now() - lastReport > 5000) {
        progress(`  ${waiting.n} fan-out jobs waiting`);
        lastReport = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const perMessage = await db.selectFrom('messages').innerJoin('message_threads', 'message_threads.id', 'messages.thread_id')
      .leftJoin('message_recipients', 'message_recipients.message_id', 'messages.id')
      .select((eb) => ['messages.id', eb.fn.count<number>('message_recipients.account_id').as('n')])
      .where('message_threads.kind', '=', 'bulletin').where('message_threads.subject', '=', `${MARK} anslag`)
      .groupBy('messages.id').execute();
    return {
      bulletins: perMessage.length,
      recipients: perMessage.reduce((n, m) => n + Number(m.n), 0),
      incomplete: perMessage.filter((m) => Number(m.n) < guardians).length,
    };
  } finally {
    await connection.close();
  }
}

function runLoad(job: LoadJob): Promise<LoadResult> {
  return runLoadProcess(job);
}
