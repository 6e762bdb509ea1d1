// Several processes serve one database: what one of them counts or changes, the others see at once. Two apps on one
// database stand for two processes (each has its own memory: its own limiters, its own copy of anything cached); a
// request through either counts against the same limits, and a unit's settings saved through one show in the other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';

const LIMITS = {
  RESET_LIMIT_PER_ACCOUNT: '5', RESET_LIMIT_PER_ADDRESS: '50',
  VERIFY_MAIL_LIMIT_PER_ACCOUNT: '3', VERIFY_MAIL_LIMIT_PER_ADDRESS: '2',
  VERIFY_SMS_LIMIT_PER_ACCOUNT: '3', VERIFY_SMS_LIMIT_PER_NUMBER: '2',
  LOGIN_LIMIT_PER_ACCOUNT: '3', LOGIN_LIMIT_PER_ADDRESS: '50',
};

/** Two apps on one database: the second opens the first's data folder (and, on PostgreSQL, its database). */
async function twoProcesses(env: Record<string, string> = LIMITS): Promise<{ a: TestApp; b: TestApp; close(): Promise<void> }> {
  const a = await startTestApp({ env });
  return { a, ...(await secondProcess(a, env)) };
}

async function secondProcess(a: TestApp, env: Record<string, string>): Promise<{ b: TestApp; close(): Promise<void> }> {
  const b = await startTestApp({
    existingDataDir: a.dir, env: { ...env, ...(a.config.databaseUrl ? { VARDAG_DATABASE_URL: a.config.databaseUrl } : {}) },
  });
  return { b, close: async () => { await b.close(); await a.close(); } };
}

describe('two processes on one database: rate limits', () => {
  let a: TestApp;
  let b: TestApp;
  let close: () => Promise<void>;
  before(async () => ({ a, b, close } = await twoProcesses()));
  after(() => close());

  const askForLink = (t: TestApp, name: string) => postForm(request.agent(t.app), '/password/forgot', '/password/forgot', { name });
  const addEmail = (agent: Agent, email: string) => postForm(agent, '/settings', '/settings/emails', { email });
  const addMobile = (agent: Agent, mobile: string) => postForm(agent, '/settings', '/settings/mobile', { mobile });

  it('refuses the sixth "Glömt lösenord?" link through one process after five through the other', async () => {
    for (let i = 1; i <= 5; i++) assert.equal((await askForLink(a, 'pedagog')).status, 200, `link ${i} of 5, through A`);
    const refused = await askForLink(b, 'Pedagog');
    assert.equal(refused.status, 429, 'the sixth, through B');
    assert.match(refused.text, /Du har bett om för många länkar/);
    assert.equal((await askForLink(a, 'pedagog2')).status, 200, 'another account is not limited');
  });

  it('lets the account ask again in either process once its hour has passed, and counts a new hour from one', async () => {
    const start = a.clock.now();
    const later = (minutes: number) => { for (const t of [a, b]) t.clock.set(new Date(start.getTime() + minutes * 60_000).toISOString()); };
    try {
      later(59);
      assert.equal((await askForLink(b, 'pedagog')).status, 429, 'within the hour');
      later(60);
      assert.equal((await askForLink(b, 'pedagog')).status, 200, 'the hour has passed');
      for (let i = 2; i <= 5; i++) assert.equal((await askForLink(a, 'pedagog')).status, 200, `link ${i} of the new hour`);
      assert.equal((await askForLink(b, 'pedagog')).status, 429);
    } finally {
      later(0);
    }
  });

  it('counts the links of one address across both processes', async () => {
    const { a: c, b: d, close: done } = await twoProcesses({ ...LIMITS, RESET_LIMIT_PER_ADDRESS: '4' });
    try {
      for (const [t, name] of [[c, 'okand-1'], [d, 'okand-2'], [c, 'okand-3'], [d, 'okand-4']] as const) {
        assert.equal((await askForLink(t, name)).status, 200, name);
      }
      assert.equal((await askForLink(c, 'okand-5')).status, 429, 'the fifth from the address, whatever name it gives');
    } finally {
      await done();
    }
  });

  it('counts link requests sent at once through both processes exactly: as many go through as the limit allows', async () => {
    // Each request's form is opened first (its CSRF token), then all twelve are sent at the same moment.
    const forms = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
      const agent = request.agent((i % 2 === 0 ? a : b).app);
      return { agent, token: csrfFrom((await agent.get('/password/forgot')).text) };
    }));
    const answers = await Promise.all(forms.map(({ agent, token }) => agent.post('/password/forgot').type('form').send({ _csrf: token, name: 'rektor' })));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [...Array(5).fill(200), ...Array(7).fill(429)], 'five links, seven refused');
    const stored = await a.db.selectFrom('rate_limit_hits').select('hits').where('key', '=', 'reset-account/rektor').executeTakeFirstOrThrow();
    assert.equal(stored.hits, 12, 'every request counted once');
  });

  it('refuses a verification mail through one process once the account had its mails through the other', async () => {
    const inA = await signIn(a.app, 'vardnadshavare');
    const inB = await signIn(b.app, 'vardnadshavare');
    assert.equal((await addEmail(inA, 'emma.1@example.se')).status, 303);
    assert.equal((await addEmail(inB, 'emma.2@example.se')).status, 303);
    assert.equal((await addEmail(inA, 'emma.3@example.se')).status, 303);
    const refused = await addEmail(inB, 'emma.4@example.se');
    assert.equal(refused.status, 429);
    assert.match(refused.text, /för många bekräftelsemejl/);
  });

  it('refuses a third verification mail to one address, the first two asked through the other process', async () => {
    assert.equal((await addEmail(await signIn(a.app, 'vardnadshavare2'), 'granne@example.se')).status, 303);
    assert.equal((await addEmail(await signIn(a.app, 'vardnadshavare3'), 'granne@example.se')).status, 303);
    assert.equal((await addEmail(await signIn(b.app, 'pedagog'), 'Granne@Example.se')).status, 429);
  });

  it('refuses a code SMS through one process once the number had its codes through the other', async () => {
    assert.equal((await addMobile(await signIn(a.app, 'rektor'), '070-555 66 77')).status, 303);
    assert.equal((await addMobile(await signIn(a.app, 'admin'), '0705556677')).status, 303);
    const refused = await addMobile(await signIn(b.app, 'pedagog2'), '+46 70 555 66 77');
    assert.equal(refused.status, 429);
    assert.match(refused.text, /Du har bett om för många koder/);
  });

  it('refuses a code SMS through one process once the account had its codes through both', async () => {
    const inA = await signIn(a.app, 'grannadmin');
    const inB = await signIn(b.app, 'grannadmin');
    assert.equal((await addMobile(inA, '076-600 00 01')).status, 303);
    assert.equal((await addMobile(inB, '076-600 00 02')).status, 303);
    assert.equal((await postForm(inA, '/settings', '/settings/mobile/resend')).status, 303, 'a new code counts too');
    assert.equal((await addMobile(inB, '076-600 00 03')).status, 429);
    assert.equal((await postForm(inA, '/settings', '/settings/mobile/resend')).status, 429);
  });

  it('counts failed logins of one account through both processes', async () => {
    const login = (t: TestApp, password: string) => postForm(request.agent(t.app), '/login', '/login', { username: 'pedagog3', password });
    assert.equal((await login(a, 'fel-1')).status, 401);
    assert.equal((await login(b, 'fel-2')).status, 401);
    assert.equal((await login(a, 'fel-3')).status, 401);
    const refused = await login(b, 'vardag-demo');
    assert.equal(refused.status, 429, 'the right password, unchecked, after three failures through either');
    assert.match(refused.text, /För många inloggningsförsök/);
  });
});

