// One limiter for every password check: failures only, per address and per account, in the module's own table.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { demoPasswordHash, postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { municipalityId } from '../support/demo.ts';
import { createAccount } from '../../server/accounts/queries.ts';

describe('login limits', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ env: { LOGIN_LIMIT_PER_ACCOUNT: '3', LOGIN_LIMIT_PER_ADDRESS: '8' } }); });
  after(() => t.close());

  const login = (username: string, password: string) => postForm(request.agent(t.app), '/login', '/login', { username, password });
  const forget = () => t.db.deleteFrom('login_limits').execute();

  it('lets 200 different accounts log in from one address: a successful login counts for nothing', async () => {
    await forget();
    const municipality = await municipalityId(t.db, 'Demokommun');
    const hash = await demoPasswordHash();
    const now = t.clock.now();
    for (let i = 0; i < 200; i++) {
      const person = await t.db.insertInto('persons').values({
        municipality_id: municipality, first_name: `Förälder${i}`, last_name: 'Natsson', identity_number: null, identity_kind: null,
        birth_date: null, protected_identity: 0, street_address: null, postal_code: null, city: null, email: null, phone: null,
        created_at: now.toISOString(),
      }).returning('id').executeTakeFirstOrThrow();
      await createAccount(t.db, { personId: person.id, username: `nat${i}`, email: null, passwordHash: hash }, now);
    }
    for (let i = 0; i < 200; i++) {
      const res = await login(`nat${i}`, 'vardag-demo');
      assert.equal(res.status, 303, `login ${i + 1} of 200`);
    }
    // and the same account again and again
    for (let i = 0; i < 5; i++) assert.equal((await login('nat0', 'vardag-demo')).status, 303);
    const counted = await t.db.selectFrom('login_limits').select('failures').execute();
    assert.ok(counted.every((r) => r.failures === 0), 'each success took its count back');
  });

  it('limits failures from one address whatever usernames they try, then lets the address in after 15 minutes', async () => {
    await forget();
    for (let i = 0; i < 8; i++) assert.equal((await login(`gissning${i}`, 'fel')).status, 401);
    const blocked = await login('pedagog', 'vardag-demo');
    assert.equal(blocked.status, 429, 'the right password of another account is refused too, unchecked');
    assert.match(blocked.text, /För många inloggningsförsök/);
    assert.ok(Number(blocked.headers['retry-after']) > 0 && Number(blocked.headers['retry-after']) <= 900);
    const rows = await t.db.selectFrom('login_limits').selectAll().where('failures', '>', 0).execute();
    assert.deepEqual(rows.map((r) => [r.subject.split(':')[0], r.failures]), [['address', 8]], 'unknown names count against the address only');
    const start = t.clock.now();
    t.clock.set(new Date(start.getTime() + 15 * 60_000).toISOString());
    try {
      assert.equal((await login('pedagog', 'vardag-demo')).status, 303, 'the window has ended');
      assert.equal((await login('pedagog', 'fel')).status, 401);
      const address = await t.db.selectFrom('login_limits').selectAll().where('subject', 'like', 'address:%').executeTakeFirstOrThrow();
      assert.equal(address.failures, 1, 'a new window starts at one');
    } finally {
      t.clock.set(start.toISOString());
    }
  });

  it('limits failures from one address spread over many real accounts, none of them over its own limit', async () => {
    await forget();
    // eight different usernames, real and unknown mixed, each tried once with a wrong password: no account reaches its limit of 3
    const names = ['admin', 'okand-1', 'rektor', 'pedagog', 'okand-2', 'pedagog2', 'vardnadshavare', 'vardnadshavare2'];
    for (const [i, name] of names.entries()) assert.equal((await login(name, `fel${i}`)).status, 401, `${name}, failure ${i + 1} of 8`);
    for (const name of ['pedagog3', 'okand-3', 'admin']) {
      const blocked = await login(name, name === 'okand-3' ? 'fel' : 'vardag-demo');
      assert.equal(blocked.status, 429, `${name} after 8 failures from the address`);
      assert.match(blocked.text, /För många inloggningsförsök/);
    }
    const accounts = await t.db.selectFrom('login_limits').select('failures').where('subject', 'like', 'account:%')
      .where('failures', '>', 0).execute();
    assert.equal(accounts.length, 6, 'each real account counted its own failure, and only that');
    assert.ok(accounts.every((r) => r.failures === 1), 'no account over its own limit: the address limit refused');
    const address = await t.db.selectFrom('login_limits').select('failures').where('subject', 'like', 'address:%').executeTakeFirstOrThrow();
    assert.equal(address.failures, 8, 'a refused attempt is not one more failure');
  });

  it('lets a burst of guesses sent at once check no more passwords than the limit', async () => {
    await forget();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => login('rektor', `gissning${i}`)));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429, 429, 429]);
    assert.equal((await login('rektor', 'vardag-demo')).status, 429);
  });

  it("counts a wrong current password in the settings against the account's login limit", async () => {
    await forget();
    const agent = await signIn(t.app, 'pedagog2');
    const change = (current: string) => postForm(agent, '/settings', '/settings/password', { current_password: current, new_password: 'en ny lång fras här' });
    assert.equal((await login('pedagog2', 'fel1')).status, 401);
    assert.equal((await login('pedagog2', 'fel2')).status, 401);
    const wrong = await change('fel3');
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /Det nuvarande lösenordet stämmer inte|stämmer inte/);
    const blocked = await change('vardag-demo');
    assert.equal(blocked.status, 429, 'the right current password is refused, unchecked, once the account is over its limit');
    assert.equal((await login('pedagog2', 'vardag-demo')).status, 429, 'and at the login too: one limiter');
    const account = await t.db.selectFrom('login_limits').select('failures').where('subject', 'like', 'account:%').executeTakeFirstOrThrow();
    assert.equal(account.failures, 3);
  });
});
