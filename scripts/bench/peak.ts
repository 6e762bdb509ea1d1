// `npm run bench -- --peak`: the first morning of term. 2,000 guardians log in with production argon2 parameters over
// ten minutes, each opening the login page, posting it with its CSRF token and following to the start page, while 200
// staff write absences and care-time weeks at a steady rate. Every client acts as a browser does (its own cookies,
// the token read from the page it posts, redirects followed), all from one address (127.0.0.1) with the real login
// limits. Prints the start page's latency, the login waits (how long the answer to POST /login took, and how many were
// told "Många loggar in just nu"), the answers by status (any 5xx is an error) and the logins the limits refused
// (must be 0). See README, "Performance".
//
//   npm run bench -- --peak                       2,000 guardians over 10 minutes, 200 staff
//   npm run bench -- --peak --minutes 2           the same 2,000 in 2 minutes (5 × the rate: the queue turns some away)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type Db } from '../../server/kernel/db.ts';
import { stockholmDate } from '../../server/kernel/clock.ts';
import { addDays, addMonths, weekKey } from '../../server/kernel/dates.ts';
import { openDays, unitCalendar } from '../../server/settings/calendar.ts';
import { unitRules } from '../../server/settings/queries.ts';
import { PRODUCTION_HASHING } from '../../server/accounts/passwords.ts';
import { BENCH_DIR, BENCH_PASSWORD, ensureDataset, random } from './dataset.ts';
import { numberOption } from './options.ts';
import { decoded, get, machineCpuSeconds, post, startServer, type RawResponse, type RunningServer } from './server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUSY_TEXT = 'Många loggar in just nu';
const LIMITED_TEXT = 'För många inloggningsförsök';

const USAGE = `npm run bench -- --peak [options]

  --minutes N        the guardians arrive over N minutes (default 10)
  --guardians N      guardians who log in (default 2000)
  --staff N          staff members writing meanwhile (default 200)
  --writes N         writes per staff member per minute, absences and care-time weeks in turn (default 2)
  --arrivals KIND    poisson (default: random arrival times, as people come) or even (one every N·60/guardians s)
  --tries N          a guardian told "försök igen om en minut" tries again after Retry-After, up to N tries in all (default 3)
  --children N       the data set (default 5000, as npm run bench); it is copied, so every run starts fresh
  --json FILE        also write the figures as JSON
  --help`;

interface PeakSettings {
  minutes: number; guardians: number; staff: number; writesPerMinute: number; arrivals: 'poisson' | 'even'; tries: number; children: number;
  json?: string;
}

export interface PeakHooks {
  progress(line: string): void;
  /** The running server, so that an interrupted bench stops it. */
  track(server: RunningServer | undefined): void;
}

