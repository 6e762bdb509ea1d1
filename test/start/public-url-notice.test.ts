// The municipality admin's start page says when a request reached Vardag by another address than PUBLIC_URL: what was
// seen, what PUBLIC_URL is and what to set. A real database (the demo's people written into it, so that there are
// accounts to sign in with); the supertest requests come to 127.0.0.1, which PUBLIC_URL is not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../server/app.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { today } from '../../server/kernel/clock.ts';
import { CHEAP_HASHING, demoPasswordHash, signIn, startTestApp, type TestApp } from '../support/app.ts';

const PUBLIC_URL = 'https://vardag.example.se';

describe("the admin's start page on a real database", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ demo: false, env: { PUBLIC_URL } });
    const passwordHash = await demoPasswordHash();
    await t.db.transaction().execute((trx) => seedDemo(trx, { passwordHash, now: t.clock.now(), today: today(t.clock), careTimes: false }));
  });
  after(() => t.close());

  it('warns of the first request that PUBLIC_URL did not match, with what was seen and what to set', async () => {
    const admin = await signIn(t.app, 'admin');
    const page = (await admin.get('/').expect(200)).text;
    assert.match(page, /<h2 id="public-url-note">Länkar i mejl kan leda fel<\/h2>/);
    // (Each address between the isolate marks U+2068 and U+2069, so that right-to-left text keeps it whole.)
    assert.match(page, /Vardag nåddes på \u2068http:\/\/127\.0\.0\.1(:\d+)?\u2069 \([^)]*\d{2}:\d{2}[^)]*\), men PUBLIC_URL är \u2068https:\/\/vardag\.example\.se\u2069\./);
    assert.match(page, /sätta PUBLIC_URL till adressen som vårdnadshavare och personal når Vardag på, med https/);
    assert.match(page, /TRUST_PROXY=loopback/);
    assert.doesNotMatch(page, /kom via en proxy/, 'no proxy headers came');
  });

  it('is for the admins alone', async () => {
    for (const username of ['vardnadshavare', 'rektor', 'pedagog']) {
      const page = (await (await signIn(t.app, username)).get('/').expect(200)).text;
      assert.doesNotMatch(page, /public-url-note|PUBLIC_URL/, `${username} sees no warning`);
    }
  });

  it('is in the admin\'s language', async () => {
    const admin = await signIn(t.app, 'admin');
    const start = await admin.get('/');
    const csrf = start.text.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
    await admin.post('/language').type('form').send({ _csrf: csrf, language: 'en', next: '/' }).expect(303);
    const page = (await admin.get('/').expect(200)).text;
    assert.match(page, /Links in e-mails may lead the wrong way/);
    assert.match(page, /but PUBLIC_URL is \u2068https:\/\/vardag\.example\.se\u2069\./);
    await admin.post('/language').type('form').send({ _csrf: csrf, language: 'sv', next: '/' }).expect(303);
  });

  it('speaks of the new PUBLIC_URL once it is changed (the note was of the old one)', async () => {
    // The test's requests come to 127.0.0.1 on a port of their own: the new PUBLIC_URL does not match them either.
    const config = { ...t.config, publicUrl: 'https://vardag.kommun.se' };
    const restarted = createApp({ db: t.db, clock: t.clock, config, demo: false, sessionSecret: 'test-secret', dummyHash: 'x', hashing: CHEAP_HASHING });
    try {
      const page = (await (await signIn(restarted.app, 'admin')).get('/').expect(200)).text;
      assert.doesNotMatch(page, /PUBLIC_URL är \u2068https:\/\/vardag\.example\.se/);
      assert.match(page, /PUBLIC_URL är \u2068https:\/\/vardag\.kommun\.se\u2069\./);
    } finally {
      restarted.close();
    }
  });
});

describe("the admin's start page on a demo database", () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ env: { PUBLIC_URL } }); });
  after(() => t.close());

  it('never warns (a demo runs anywhere)', async () => {
    const page = (await (await signIn(t.app, 'admin')).get('/').expect(200)).text;
    assert.doesNotMatch(page, /public-url-note/);
  });
});
