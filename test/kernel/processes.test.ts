// Several app processes. Three Vardag processes (`node --import tsx server/main.ts`, each as `npm start` runs it) on one
// PostgreSQL behind Debian's nginx, with the proxy settings of scripts/deploy/vardag-proxy.conf: three guardians' evenings
// go through nginx (log in, the start page, absence, care-time weeks, e-mail addresses whose verification mails the
// processes' job runners send to a real SMTP server), and one process is killed with SIGKILL half-way. No request after
// the kill fails twice, every answered write is stored, and every mail is sent once (the mail the killed process was
// sending, if any, may go twice with one Message-ID: jobs run at least once, see server/kernel/jobs.ts). And
// VARDAG_WORKERS: workers on one port, a killed worker started again, SIGTERM stops them all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openPostgres, type Connection } from '../../server/kernel/db.ts';
import { systemClock, today } from '../../server/kernel/clock.ts';
import { addDays, isoWeekday, mondayOf, weekDays, weekKey } from '../../server/kernel/dates.ts';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { personId } from '../support/demo.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';
import { TestSmtpServer } from '../support/smtp.ts';
import { freePort, removeTempDirs, tempDir } from '../support/system.ts';
import { formFields } from '../schedule/support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NGINX = process.env.NGINX_BIN || '/usr/sbin/nginx';
const PROXY_SETTINGS = path.join(ROOT, 'scripts/deploy/vardag-proxy.conf');

// ---------------------------------------------------------------------------------------------------------------------
// Processes: Vardag's and nginx.

interface Proc { child: ChildProcess; output(): string; exited: Promise<number | string> }
const started = new Set<ChildProcess>();

function launch(command: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => { output += chunk; });
  child.stderr?.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => {
    started.delete(child);
    resolve(code ?? signal ?? 'unknown');
  }));
  return { child, output: () => output, exited };
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, proc?: Proc, timeoutMs = 90_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) throw new Error(`${what}: the process ended:\n${proc.output()}`);
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms${proc ? `:\n${proc.output()}` : ''}`);
    await sleep(50);
  }
}

/** `node --import tsx server/main.ts` (what `npm start` runs) with `env` added; resolves once it says it serves. */
async function startVardag(env: Record<string, string>, ready = 'Vardag serves'): Promise<Proc> {
  const full: NodeJS.ProcessEnv = { ...process.env, VARDAG_WORKERS: '1', ...env };
  for (const name of ['NODE_ENV', 'SESSION_SECRET', 'SMS_GATEWAY_URL', 'TRUST_PROXY']) if (!(name in env)) delete full[name];
  const proc = launch(process.execPath, ['--import', 'tsx', 'server/main.ts'], full);
  await waitFor(`Vardag on port ${env.PORT}`, () => proc.output().includes(ready), proc);
  return proc;
}

/** Debian's nginx in the foreground, everything of its own in `dir`: the upstream `vardag` of `ports`, on `port`. */
async function startNginx(dir: string, port: number, ports: number[]): Promise<Proc & { errors(): string }> {
  const errorLog = path.join(dir, 'error.log');
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${errorLog} warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # nginx's workers may run as nobody, who cannot write in ${dir}: keep bodies in memory.
  client_body_buffer_size 1m;
  proxy_max_temp_file_size 0;
  upstream vardag {
${ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      include ${PROXY_SETTINGS};
    }
  }
}
`);
  const proc = launch(NGINX, ['-p', dir, '-e', errorLog, '-c', path.join(dir, 'nginx.conf')], process.env);
  await waitFor('nginx', async () => (await fetch(`http://127.0.0.1:${port}/login`).catch(() => undefined))?.status === 200, proc);
  return { ...proc, errors: () => (fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '') };
}

// ---------------------------------------------------------------------------------------------------------------------
// A browser, as far as these tests need one: cookies, forms with the session's CSRF token, no redirects followed.

interface Answer { status: number; text: string }