function parseSettings(argv: string[]): PeakSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' }, guardians: { type: 'string' }, staff: { type: 'string' }, writes: { type: 'string' },
      arrivals: { type: 'string' }, tries: { type: 'string' }, children: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = numberOption(USAGE);
  const arrivals = values.arrivals ?? 'poisson';
  if (arrivals !== 'poisson' && arrivals !== 'even') throw new Error(`--arrivals is poisson or even, got "${arrivals}"\n\n${USAGE}`);
  return {
    minutes: number(values.minutes, 10, 'minutes', 0.1), guardians: Math.round(number(values.guardians, 2000, 'guardians', 1)),
    staff: Math.round(number(values.staff, 200, 'staff', 0)), writesPerMinute: number(values.writes, 2, 'writes', 0), arrivals,
    tries: Math.round(number(values.tries, 3, 'tries', 1)),
    children: Math.round(number(values.children, 5000, 'children', 10)), json: values.json,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A browser: its own cookies, pages as text, the time each answer took.

interface Answer { status: number; ms: number; text: string; location?: string; retryAfter?: number }

class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly origin: string, private readonly tally: Tally) {}

  get(pathAndQuery: string, kind: string): Promise<Answer> {
    return this.send(kind, (headers) => get(`${this.origin}${pathAndQuery}`, headers));
  }

  post(action: string, fields: [string, string][], kind: string): Promise<Answer> {
    return this.send(kind, (headers) => post(`${this.origin}${action}`, headers, new URLSearchParams(fields).toString()));
  }

  /** GET a page, then POST the fields to the action with the CSRF token the page carries; follows a 303 as a browser does. */
  async submit(page: string, action: string, fields: [string, string][], kind: string, pageFields?: (html: string) => [string, string][]): Promise<{ opened: Answer; answer: Answer; followed?: Answer }> {
    const opened = await this.get(page, `GET ${kind} form`);
    const token = /name="_csrf" value="([^"]+)"/.exec(opened.text)?.[1];
    if (opened.status !== 200 || !token) return { opened, answer: { status: -1, ms: 0, text: '' } };
    const answer = await this.post(action, [['_csrf', token], ...(pageFields?.(opened.text) ?? []), ...fields], `POST ${kind}`);
    const followed = answer.status === 303 && answer.location ? await this.get(answer.location, `GET after ${kind}`) : undefined;
    return { opened, answer, followed };
  }

  private async send(kind: string, request: (headers: Record<string, string>) => Promise<RawResponse>): Promise<Answer> {
    const headers: Record<string, string> = { 'accept-encoding': 'gzip', 'user-agent': 'vardag-bench-peak' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const started = performance.now();
    try {
      const res = await request(headers);
      const ms = performance.now() - started;
      for (const line of [res.headers['set-cookie'] ?? []].flat()) {
        const pair = line.split(';')[0];
        const at = pair.indexOf('=');
        if (at <= 0) continue;
        const gone = /;\s*expires=Thu, 01 Jan 1970/i.test(line) || /;\s*max-age=0/i.test(line);
        if (gone) this.cookies.delete(pair.slice(0, at));
        else this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      this.tally.count(kind, res.status);
      const location = typeof res.headers.location === 'string' ? new URL(res.headers.location, this.origin).pathname : undefined;
      const retryAfter = res.headers['retry-after'] === undefined ? undefined : Number(res.headers['retry-after']);
      return { status: res.status, ms, text: decoded(res).toString('utf8'), location, retryAfter };
    } catch (err) {
      this.tally.count(kind, 0, err instanceof Error ? err.message : String(err));
      return { status: 0, ms: performance.now() - started, text: '' };
    }
  }
}

/** Answers by kind of request and status (0: no answer, a connection error). */
class Tally {
  readonly byKind = new Map<string, Map<number, number>>();
  readonly errors: string[] = [];
  count(kind: string, status: number, error?: string): void {
    const statuses = this.byKind.get(kind) ?? new Map<number, number>();
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    this.byKind.set(kind, statuses);
    if (error && this.errors.length < 10) this.errors.push(`${kind}: ${error}`);
  }
  total(predicate: (status: number) => boolean): number {
    let n = 0;
    for (const statuses of this.byKind.values()) for (const [status, count] of statuses) if (predicate(status)) n += count;
    return n;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Who takes part: guardians with an account, and staff of preschool groups with the children they write for.

interface Guardian { username: string }
interface StaffMember { username: string; absences: { childId: number; day: string }[]; weeks: { childId: number; week: string }[] }

async function participants(db: Db, settings: PeakSettings): Promise<{ guardians: Guardian[]; staff: StaffMember[]; guardianAccounts: number }> {
  const guardianRows = await db.selectFrom('accounts')
    .where((eb) => eb.exists(eb.selectFrom('guardianships').select('guardianships.id').whereRef('guardianships.guardian_id', '=', 'accounts.person_id')))
    .where('accounts.closed_at', 'is', null).select('username').orderBy('id').execute();
  if (guardianRows.length < settings.guardians) throw new Error(`the data set has ${guardianRows.length} guardian accounts, fewer than --guardians ${settings.guardians}`);
  const guardians = Array.from({ length: settings.guardians }, (_, i) => guardianRows[Math.floor((i * guardianRows.length) / settings.guardians)]);

  const staffRows = await db.selectFrom('staff_assignments')
    .innerJoin('accounts', 'accounts.person_id', 'staff_assignments.person_id')
    .innerJoin('groups', 'groups.id', 'staff_assignments.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['accounts.username', 'staff_assignments.group_id as groupId', 'units.id as unitId'])
    .where('staff_assignments.role', '=', 'staff').where('units.kind', '=', 'preschool').where('accounts.closed_at', 'is', null)
    .orderBy('staff_assignments.group_id').orderBy('accounts.id').execute();
  if (staffRows.length < settings.staff) throw new Error(`the data set has ${staffRows.length} preschool staff accounts, fewer than --staff ${settings.staff}`);
  const chosen = Array.from({ length: settings.staff }, (_, i) => staffRows[Math.floor((i * staffRows.length) / Math.max(1, settings.staff))]);

  // Absences on the open days ahead (each child and day once: the staff of a group share its children between them),
  // care-time weeks three to six weeks ahead for children without an hour limit.
  const day = stockholmDate(new Date());
  const perGroup = new Map<number, typeof chosen>();
  for (const member of chosen) perGroup.set(member.groupId!, [...(perGroup.get(member.groupId!) ?? []), member]);
  const staff: StaffMember[] = [];
  for (const [groupId, members] of perGroup) {
    const children = await db.selectFrom('placements').select(['child_id', 'hour_limit']).where('group_id', '=', groupId)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', day)])).where('start_date', '<=', day).orderBy('child_id').execute();
    const unitId = members[0].unitId;
    const rules = await unitRules(db, unitId);
    const from = addDays(day, 1);
    const to = addDays(addMonths(day, rules.planAheadMonths), -1);
    const days = openDays(from, to, await unitCalendar(db, unitId, from, to));
    const weeks = [21, 28, 35, 42].map((n) => weekKey(addDays(day, n))).filter((w) => w <= weekKey(to));
    members.forEach((member, m) => {
      const mine = children.filter((_, c) => c % members.length === m);
      staff.push({
        username: member.username,
        absences: days.flatMap((d) => mine.map((c) => ({ childId: c.child_id, day: d }))),
        weeks: weeks.flatMap((w) => mine.filter((c) => c.hour_limit === 'none').map((c) => ({ childId: c.child_id, week: w }))),
      });
    });
  }
  return { guardians, staff, guardianAccounts: guardianRows.length };
}

/** The care-week form's fields as a browser sends them: inputs with their values, ticked boxes only, no CSRF token (sent first). */
function careWeekFields(html: string): [string, string][] {
  const form = /<form method="post" action="[^"]*\/schedule" class="care-week">([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  const fields: [string, string][] = [];
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
    const name = attr('name');
    if (!name || name === '_csrf' || name === 'week_starts' || name === 'week_ends') continue;
    const type = attr('type') ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(tag)) continue;
    fields.push([name, unescapeHtml(attr('value') ?? '')]);
  }
  return fields;
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '');
}

