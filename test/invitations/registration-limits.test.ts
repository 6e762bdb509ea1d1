// Registering and linking with a key check passwords like the login does: in the one limiter, cheap checks first.
import { after, afterEach, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import argon2 from 'argon2';
import request from 'supertest';
import { CHEAP_HASHING, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { guardiansWithoutAccount, paperKey } from '../support/invitations.ts';

describe('registering and linking within the login limits', () => {
  let t: TestApp;
  // The victim's password passes the registration form's rules (the demo password is refused there as too common).
  const VICTIM_PASSWORD = 'rektorns hemliga fras 42';
  before(async () => {
    t = await startTestApp({ env: { LOGIN_LIMIT_PER_ACCOUNT: '3', LOGIN_LIMIT_PER_ADDRESS: '6' } });
    await t.db.updateTable('accounts').set({ password_hash: await hashPassword(VICTIM_PASSWORD, CHEAP_HASHING) }).where('username', '=', 'rektor').execute();
  });
  after(() => t.close());
  afterEach(async () => { await t.db.deleteFrom('login_limits').execute(); });

  /** A fresh key for a guardian of a demo child who has no account yet (the `n`th such guardian). */
  const newKey = async (n: number) => paperKey(t, (await guardiansWithoutAccount(t))[n]);

  const form = (key: string, username: string, password: string) => ({
    key, username, email: '', email_confirm: '', name: 'Ny Förälder', password, terms: 'yes',
  });
  const register = (agent: Agent, fields: Record<string, string>) => postForm(agent, '/login', '/register_invite', fields);
  const accounts = async () => (await t.db.selectFrom('accounts').select('id').execute()).length;
  const signedInAs = async (agent: Agent) => (await agent.get('/settings')).text.match(/name="username"[^>]*value="([^"]*)"/)?.[1];

  it('signs in with a used key only to the account that key made, and limits the guesses', async () => {
    const key = await newKey(0);
    const guardian = request.agent(t.app);
    assert.equal((await register(guardian, form(key, 'ny-foralder', 'blå cykel i regnet'))).status, 303);
    assert.equal(await signedInAs(guardian), 'ny-foralder');

    // The used key with another account's right username and password: refused, nobody signed in.
    const attacker = request.agent(t.app);
    const other = await register(attacker, form(key, 'rektor', VICTIM_PASSWORD));
    assert.equal(other.status, 400);
    assert.match(other.text, /Nyckeln är redan använd/);
    assert.equal((await attacker.get('/')).status, 303, 'not signed in');

    // The same form again (a double submit seen late) signs in to the account the key made.
    const again = request.agent(t.app);
    assert.equal((await register(again, form(key, 'ny-foralder', 'blå cykel i regnet'))).status, 303);
    assert.equal(await signedInAs(again), 'ny-foralder');

    // Guessing that account's password through the used key counts like guessing it at the login.
    await t.db.deleteFrom('login_limits').execute();
    for (let i = 0; i < 3; i++) assert.equal((await register(attacker, form(key, 'ny-foralder', `gissning ${i} lång nog`))).status, 400);
    const blocked = await register(attacker, form(key, 'ny-foralder', 'blå cykel i regnet'));
    assert.equal(blocked.status, 429, 'the right password is refused once the limit is reached');
    assert.match(blocked.text, /För många/);
    assert.equal((await attacker.get('/')).status, 303, 'still not signed in');
    assert.equal((await postForm(request.agent(t.app), '/login', '/login', { username: 'ny-foralder', password: 'blå cykel i regnet' })).status, 429,
      'the login shares the limit');
  });

  it("signs nobody else in from a burst of forms sent while the key's own registration is under way", async () => {
    const key = await newKey(4);
    // The attackers' forms are slow (as argon2 is): the guardian's registration uses the key while theirs are under way.
    const original = argon2.hash.bind(argon2);
    const slow = mock.method(argon2, 'hash', async (...args: Parameters<typeof argon2.hash>) => {
      if (args[0] === VICTIM_PASSWORD) await new Promise((resolve) => setTimeout(resolve, 300));
      return original(...args);
    });
    try {
      const guardian = request.agent(t.app);
      const attackers = Array.from({ length: 2 }, () => request.agent(t.app));
      const answers = await Promise.all([
        ...attackers.map((a) => register(a, form(key, 'rektor', VICTIM_PASSWORD))),
        register(guardian, form(key, 'burst-foralder', 'blå cykel i regnet')),
      ]);
      assert.equal(answers[2].status, 303);
      for (const [i, a] of attackers.entries()) {
        assert.notEqual(answers[i].status, 303, `attacker ${i + 1}`);
        assert.equal((await a.get('/')).status, 303, 'not signed in');
      }
    } finally {
      slow.mock.restore();
    }
  });

  it('checks the key and the username before hashing a password, and limits the tries per key', async () => {
    const key = await newKey(1);
    const hash = mock.method(argon2, 'hash');
    try {
      const before = await accounts();
      const agent = request.agent(t.app);
      for (const name of ['pedagog', 'rektor', 'admin']) {
        const taken = await register(agent, form(key, name, 'blå cykel i regnet'));
        assert.equal(taken.status, 400);
        assert.match(taken.text, /Användarnamnet är upptaget|upptaget/);
      }
      const unknown = await register(agent, form('ABCD-EFGH-JKMN', 'ledigt-namn', 'blå cykel i regnet'));
      assert.equal(unknown.status, 400);
      assert.equal(hash.mock.callCount(), 0, 'no password was hashed');
      assert.equal(await accounts(), before);

      const blocked = await register(request.agent(t.app), form(key, 'ett-annat-namn', 'blå cykel i regnet'));
      assert.equal(blocked.status, 429, 'three refusals on the key: the key is limited, even from another agent');
      assert.equal(hash.mock.callCount(), 0);
      assert.equal(await accounts(), before);
    } finally {
      hash.mock.restore();
    }
  });

  it('limits unknown keys per address', async () => {
    const agent = request.agent(t.app);
    for (let i = 0; i < 6; i++) assert.equal((await register(agent, form(`ABCD-EFGH-JK${'MNPQRS'[i]}${i + 2}`, 'namn', 'blå cykel i regnet'))).status, 400);
    assert.equal((await register(agent, form(await newKey(2), 'helt-ledigt', 'blå cykel i regnet'))).status, 429);
  });

  it('links only after the key is checked, with one answer for a wrong key and a wrong password, in the same limiter', async () => {
    const key = await newKey(3);
    const link = (fields: Record<string, string>) => postForm(request.agent(t.app), '/login', '/register_invite/link', fields);
    const hash = mock.method(argon2, 'verify');
    try {
      const wrongKey = await link({ key: 'ABCD-EFGH-JKMN', username: 'vardnadshavare', password: 'vardag-demo' });
      const usedKeyShape = await link({ key, username: 'vardnadshavare', password: 'fel lösenord' });
      assert.equal(wrongKey.status, 401);
      assert.equal(usedKeyShape.status, 401);
      const message = 'Nyckeln, användarnamnet eller lösenordet stämmer inte.';
      assert.ok(wrongKey.text.includes(message) && usedKeyShape.text.includes(message), 'the same answer');
      assert.doesNotMatch(wrongKey.text, /Nyckeln finns inte/);
      assert.equal(hash.mock.callCount(), 2, 'both take one password check (a dummy one for the wrong key)');
    } finally {
      hash.mock.restore();
    }
    // Two failures on the account above; one more at the login reaches the limit of 3 for that account.
    assert.equal((await postForm(request.agent(t.app), '/login', '/login', { username: 'vardnadshavare', password: 'fel' })).status, 401);
    const blocked = await link({ key, username: 'vardnadshavare', password: 'vardag-demo' });
    assert.equal(blocked.status, 429);
    await signIn(t.app, 'pedagog'); // other accounts from the address still log in
  });
});