describe('two processes on one database: counts whose window has ended', () => {
  it('are deleted as new requests come in', async () => {
    const { a, b, close } = await twoProcesses();
    try {
      assert.equal((await postForm(request.agent(a.app), '/password/forgot', '/password/forgot', { name: 'pedagog' })).status, 200);
      assert.equal((await postForm(request.agent(b.app), '/login', '/login', { username: 'pedagog', password: 'fel' })).status, 401);
      const two = new Date(a.clock.now().getTime() + 2 * 60 * 60_000).toISOString();
      for (const t of [a, b]) t.clock.set(two);
      assert.equal((await postForm(request.agent(b.app), '/password/forgot', '/password/forgot', { name: 'rektor' })).status, 200);
      assert.equal((await postForm(request.agent(a.app), '/login', '/login', { username: 'rektor', password: 'fel' })).status, 401);
      const hits = await a.db.selectFrom('rate_limit_hits').select('key').orderBy('key').execute();
      assert.deepEqual(hits.map((r) => r.key.split('/')[0]), ['reset-account', 'reset-address'], 'only the new hour’s');
      assert.ok(hits.some((r) => r.key === 'reset-account/rektor'));
      const failures = await a.db.selectFrom('login_limits').select('subject').where('window_ends_at', '<=', two).execute();
      assert.deepEqual(failures, [], 'no failure counts of ended windows');
      assert.equal((await a.db.selectFrom('login_limits').select('subject').where('subject', 'like', 'account:%').execute()).length, 1);
    } finally {
      await close();
    }
  });
});