// ---------------------------------------------------------------------------------------------------------------

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function distribution(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n);
  return {
    count: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** When each guardian arrives, in ms from the start: a Poisson process given its count (sorted uniform times), or evenly. */
function arrivalTimes(count: number, durationMs: number, kind: 'poisson' | 'even'): number[] {
  if (kind === 'even') return Array.from({ length: count }, (_, i) => (i * durationMs) / count);
  const rand = random(20_260_817);
  return Array.from({ length: count }, () => rand() * durationMs).sort((a, b) => a - b);
}

/** The argon2 parameters of a stored hash ("m=65536,t=3,p=1"). */
const hashParameters = (hash: string) => /^\$argon2id\$v=19\$([^$]+)\$/.exec(hash)?.[1] ?? 'unknown';

export async function peakDay(argv: string[], hooks: PeakHooks): Promise<number> {
  const settings = parseSettings(argv);
  const { progress } = hooks;
  const machine = { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version };
  progress(`peak day: ${settings.guardians} guardians over ${settings.minutes} min (${settings.arrivals} arrivals), ${settings.staff} staff writing`);

  const dataset = await ensureDataset(settings.children, (line) => progress(`  ${line}`));
  const dir = path.join(BENCH_DIR, `peak-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  progress(`copying the data set (${settings.children} children) to ${path.relative(ROOT, dir)}, so the run starts fresh`);
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(dataset.databaseFile + suffix)) fs.copyFileSync(dataset.databaseFile + suffix, path.join(dir, `vardag.sqlite${suffix}`));
  }

  let server: RunningServer | undefined;
  try {
    const connection = openDatabase(path.join(dir, 'vardag.sqlite'));
    let who: Awaited<ReturnType<typeof participants>>;
    let storedHash: { parameters: string; accounts: number; distinct: number };
    try {
      await connection.db.deleteFrom('sessions').execute();
      who = await participants(connection.db, settings);
      const hashes = await connection.db.selectFrom('accounts').select((eb) => [
        eb.fn.countAll<number>().as('accounts'), eb.fn.count<number>('password_hash').distinct().as('distinct'), eb.fn.max('password_hash').as('hash'),
      ]).executeTakeFirstOrThrow();
      storedHash = { parameters: hashParameters(String(hashes.hash)), accounts: Number(hashes.accounts), distinct: Number(hashes.distinct) };
    } finally {
      await connection.close();
    }
    const production = `m=${PRODUCTION_HASHING.memoryCost},t=${PRODUCTION_HASHING.timeCost},p=${PRODUCTION_HASHING.parallelism}`;
    if (storedHash.parameters.split(',').sort().join(',') !== production.split(',').sort().join(',')) {
      throw new Error(`the data set's password hash has ${storedHash.parameters}, not the production parameters ${production}`);
    }
    progress(`passwords: one argon2id hash with the production parameters (${production}), made once and shared by all `
      + `${storedHash.accounts} accounts (${storedHash.distinct} distinct) — every login still verifies it in full`);
    const writeSlots = who.staff.reduce((n, s) => n + s.absences.length + s.weeks.length, 0);
    progress(`${who.guardians.length} of ${who.guardianAccounts} guardian accounts; ${who.staff.length} staff with ${writeSlots} distinct writes prepared`);

    progress('starting the server (NODE_ENV=production, production hashing, the real login limits)');
    server = await startServer({
      dataDir: dir, sessionSecret: crypto.randomBytes(16).toString('hex'), logFile: path.join(BENCH_DIR, 'server.log'), realLoginLimits: true,
    });
    hooks.track(server);
    const origin = server.origin;
    progress(`  answering at ${origin}`);

    const tally = new Tally();
    // Staff are at work before the guardians come: they log in first, two at a time.
    const staffBrowsers: { member: StaffMember; browser: Browser }[] = [];
    const staffStarted = performance.now();
    const loginQueue = [...who.staff];
    const quietLogins: number[] = [];
    await Promise.all([0, 1].map(async () => {
      for (let member = loginQueue.shift(); member; member = loginQueue.shift()) {
        const browser = new Browser(origin, tally);
        const { answer } = await browser.submit('/login', '/login', [['username', member.username], ['password', BENCH_PASSWORD], ['next', '']], 'login (staff, before the peak)');
        if (answer.status !== 303) throw new Error(`staff member ${member.username} could not log in: ${answer.status}`);
        quietLogins.push(answer.ms);
        staffBrowsers.push({ member, browser });
      }
    }));
    // Two at a time on two or more slots: no queue, so this is what one login costs on this machine right now.
    const quiet = distribution(quietLogins);
    if (staffBrowsers.length) {
      progress(`${staffBrowsers.length} staff logged in in ${((performance.now() - staffStarted) / 1000).toFixed(1)} s; POST /login without a queue: p50 ${quiet.p50} ms`);
    }

    // One write by hand of each kind first: they must succeed, or the load measures nothing.
    const next = { absence: new Map<StaffMember, number>(), week: new Map<StaffMember, number>() };
    const write = async (s: { member: StaffMember; browser: Browser }, n: number): Promise<number> => {
      const careWeek = n % 2 === 1 && s.member.weeks.length > 0;
      if (careWeek) {
        const i = next.week.get(s.member) ?? 0;
        next.week.set(s.member, i + 1);
        const { childId, week } = s.member.weeks[i % s.member.weeks.length];
        const times = Math.floor(i / s.member.weeks.length) % 2 === 0 ? ['07:45', '16:15'] : ['08:00', '16:00'];
        const { answer } = await s.browser.submit(`/children/${childId}/schedule?week=${week}`, `/children/${childId}/schedule`,
          [['week_starts', times[0]], ['week_ends', times[1]]], 'care-time week (staff)', careWeekFields);
        return answer.status;
      }
      const i = next.absence.get(s.member) ?? 0;
      next.absence.set(s.member, i + 1);
      const target = s.member.absences[i];
      if (!target) return -2;
      const { answer } = await s.browser.submit(`/children/${target.childId}/absence`, `/children/${target.childId}/absences`,
        [['when', 'range'], ['from', target.day], ['to', '']], 'absence (staff)');
      return answer.status;
    };
    if (staffBrowsers.length) {
      const first = staffBrowsers[0];
      for (const n of [0, 1]) {
        const status = await write(first, n);
        if (status !== 303 && !(n === 1 && first.member.weeks.length === 0)) {
          throw new Error(`a staff ${n === 0 ? 'absence' : 'care-time week'} answered ${status}, not 303: see .bench/server.log`);
        }
      }
    }

    // The peak.
    const durationMs = settings.minutes * 60_000;
    const arrivals = arrivalTimes(settings.guardians, durationMs, settings.arrivals);
    type Outcome = 'in' | 'busy' | 'limited' | 'wrong' | 'error';
    /** Every POST /login of the guardians (a retry is one more), and each guardian's end: signed in at which try, or not. */
    const logins: { waitMs: number; status: number; outcome: Outcome; startMs?: number; startStatus?: number }[] = [];
    const guardianEnds: { tries: number; outcome: Outcome }[] = [];
    const staffWrites: { ms: number; status: number }[] = [];
    const cpuAt = { server: server.cpuSeconds(), machine: machineCpuSeconds(), at: performance.now() };
    const t0 = performance.now();
    let done = 0;
    const ticker = setInterval(() => {
      const busy = logins.filter((l) => l.outcome === 'busy').length;
      progress(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${done} of ${settings.guardians} guardians done, ${logins.length} logins answered `
        + `(${busy} busy), ${staffWrites.length} staff writes`);
    }, 15_000);
    // A guardian told "försök igen om en minut" does so (after Retry-After), up to --tries in all.
    const guardianRuns = who.guardians.map(async (guardian, i) => {
      await sleepUntil(t0 + arrivals[i]);
      let outcome: Outcome = 'error';
      let tries = 0;
      while (tries < settings.tries) {
        tries++;
        const browser = new Browser(origin, tally);
        const { opened, answer, followed } = await browser.submit('/login', '/login',
          [['username', guardian.username], ['password', BENCH_PASSWORD], ['next', '']], 'login');
        if (opened.status !== 200 || answer.status === -1) {
          logins.push({ waitMs: Number.NaN, status: opened.status, outcome: 'error' });
          outcome = 'error';
          break;
        }
        outcome = answer.status === 303 ? 'in'
          : answer.status === 429 && answer.text.includes(BUSY_TEXT) ? 'busy'
          : answer.status === 429 && answer.text.includes(LIMITED_TEXT) ? 'limited'
          : answer.status === 401 ? 'wrong' : 'error';
        const start = followed && followed.status === 200 && !followed.text.includes('class="boxes"') ? { ...followed, status: -3 } : followed;
        logins.push({ waitMs: answer.ms, status: answer.status, outcome, startMs: start?.ms, startStatus: start?.status });
        if (outcome !== 'busy' || tries === settings.tries) break;
        await sleepUntil(performance.now() + (answer.retryAfter ?? 60) * 1000);
      }
      guardianEnds.push({ tries, outcome });
      done++;
    });
    const totalWrites = Math.round((settings.staff * settings.writesPerMinute * durationMs) / 60_000);
    const staffRun = (async () => {
      if (!staffBrowsers.length || totalWrites === 0) return;
      const pending: Promise<void>[] = [];
      for (let n = 0; n < totalWrites; n++) {
        await sleepUntil(t0 + (n * durationMs) / totalWrites);
        const s = staffBrowsers[n % staffBrowsers.length];
        const started = performance.now();
        pending.push(write(s, n).then((status) => { staffWrites.push({ ms: performance.now() - started, status }); }));
      }
      await Promise.all(pending);
    })();
    await Promise.all([...guardianRuns, staffRun]);
    clearInterval(ticker);
    const seconds = (performance.now() - cpuAt.at) / 1000;
    const serverCpu = server.cpuSeconds();
    const machineCpu = machineCpuSeconds();
    const cores = serverCpu === undefined || cpuAt.server === undefined || machineCpu === undefined || cpuAt.machine === undefined ? undefined : {
      server: Math.round(((serverCpu - cpuAt.server) / seconds) * 100) / 100,
      all: Math.round(((machineCpu - cpuAt.machine) / seconds) * 100) / 100,
    };

    // The report.
    const by = (outcome: Outcome) => logins.filter((l) => l.outcome === outcome).length;
    const ended = (outcome: Outcome, tries?: number) => guardianEnds.filter((g) => g.outcome === outcome && (tries === undefined || g.tries === tries)).length;
    const signedIn = Array.from({ length: settings.tries }, (_, k) => ended('in', k + 1));
    const waits = distribution(logins.filter((l) => Number.isFinite(l.waitMs)).map((l) => l.waitMs));
    const waitsIn = distribution(logins.filter((l) => l.outcome === 'in').map((l) => l.waitMs));
    const startPage = distribution(logins.filter((l) => l.startStatus === 200).map((l) => l.startMs!));
    const writes = distribution(staffWrites.filter((w) => w.status === 303).map((w) => w.ms));
    const serverErrors = tally.total((s) => s >= 500) + tally.total((s) => s === 0);
    const statusLines = [...tally.byKind].sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, statuses]) => `  ${kind.padEnd(40)} ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s === 0 ? 'no answer' : s}: ${n}`).join(', ')}`);
    const out: string[] = [];
    out.push(`Vardag peak day, ${new Date().toISOString()}`);
    const slots = process.env.HASHING_SLOTS ? `${process.env.HASHING_SLOTS} (HASHING_SLOTS)` : `${machine.cpus} (one per core)`;
    const maxWait = process.env.HASHING_MAX_WAIT_MS ? `${process.env.HASHING_MAX_WAIT_MS} ms (HASHING_MAX_WAIT_MS)` : '10 s';
    out.push(`machine: ${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}; hashing slots: ${slots}, `
      + `a login whose estimated wait is over ${maxWait} is told to come back`);
    out.push(`data set: ${dataset.summary.children} children, ${dataset.summary.guardians} guardians, ${dataset.summary.staff} staff (a fresh copy)`);
    out.push(`passwords: argon2id ${production} (production); to spare the build ~${storedHash.accounts} hashes, one hash was made once and is shared by every account`);
    out.push(`load: ${settings.guardians} guardians over ${settings.minutes} min (${settings.arrivals} arrivals, ${(settings.guardians / (settings.minutes * 60)).toFixed(2)} logins/s), `
      + `each GET /login, POST /login with its CSRF token, GET /, and when told to wait, again after Retry-After (up to ${settings.tries} tries) — `
      + `while ${staffBrowsers.length} staff wrote ${staffWrites.length} times `
      + `(absences and care-time weeks in turn, each GET form + POST + GET after); all from 127.0.0.1, real login limits`);
    out.push(`the peak lasted ${seconds.toFixed(0)} s (retries included)`
      + (cores ? `; cores busy: server ${cores.server}, whole machine ${cores.all} (the bench's own clients and any other process included)` : ''));
    if (quiet.count) out.push(`one login without a queue (the staff's, two at a time before the peak): p50 ${quiet.p50} ms, max ${quiet.max} ms`);
    out.push('');
    out.push(`start page after login (GET /, ${startPage.count}): p50 ${startPage.p50} ms, p95 ${startPage.p95} ms, p99 ${startPage.p99} ms, max ${startPage.max} ms`);
    out.push(`login wait (POST /login until its answer, all ${waits.count}): p50 ${waits.p50} ms, p95 ${waits.p95} ms, p99 ${waits.p99} ms, max ${waits.max} ms`);
    out.push(`  of the logins that got in (${waitsIn.count}): p50 ${waitsIn.p50} ms, p95 ${waitsIn.p95} ms, p99 ${waitsIn.p99} ms, max ${waitsIn.max} ms`);
    out.push(`login answers: ${by('in')} signed in, ${by('busy')} told "${BUSY_TEXT}" (429, Retry-After: 60), ${by('limited')} refused by the login `
      + `limits (must be 0), ${by('wrong')} wrong password (must be 0), ${by('error')} errors`);
    out.push(`guardians: ${signedIn.map((n, k) => `${n} in at try ${k + 1}`).join(', ')}; ${ended('busy')} still told to wait at try ${settings.tries}, `
      + `${guardianEnds.length - ended('in') - ended('busy')} otherwise not in`);
    out.push(`staff writes answered 303 (${writes.count} of ${staffWrites.length}): p50 ${writes.p50} ms, p95 ${writes.p95} ms, p99 ${writes.p99} ms, max ${writes.max} ms`);
    out.push('answers by request and status:');
    out.push(...statusLines);
    out.push(`errors (5xx or no answer): ${serverErrors}${tally.errors.length ? `  — ${tally.errors.join('; ')}` : ''}`);
    const failed = serverErrors > 0 || by('limited') > 0 || by('wrong') > 0 || by('error') > 0;
    console.log(out.join('\n'));
    if (settings.json) {
      fs.writeFileSync(settings.json, `${JSON.stringify({
        date: new Date().toISOString(), machine, settings, dataset: dataset.summary, passwords: { ...storedHash, production }, cores,
        startPage, loginWait: waits, loginWaitSignedIn: waitsIn,
        logins: { in: by('in'), busy: by('busy'), limited: by('limited'), wrong: by('wrong'), errors: by('error') },
        guardians: { signedInAtTry: signedIn, stillBusy: ended('busy'), notIn: guardianEnds.length - ended('in') }, quietLogin: quiet, seconds,
        staffWrites: { ...writes, total: staffWrites.length }, statuses: Object.fromEntries([...tally.byKind].map(([k, s]) => [k, Object.fromEntries(s)])),
        serverErrors,
      }, null, 2)}\n`);
      progress(`figures written to ${settings.json}`);
    }
    if (failed) console.error('\nFAILED: a 5xx, a connection error, a wrong password or a login refused by the limits (see above and .bench/server.log).');
    return failed ? 1 : 0;
  } finally {
    progress('stopping the server, removing the copy');
    await server?.stop();
    hooks.track(undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
