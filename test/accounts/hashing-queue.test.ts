// A peak morning: password hashes wait their turn, one per core, and a login that would wait too long is told to try
// again in a minute (429, the form filled in) without counting as a failed login.
import { after, afterEach, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import argon2 from 'argon2';
import request from 'supertest';
import { HashingBusy, HashingQueue } from '../../server/accounts/hashing-queue.ts';
import { configureHashing, hashPassword, verifyPassword } from '../../server/accounts/passwords.ts';
import { createResetToken } from '../../server/accounts/reset-queries.ts';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { createInvitation, issueKey } from '../../server/invitations/queries.ts';
import { CHEAP_HASHING, postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise to hold work in its slot until the test lets it go. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { opened, open };
}

describe('the hashing queue', () => {
  /** Fake hashes that record when they start and how many run at once. */
  const tracker = () => {
    const t = { active: 0, most: 0, started: [] as number[] };
    const work = (i: number) => async () => {
      t.started.push(i);
      t.active++;
      t.most = Math.max(t.most, t.active);
      await pause(3);
      t.active--;
      return i;
    };
    return { t, work };
  };

  it('runs one hash at a time with one slot, first come first served', async () => {
    const queue = new HashingQueue({ slots: 1, maxWaitMs: 60_000 });
    const { t, work } = tracker();
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => queue.run(work(i))));
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5]);
    assert.equal(t.most, 1, 'never two at once');
    assert.deepEqual(t.started, [0, 1, 2, 3, 4, 5], 'in the order they came');
    assert.deepEqual({ ...queue.state(), averageMs: undefined }, { running: 0, waiting: 0, averageMs: undefined });
  });

  it('runs as many at once as it has slots, and no more', async () => {
    const queue = new HashingQueue({ slots: 3, maxWaitMs: 60_000 });
    const { t, work } = tracker();
    await Promise.all(Array.from({ length: 10 }, (_, i) => queue.run(work(i))));
    assert.equal(t.most, 3);
    assert.deepEqual(t.started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('turns a hash away at once when its estimated wait is over the limit, and queues it when it is not', async () => {
    const queue = new HashingQueue({ slots: 1, maxWaitMs: 0 });
    await queue.run(() => pause(5)); // times one hash
    const held = gate();
    const holding = queue.run(() => held.opened);
    await assert.rejects(queue.run(async () => 'never'), HashingBusy);
    assert.deepEqual([queue.state().running, queue.state().waiting], [1, 0], 'the refused one is not queued');
    queue.configure({ slots: 1, maxWaitMs: 60_000 });
    const queued = queue.run(async () => 'waited');
    assert.equal(queue.state().waiting, 1);
    held.open();
    await holding;
    assert.equal(await queued, 'waited');
  });

  it('a failing hash gives its slot to the next', async () => {
    const queue = new HashingQueue({ slots: 1, maxWaitMs: 60_000 });
    const failing = queue.run(async () => { throw new Error('broken'); });
    const next = queue.run(async () => 'next');
    await assert.rejects(failing, /broken/);
    assert.equal(await next, 'next');
  });

  it('every argon2 hash and verification of the app goes through it', async (t) => {
    configureHashing({ slots: 1, maxWaitMs: 60_000 });
    let active = 0;
    let most = 0;
    const counted = <A extends unknown[], R>(original: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      active++;
      most = Math.max(most, active);
      try {
        await pause(3);
        return await original(...args);
      } finally {
        active--;
      }
    };
    t.mock.method(argon2, 'hash', counted(argon2.hash.bind(argon2)));
    t.mock.method(argon2, 'verify', counted(argon2.verify.bind(argon2)));
    const hashes = await Promise.all(['a', 'b', 'c'].map((p) => hashPassword(`lösenord-${p}`, CHEAP_HASHING)));
    const checks = await Promise.all([
      verifyPassword(hashes[0], 'lösenord-a'), verifyPassword(hashes[1], 'fel'), verifyPassword(hashes[2], 'lösenord-c'),
    ]);
    assert.deepEqual(checks, [true, false, true]);
    assert.equal(most, 1, 'one at a time with one slot');
  });
});

describe('logging in while many are', () => {
  let t: TestApp;
  // One slot, and no wait allowed: a login that finds the slot taken is turned away.
  before(async () => { t = await startTestApp({ env: { HASHING_SLOTS: '1', HASHING_MAX_WAIT_MS: '0' } }); });
  after(() => t.close());
  afterEach(async () => { await t.db.deleteFrom('login_limits').execute(); });

  const login = (fields: Record<string, string>) => postForm(request.agent(t.app), '/login', '/login', fields);

  /** Holds the next password check in the only slot until `release`; resolves once it is there. */
  async function holdTheSlot(): Promise<{ release(): void; restore(): void; checks(): number; login: Promise<request.Response> }> {
    const held = gate();
    const inSlot = gate();
    const original = argon2.verify.bind(argon2);
    let first = true;
    const verify = mock.method(argon2, 'verify', async (...args: Parameters<typeof argon2.verify>) => {
      if (first) {
        first = false;
        inSlot.open();
        await held.opened;
      }
      return original(...args);
    });
    const slow = login({ username: 'pedagog', password: DEMO_PASSWORD });
    await inSlot.opened;
    return { release: held.open, restore: () => { held.open(); verify.mock.restore(); }, checks: () => verify.mock.callCount(), login: slow };
  }

  /** Posts while another login holds the only slot: the answer is "come back in a minute"; the held login then gets in. */
  async function turnedAwayWhileTheSlotIsHeld(post: () => Promise<request.Response>): Promise<void> {
    const slot = await holdTheSlot();
    try {
      const busy = await post();
      assert.equal(busy.status, 429);
      assert.equal(busy.headers['retry-after'], '60');
      assert.match(busy.text, /Många loggar in just nu – försök igen om en minut/);
      slot.release();
      assert.equal((await slot.login).status, 303);
    } finally {
      slot.restore();
    }
  }

  it('answers 429 with Retry-After and the form filled in, counts nothing against the login limits, and lets the next login in', async () => {
    assert.equal((await login({ username: 'vardnadshavare', password: DEMO_PASSWORD })).status, 303, 'with the slot free');

    const slot = await holdTheSlot();
    try {
      const busy = await login({ username: 'vardnadshavare', password: DEMO_PASSWORD, remember: 'yes' });
      assert.equal(busy.status, 429);
      assert.equal(busy.headers['retry-after'], '60');
      assert.match(busy.text, /Många loggar in just nu – försök igen om en minut/);
      assert.match(busy.text, /name="username"[^>]*value="vardnadshavare"/, 'the username filled in');
      assert.match(busy.text, /id="remember"[^>]*checked/);
      assert.doesNotMatch(busy.text.match(/<input id="password"[^>]*>/)?.[0] ?? '', /value=/, 'never the password');
      assert.equal(slot.checks(), 1, 'its password was not checked');

      const guardian = await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
      const rows = await t.db.selectFrom('login_limits').select(['subject', 'failures']).execute();
      assert.equal(rows.find((r) => r.subject === `account:${guardian.id}`)?.failures ?? 0, 0, 'no failure against the account');
      assert.equal(rows.find((r) => r.subject.startsWith('address:'))?.failures, 1, 'only the login under way counts against the address');

      slot.release();
      assert.equal((await slot.login).status, 303, 'the login in the slot finishes');
    } finally {
      slot.restore();
    }
    const counted = await t.db.selectFrom('login_limits').select('failures').where('failures', '>', 0).execute();
    assert.deepEqual(counted, [], 'nothing counted once both are answered');
    assert.equal((await login({ username: 'vardnadshavare', password: DEMO_PASSWORD })).status, 303, 'trying again works');
    assert.equal((await login({ username: 'vardnadshavare', password: 'fel' })).status, 401, 'a wrong password is still wrong');
  });

  it('answers a registration 429 with the form filled in, makes no account and uses no key, then registers in a minute', async () => {
    const guardian = await t.db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
      .select(['guardianships.guardian_id', 'guardianships.child_id', 'persons.municipality_id'])
      .where((eb) => eb.not(eb.exists(eb.selectFrom('accounts').select('accounts.id').whereRef('accounts.person_id', '=', 'guardianships.guardian_id'))))
      .orderBy('guardianships.guardian_id').limit(1).executeTakeFirstOrThrow();
    const by = await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const key = await t.db.transaction().execute(async (trx) => issueKey(trx, await createInvitation(trx, {
      guardianId: guardian.guardian_id, childId: guardian.child_id, municipalityId: guardian.municipality_id, by: by.id,
      email: null, language: 'sv', sendOn: '2026-11-24', now: t.clock.now(),
    }), 'paper', t.clock.now()));
    const form = { key, username: 'morgonforalder', email: '', email_confirm: '', name: 'Morgon Förälder', password: 'blå cykel i regnet', terms: 'yes' };
    const accounts = async () => (await t.db.selectFrom('accounts').select('id').execute()).length;
    const before = await accounts();

    const slot = await holdTheSlot();
    try {
      const busy = await postForm(request.agent(t.app), '/login', '/register_invite', form);
      assert.equal(busy.status, 429);
      assert.equal(busy.headers['retry-after'], '60');
      assert.match(busy.text, /Många loggar in just nu – försök igen om en minut/);
      assert.match(busy.text, /value="morgonforalder"/);
      assert.match(busy.text, /value="Morgon Förälder"/);
      assert.equal(await accounts(), before, 'no account made');
      slot.release();
      assert.equal((await slot.login).status, 303);
    } finally {
      slot.restore();
    }
    assert.deepEqual(await t.db.selectFrom('login_limits').select(['subject', 'failures']).where('failures', '>', 0).execute(), [], 'nothing counted');
    assert.equal((await postForm(request.agent(t.app), '/login', '/register_invite', form)).status, 303, 'the key still works');
    assert.equal(await accounts(), before + 1);
  });

  it('answers a password change 429 and keeps the old password, counting nothing', async () => {
    const guardian = await signIn(t.app, 'vardnadshavare');
    const change = { current_password: DEMO_PASSWORD, new_password: 'en ny och lång fras 7' };
    await turnedAwayWhileTheSlotIsHeld(() => postForm(guardian, '/settings', '/settings/password', change));
    assert.deepEqual(await t.db.selectFrom('login_limits').select(['subject', 'failures']).where('failures', '>', 0).execute(), [], 'nothing counted');
    assert.equal((await login({ username: 'vardnadshavare', password: DEMO_PASSWORD })).status, 303, 'the old password still works');
  });

  it('answers a new password from a reset link 429, keeping the link and the old password, and takes it once there is room', async () => {
    const account = await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
    const link = `/password/reset/${await createResetToken(t.db, account.id, t.clock.now())}`;
    await turnedAwayWhileTheSlotIsHeld(() => postForm(request.agent(t.app), link, link, { password: 'en ny och lång fras 8' }));
    assert.equal((await login({ username: 'vardnadshavare', password: DEMO_PASSWORD })).status, 303, 'the old password still works');
    const reset = await postForm(request.agent(t.app), link, link, { password: 'en ny och lång fras 8' });
    assert.deepEqual([reset.status, reset.headers.location], [303, '/login'], 'the link still works');
    assert.equal((await login({ username: 'vardnadshavare', password: 'en ny och lång fras 8' })).status, 303);
  });
});