describe('two processes on one database: a unit’s settings', () => {
  let a: TestApp;
  let b: TestApp;
  let close: () => Promise<void>;
  let solrosen: number;
  let elsa: number;
  let rektorInA: Agent;
  let emmaInB: Agent;
  before(async () => {
    ({ a, b, close } = await twoProcesses());
    solrosen = await unitId(a.db, 'Förskolan Solrosen');
    elsa = await personId(a.db, 'Elsa', 'Andersson');
    rektorInA = await signIn(a.app, 'rektor');
    emmaInB = await signIn(b.app, 'vardnadshavare');
  });
  after(() => close());

  const change = (path: string, fields: [string, string][]) => postForm(rektorInA, `/units/${solrosen}/settings`, `/units/${solrosen}/settings/${path}`, fields);

  it('shows a box turned off through one process no more in the other, at once', async () => {
    const elsasPage = () => emmaInB.get(`/children/${elsa}`);
    const elsasBox = /id="box-absence"/;
    assert.match((await elsasPage()).text, elsasBox, 'B has shown the box');
    const others = ['information', 'calendar', 'contacts', 'documentation', 'blog', 'schedule', 'talks'].map((box): [string, string] => ['boxes', box]);
    assert.equal((await change('boxes', others)).status, 303);
    assert.doesNotMatch((await elsasPage()).text, elsasBox);
    assert.equal((await emmaInB.get(`/children/${elsa}/boxes/absence`)).status, 404);
    assert.equal((await change('boxes', [...others, ['boxes', 'absence']])).status, 303);
    assert.match((await elsasPage()).text, elsasBox, 'and back on');
  });

  it('takes a shorter plan-ahead window saved through one process in the other, at once', async () => {
    const report = (from: string) => postForm(emmaInB, `/children/${elsa}`, `/children/${elsa}/absences`, { when: 'range', from });
    assert.equal((await report('2027-03-01')).status, 303, 'twelve months ahead: taken');
    assert.equal((await change('care-times', [['lock_days', '0'], ['plan_ahead_months', '2'], ['invite_days_before', '14']])).status, 303);
    const refused = await report('2027-03-02');
    assert.equal(refused.status, 400);
    assert.match(refused.text, /Så långt fram går det inte att anmäla frånvaro än/);
  });

  it('shows opening hours saved through one process in the other, at once', async () => {
    const rektorInB = await signIn(b.app, 'rektor');
    assert.match((await rektorInB.get(`/units/${solrosen}`)).text, /onsdag<\/dt><dd>06:30–18:00/);
    const hours = [1, 2, 3, 4, 5, 6, 7].flatMap((d): [string, string][] => [
      [`opens_${d}`, d === 3 ? '07:15' : d <= 5 ? '06:30' : ''], [`closes_${d}`, d === 3 ? '16:45' : d <= 5 ? '18:00' : ''],
    ]);
    assert.equal((await change('opening-hours', hours)).status, 303);
    assert.match((await rektorInB.get(`/units/${solrosen}`)).text, /onsdag<\/dt><dd>07:15–16:45/);
  });
});

describe('two processes on one PostgreSQL database: logins at the same moment', () => {
  let cluster: PostgresCluster;
  let a: TestApp;
  let b: TestApp;
  let close: () => Promise<void>;
  before(async () => {
    cluster = await startPostgres();
    const env = { ...LIMITS, LOGIN_LIMIT_PER_ACCOUNT: '1000', LOGIN_LIMIT_PER_ADDRESS: '1000', VARDAG_DATABASE_URL: await cluster.createDatabase() };
    a = await startTestApp({ env });
    ({ b, close } = await secondProcess(a, env));
  });
  after(async () => {
    await close();
    await cluster.stop();
  });

  // Counting a login's subjects and taking a success's count back each lock rows of login_limits; statements that
  // waited for each other's rows in a circle were stopped by PostgreSQL with a deadlock error, a 500 for the login.
  it('answers every login of a burst, right and wrong passwords through both processes, without a server error', async () => {
    const statuses: Record<number, number> = {};
    for (let round = 0; round < 4; round++) {
      // a quarter of an hour later each round: the windows of the round before have ended
      for (const t of [a, b]) t.clock.set(new Date(Date.parse('2026-11-24T09:00:00Z') + round * 16 * 60_000).toISOString());
      const forms = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
        const agent = request.agent((i % 2 === 0 ? a : b).app);
        return { agent, token: csrfFrom((await agent.get('/login')).text), password: i % 3 === 0 ? 'fel' : 'vardag-demo' };
      }));
      const answers = await Promise.all(forms.map(({ agent, token, password }) =>
        agent.post('/login').type('form').send({ _csrf: token, username: 'pedagog', password })));
      for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    }
    assert.deepEqual(statuses, { 303: 264, 401: 136 });
    const [row] = await a.db.selectFrom('login_limits').select('failures').where('subject', 'like', 'account:%').execute();
    assert.equal(row.failures, 34, 'the last round’s wrong passwords, each counted once');
  });
});