class Browser {
  private readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly base: string) {}

  async get(url: string): Promise<Answer> {
    return this.send(url, { method: 'GET' });
  }

  async post(url: string, fields: URLSearchParams | Record<string, string>): Promise<Answer> {
    const body = new URLSearchParams(fields);
    if (!body.has('_csrf')) body.set('_csrf', this.csrf);
    return this.send(url, { method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  private async send(url: string, init: RequestInit): Promise<Answer> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const res = await fetch(this.base + url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, text };
  }
}

/**
 * One request of the evening, with how each try went: an answer's status, or the error of a try nginx could not answer;
 * whether it was sent after the kill, and whether its first try was answered after it (in flight at the kill, or after).
 */
interface Sent { what: string; sentAfterKill: boolean; afterKill: boolean; tries: (number | string)[] }

/** A try failed when no answer came, or nginx answered for want of a process (502, 504), or the app failed (500). */
const failed = (t: number | string) => typeof t === 'string' || t >= 500;

// ---------------------------------------------------------------------------------------------------------------------

describe('three Vardag processes on one PostgreSQL behind nginx, one killed with SIGKILL half-way', () => {
  let postgres: PostgresCluster;
  let smtp: TestSmtpServer;
  let db: Connection;
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  const vardags: Proc[] = [];
  const vardagPorts: number[] = [];
  let base: string;

  before(async () => {
    if (!fs.existsSync(NGINX)) {
      throw new Error(`nginx is not installed (${NGINX}): apt-get install -y nginx (Debian's; .ci/run installs it), or set NGINX_BIN`);
    }
    postgres = await startPostgres();
    const url = await postgres.createDatabase();
    smtp = await TestSmtpServer.start();
    const dataDir = tempDir('processes');
    const env = (port: number) => ({
      PORT: String(port), VARDAG_DATABASE_URL: url, VARDAG_DATA_DIR: dataDir, SMTP_URL: smtp.url, TRUST_PROXY: 'loopback',
      JOBS_POLL_MS: '100', JOBS_LOCK_MS: '3000', JOBS_RETRY_MS: '500', VERIFY_MAIL_LIMIT_PER_ACCOUNT: '1000',
    });
    for (let i = 0; i < 3; i++) vardagPorts.push(await freePort());
    // The first creates the database (migrations, the demo seed), as the first process does in production.
    vardags.push(await startVardag(env(vardagPorts[0])));
    vardags.push(...(await Promise.all(vardagPorts.slice(1).map((port) => startVardag(env(port))))));
    const port = await freePort();
    nginx = await startNginx(tempDir('nginx'), port, vardagPorts);
    base = `http://127.0.0.1:${port}`;
    db = openPostgres(url, 2);
  });

  after(async () => {
    // nginx's master stops its workers on SIGTERM (a SIGKILL would leave them running).
    nginx?.child.kill('SIGTERM');
    await nginx?.exited;
    for (const child of started) child.kill('SIGKILL');
    await db?.close();
    await smtp?.close();
    await postgres?.stop();
    removeTempDirs();
  });

  it('answers every request after the kill at the latest on the second try, keeps every answered write, and sends every mail once', async (t) => {
    const elsa = await personId(db.db, 'Elsa', 'Andersson');
    const nora = await personId(db.db, 'Nora', 'Haddad');
    const first = today(systemClock);
    const absenceDays: string[] = [];
    for (let d = addDays(first, 7); absenceDays.length < 12; d = addDays(d, 1)) if (isoWeekday(d) <= 5) absenceDays.push(d);
    const mondays = Array.from({ length: 12 }, (_, n) => addDays(mondayOf(first), 7 * (12 + n)));
    const evenings = [
      { username: 'vardnadshavare', child: elsa, name: 'Elsa', days: absenceDays.filter((_, i) => i % 2 === 0), weeks: mondays.filter((_, i) => i % 2 === 0) },
      { username: 'vardnadshavare2', child: elsa, name: 'Elsa', days: absenceDays.filter((_, i) => i % 2 === 1), weeks: mondays.filter((_, i) => i % 2 === 1) },
      { username: 'vardnadshavare3', child: nora, name: 'Nora', days: absenceDays.slice(0, 6), weeks: mondays.slice(0, 6) },
    ];
    const startedAt = new Date().toISOString();

    const sent: Sent[] = [];
    /** The kill is sent; the killed process is gone (a request sent before that may still have reached it). */
    let killSent = false;
    let killed = false;
    let answered = 0;
    const killAfter = 25;
    let killing: Promise<number | string> | undefined;
    const victim = vardags[1];
    /** Sends a request, and once more if that failed (as a person would press again); the answer of the last try. */
    const twice = async (what: string, request: () => Promise<Answer>): Promise<Answer | undefined> => {
      const entry: Sent = { what, sentAfterKill: killed, afterKill: true, tries: [] };
      sent.push(entry);
      let answer: Answer | undefined;
      for (let i = 0; i < 2; i++) {
        try {
          answer = await request();
          entry.tries.push(answer.status);
        } catch (err) {
          answer = undefined;
          entry.tries.push(String((err as Error).cause ?? err));
        }
        // Before the kill: the first try was answered before the kill was sent.
        if (i === 0) entry.afterKill = killSent;
        if (!failed(entry.tries.at(-1) as number | string)) break;
      }
      if (++answered === killAfter) {
        killSent = true;
        victim.child.kill('SIGKILL');
        killing = victim.exited.then((how) => {
          killed = true;
          return how;
        });
      }
      return answer && !failed(answer.status) ? answer : undefined;
    };

    /**
     * The writes the evening got an answer to, to look for in the database at the end: those answered 303 (done), and
     * those whose first try was cut by the kill and whose second was refused (a day already reported, an address
     * already added, a week changed since the form was read: what the cut try stored).
     */
    interface Write { what: string; status: number; retried: boolean }
    const absences: (Write & { child: number; date: string })[] = [];
    const weeks: (Write & { child: number; days: Record<string, { starts: string; ends: string }> })[] = [];
    const addresses: (Write & { address: string })[] = [];
    const write = (what: string, status: number) => ({ what, status, retried: sent.some((s) => s.what === what && s.tries.length > 1) });
    const mustBeStored = (w: Write) => w.status === 303 || (w.retried && w.status < 500);

    const evening = async ({ username, child, name, days, weeks: ownWeeks }: (typeof evenings)[number], salt: number) => {
      const browser = new Browser(base);
      await twice(`${username}: the login page`, () => browser.get('/login'));
      const login = await twice(`${username}: log in`, () => browser.post('/login', { username, password: DEMO_PASSWORD }));
      assert.equal(login?.status, 303, `${username} logged in`);
      for (let round = 0; round < days.length; round++) {
        const start = await twice(`${username}: the start page`, () => browser.get('/'));
        assert.equal(start?.status, 200);
        assert.match(start?.text ?? '', new RegExp(name), `the start page shows ${name}`);

        const date = days[round];
        const reporting = `${username}: absence on ${date}`;
        const absence = await twice(reporting, () => browser.post(`/children/${child}/absences`, { when: 'range', from: date, to: date }));
        if (absence) absences.push({ ...write(reporting, absence.status), child, date });

        const monday = ownWeeks[round];
        const action = `/children/${child}/schedule`;
        const page = await twice(`${username}: week ${weekKey(monday)}`, () => browser.get(`${action}?week=${weekKey(monday)}`));
        if (page?.status === 200) {
          const fields = formFields(page.text, action);
          const week: Record<string, { starts: string; ends: string }> = {};
          for (const date of weekDays(monday).slice(0, 5)) {
            if (!fields.has(`starts_${date}`)) continue;
            const minute = String(((salt + round) % 6) * 10 + 2).padStart(2, '0');
            week[date] = { starts: `07:${minute}`, ends: `16:${minute}` };
            fields.set(`starts_${date}`, [week[date].starts]);
            fields.set(`ends_${date}`, [week[date].ends]);
            fields.delete(`off_${date}`);
          }
          const body = new URLSearchParams();
          for (const [field, values] of fields) for (const value of values) body.append(field, value);
          const saving = `${username}: care times of week ${weekKey(monday)}`;
          const saved = await twice(saving, () => browser.post(action, body));
          if (saved && Object.keys(week).length > 0) weeks.push({ ...write(saving, saved.status), child, days: week });
        }

        const address = `${username}.${round}@example.se`;
        const adding = `${username}: add ${address}`;
        const added = await twice(adding, () => browser.post('/settings/emails', { email: address }));
        if (added) addresses.push({ ...write(adding, added.status), address });
      }
    };
    await Promise.all(evenings.map((e, salt) => evening(e, salt)));

    assert.ok(killed, `the kill came half-way (${sent.length} requests)`);
    assert.equal(await killing, 'SIGKILL');
    const show = (s: Sent) => `${s.what}: ${s.tries.join(', then ')}`;
    assert.deepEqual(sent.filter((s) => !s.afterKill && s.tries.some(failed)).map(show), [], 'before the kill every request is answered');
    assert.deepEqual(sent.filter((s) => s.tries.every(failed)).map(show), [], 'no request fails twice');
    // nginx passes a request the dead process does not take to the next one: only one it was serving can fail (one
    // per evening at most, as each sends one request at a time), or one sent as it was dying.
    assert.deepEqual(sent.filter((s) => s.sentAfterKill && s.tries.some(failed)).map(show), [], 'a request sent after the kill is answered at once');
    const cut = sent.filter((s) => s.afterKill && !s.sentAfterKill && s.tries.some(failed));
    assert.ok(cut.length <= evenings.length);
    t.diagnostic(`${sent.length} requests, ${sent.filter((s) => s.sentAfterKill).length} sent after the kill; cut by it and sent again: ${cut.map(show).join('; ') || 'none'}`);
    assert.ok(sent.filter((s) => s.afterKill).length > 40, 'the evenings went on well after the kill');
    // nginx tried the dead process (and the clients never saw that, but for a request it was serving when it died).
    const deadPort = vardagPorts[1];
    assert.match(nginx.errors(), new RegExp(`(refused|reset|prematurely closed).*127\\.0\\.0\\.1:${deadPort}`), 'nginx met the dead process');

    const lost: string[] = [];
    for (const a of absences.filter(mustBeStored)) {
      const row = await db.db.selectFrom('absences').select('id').where('child_id', '=', a.child).where('date', '=', a.date)
        .where('cancelled_at', 'is', null).executeTakeFirst();
      if (!row) lost.push(`absence of ${a.child} on ${a.date}`);
    }
    for (const w of weeks.filter(mustBeStored)) {
      for (const [date, { starts, ends }] of Object.entries(w.days)) {
        const row = await db.db.selectFrom('care_times').select(['starts', 'ends']).where('child_id', '=', w.child).where('date', '=', date).executeTakeFirst();
        if (row?.starts !== starts || row?.ends !== ends) lost.push(`care times of ${w.child} on ${date}: ${starts}–${ends}, stored ${row ? `${row.starts}–${row.ends}` : 'none'}`);
      }
    }
    for (const a of addresses.filter(mustBeStored)) {
      const row = await db.db.selectFrom('account_emails').select('id').where('email', '=', a.address).executeTakeFirst();
      if (!row) lost.push(`the address ${a.address} (answered ${a.status})`);
    }
    assert.deepEqual(lost, [], 'no answered write lost');
    assert.ok(absences.filter((a) => a.status === 303).length >= 10, `absences stored: ${JSON.stringify(absences)}`);
    assert.ok(weeks.filter((w) => w.status === 303).length >= 10, `care-time weeks stored: ${JSON.stringify(weeks.map((w) => w.status))}`);
    assert.equal(addresses.filter(mustBeStored).length, 18, 'every address added');

    // Every mail the evening queued is sent, by one process each; the two left send what the dead one held once its lock expires.
    const queued = await db.db.selectFrom('jobs').select(['id', 'attempts', 'done_at', 'failed_at', 'last_error'])
      .where('kind', '=', 'mail.send').where('created_at', '>=', startedAt).execute();
    assert.equal(queued.length, addresses.length, 'one verification mail per address');
    await waitFor('every mail sent', async () => {
      const left = await db.db.selectFrom('jobs').select('id').where('kind', '=', 'mail.send').where('done_at', 'is', null).execute();
      return left.length === 0;
    }, undefined, 30_000);
    const jobs = await db.db.selectFrom('jobs').select(['id', 'attempts', 'failed_at', 'payload'])
      .where('kind', '=', 'mail.send').where('created_at', '>=', startedAt).execute();
    assert.ok(jobs.every((j) => j.failed_at === null), 'none given up');
    const rerun = jobs.filter((j) => j.attempts > 1);
    assert.ok(rerun.length <= 1, `only a job the killed process held can run twice: ${JSON.stringify(rerun)}`);
    t.diagnostic(`${jobs.length} mail jobs, run again after the kill: ${rerun.length}`);
    const outbox = await db.db.selectFrom('mail_outbox').select(['id', 'recipient', 'sent_at']).where('created_at', '>=', startedAt).execute();
    assert.equal(outbox.length, addresses.length);
    assert.ok(outbox.every((m) => m.sent_at !== null), 'every outbox mail marked sent');
    const rerunMails = new Set(rerun.map((j) => (JSON.parse(j.payload) as { mailId: number }).mailId));
    for (const mail of outbox) {
      const received = smtp.mails.filter((m) => m.envelopeTo.includes(mail.recipient));
      if (rerunMails.has(mail.id) && received.length === 2) {
        assert.equal(received[0].messageId, received[1].messageId, 'a mail sent again keeps its Message-ID');
      } else {
        assert.equal(received.length, 1, `${mail.recipient} got its mail once`);
      }
    }

    // The two left serve on.
    const check = new Browser(base);
    assert.equal((await check.get('/login')).status, 200);
  });
});

describe('VARDAG_WORKERS: several processes on one port', () => {
  after(() => {
    for (const child of started) child.kill('SIGKILL');
    removeTempDirs();
  });

  it('starts the workers after preparing the database once, starts a killed worker again, and stops them all on SIGTERM', async () => {
    const port = await freePort();
    const vardag = await startVardag({ PORT: String(port), VARDAG_DATA_DIR: tempDir('workers'), VARDAG_WORKERS: '2', JOBS_POLL_MS: '100' });
    await waitFor('the demo logins', () => /Demoläge[\s\S]*\selev\s/.test(vardag.output()), vardag);
    const output = vardag.output();
    assert.match(output, new RegExp(`Vardag serves http://localhost:${port} with 2 processes, primary ${vardag.child.pid}`));
    const workers = [...output.matchAll(/Process (\d+) serves port/g)].map((m) => Number(m[1]));
    assert.equal(workers.length, 2, output);
    assert.equal(output.match(/No SMTP_URL/g)?.length, 1, 'what every worker would say is said once');
    assert.equal(output.match(/Demoläge/g)?.length, 1, 'the demo logins are printed once');
    const login = async () => (await fetch(`http://127.0.0.1:${port}/login`)).status;
    assert.deepEqual(await Promise.all([login(), login(), login(), login()]), [200, 200, 200, 200]);

    process.kill(workers[0], 'SIGKILL');
    await waitFor('a new worker', () => /serves, in place of one that ended/.test(vardag.output()), vardag);
    assert.match(vardag.output(), new RegExp(`Process ${workers[0]} ended \\(SIGKILL\\); a new one starts`));
    const replacement = Number(/Process (\d+) serves, in place/.exec(vardag.output())?.[1]);
    assert.deepEqual(await Promise.all([login(), login(), login(), login()]), [200, 200, 200, 200]);

    vardag.child.kill('SIGTERM');
    assert.equal(await vardag.exited, 0, vardag.output());
    for (const pid of [workers[1], replacement]) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} stopped`);
  });
});
