// The crash drill: the real server (server/main.ts in a child process) on a demo database takes a write load of absence
// reports and care-time weeks from a few signed-in clients, is killed with SIGKILL after a random short while, and is
// started again on the same data folder. Every write answered 2xx/3xx must be there, and none half-written.
// Used once or twice by test/kernel/crash-drill.test.ts and 20 times by `npm run drill` (scripts/drill.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { Db } from '../../server/kernel/db.ts';
import { systemClock, today } from '../../server/kernel/clock.ts';
import { addDays, isoWeekday, mondayOf, weekDays, weekKey } from '../../server/kernel/dates.ts';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { csrfFrom } from './app.ts';
import { personId } from './demo.ts';
import { copyInstallation, newInstallation, type TestInstallation } from './database.ts';
import { freePort } from './system.ts';
import { formFields } from '../schedule/support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Server { child: ChildProcess; base: string; output(): string; exited: Promise<number | string> }

const running = new Set<ChildProcess>();
/** SIGKILLs every server the drill started that still runs (for a test's `after`). */
export function killDrillServers(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** `node --import tsx server/main.ts` on a demo installation; resolves once it serves. */
async function startServer(installation: TestInstallation): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), ...installation.env };
  delete env.NODE_ENV;
  delete env.SESSION_SECRET;
  delete env.SMTP_URL;
  delete env.SMS_GATEWAY_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => {
    running.delete(child);
    resolve(code ?? signal ?? 'unknown');
  }));
  const started = Date.now();
  while (!output.includes('Vardag serves') && child.exitCode === null && child.signalCode === null) {
    if (Date.now() - started > 60_000) { child.kill('SIGKILL'); throw new Error(`the server did not start:\n${output}`); }
    await sleep(20);
  }
  if (!output.includes('Vardag serves')) throw new Error(`the server did not start:\n${output}`);
  return { child, base: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** A signed-in demo user as raw requests: the session cookie and the CSRF token of its session. */
interface Client { cookie: string; csrf: string }

async function login(base: string, username: string): Promise<Client> {
  const page = await request(base).get('/login');
  const anonymous = String(page.headers['set-cookie']).split(';')[0];
  const res = await request(base).post('/login').set('Cookie', anonymous).type('form')
    .send({ _csrf: csrfFrom(page.text), username, password: DEMO_PASSWORD });
  if (res.status !== 303) throw new Error(`Login as ${username} failed with ${res.status}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return { cookie, csrf: csrfFrom((await request(base).get('/').set('Cookie', cookie)).text) };
}

/**
 * A demo database seeded once, with its users signed in (sessions are stored in the database, so they survive the
 * copy and the restarts): each round starts from a copy, which spares it the seed's and the logins' argon2 hashing.
 */
export interface DrillTemplate {
  installation: TestInstallation; today: string; elsa: number; nora: number;
  clients: { emma: Client; emma2: Client; nora3: Client; pedagog: Client };
  remove(): Promise<void>;
}

export async function prepareDrill(): Promise<DrillTemplate> {
  const installation = await newInstallation('drill-template');
  const server = await startServer(installation);
  let template: DrillTemplate;
  try {
    const connection = installation.open();
    const elsa = await personId(connection.db, 'Elsa', 'Andersson');
    const nora = await personId(connection.db, 'Nora', 'Haddad');
    await connection.close();
    const [emma, emma2, nora3, pedagog] = await Promise.all(
      ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3', 'pedagog'].map((u) => login(server.base, u)));
    template = { installation, today: today(systemClock), elsa, nora, clients: { emma, emma2, nora3, pedagog }, remove: () => installation.remove() };
  } catch (err) {
    server.child.kill('SIGKILL');
    await server.exited;
    throw err;
  }
  server.child.kill('SIGTERM');
  const how = await server.exited;
  if (how !== 0) throw new Error(`the template's server ended with ${how}:\n${server.output()}`);
  return template;
}

/** One write the load sent: answered (2xx/3xx), refused (another status, not counted), or cut off by the kill. */
type Outcome = 'answered' | 'refused' | 'cut';
interface AbsenceWrite { kind: 'absence'; childId: number; date: string; outcome?: Outcome }
interface WeekWrite { kind: 'week'; childId: number; week: string; days: Record<string, { starts: string; ends: string }>; outcome?: Outcome }
type Write = AbsenceWrite | WeekWrite;

export interface DrillResult {
  /** Writes answered 2xx/3xx before the kill, by kind. */
  answered: { absences: number; weeks: number };
  /** Writes in flight when the server died (either outcome is right, as long as it is whole). */
  cut: number;
  /** Answered writes missing after the restart (each described). */
  lost: string[];
  /** Writes stored in part: an absence without its history row, a week with some of its days or history. */
  halfWritten: string[];
  /** How long the load ran before the kill, in ms. */
  loadMs: number;
}

const isSuccess = (status: number) => status >= 200 && status < 400;

/**
 * One round on a copy of `template`: start, load, kill -9 after `loadMs` (random 200–800 ms if not given) or once
 * `afterAnswered` writes of each kind were answered, restart, check.
 */
export async function crashDrill(template: DrillTemplate, options: { loadMs?: number; afterAnswered?: number } = {}): Promise<DrillResult> {
  const installation = await copyInstallation(template.installation, 'drill');
  let server: Server | undefined;
  try {
    server = await startServer(installation);
    const base = server.base;
    const { elsa, nora, clients } = template;
    const first = template.today;
    // Absence: weekdays from a week ahead; care-time weeks from twelve weeks ahead, so the two never meet.
    const absenceDays: string[] = [];
    for (let d = addDays(first, 7); absenceDays.length < 40; d = addDays(d, 1)) if (isoWeekday(d) <= 5) absenceDays.push(d);
    const weeks = Array.from({ length: 30 }, (_, n) => addDays(mondayOf(first), 7 * (12 + n)));

    const writes: Write[] = [];
    let stop = false;
    const send = async (write: Write, post: () => Promise<{ status: number }>) => {
      writes.push(write);
      try {
        write.outcome = isSuccess((await post()).status) ? 'answered' : 'refused';
      } catch {
        write.outcome = 'cut';
      }
    };

    const absences = async (client: Client, childId: number, days: string[]) => {
      for (const date of days) {
        if (stop) return;
        await send({ kind: 'absence', childId, date }, () => request(base).post(`/children/${childId}/absences`).set('Cookie', client.cookie)
          .type('form').send({ _csrf: client.csrf, when: 'range', from: date, to: date }));
      }
    };
    const careWeeks = async (client: Client, childId: number, mondays: string[], salt: number) => {
      for (const [n, monday] of mondays.entries()) {
        if (stop) return;
        const week = weekKey(monday);
        const action = `/children/${childId}/schedule`;
        const page = await request(base).get(`${action}?week=${week}`).set('Cookie', client.cookie).then((res) => res, () => undefined);
        if (!page) return; // the server is gone
        if (page.status !== 200) continue;
        // A week of the other home's (the demo's two homes alternate weeks) has no form for this guardian: none to write.
        if (!page.text.includes(`action="${action}"`)) continue;
        // The week's form as the page renders it (with its `was_` fields), posted back with new times on its open days.
        const fields = formFields(page.text, action);
        const days: WeekWrite['days'] = {};
        for (const date of weekDays(monday).slice(0, 5)) {
          if (!fields.has(`starts_${date}`)) continue;
          const minute = String(((salt + n) % 6) * 10 + 1).padStart(2, '0');
          days[date] = { starts: `07:${minute}`, ends: `15:${minute}` };
          fields.set(`starts_${date}`, [days[date].starts]);
          fields.set(`ends_${date}`, [days[date].ends]);
          fields.delete(`off_${date}`); // a standard day off would win over the times
        }
        if (Object.keys(days).length === 0) continue;
        const body = new URLSearchParams();
        for (const [name, values] of fields) for (const value of values) body.append(name, value);
        await send({ kind: 'week', childId, week, days }, () => request(base).post(action).set('Cookie', client.cookie)
          .type('form').send(body.toString()));
      }
    };

    const load = Promise.all([
      absences(clients.emma, elsa, absenceDays),
      absences(clients.pedagog, nora, absenceDays),
      careWeeks(clients.emma2, elsa, weeks, 1),
      careWeeks(clients.nora3, nora, weeks, 2),
    ]);
    const loadStarted = Date.now();
    if (options.afterAnswered) {
      // However slow the machine: kill once each kind has had this many writes answered (or after a minute).
      const answered = (kind: Write['kind']) => writes.filter((w) => w.kind === kind && w.outcome === 'answered').length;
      while ((answered('absence') < options.afterAnswered || answered('week') < options.afterAnswered) && Date.now() - loadStarted < 60_000) await sleep(10);
    } else {
      await sleep(options.loadMs ?? 200 + Math.floor(Math.random() * 600));
    }
    const loadMs = Date.now() - loadStarted;
    server.child.kill('SIGKILL');
    const how = await server.exited;
    stop = true;
    await load;
    if (how !== 'SIGKILL') throw new Error(`the server ended with ${how} before the kill:\n${server.output()}`);

    server = await startServer(installation);
    const after = installation.open();
    try {
      const result = await check(after.db, writes);
      return { ...result, loadMs };
    } finally {
      await after.close();
      server.child.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await installation.remove();
  }
}

async function check(db: Db, writes: Write[]): Promise<Omit<DrillResult, 'loadMs'>> {
  const lost: string[] = [];
  const halfWritten: string[] = [];
  const answered = { absences: 0, weeks: 0 };
  let cut = 0;
  const historyOf = async (childId: number, date: string, what: string) => db.selectFrom('care_history').select('new_value')
    .where('child_id', '=', childId).where('date', '=', date).where('what', '=', what).execute();

  for (const write of writes) {
    if (write.outcome === 'refused') continue;
    if (write.outcome === 'cut') cut += 1;
    if (write.kind === 'absence') {
      if (write.outcome === 'answered') answered.absences += 1;
      const row = await db.selectFrom('absences').select('id').where('child_id', '=', write.childId).where('date', '=', write.date)
        .where('cancelled_at', 'is', null).executeTakeFirst();
      const history = await historyOf(write.childId, write.date, 'absence');
      const what = `absence of child ${write.childId} on ${write.date}`;
      if (row && history.length === 0) halfWritten.push(`${what}: no care_history row`);
      if (!row && history.length > 0) halfWritten.push(`${what}: history without the absence`);
      if (!row && write.outcome === 'answered') lost.push(what);
    } else {
      if (write.outcome === 'answered') answered.weeks += 1;
      let stored = 0;
      const missing: string[] = [];
      const dates = Object.keys(write.days);
      for (const date of dates) {
        const { starts, ends } = write.days[date];
        const row = await db.selectFrom('care_times').select(['starts', 'ends']).where('child_id', '=', write.childId)
          .where('date', '=', date).executeTakeFirst();
        const history = await historyOf(write.childId, date, 'times');
        const rowThere = row?.starts === starts && row?.ends === ends;
        const historyThere = history.some((h) => h.new_value !== null && (JSON.parse(h.new_value) as { starts?: string }).starts === starts);
        if (rowThere !== historyThere) halfWritten.push(`care times of child ${write.childId} on ${date}: ${rowThere ? 'no history' : 'history without the day'}`);
        if (rowThere) stored += 1;
        else missing.push(`${date} wanted ${starts}–${ends}, found ${row ? `${row.starts}–${row.ends}` : 'no row'}`);
      }
      const what = `week ${write.week} of child ${write.childId}`;
      if (stored > 0 && stored < dates.length) halfWritten.push(`${what}: ${stored} of ${dates.length} days stored`);
      if (stored < dates.length && write.outcome === 'answered') lost.push(`${what}: ${dates.length - stored} of ${dates.length} days missing (${missing.join('; ')})`);
    }
  }
  // No absence anywhere without its history row (whoever wrote it).
  const orphans = await db.selectFrom('absences').select(['child_id', 'date']).where('cancelled_at', 'is', null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('care_history').select('care_history.id')
      .whereRef('care_history.child_id', '=', 'absences.child_id').whereRef('care_history.date', '=', 'absences.date')
      .where('care_history.what', '=', 'absence')))).execute();
  for (const o of orphans) halfWritten.push(`absence of child ${o.child_id} on ${o.date}: no care_history row`);
  return { answered, cut, lost, halfWritten: [...new Set(halfWritten)] };
}
