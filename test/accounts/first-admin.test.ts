// The first municipality administrator: `npm run admin -- create-admin` run for real (a child process on a real data
// folder, the password on standard input), then the app opened on the same database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { migrateToLatest, readMeta, type Connection } from '../../server/kernel/db.ts';
import { settleMode } from '../../server/demo/mode.ts';
import { createFirstAdmin, splitName, type FirstAdminInput } from '../../server/accounts/first-admin.ts';
import { signIn, startTestApp, type TestApp } from '../support/app.ts';
import { countRows } from '../support/demo.ts';
import { newInstallation, refuseInserts, type TestInstallation } from '../support/database.ts';
import { removeTempDirs } from '../support/system.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'Ett långt lösenord 42';
const ANNA = ['--municipality', 'Exempelkommun', '--username', 'anna.admin', '--name', 'Anna Andersson', '--email', 'anna@example.se'];

const children = new Set<ChildProcess>();

interface Run { code: number | null; stdout: string; stderr: string }

/** `node --import tsx scripts/admin.ts create-admin ...`, with the password as one line on standard input. */
function runAdmin(args: string[], options: { installation: TestInstallation; password?: string; production?: boolean }): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.installation.env };
  delete env.NODE_ENV;
  if (options.production !== false) env.NODE_ENV = 'production';
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'create-admin', ...args], { cwd: ROOT, env });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  child.stdin.on('error', () => undefined); // the CLI may exit (bad arguments) before it reads the password
  child.stdin.end(options.password === undefined ? '' : `${options.password}\n`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`create-admin did not finish:\n${stdout}\n${stderr}`)); }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

