// The login page remembers the last language of the browser: a language chosen on any page, or the language of the
// account that logged in, comes back on the login page after logout or in a new session. The cookie holds a language
// code and nothing personal.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';

describe('the language of the login page', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  /** The `lang` cookie a response sets, as its Set-Cookie line. */
  const langCookie = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('lang='));

  it('remembers a language chosen before logging in, in a new session', async () => {
    const browser = request.agent(t.app);
    const chose = await postForm(browser, '/login', '/language', { language: 'ar', next: '/login' });
    assert.equal(chose.status, 303);
    const cookie = langCookie(chose);
    assert.ok(cookie, 'a lang cookie');
    assert.match(cookie, /^lang=ar;/, 'the language code and nothing else');
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /HttpOnly/i);
    const days = Number(/Max-Age=(\d+)/i.exec(cookie)?.[1]) / 86_400;
    assert.ok(days >= 180, `long-lived: ${days} days`);

    // The session is gone (a new day, another tab after the session expired): only the lang cookie is sent.
    const later = await request(t.app).get('/login').set('Cookie', 'lang=ar');
    assert.match(later.text, /<html lang="ar" dir="rtl"/);
  });

  it("remembers the account's language at login, and the login page speaks it after logout", async () => {
    await t.db.updateTable('accounts').set({ language: 'en' }).where('username', '=', 'pedagog2').execute();
    try {
      const browser = await signIn(t.app, 'pedagog2');
      const start = await browser.get('/');
      assert.match(start.text, /<html lang="en"/);
      const out = await postForm(browser, '/', '/logout');
      assert.equal(out.status, 303);
      const login = await browser.get('/login');
      assert.match(login.text, /<html lang="en"/, 'the login page after logout, in English');
      assert.match(login.text, /<option value="en" lang="en" selected>/);
    } finally {
      await t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'pedagog2').execute();
    }
  });

  it('follows a language changed while signed in', async () => {
    const browser = await signIn(t.app, 'pedagog3');
    try {
      const chose = await postForm(browser, '/', '/language', { language: 'fa', next: '/' });
      assert.match(langCookie(chose) ?? '', /^lang=fa;/);
      await postForm(browser, '/', '/logout');
      assert.match((await browser.get('/login')).text, /<html lang="fa" dir="rtl"/);
    } finally {
      await t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'pedagog3').execute();
    }
  });

  it('speaks Swedish without a cookie, and ignores a cookie that names no language', async () => {
    assert.match((await request(t.app).get('/login')).text, /<html lang="sv"/);
    const odd = await request(t.app).get('/login').set('Cookie', 'lang=<script>');
    assert.equal(odd.status, 200);
    assert.match(odd.text, /<html lang="sv"/);
  });
});
