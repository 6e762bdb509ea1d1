// How strong a session's login is: a strong (e-ID) login lasts while the session is used and lapses after the
// municipality's idle minutes back to a weak session that stays signed in (server/accounts/strength.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { authLevelOf, DEFAULT_STRONG_IDLE_MINUTES, isPoll, markStrong, strongMunicipalities } from '../../server/accounts/strength.ts';
import { startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { enableEId, markSessionStrong, setDocumentationStrongLogin, signInWithSession, storedSession } from '../support/strong-login.ts';

const fakeRequest = (): Request => ({ session: {} }) as unknown as Request;
const at = (iso: string) => new Date(iso);
const advance = (t: TestApp, ms: number) => t.clock.set(new Date(t.clock.now().getTime() + ms).toISOString());

describe('authLevelOf', () => {
  it('is weak without a strong login', () => {
    assert.equal(authLevelOf(fakeRequest(), at('2026-11-24T09:00:00Z'), 20), 'password');
  });

  it('is strong after markStrong, and stays strong while requests keep coming within the idle minutes', () => {
    const req = fakeRequest();
    markStrong(req, at('2026-11-24T09:00:00Z'), 'bankid', 1);
    assert.deepEqual(req.session.strong, { at: '2026-11-24T09:00:00.000Z', seenAt: '2026-11-24T09:00:00.000Z', acr: 'bankid', municipalityIds: [1] });
    // A request every 15 minutes for an hour: each one refreshes when it was seen.
    for (const time of ['09:15', '09:30', '09:45', '10:00']) {
      assert.equal(authLevelOf(req, at(`2026-11-24T${time}:00Z`), 20), 'strong', time);
    }
    assert.equal(req.session.strong?.seenAt, '2026-11-24T10:00:00.000Z');
    assert.equal(req.session.strong?.at, '2026-11-24T09:00:00.000Z', 'when it was made stays');
  });

  it('counts for the municipality whose login made it strong; a second one adds its own, a lapse drops both', () => {
    const req = fakeRequest();
    markStrong(req, at('2026-11-24T09:00:00Z'), 'bankid', 1);
    assert.deepEqual(strongMunicipalities(req), [1]);
    assert.equal(authLevelOf(req, at('2026-11-24T09:10:00Z'), 20), 'strong');
    markStrong(req, at('2026-11-24T09:10:00Z'), 'freja', 2);
    markStrong(req, at('2026-11-24T09:10:00Z'), 'freja', 2);
    assert.deepEqual(strongMunicipalities(req), [1, 2]);
    assert.equal(authLevelOf(req, at('2026-11-24T09:31:00Z'), 20), 'password');
    assert.deepEqual(strongMunicipalities(req), []);
    markStrong(req, at('2026-11-24T09:31:00Z'), 'bankid', 2);
    assert.deepEqual(strongMunicipalities(req), [2], 'a lapsed one is not brought back by another');
  });

  it('lapses after the idle minutes: the mark is dropped, weak from then on', () => {
    const req = fakeRequest();
    markStrong(req, at('2026-11-24T09:00:00Z'), 'bankid', 1);
    assert.equal(authLevelOf(req, at('2026-11-24T09:19:59Z'), 20), 'strong');
    assert.equal(authLevelOf(req, at('2026-11-24T09:39:58Z'), 20), 'strong', 'the request at 09:19:59 refreshed it');
    assert.equal(authLevelOf(req, at('2026-11-24T10:00:00Z'), 20), 'password');
    assert.equal(req.session.strong, undefined);
    assert.equal(authLevelOf(req, at('2026-11-24T10:00:01Z'), 20), 'password', 'lapsed stays lapsed');
  });

  it('refreshes the mark at most once a minute (the session is not saved on every request), never lasting longer', () => {
    const req = fakeRequest();
    markStrong(req, at('2026-11-24T09:00:00Z'), 'bankid', 1);
    assert.equal(authLevelOf(req, at('2026-11-24T09:00:30Z'), 20), 'strong');
    assert.equal(req.session.strong?.seenAt, '2026-11-24T09:00:00.000Z', 'half a minute: not written');
    assert.equal(authLevelOf(req, at('2026-11-24T09:20:00Z'), 20), 'password', 'lapses from the written mark: never late');
  });

  it('follows the idle minutes given (the municipality\'s)', () => {
    const req = fakeRequest();
    markStrong(req, at('2026-11-24T09:00:00Z'), 'bankid', 1);
    assert.equal(authLevelOf(req, at('2026-11-24T09:59:00Z'), 60), 'strong');
    assert.equal(authLevelOf(req, at('2026-11-24T10:03:00Z'), 5), 'strong');
    assert.equal(authLevelOf(req, at('2026-11-24T10:08:00Z'), 5), 'password');
  });

  it('counts a mark from the future (a clock set back) as seen now, and an unreadable one as none', () => {
    const req = fakeRequest();
    markStrong(req, at('2026-11-24T12:00:00Z'), 'bankid', 1);
    assert.equal(authLevelOf(req, at('2026-11-24T09:00:00Z'), 20), 'strong');
    assert.equal(authLevelOf(req, at('2026-11-24T09:20:00Z'), 20), 'password', 'not strong until noon');
    req.session.strong = { at: 'x', seenAt: 'not a date', acr: 'bankid' };
    assert.equal(authLevelOf(req, at('2026-11-24T09:00:00Z'), 20), 'password');
  });

  it('defaults to 20 idle minutes (issue 24)', () => assert.equal(DEFAULT_STRONG_IDLE_MINUTES, 20));

  it('is not refreshed by a page polling by itself, which lets it lapse', () => {
    const req = pollRequest('GET', { 'hx-request': 'true', 'hx-trigger': 'today-list', 'x-vardag-poll': 'today-list' });
    markStrong(req, at('2026-11-24T09:00:00Z'), 'bankid', 1);
    for (const time of ['09:05', '09:10', '09:15']) assert.equal(authLevelOf(req, at(`2026-11-24T${time}:00Z`), 20), 'strong', time);
    assert.equal(req.session.strong?.seenAt, '2026-11-24T09:00:00.000Z', 'polls leave the mark');
    assert.equal(authLevelOf(req, at('2026-11-24T09:20:00Z'), 20), 'password');
  });

  it('brings a mark from the future back to now also on a poll (polls never keep it strong longer)', () => {
    const req = pollRequest('GET', { 'hx-request': 'true', 'hx-trigger': 'today-list', 'x-vardag-poll': 'today-list' });
    markStrong(req, at('2026-11-24T12:00:00Z'), 'bankid', 1);
    assert.equal(authLevelOf(req, at('2026-11-24T09:00:00Z'), 20), 'strong');
    assert.equal(authLevelOf(req, at('2026-11-24T09:20:00Z'), 20), 'password');
  });
});

function pollRequest(method: string, headers: Record<string, string>): Request {
  return { method, headers, session: {} } as unknown as Request;
}

describe('isPoll', () => {
  const poll = { 'hx-request': 'true', 'hx-trigger': 'today-list', 'x-vardag-poll': 'today-list' };
  it('is an htmx GET from the element that names itself as polling', () => assert.equal(isPoll(pollRequest('GET', poll)), true));
  it('is not a click inside the polled element (the header inherited, another trigger, or none)', () => {
    assert.equal(isPoll(pollRequest('GET', { ...poll, 'hx-trigger': 'arrive-12' })), false);
    const { 'hx-trigger': _, ...noTrigger } = poll;
    assert.equal(isPoll(pollRequest('GET', noTrigger)), false);
  });
  it('is never a POST, a plain request, or one without the header', () => {
    assert.equal(isPoll(pollRequest('POST', poll)), false);
    assert.equal(isPoll(pollRequest('GET', { 'x-vardag-poll': 'today-list', 'hx-trigger': 'today-list' })), false);
    assert.equal(isPoll(pollRequest('GET', { 'hx-request': 'true', 'hx-trigger': 'today-list' })), false);
    assert.equal(isPoll(pollRequest('GET', { ...poll, 'x-vardag-poll': '', 'hx-trigger': '' })), false);
  });
});

describe('a strong session through the app', () => {
  let t: TestApp;
  let elsa: number;
  let demokommun: number;

  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    demokommun = await municipalityId(t.db, 'Demokommun');
    await enableEId(t.db, demokommun);
    await setDocumentationStrongLogin(t.db, demokommun, true);
  });
  after(() => t.close());

  it('opens strong pages while used; after 20 idle minutes they ask for BankID again, and the session is still signed in', async () => {
    const { agent, sid } = await signInWithSession(t.app, 'vardnadshavare');
    const weak = await agent.get(`/children/${elsa}/portfolio`);
    assert.equal(weak.status, 303);
    assert.equal(weak.headers.location, `/login/e-id?next=${encodeURIComponent(`/children/${elsa}/portfolio`)}`);

    await markSessionStrong(t.db, sid, t.clock.now());
    assert.equal((await agent.get(`/children/${elsa}/portfolio`)).status, 200);
    advance(t, 15 * 60_000);
    assert.equal((await agent.get(`/children/${elsa}/portfolio`)).status, 200, 'after 15 minutes');
    advance(t, 15 * 60_000);
    assert.equal((await agent.get(`/children/${elsa}/portfolio`)).status, 200, '15 more minutes: the last request refreshed it');
    assert.equal((await storedSession(t.db, sid))?.strong !== undefined, true);

    advance(t, 20 * 60_000);
    const lapsed = await agent.get(`/children/${elsa}/portfolio`);
    assert.equal(lapsed.status, 303, 'lapsed: step-up again');
    assert.match(String(lapsed.headers.location), /^\/login\/e-id\?next=/);
    assert.equal((await storedSession(t.db, sid))?.strong, undefined, 'the strong mark is gone from the stored session');
    const start = await agent.get('/');
    assert.equal(start.status, 200, 'still signed in');
    assert.equal((await storedSession(t.db, sid))?.accountId !== undefined, true);
  });

  it('follows the municipality\'s idle minutes (login settings)', async () => {
    const by = await personId(t.db, 'Emma', 'Andersson');
    await t.db.insertInto('login_settings').values({ municipality_id: demokommun, strong_idle_minutes: 60, changed_by: by, changed_at: t.clock.now().toISOString() }).execute();
    try {
      const { agent, sid } = await signInWithSession(t.app, 'vardnadshavare');
      await markSessionStrong(t.db, sid, t.clock.now());
      advance(t, 45 * 60_000);
      assert.equal((await agent.get(`/children/${elsa}/portfolio`)).status, 200, '45 idle minutes of 60');
      advance(t, 61 * 60_000);
      assert.equal((await agent.get(`/children/${elsa}/portfolio`)).status, 303, '61 idle minutes');
    } finally {
      await t.db.deleteFrom('login_settings').where('municipality_id', '=', demokommun).execute();
    }
  });

  describe('while the "Idag" list polls by itself', () => {
    let blabar: number;
    before(async () => {
      blabar = await groupId(t.db, 'Blåbär');
    });
    const poll = (agent: Agent) => agent.get(`/groups/${blabar}/today`)
      .set('HX-Request', 'true').set('HX-Trigger', 'today-list').set('X-Vardag-Poll', 'today-list');
    const strongNow = async (sid: string) => (await storedSession(t.db, sid))?.strong !== undefined;

    it('the list names itself as polling (hx-headers beside its hx-trigger)', async () => {
      const { agent } = await signInWithSession(t.app, 'pedagog');
      const page = await agent.get(`/groups/${blabar}/today`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<div id="today-list"[^>]* hx-trigger="every 30s" hx-headers='\{"X-Vardag-Poll":"today-list"\}'/);
    });

    it('polls for longer than the idle minutes let the strong login lapse', async () => {
      const { agent, sid } = await signInWithSession(t.app, 'pedagog');
      await markSessionStrong(t.db, sid, t.clock.now());
      for (let minute = 2; minute <= 18; minute += 2) {
        advance(t, 2 * 60_000);
        assert.equal((await poll(agent)).status, 200);
      }
      assert.equal(await strongNow(sid), true, 'strong after 18 minutes of polls');
      advance(t, 2 * 60_000);
      assert.equal((await poll(agent)).status, 200, 'the list still answers (weak)');
      assert.equal(await strongNow(sid), false, '20 minutes of polls only: lapsed');
      assert.equal((await agent.get('/')).status, 200, 'still signed in');
    });

    it('a request the person made refreshes it (also a click inside the list, which inherits the header)', async () => {
      const { agent, sid } = await signInWithSession(t.app, 'pedagog');
      await markSessionStrong(t.db, sid, t.clock.now());
      advance(t, 10 * 60_000);
      assert.equal((await poll(agent)).status, 200);
      // htmx merges hx-headers from the ancestors: a request from an element inside the list carries the header, with
      // its own id as HX-Trigger.
      const click = await agent.get(`/groups/${blabar}/today`).set('HX-Request', 'true').set('HX-Trigger', 'child-link')
        .set('X-Vardag-Poll', 'today-list');
      assert.equal(click.status, 200);
      for (let minute = 2; minute <= 18; minute += 2) {
        advance(t, 2 * 60_000);
        assert.equal((await poll(agent)).status, 200);
      }
      assert.equal(await strongNow(sid), true, '28 minutes after the strong login, 18 after the click');
      advance(t, 2 * 60_000);
      await poll(agent);
      assert.equal(await strongNow(sid), false, '20 minutes of polls after the click: lapsed');
      // A plain page view counts too.
      const again = await signInWithSession(t.app, 'pedagog');
      await markSessionStrong(t.db, again.sid, t.clock.now());
      advance(t, 15 * 60_000);
      assert.equal((await again.agent.get(`/groups/${blabar}/today`)).status, 200);
      advance(t, 15 * 60_000);
      await poll(again.agent);
      assert.equal(await strongNow(again.sid), true, 'the page view at 15 minutes refreshed it');
    });
  });

  it('a new login (a password) starts weak, whatever the session was', async () => {
    const { agent, sid } = await signInWithSession(t.app, 'vardnadshavare');
    await markSessionStrong(t.db, sid, t.clock.now());
    assert.equal((await agent.get(`/children/${elsa}/portfolio`)).status, 200);
    const again = await signInWithSession(t.app, 'vardnadshavare');
    assert.equal((await again.agent.get(`/children/${elsa}/portfolio`)).status, 303);
  });
});