async function counts(installation: TestInstallation) {
  const c = installation.open();
  try {
    const municipalities = Number((await c.db.selectFrom('municipalities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const admins = Number((await c.db.selectFrom('municipality_admins').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { municipalities, persons: await countRows(c.db, 'persons'), accounts: await countRows(c.db, 'accounts'), admins };
  } finally {
    await c.close();
  }
}

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  removeTempDirs();
});

describe('npm run admin -- create-admin', () => {
  let installation: TestInstallation;
  let first: Run;
  let t: TestApp | undefined;
  before(async () => {
    installation = await newInstallation('admin');
    first = await runAdmin(ANNA, { installation, password: PASSWORD });
  });
  after(async () => {
    await t?.close();
    await installation.remove();
  });

  it('creates a real database with the municipality, the person, the admin role and the account', async () => {
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /anna\.admin/);
    const c = installation.open();
    try {
      assert.equal(await readMeta(c.db, 'mode'), 'production');
      const municipalities = await c.db.selectFrom('municipalities').selectAll().execute();
      assert.deepEqual(municipalities.map((m) => m.name), ['Exempelkommun']);
      const persons = await c.db.selectFrom('persons').selectAll().execute();
      assert.equal(persons.length, 1);
      assert.equal(persons[0].first_name, 'Anna');
      assert.equal(persons[0].last_name, 'Andersson');
      assert.equal(persons[0].email, 'anna@example.se');
      assert.equal(persons[0].municipality_id, municipalities[0].id);
      assert.deepEqual(await c.db.selectFrom('municipality_admins').selectAll().execute(),
        [{ person_id: persons[0].id, municipality_id: municipalities[0].id }]);
      const account = await c.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
      assert.equal(account.person_id, persons[0].id);
      assert.equal(account.username, 'anna.admin');
      assert.equal(account.username_key, 'anna.admin');
      assert.equal(account.email_key, 'anna@example.se');
      assert.equal(account.closed_at, null);
      // The production argon2id parameters, and never the password itself.
      const parameters = account.password_hash.match(/^\$argon2id\$v=19\$([^$]+)\$/)?.[1].split(',').sort();
      assert.deepEqual(parameters, ['m=65536', 'p=1', 't=3']);
      assert.ok(!account.password_hash.includes(PASSWORD));
      assert.equal(await countRows(c.db, 'sessions'), 0);
    } finally {
      await c.close();
    }
  });

  it('lets the new admin log in through the app and see the municipality, with no demo banner', async () => {
    t = await startTestApp({ existingDataDir: installation.dataDir, env: installation.env });
    const login = await request(t.app).get('/login');
    assert.equal(login.status, 200);
    assert.doesNotMatch(login.text, /Demoläge/);
    const agent = await signIn(t.app, 'Anna.Admin', PASSWORD);
    const start = await agent.get('/');
    assert.equal(start.status, 200);
    assert.match(start.text, /Anna Andersson/);
    const link = start.text.match(/<a href="\/municipalities\/(\d+)">Exempelkommun<\/a>/);
    assert.ok(link, 'the start page links to Exempelkommun');
    const page = await agent.get(`/municipalities/${link[1]}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Exempelkommun<\/h1>/);
    // And by e-mail address, in any case; a wrong password still fails.
    await signIn(t.app, 'ANNA@Example.se', PASSWORD);
    await assert.rejects(signIn(t.app, 'anna.admin', 'ett-annat-losenord'), /failed with 401/);
  });

  it('refuses a username that is taken in another case, with a message, and changes nothing', async () => {
    const before = await counts(installation);
    const again = await runAdmin(['--municipality', 'Annan kommun', '--username', 'ANNA.Admin', '--name', 'Anna Berg',
      '--email', 'anna.berg@example.se'], { installation, password: PASSWORD });
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /username is already taken/);
    assert.deepEqual(await counts(installation), before);
  });

  it('refuses an e-mail address that is already a login, and a username equal to someone\'s e-mail address', async () => {
    const before = await counts(installation);
    const [email, username] = await Promise.all([
      runAdmin(['--municipality', 'Exempelkommun', '--username', 'bo.admin', '--name', 'Bo Ek', '--email', 'ANNA@example.se'],
        { installation, password: PASSWORD }),
      runAdmin(['--municipality', 'Exempelkommun', '--username', 'anna@example.se', '--name', 'Bo Ek', '--email', 'bo@example.se'],
        { installation, password: PASSWORD }),
    ]);
    assert.notEqual(email.code, 0);
    assert.match(email.stderr, /e-mail address already belongs to an account/);
    assert.notEqual(username.code, 0);
    assert.match(username.stderr, /username is already taken/);
    assert.deepEqual(await counts(installation), before);
  });

  it('refuses bad input with a clear message before writing anything', async () => {
    const before = await counts(installation);
    const run = (args: string[], password = PASSWORD) => runAdmin(args, { installation, password });
    // Anna's arguments with a free username and e-mail address, and one argument changed.
    const withArg = (name: string, value: string) => {
      const args = [...ANNA];
      args[args.indexOf('--username') + 1] = 'ny.admin';
      args[args.indexOf('--email') + 1] = 'ny@example.se';
      args[args.indexOf(`--${name}`) + 1] = value;
      return args;
    };
    // Each run takes a second or two, so the CLI is run for one case of each kind; createFirstAdmin's own test below
    // goes through every rule.
    const cases: [string, () => Promise<Run>, RegExp][] = [
      ['no arguments', () => run([]), /Missing --municipality, --username, --name, --email/],
      ['a missing --email', () => run(ANNA.slice(0, 6)), /Missing --email/],
      ['an unknown option', () => run([...ANNA, '--role', 'x']), /Unknown option '--role'/],
      ['a password of 9 characters', () => run(withArg('name', 'Ny Admin'), '123456789'), /at least 10 characters/],
      ['a password starting with a space', () => run(withArg('name', 'Ny Admin'), ' ett-langt-losenord'), /cannot start or end with a space/],
      ['a password ending with a space', () => run(withArg('name', 'Ny Admin'), 'ett-langt-losenord '), /cannot start or end with a space/],
      ['a malformed e-mail address', () => run(withArg('email', 'ny.example.se')), /e-mail address does not look right/],
    ];
    const results: Run[] = [];
    let next = 0;
    const worker = async () => { while (next < cases.length) { const n = next++; results[n] = await cases[n][1](); } };
    await Promise.all([worker(), worker()]); // two at a time: a loaded machine stays responsive
    cases.forEach(([what, , message], i) => {
      assert.notEqual(results[i].code, 0, `${what}: exit code`);
      assert.match(results[i].stderr, message, `${what}: ${results[i].stderr}`);
    });
    assert.deepEqual(await counts(installation), before);
  });

  it('adds a second admin to the municipality of the same name in any case, splitting the last word off as last name', async () => {
    const run = await runAdmin(['--municipality', '  exempelKOMMUN ', '--username', 'bo.admin', '--name', ' Bo  Karl Ek ',
      '--email', ' bo@example.se '], { installation, password: 'ännu ett långt lösenord' });
    assert.equal(run.code, 0, run.stderr);
    const c = installation.open();
    try {
      assert.equal(await c.db.selectFrom('municipalities').select('id').execute().then((r) => r.length), 1);
      const bo = await c.db.selectFrom('accounts').innerJoin('persons', 'persons.id', 'accounts.person_id')
        .innerJoin('municipality_admins', 'municipality_admins.person_id', 'persons.id')
        .innerJoin('municipalities', 'municipalities.id', 'municipality_admins.municipality_id')
        .select(['persons.first_name', 'persons.last_name', 'accounts.email', 'municipalities.name'])
        .where('accounts.username', '=', 'bo.admin').executeTakeFirstOrThrow();
      assert.deepEqual(bo, { first_name: 'Bo Karl', last_name: 'Ek', email: 'bo@example.se', name: 'Exempelkommun' });
    } finally {
      await c.close();
    }
  });
});

describe('create-admin and demo databases', () => {
  it('makes an empty database a demo without NODE_ENV=production (like npm start), and production then refuses it', async () => {
    const installation = await newInstallation('admin');
    const demo = await runAdmin(ANNA, { installation, password: PASSWORD, production: false });
    assert.equal(demo.code, 0, demo.stderr);
    assert.match(demo.stderr, /demo database/i);
    const c = installation.open();
    try {
      assert.equal(await readMeta(c.db, 'mode'), 'demo');
      const names = (await c.db.selectFrom('municipalities').select('name').orderBy('id').execute()).map((m) => m.name);
      assert.deepEqual(names, ['Demokommun', 'Grannkommun', 'Exempelkommun']);
    } finally {
      await c.close();
    }
    const before = await counts(installation);
    const refused = await runAdmin(['--municipality', 'Exempelkommun', '--username', 'bo.admin', '--name', 'Bo Ek',
      '--email', 'bo@example.se'], { installation, password: PASSWORD });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /created as a demo database\. NODE_ENV=production refuses to run on it/);
    assert.doesNotMatch(refused.stdout, /Created administrator/);
    assert.deepEqual(await counts(installation), before);
  });
});

describe('createFirstAdmin', () => {
  let installation: TestInstallation;
  let c: Connection;
  const input = (over: Partial<FirstAdminInput> = {}): FirstAdminInput => ({
    municipality: 'Exempelkommun', username: 'anna.admin', name: 'Anna Andersson', email: 'anna@example.se', password: PASSWORD, ...over,
  });
  const now = new Date('2026-11-24T09:00:00Z');
  before(async () => {
    installation = await newInstallation('admin');
    c = installation.open();
    await migrateToLatest(c.db);
    await settleMode(c.db, true, async () => { throw new Error('a real database is never seeded'); });
  });
  after(async () => {
    await c.close();
    await installation.remove();
  });

  it('answers each invalid input with its error, without writing', async () => {
    const cases: [Partial<FirstAdminInput>, string][] = [
      [{ municipality: '' }, 'municipality-missing'],
      [{ name: ' ' }, 'name-missing'],
      [{ name: 'Anna' }, 'name-incomplete'],
      [{ username: '' }, 'username-missing'],
      [{ username: 'a'.repeat(255) }, 'username-too-long'],
      [{ username: 'anna\tadmin' }, 'username-has-spaces'],
      [{ email: '' }, 'email-missing'],
      [{ email: 'anna@' }, 'email-malformed'],
      [{ email: 'anna@@example.se' }, 'email-malformed'],
      [{ email: 'anna @example.se' }, 'email-malformed'],
      [{ password: '' }, 'password-missing'],
      [{ password: 'åäöåäöåäö' }, 'password-too-short'],
      [{ password: '\tett-langt-losenord' }, 'password-spaces'],
      [{ password: 'x'.repeat(1025) }, 'password-too-long'],
    ];
    for (const [over, error] of cases) {
      assert.deepEqual(await createFirstAdmin(c.db, input(over), { now }), { ok: false, error }, JSON.stringify(over));
    }
    assert.equal(await countRows(c.db, 'persons'), 0);
    assert.equal(await c.db.selectFrom('municipalities').select('id').execute().then((r) => r.length), 0);
  });

  it('writes all or nothing: when the account cannot be written, no municipality, person or admin role remains', async () => {
    const allow = await refuseInserts(c.db, 'accounts', 'no accounts today');
    try {
      await assert.rejects(createFirstAdmin(c.db, input(), { now }), /no accounts today/);
    } finally {
      await allow();
    }
    assert.equal(await c.db.selectFrom('municipalities').select('id').execute().then((r) => r.length), 0);
    assert.equal(await countRows(c.db, 'persons'), 0);
    assert.equal(await c.db.selectFrom('municipality_admins').select('person_id').execute().then((r) => r.length), 0);

    const created = await createFirstAdmin(c.db, input(), { now });
    assert.equal(created.ok, true);
    assert.deepEqual(await createFirstAdmin(c.db, input({ username: ' ANNA.ADMIN ', email: 'other@example.se' }), { now }),
      { ok: false, error: 'username-taken' });
  });

  it('splits a name into first names and the last name', () => {
    assert.deepEqual(splitName('Anna Andersson'), { first: 'Anna', last: 'Andersson' });
    assert.deepEqual(splitName('  Anna   Maria  Andersson '), { first: 'Anna Maria', last: 'Andersson' });
    assert.equal(splitName('Anna'), undefined);
  });
});
